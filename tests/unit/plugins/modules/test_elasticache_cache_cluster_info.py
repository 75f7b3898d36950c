"""Unit tests of elasticache_cache_cluster_info with botocore Stubber (no network)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_cache_cluster_info

from .helpers import run_module


def cluster(name, status="available"):
    return {
        "CacheClusterId": name,
        "CacheClusterStatus": status,
        "Engine": "memcached",
        "NumCacheNodes": 1,
        "CacheNodes": [{"CacheNodeId": "0001", "Endpoint": {"Address": f"{name}.0001", "Port": 11211}}],
        "ARN": f"arn:aws:elasticache:us-east-1:1:cluster:{name}",
    }


@pytest.fixture
def ec(stub_aws):
    return stub_aws("elasticache")


run = functools.partial(run_module, elasticache_cache_cluster_info)


def test_lists_clusters_outside_replication_groups(ec, capsys):
    ec.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [cluster("a"), cluster("b", "deleting")]},
        {"ShowCacheNodeInfo": True, "ShowCacheClustersNotInReplicationGroups": True},
    )
    ec.add_response(
        "list_tags_for_resource", {"TagList": [{"Key": "A", "Value": "1"}]}, {"ResourceName": cluster("a")["ARN"]}
    )

    result = run(capsys)

    a, b = result["cache_clusters"]
    assert result["changed"] is False
    assert a["endpoints"] == ["a.0001:11211"]
    assert a["tags"] == {"A": "1"}
    assert b["status"] == "deleting"


def test_one_cluster_without_node_info(ec, capsys):
    bare = {key: value for key, value in cluster("a").items() if key != "CacheNodes"}
    ec.add_response(
        "describe_cache_clusters", {"CacheClusters": [bare]}, {"CacheClusterId": "a", "ShowCacheNodeInfo": False}
    )
    ec.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": bare["ARN"]})

    result = run(capsys, cache_cluster_id="a", show_cache_node_info=False)

    assert result["cache_clusters"][0]["cache_nodes"] == []
    assert result["cache_clusters"][0]["endpoints"] == []


def test_missing_cluster_is_an_empty_list(ec, capsys):
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "nope", 404)

    assert run(capsys, cache_cluster_id="x")["cache_clusters"] == []


def test_api_error(ec, capsys):
    ec.add_client_error("describe_cache_clusters", "AccessDenied", "denied", 403)

    result = run(capsys)

    assert result["failed"] is True
    assert "Failed to describe cache clusters" in result["msg"]
