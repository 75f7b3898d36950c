"""Unit tests of the account preflight's checks on answers moto cannot give.

botocore's Stubber stands in for AWS here, and only for what moto lacks or answers differently (docs/
account-preflight.md): DescribeCacheEngineVersions (not in moto), DescribeSSLPolicies with an unknown name (AWS
answers SSLPolicyNotFound, moto an empty list), a refused read (AccessDenied), a key pending deletion. The rest is
tested against a moto server in tests/integration/test_account_preflight.py.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.lms.moodle.plugins.module_utils import account_checks
from ansible_collections.lms.moodle.plugins.module_utils.account import Account, bucket_name_problem, shown


class Stubbed:
    """Clients whose answers are queued per service."""

    def __init__(self):
        self.stubbers = {}

    def client(self, service, region):
        client = boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
        self.stubbers[service] = Stubber(client)
        self.stubbers[service].activate()
        return client


@pytest.fixture
def stubbed(monkeypatch):
    return Stubbed()


def account_with(stubbed, service, answers):
    account = Account(stubbed.client, "eu-west-1")
    account.client(service)
    for operation, response, kind in answers:
        if kind == "error":
            stubbed.stubbers[service].add_client_error(operation, service_error_code=response, http_status_code=400)
        else:
            stubbed.stubbers[service].add_response(operation, response)
    return account


def cache_check(version, engine="valkey"):
    return {"check": "cache_engine_version", "variable": "cache_engine_versions", "value": version, "engine": engine}


VALKEY = {"CacheEngineVersions": [{"Engine": "valkey", "EngineVersion": v} for v in ("7.2.6", "8.0.1", "8.1.0")]}


@pytest.mark.parametrize("version", ["8.0", "8.0.1", "7.2"])
def test_a_cache_engine_version_elasticache_offers_passes(stubbed, version):
    account = account_with(stubbed, "elasticache", [("describe_cache_engine_versions", VALKEY, "ok")])
    account_checks.cache_engine_version(account, cache_check(version))
    assert account.findings == []


@pytest.mark.parametrize("version", ["9.0", "8.2", "7.22"])
def test_a_cache_engine_version_elasticache_lacks_is_refused_with_the_versions_it_has(stubbed, version):
    account = account_with(stubbed, "elasticache", [("describe_cache_engine_versions", VALKEY, "ok")])
    account_checks.cache_engine_version(account, cache_check(version))
    [finding] = account.findings
    assert finding["message"].startswith("cache_engine_versions gives valkey version")
    assert "7.2.6, 8.0.1, 8.1.0" in finding["message"]


def test_an_unknown_tls_policy_is_refused_as_aws_answers_it(stubbed):
    account = account_with(
        stubbed,
        "elbv2",
        [
            ("describe_ssl_policies", "SSLPolicyNotFound", "error"),
            ("describe_ssl_policies", {"SslPolicies": [{"Name": "ELBSecurityPolicy-TLS13-1-2-2021-06"}]}, "ok"),
        ],
    )
    account_checks.ssl_policy(account, {"variable": "load_balancer_ssl_policy", "value": "ELBSecurityPolicy-X"})
    [finding] = account.findings
    assert "load_balancer_ssl_policy 'ELBSecurityPolicy-X' is not an ELB security policy" in finding["message"]
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in finding["message"]


def test_a_refused_read_leaves_the_value_unconfirmed_not_failed(stubbed):
    account = account_with(stubbed, "elasticache", [("describe_cache_engine_versions", "AccessDenied", "error")])
    account_checks.apply(account, cache_check("8.0"))
    assert account.findings == []
    [item] = account.unconfirmed
    assert item["variable"] == "cache_engine_versions" and "not permitted" in item["reason"]


def test_a_key_pending_deletion_is_refused(stubbed):
    key = {"KeyMetadata": {"KeyId": "k", "KeyState": "PendingDeletion"}}
    account = account_with(stubbed, "kms", [("describe_key", key, "ok")])
    account_checks.kms_key(account, {"variable": "database_kms_key_id", "value": "alias/moodle"})
    [finding] = account.findings
    assert "PendingDeletion" in finding["message"] and finding["variable"] == "database_kms_key_id"


@pytest.mark.parametrize(
    "name",
    ["prod-moodle-artifacts-123456789012", "a" * 63, "abc", "my.bucket-1"],
)
def test_valid_bucket_names(name):
    assert bucket_name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Prod-moodle",
        "-prod",
        "prod-",
        "my..bucket",
        "my.-bucket",
        "192.168.1.10",
        "xn--prod",
        "prod-s3alias",
        "under_score",
    ],
)
def test_bucket_names_s3_refuses(name):
    assert bucket_name_problem(name)


def test_shown_sorts_naturally_and_cuts_long_lists():
    assert shown(["11.10", "11.9", "12.1"]) == "11.9, 11.10, 12.1"
    assert shown([]) == "none"
    assert shown([str(n) for n in range(20)]).endswith("(and 8 more)")


def image_check(value="ami-0123456789abcdef0", architecture="arm64"):
    return {"check": "image", "variable": "web_fleet_ami_id", "value": value, "architecture": architecture}


def images(*found):
    return {"Images": [{"ImageId": "ami-0123456789abcdef0", "State": s, "Architecture": a} for s, a in found]}


def test_an_ami_for_the_instance_types_architecture_passes(stubbed):
    account = account_with(stubbed, "ec2", [("describe_images", images(("available", "arm64")), "ok")])
    account_checks.image(account, image_check())
    assert account.findings == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(("InvalidAMIID.NotFound", "error"), "is not an AMI this account can launch in eu-west-1",
                     id="gone"),
        pytest.param(("InvalidAMIID.Malformed", "error"), "is not an AMI", id="malformed"),
        pytest.param((images(), "ok"), "is not an AMI", id="not-shared-with-the-account"),
        pytest.param((images(("deregistered", "arm64")), "ok"), "is deregistered", id="deregistered"),
        pytest.param((images(("available", "x86_64")), "ok"), "is an x86_64 image, but the instance type runs arm64",
                     id="other-architecture"),
    ],
)  # fmt: skip
def test_an_ami_an_instance_cannot_start_from_is_refused(stubbed, answer, expected):
    account = account_with(stubbed, "ec2", [("describe_images", *answer)])
    account_checks.image(account, image_check())
    [finding] = account.findings
    assert finding["variable"] == "web_fleet_ami_id" and expected in finding["message"], finding


def test_no_ami_given_asks_nothing(stubbed):
    account = Account(stubbed.client, "eu-west-1")
    account_checks.image(account, image_check(value=""))
    assert account.findings == [] and account.calls == []


def option(instance_class, version="16.4"):
    return {"DBInstanceClass": instance_class, "EngineVersion": version}


def database_check(instance_class="db.r6g.large", version=""):
    return {
        "check": "database",
        "variable": "database_instance_class",
        "value": instance_class,
        "engine": "aurora-postgresql",
        "version": version,
        "version_variable": "database_engine_version",
    }


def test_an_orderable_class_is_confirmed_by_the_first_page_that_has_it(stubbed):
    """moto ignores the class filter and answers every class, 100 a page: the pages after the first match are not
    read (the Stubber fails on a call with no answer queued, and on answers left unread)."""
    pages = [
        {"OrderableDBInstanceOptions": [option("db.t3.medium")] * 3, "Marker": "2"},
        {"OrderableDBInstanceOptions": [option("db.t3.medium"), option("db.r6g.large")], "Marker": "3"},
    ]
    account = account_with(stubbed, "rds", [("describe_orderable_db_instance_options", page, "ok") for page in pages])
    account_checks.database(account, database_check())
    assert account.findings == []
    stubbed.stubbers["rds"].assert_no_pending_responses()


def test_a_class_offered_only_with_other_versions_is_refused_on_the_version(stubbed):
    offered = {"OrderableDBInstanceOptions": [option("db.r6g.large", "15.4"), option("db.r6g.large", "16.2")]}
    with_version = {"OrderableDBInstanceOptions": [option("db.r7g.large", "16.9")]}
    account = account_with(
        stubbed,
        "rds",
        [
            ("describe_orderable_db_instance_options", offered, "ok"),  # class and version: no match
            ("describe_orderable_db_instance_options", offered, "ok"),  # the class, every version
            ("describe_orderable_db_instance_options", with_version, "ok"),  # the version, every class
        ],
    )
    account_checks.database(account, database_check(version="16.9"))
    [finding] = account.findings
    assert finding["variable"] == "database_engine_version"
    assert "versions offered with db.r6g.large: 15.4, 16.2" in finding["message"]
    assert "classes offered with 16.9: db.r7g.large" in finding["message"]
