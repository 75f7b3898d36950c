"""Unit tests of elasticache_replication_group_info with botocore Stubber (no network)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_replication_group_info

from .helpers import run_module


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
def ec(stub_aws):
    return stub_aws("elasticache")


run = functools.partial(run_module, elasticache_replication_group_info)


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
