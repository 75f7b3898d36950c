"""Unit tests of elasticache_replication_group_info with botocore Stubber (no network)."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from botocore.stub import Stubber

from ansible_collections.lms.moodle.plugins.modules import elasticache_replication_group_info


def group(name, status="available"):
    return {
        "ReplicationGroupId": name,
        "Status": status,
        "MemberClusters": [f"{name}-001"],
        "NodeGroups": [{"NodeGroupId": "0001", "PrimaryEndpoint": {"Address": f"master.{name}", "Port": 6379}}],
        "AutomaticFailover": "disabled",
        "AuthTokenEnabled": True,
        "ARN": f"arn:aws:elasticache:us-east-1:1:replicationgroup:{name}",
    }


@pytest.fixture
def ec(monkeypatch):
    client = boto3.client("elasticache", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, *args, **kwargs: client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def run(capsys, **args):
    args.setdefault("region", "us-east-1")
    with patch_module_args(args), pytest.raises(SystemExit):
        elasticache_replication_group_info.main()
    return json.loads(capsys.readouterr().out)


def test_lists_all_groups_with_member_settings_and_tags(ec, capsys):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("a"), group("b", "deleting")]}, {})
    ec.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [{"CacheClusterId": "a-001", "CacheSubnetGroupName": "net", "EngineVersion": "7.1.0"}]},
        {"CacheClusterId": "a-001", "ShowCacheNodeInfo": False},
    )
    ec.add_response(
        "list_tags_for_resource",
        {"TagList": [{"Key": "Environment", "Value": "prod"}]},
        {"ResourceName": group("a")["ARN"]},
    )

    result = run(capsys)

    a, b = result["replication_groups"]
    assert result["changed"] is False
    assert a["replication_group_id"] == "a"
    assert a["cache_subnet_group_name"] == "net"
    assert a["engine_version"] == "7.1.0"
    assert a["primary_endpoint"] == {"address": "master.a", "port": 6379}
    assert a["tags"] == {"Environment": "prod"}
    assert b["status"] == "deleting"
    assert b["tags"] == {}


def test_missing_group_is_an_empty_list(ec, capsys):
    ec.add_client_error(
        "describe_replication_groups", "ReplicationGroupNotFoundFault", "nope", 404, {"ReplicationGroupId": "x"}
    )

    assert run(capsys, replication_group_id="x")["replication_groups"] == []


def test_api_error(ec, capsys):
    ec.add_client_error("describe_replication_groups", "AccessDenied", "denied", 403)

    result = run(capsys)

    assert result["failed"] is True
    assert "Failed to describe replication groups" in result["msg"]
