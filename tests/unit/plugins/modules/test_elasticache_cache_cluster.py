"""Unit tests of elasticache_cache_cluster (Memcached) with botocore Stubber (no network).

They pin down the endpoints without a configuration endpoint (what moto returns), check mode, diff, every
modification, the immutable settings, deletion, waits and the error paths.
"""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_cache_cluster

from .helpers import module_args, run_module, tag_list

CC = "moodle-sessions"
ARN = f"arn:aws:elasticache:us-east-1:123456789012:cluster:{CC}"
DESCRIBE = {"CacheClusterId": CC, "ShowCacheNodeInfo": True}
WAITER = {"CacheClusterId": CC}
TAGS_QUERY = {"ResourceName": ARN}


def node(node_id, zone="us-east-1a"):
    return {
        "CacheNodeId": node_id,
        "CacheNodeStatus": "available",
        "CustomerAvailabilityZone": zone,
        "Endpoint": {"Address": f"{CC}.{node_id}.example", "Port": 11211},
    }


def cluster(status="available", nodes=2, configuration_endpoint=True, **overrides):
    value = {
        "CacheClusterId": CC,
        "CacheClusterStatus": status,
        "Engine": "memcached",
        "EngineVersion": "1.6.22",
        "CacheNodeType": "cache.t4g.small",
        "NumCacheNodes": nodes,
        "PreferredAvailabilityZone": "Multiple",
        "CacheSubnetGroupName": "moodle-cache",
        "SecurityGroups": [{"SecurityGroupId": "sg-1", "Status": "active"}],
        "CacheParameterGroup": {"CacheParameterGroupName": "default.memcached1.6"},
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
        "TransitEncryptionEnabled": False,
        "CacheNodes": [node(f"{index:04d}", f"us-east-1{'ab'[index % 2]}") for index in range(1, nodes + 1)],
        "ARN": ARN,
    }
    if configuration_endpoint:
        value["ConfigurationEndpoint"] = {"Address": f"{CC}.cfg.example", "Port": 11211}
    value.update(overrides)
    return value


def present(**overrides):
    args = {
        "cache_cluster_id": CC,
        "cache_node_type": "cache.t4g.small",
        "engine_version": "1.6.22",
        "cache_subnet_group_name": "moodle-cache",
        "security_group_ids": ["sg-1"],
        "parameter_group_name": "default.memcached1.6",
        "preferred_maintenance_window": "sun:05:00-sun:06:00",
        "tags": {"Environment": "prod"},
    }
    return module_args(args, overrides)


@pytest.fixture
def ec(stub_aws):
    return stub_aws("elasticache")


run = functools.partial(run_module, elasticache_cache_cluster)


def expect_missing(ec):
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "not found", 404, DESCRIBE)


def expect_read(ec, current=None, tags=None, with_tags=True):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [current or cluster()]}, DESCRIBE)
    if with_tags:
        ec.add_response("list_tags_for_resource", {"TagList": tag_list(tags or {"Environment": "prod"})}, TAGS_QUERY)


def expect_wait(ec, status="available"):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster(status)]}, WAITER)


CREATE_PARAMS = {
    "CacheClusterId": CC,
    "Engine": "memcached",
    "CacheNodeType": "cache.t4g.small",
    "NumCacheNodes": 2,
    "EngineVersion": "1.6.22",
    "AZMode": "cross-az",
    "CacheSubnetGroupName": "moodle-cache",
    "SecurityGroupIds": ["sg-1"],
    "Port": 11211,
    "CacheParameterGroupName": "default.memcached1.6",
    "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    "TransitEncryptionEnabled": False,
    "Tags": [{"Key": "Environment", "Value": "prod"}],
}


def test_creates_a_cross_az_memcached_cluster(ec, capsys):
    expect_missing(ec)
    ec.add_response("create_cache_cluster", {"CacheCluster": cluster("creating")}, CREATE_PARAMS)
    expect_wait(ec, "creating")
    expect_wait(ec)
    expect_read(ec, with_tags=False)

    result = run(capsys, **present())

    cc = result["cache_cluster"]
    assert result["changed"] is True
    assert cc["endpoints"] == [f"{CC}.cfg.example:11211"]
    assert result["endpoints"] == cc["endpoints"]
    assert cc["node_endpoints"] == [f"{CC}.0001.example:11211", f"{CC}.0002.example:11211"]
    assert cc["configuration_endpoint"] == {"address": f"{CC}.cfg.example", "port": 11211}
    assert [n["cache_node_id"] for n in cc["cache_nodes"]] == ["0001", "0002"]
    assert cc["tags"] == {"Environment": "prod"}
    assert result["diff"] == {"before": {}, "after": cc}


def test_create_with_zones_tls_and_without_wait(ec, capsys):
    expect_missing(ec)
    params = {
        **CREATE_PARAMS,
        "NumCacheNodes": 1,
        "AZMode": "single-az",
        "PreferredAvailabilityZones": ["us-east-1b"],
        "TransitEncryptionEnabled": True,
    }
    params.pop("Tags")
    ec.add_response("create_cache_cluster", {"CacheCluster": cluster("creating", nodes=0)}, params)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster("creating", 0, False)]}, DESCRIBE)

    result = run(
        capsys,
        wait=False,
        num_cache_nodes=1,
        preferred_availability_zones=["us-east-1b"],
        transit_encryption=True,
        **present(tags=None),
    )

    assert result["cache_cluster"]["status"] == "creating"
    assert result["cache_cluster"]["endpoints"] == []


def test_no_configuration_endpoint_and_no_nodes_is_not_an_error(ec, capsys):
    """What moto returns: neither ConfigurationEndpoint nor CacheNodes (community.aws.elasticache KeyErrors)."""
    bare = {key: value for key, value in cluster(configuration_endpoint=False).items() if key != "CacheNodes"}
    expect_read(ec, bare)

    result = run(capsys, **present())

    assert result["changed"] is False
    assert result["cache_cluster"]["configuration_endpoint"] is None
    assert result["cache_cluster"]["cache_nodes"] == []
    assert result["cache_cluster"]["endpoints"] == []
    assert result["cache_cluster"]["node_endpoints"] == []
    assert result["endpoints"] == []


def test_node_endpoints_when_there_is_no_configuration_endpoint(ec, capsys):
    expect_read(ec, cluster(configuration_endpoint=False))

    result = run(capsys, **present())

    assert result["cache_cluster"]["endpoints"] == [f"{CC}.0001.example:11211", f"{CC}.0002.example:11211"]


def test_check_mode_predicts_creation(ec, capsys):
    expect_missing(ec)

    result = run(capsys, _ansible_check_mode=True, **present())

    cc = result["cache_cluster"]
    assert result["changed"] is True
    assert cc["status"] == "creating"
    assert cc["engine"] == "memcached"
    assert cc["num_cache_nodes"] == 2
    assert cc["az_mode"] == "cross-az"
    assert cc["port"] == 11211
    assert cc["security_group_ids"] == ["sg-1"]


def test_unchanged_when_everything_matches(ec, capsys):
    expect_read(ec)

    result = run(capsys, **present())

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_check_mode_predicts_changes(ec, capsys):
    expect_read(ec)

    result = run(capsys, _ansible_check_mode=True, **present(num_cache_nodes=3, tags={"Environment": "qa"}))

    assert result["changed"] is True
    assert result["diff"]["before"]["num_cache_nodes"] == 2
    assert result["diff"]["after"]["num_cache_nodes"] == 3
    assert result["diff"]["after"]["tags"] == {"Environment": "qa"}


SG2 = [{"SecurityGroupId": "sg-1", "Status": "active"}, {"SecurityGroupId": "sg-2", "Status": "active"}]


@pytest.mark.parametrize(
    "case",
    [
        (
            {"cache_node_type": "cache.m7g.large"},
            cluster(),
            {"CacheNodeType": "cache.m7g.large"},
            {"CacheNodeType": "cache.m7g.large"},
            "cache_node_type",
            "cache.m7g.large",
        ),
        (
            {"engine_version": "1.6.27"},
            cluster(),
            {"EngineVersion": "1.6.27"},
            {"EngineVersion": "1.6.27"},
            "engine_version",
            "1.6.27",
        ),
        (
            {"security_group_ids": ["sg-2", "sg-1"]},
            cluster(),
            {"SecurityGroupIds": ["sg-2", "sg-1"]},
            {"SecurityGroups": SG2},
            "security_group_ids",
            ["sg-1", "sg-2"],
        ),
        (
            {"parameter_group_name": "moodle-mc"},
            cluster(),
            {"CacheParameterGroupName": "moodle-mc"},
            {"CacheParameterGroup": {"CacheParameterGroupName": "moodle-mc"}},
            "parameter_group_name",
            "moodle-mc",
        ),
        (
            {"preferred_maintenance_window": "mon:01:00-mon:02:00"},
            cluster(),
            {"PreferredMaintenanceWindow": "mon:01:00-mon:02:00"},
            {"PreferredMaintenanceWindow": "mon:01:00-mon:02:00"},
            "preferred_maintenance_window",
            "mon:01:00-mon:02:00",
        ),
        (
            {"num_cache_nodes": 4},
            cluster(),
            {"NumCacheNodes": 4, "AZMode": "cross-az"},
            {"NumCacheNodes": 4},
            "num_cache_nodes",
            4,
        ),
        (
            {"num_cache_nodes": 1},
            cluster(nodes=3),
            {"NumCacheNodes": 1, "CacheNodeIdsToRemove": ["0002", "0003"]},
            {"NumCacheNodes": 1},
            "num_cache_nodes",
            1,
        ),
    ],
)
def test_modifies_each_mutable_setting(ec, capsys, case):
    args, current, modify, changed, key, value = case
    expect_read(ec, current)
    ec.add_response(
        "modify_cache_cluster",
        {"CacheCluster": cluster("modifying")},
        {"CacheClusterId": CC, "ApplyImmediately": True, **modify},
    )
    expect_wait(ec)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [{**current, **changed}]}, DESCRIBE)

    result = run(capsys, **present(**args))

    assert result["changed"] is True
    assert result["diff"]["before"][key] != value
    assert result["diff"]["after"][key] == value
    assert result["cache_cluster"] == result["diff"]["after"]


def test_pending_changes_are_not_requested_again(ec, capsys):
    expect_read(ec, cluster(PendingModifiedValues={"NumCacheNodes": 3, "CacheNodeType": "cache.m7g.large"}))

    result = run(capsys, apply_immediately=False, **present(num_cache_nodes=3, cache_node_type="cache.m7g.large"))

    assert result["changed"] is False


def test_shrinking_without_a_node_list_fails_before_any_change(ec, capsys):
    bare = {key: value for key, value in cluster().items() if key != "CacheNodes"}
    expect_read(ec, bare)

    result = run(capsys, **present(num_cache_nodes=1))

    assert result["failed"] is True
    assert "did not list its cache nodes" in result["msg"]


def test_tags_are_updated_without_modifying_the_cluster(ec, capsys):
    expect_read(ec, tags={"Environment": "prod", "Old": "x"})
    ec.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": ARN, "TagKeys": ["Old"]})
    expect_read(ec, with_tags=False)

    result = run(capsys, **present())

    assert result["changed"] is True
    assert result["cache_cluster"]["tags"] == {"Environment": "prod"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"port": 11212}, "port (current: 11211, wanted: 11212)"),
        ({"cache_subnet_group_name": "other"}, "cache_subnet_group_name (current: moodle-cache, wanted: other)"),
        ({"transit_encryption": True}, "transit_encryption (current: False, wanted: True)"),
    ],
)
def test_immutable_differences_fail_naming_the_option(ec, capsys, args, message):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster()]}, DESCRIBE)

    result = run(capsys, **present(**args))

    assert result["failed"] is True
    assert message in result["msg"]


def test_a_redis_cluster_is_refused(ec, capsys):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster(Engine="redis")]}, DESCRIBE)

    result = run(capsys, state="absent", cache_cluster_id=CC)

    assert result["failed"] is True
    assert "Memcached clusters only" in result["msg"]


def test_cluster_being_deleted_cannot_be_made_present(ec, capsys):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster("deleting")]}, DESCRIBE)

    result = run(capsys, **present())

    assert "is being deleted" in result["msg"]


def test_busy_cluster_is_waited_for(ec, capsys):
    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster("modifying")]}, DESCRIBE)
    expect_wait(ec)
    expect_read(ec)

    result = run(capsys, **present())

    assert result["changed"] is False


def test_delete_and_wait(ec, capsys):
    expect_read(ec)
    ec.add_response("delete_cache_cluster", {"CacheCluster": cluster("deleting")}, {"CacheClusterId": CC})
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "gone", 404, WAITER)

    result = run(capsys, state="absent", cache_cluster_id=CC)

    assert result["changed"] is True
    assert result["cache_cluster"] == {}
    assert result["endpoints"] == []
    assert result["diff"]["before"]["cache_cluster_id"] == CC


def test_delete_in_check_mode_and_when_missing_or_deleting(ec, capsys):
    expect_read(ec)
    assert run(capsys, _ansible_check_mode=True, state="absent", cache_cluster_id=CC)["changed"] is True

    expect_missing(ec)
    assert run(capsys, state="absent", cache_cluster_id=CC)["changed"] is False

    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster("deleting")]}, DESCRIBE)
    assert run(capsys, state="absent", cache_cluster_id=CC, wait=False)["changed"] is False


def test_wait_timeout_is_reported(ec, capsys):
    expect_read(ec)
    ec.add_response("delete_cache_cluster", {"CacheCluster": cluster("deleting")}, {"CacheClusterId": CC})
    expect_wait(ec, "deleting")
    expect_wait(ec, "deleting")

    result = run(capsys, state="absent", cache_cluster_id=CC, wait_timeout=1)

    assert f"Timeout trying to wait for cache cluster {CC} to be deleted" in result["msg"]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("describe_cache_clusters", "Failed to describe cache clusters"),
        ("create_cache_cluster", f"Failed to create cache cluster {CC}"),
    ],
)
def test_api_errors_name_the_action(ec, capsys, operation, message):
    if operation != "describe_cache_clusters":
        expect_missing(ec)
    ec.add_client_error(operation, "InvalidParameterCombination", "nope", 400)

    result = run(capsys, **present())

    assert result["failed"] is True
    assert message in result["msg"]


def test_modify_and_tag_errors_name_the_action(ec, capsys):
    expect_read(ec)
    ec.add_client_error("modify_cache_cluster", "InvalidCacheClusterState", "busy", 400)
    assert f"Failed to modify cache cluster {CC}" in run(capsys, **present(num_cache_nodes=3))["msg"]

    ec.add_response("describe_cache_clusters", {"CacheClusters": [cluster()]}, DESCRIBE)
    ec.add_client_error("list_tags_for_resource", "InvalidARN", "bad arn", 400)
    assert f"Failed to list tags of {ARN}" in run(capsys, **present())["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (present(cache_cluster_id="Sessions"), "cache_cluster_id must be"),
        (present(num_cache_nodes=0), "num_cache_nodes must be at least 1"),
        (present(num_cache_nodes=1, az_mode="cross-az"), "az_mode=cross-az needs num_cache_nodes >= 2"),
        (present(preferred_availability_zones=["us-east-1a"]), "preferred_availability_zones must list one zone"),
        (present(cache_node_type=None), "state is present but all of the following are missing: cache_node_type"),
        (present(az_mode="multi"), "az_mode"),
    ],
)
def test_invalid_arguments_fail_before_any_call(ec, capsys, args, message):
    result = run(capsys, **args)

    assert result["failed"] is True
    assert message in result["msg"]
