"""Fixtures of the module unit tests: a botocore Stubber behind AnsibleAWSModule.client (no network), and
polling loops that do not sleep."""

from __future__ import annotations

import boto3
import pytest
from ansible.module_utils import _internal
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from botocore.stub import Stubber

from ansible_collections.lms.moodle.plugins.module_utils import elasticache_serverless
from ansible_collections.lms.moodle.plugins.module_utils._efs import api as efs_api
from ansible_collections.lms.moodle.plugins.module_utils._elasticache import api as elasticache_api

from ..moodle_fake import installed_site
from .helpers import REGION


@pytest.fixture(autouse=True)
def module_side_warnings(monkeypatch):
    """Modules run as on a target host: once a test has imported controller code (the filter plugins' tests
    do), ansible.module_utils would send module warnings to the controller's display instead of the result."""
    monkeypatch.setattr(_internal, "is_controller", False)


@pytest.fixture(autouse=True)
def no_poll_delay(monkeypatch):
    """The modules poll AWS (EFS loops, ElastiCache waiters) without waiting between two calls."""
    monkeypatch.setattr(efs_api, "POLL_INTERVAL", 0)
    monkeypatch.setattr(elasticache_api, "WAITER_DELAY", 0)
    monkeypatch.setattr(elasticache_serverless, "WAIT_DELAY", 0)


@pytest.fixture
def stub_aws(monkeypatch):
    """stub_aws(service): an active Stubber on a client of that service, the client every module then gets.

    The Stubber fails on any call that is not queued; at teardown every queued response must have been used.
    """
    stubbers = []

    def stub(service):
        client = boto3.client(service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
        stubber = Stubber(client)
        monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, *args, **kwargs: client)
        stubber.activate()
        stubbers.append(stubber)
        return stubber

    yield stub
    for stubber in stubbers:
        stubber.deactivate()
        stubber.assert_no_pending_responses()


@pytest.fixture
def moodle(tmp_path, monkeypatch):
    """(fake, args): an installed Moodle site of the fake runner, and the module arguments that point at it."""
    return installed_site(tmp_path, monkeypatch)
