"""Unit tests of the pure functions in module_utils/elasticache.py (validation, comparison, results)."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import elasticache as ec

from ..elasticache_samples import replication_group as group

TOKEN = "Sup3r-s3cret-t0ken-value"


def rg_params(**overrides):
    params = {
        "state": "present",
        "replication_group_id": "moodle-cache",
        "description": "Managed by lms.moodle",
        "engine": "valkey",
        "engine_version": None,
        "cache_node_type": "cache.t4g.small",
        "num_cache_clusters": 2,
        "automatic_failover": None,
        "multi_az": None,
        "transit_encryption": True,
        "at_rest_encryption": True,
        "kms_key_id": None,
        "auth_token": None,
        "cache_subnet_group_name": None,
        "security_group_ids": None,
        "port": 6379,
        "parameter_group_name": None,
        "snapshot_retention_limit": None,
        "snapshot_window": None,
        "preferred_maintenance_window": None,
    }
    params.update(overrides)
    return params


def cc_params(**overrides):
    params = {
        "state": "present",
        "cache_cluster_id": "moodle-sessions",
        "cache_node_type": "cache.t4g.small",
        "num_cache_nodes": 2,
        "engine_version": None,
        "az_mode": None,
        "preferred_availability_zones": None,
        "cache_subnet_group_name": None,
        "security_group_ids": None,
        "port": 11211,
        "parameter_group_name": None,
        "preferred_maintenance_window": None,
        "transit_encryption": False,
    }
    params.update(overrides)
    return params


def rg_errors(**overrides):
    params = rg_params(**overrides)
    return ec.replication_group_errors(params, ec.wanted_replication_group(params))


def cc_errors(**overrides):
    params = cc_params(**overrides)
    return ec.cache_cluster_errors(params, ec.wanted_cache_cluster(params))


@pytest.mark.parametrize("value", ["a", "moodle-cache-1", "m" * 40, "a1-b2-c3"])
def test_valid_identifiers(value):
    assert ec.identifier_error("replication_group_id", value) is None


@pytest.mark.parametrize("value", ["", "Moodle", "1cache", "-cache", "cache-", "cache--one", "cache_one", "m" * 41])
def test_invalid_identifiers_name_the_option(value):
    message = ec.identifier_error("cache_cluster_id", value)

    assert message.startswith("cache_cluster_id must be 1 to 40")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("short", "16 to 128 characters"),
        ("x" * 129, "16 to 128 characters"),
        ("with a space inside it", "printable ASCII"),
        ("non-ascii-é-characters", "printable ASCII"),
        ("has@at-sign-inside!", "must not contain"),
        ('has"quote-inside!!!', "must not contain"),
        ("has/slash-inside!!!", "must not contain"),
    ],
)
def test_invalid_auth_tokens_are_explained_without_the_token(token, message):
    error = ec.auth_token_error(token)

    assert message in error
    assert token not in error


def test_valid_auth_token():
    assert ec.auth_token_error(TOKEN) is None
    assert ec.auth_token_error("!&#$^<>-" * 2) is None


def test_defaults_follow_the_node_count():
    two = ec.wanted_replication_group(rg_params())
    one = ec.wanted_replication_group(rg_params(num_cache_clusters=1))
    failover_only = ec.wanted_replication_group(rg_params(multi_az=False))

    assert (two["automatic_failover"], two["multi_az"]) == (True, True)
    assert (one["automatic_failover"], one["multi_az"]) == (False, False)
    assert (failover_only["automatic_failover"], failover_only["multi_az"]) == (True, False)


def test_valid_replication_group_has_no_errors():
    assert rg_errors(auth_token=TOKEN, kms_key_id="alias/cache", snapshot_retention_limit=35) == []
    assert rg_errors(num_cache_clusters=1) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"replication_group_id": "Moodle_Cache"}, "replication_group_id must be"),
        ({"num_cache_clusters": 0}, "num_cache_clusters must be between 1 and 6"),
        ({"num_cache_clusters": 7}, "num_cache_clusters must be between 1 and 6"),
        ({"num_cache_clusters": 1, "automatic_failover": True}, "automatic_failover=true needs num_cache_clusters"),
        ({"automatic_failover": False, "multi_az": True}, "multi_az=true requires automatic_failover=true"),
        ({"snapshot_retention_limit": 36}, "snapshot_retention_limit must be between 0 and 35"),
        ({"snapshot_retention_limit": -1}, "snapshot_retention_limit must be between 0 and 35"),
        ({"auth_token": TOKEN, "transit_encryption": False}, "auth_token requires transit_encryption=true"),
        ({"auth_token": "tooshort"}, "auth_token must be 16 to 128"),
        ({"kms_key_id": "alias/x", "at_rest_encryption": False}, "kms_key_id requires at_rest_encryption=true"),
    ],
)
def test_replication_group_errors(overrides, message):
    errors = rg_errors(**overrides)

    assert any(message in error for error in errors), errors


def test_absent_only_checks_the_identifier():
    assert rg_errors(state="absent", num_cache_clusters=0, cache_node_type=None) == []
    assert rg_errors(state="absent", replication_group_id="Bad") != []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cache_cluster_id": "sessions--1"}, "cache_cluster_id must be"),
        ({"num_cache_nodes": 0}, "num_cache_nodes must be at least 1"),
        ({"num_cache_nodes": 1, "az_mode": "cross-az"}, "az_mode=cross-az needs num_cache_nodes >= 2"),
        ({"preferred_availability_zones": ["us-east-1a"]}, "preferred_availability_zones must list one zone per node"),
    ],
)
def test_cache_cluster_errors(overrides, message):
    errors = cc_errors(**overrides)

    assert any(message in error for error in errors), errors


def test_cache_cluster_az_mode_default():
    assert ec.wanted_cache_cluster(cc_params())["az_mode"] == "cross-az"
    assert ec.wanted_cache_cluster(cc_params(num_cache_nodes=1))["az_mode"] == "single-az"
    assert cc_errors(num_cache_nodes=1) == []


@pytest.mark.parametrize(
    ("current", "wanted", "same"),
    [
        ("7.1.0", "7.1", True),
        ("7.1.0", "7.1.0", True),
        ("7.10.0", "7.1", False),
        ("6.2.6", "6.x", True),
        ("7.0.7", "6.x", False),
        ("8.0.1", "7.2", False),
    ],
)
def test_version_matches(current, wanted, same):
    assert ec.version_matches(current, wanted) is same


@pytest.mark.parametrize(
    ("option", "current", "wanted", "same"),
    [
        ("security_group_ids", ["sg-2", "sg-1"], ["sg-1", "sg-2"], True),
        ("security_group_ids", ["sg-1"], ["sg-1", "sg-2"], False),
        ("preferred_maintenance_window", "sun:05:00-sun:06:00", "Sun:05:00-Sun:06:00", True),
        ("snapshot_window", "03:00-04:00", "04:00-05:00", False),
        ("description", None, "anything", True),
        ("description", "anything", None, True),
        ("port", 6379, 6380, False),
    ],
)
def test_same_value(option, current, wanted, same):
    assert ec.same_value(option, current, wanted) is same


MEMBER = {
    "CacheClusterId": "moodle-cache-001",
    "Engine": "valkey",
    "EngineVersion": "8.0.1",
    "CacheSubnetGroupName": "moodle-cache",
    "SecurityGroups": [{"SecurityGroupId": "sg-2", "Status": "active"}, {"SecurityGroupId": "sg-1"}],
    "CacheParameterGroup": {"CacheParameterGroupName": "default.valkey8"},
    "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
}


def test_replication_group_settings_combine_group_and_member():
    settings = ec.replication_group_settings(group(), MEMBER)

    assert settings["num_cache_clusters"] == 2
    assert settings["automatic_failover"] is True
    assert settings["security_group_ids"] == ["sg-1", "sg-2"]
    assert settings["parameter_group_name"] == "default.valkey8"
    assert settings["port"] == 6379
    assert settings["engine_version"] == "8.0.1"


def test_replication_group_settings_without_member_are_unknown():
    settings = ec.replication_group_settings(group(AutomaticFailover="disabling", MultiAZ=None), None)

    assert settings["automatic_failover"] is False
    assert settings["multi_az"] is None
    assert settings["security_group_ids"] is None
    assert settings["cache_subnet_group_name"] is None


def test_pending_modifications_count_as_done():
    member = {**MEMBER, "PendingModifiedValues": {"CacheNodeType": "cache.m7g.large", "EngineVersion": "8.1.0"}}

    settings = ec.replication_group_settings(group(), member)

    assert settings["cache_node_type"] == "cache.m7g.large"
    assert settings["engine_version"] == "8.1.0"


def test_changed_settings_and_immutable_message():
    current = ec.replication_group_settings(group(), MEMBER)
    wanted = {**current, "num_cache_clusters": 3, "engine": "redis", "description": "d", "port": None}

    differences = ec.changed_settings(current, wanted, ec.REPLICATION_GROUP_IMMUTABLE)
    message = ec.immutable_message("replication group", "moodle-cache", current, differences)

    assert differences == {"engine": "redis", "num_cache_clusters": 3}
    assert "engine (current: valkey, wanted: redis)" in message
    assert "num_cache_clusters (current: 2, wanted: 3)" in message
    assert "Changing the replica count (num_cache_clusters) is not supported" in message


def test_normalize_replication_group_never_has_the_token_and_names_endpoints():
    result = ec.normalize_replication_group(group(AuthToken=TOKEN), MEMBER, {"Environment": "prod"})

    assert TOKEN not in repr(result)
    assert result["primary_endpoint"] == {"address": "master.moodle-cache.example", "port": 6379}
    assert result["reader_endpoint"] == {"address": "replica.moodle-cache.example", "port": 6379}
    assert result["configuration_endpoint"] is None
    assert result["transit_encryption_enabled"] is True
    assert "transit_encryption" not in result
    assert result["tags"] == {"Environment": "prod"}
    assert ec.normalize_replication_group(None) == {}


def test_predicted_replication_group():
    wanted = ec.wanted_replication_group(rg_params(security_group_ids=["sg-2", "sg-1"]))

    predicted = ec.predicted_replication_group("moodle-cache", wanted, True, {"A": "1"})

    assert predicted["status"] == "creating"
    assert predicted["automatic_failover"] == "enabled"
    assert predicted["multi_az"] == "enabled"
    assert predicted["security_group_ids"] == ["sg-1", "sg-2"]
    assert predicted["auth_token_enabled"] is True
    assert predicted["at_rest_encryption_enabled"] is True
    assert predicted["tags"] == {"A": "1"}


def test_modify_replication_group_params_send_the_token_only_with_a_strategy():
    changes = {"description": "x", "automatic_failover": False}

    without = ec.modify_replication_group_params(changes, True, TOKEN, None)
    with_strategy = ec.modify_replication_group_params({}, False, TOKEN, "SET")

    assert without == {"ReplicationGroupDescription": "x", "AutomaticFailoverEnabled": False, "ApplyImmediately": True}
    assert with_strategy == {"ApplyImmediately": False, "AuthToken": TOKEN, "AuthTokenUpdateStrategy": "SET"}


def test_create_params_leave_out_unset_options():
    wanted = ec.wanted_cache_cluster(cc_params())

    params = ec.create_params(wanted, ec.CACHE_CLUSTER_PARAMS)

    assert params == {
        "CacheNodeType": "cache.t4g.small",
        "NumCacheNodes": 2,
        "AZMode": "cross-az",
        "Port": 11211,
        "TransitEncryptionEnabled": False,
    }


def node(node_id, address=None):
    value = {"CacheNodeId": node_id, "CacheNodeStatus": "available", "CustomerAvailabilityZone": "us-east-1a"}
    if address:
        value["Endpoint"] = {"Address": address, "Port": 11211}
    return value


def test_cache_cluster_endpoints_prefer_the_configuration_endpoint():
    cluster = {
        "CacheClusterId": "moodle-sessions",
        "ConfigurationEndpoint": {"Address": "cfg.example", "Port": 11211},
        "CacheNodes": [node("0001", "n1.example")],
        "PreferredAvailabilityZone": "Multiple",
    }

    result = ec.normalize_cache_cluster(cluster)

    assert result["endpoints"] == ["cfg.example:11211"]
    assert result["node_endpoints"] == ["n1.example:11211"]
    assert result["cache_nodes"][0]["endpoint"] == {"address": "n1.example", "port": 11211}
    assert result["az_mode"] == "cross-az"
    assert result["port"] == 11211


def test_cache_cluster_endpoints_fall_back_to_the_nodes_and_tolerate_nothing():
    with_nodes = {"CacheClusterId": "c", "CacheNodes": [node("0001", "n1.example"), node("0002", "n2.example")]}
    bare = {"CacheClusterId": "c", "CacheClusterStatus": "available"}

    assert ec.normalize_cache_cluster(with_nodes)["endpoints"] == ["n1.example:11211", "n2.example:11211"]
    assert ec.normalize_cache_cluster(bare)["endpoints"] == []
    assert ec.normalize_cache_cluster(bare)["configuration_endpoint"] is None
    assert ec.normalize_cache_cluster(bare)["port"] is None


def test_modify_cache_cluster_params_grow_and_shrink():
    cluster = {"CacheClusterId": "c", "NumCacheNodes": 3, "CacheNodes": [node("0002"), node("0003"), node("0001")]}

    grow = ec.modify_cache_cluster_params(cluster, {"num_cache_nodes": 4}, "cross-az", True)
    shrink = ec.modify_cache_cluster_params(cluster, {"num_cache_nodes": 1}, "cross-az", True)
    other = ec.modify_cache_cluster_params(cluster, {"cache_node_type": "cache.m7g.large"}, "cross-az", False)

    assert grow == {"NumCacheNodes": 4, "AZMode": "cross-az", "ApplyImmediately": True}
    assert shrink == {"NumCacheNodes": 1, "CacheNodeIdsToRemove": ["0002", "0003"], "ApplyImmediately": True}
    assert other == {"CacheNodeType": "cache.m7g.large", "ApplyImmediately": False}


def test_shrinking_without_a_node_list_is_an_error():
    with pytest.raises(ec.AnsibleElastiCacheError, match="did not list its cache nodes"):
        ec.modify_cache_cluster_params({"CacheClusterId": "c", "NumCacheNodes": 3}, {"num_cache_nodes": 2}, "x", True)


def test_tags_after():
    current = {"A": "1", "B": "2", "aws:cloudformation:stack": "s"}

    assert ec.tags_after(current, {"A": "9"}, True) == {"A": "9", "aws:cloudformation:stack": "s"}
    assert ec.tags_after(current, {"C": 3}, False) == {**current, "C": "3"}
    assert ec.tags_after(current, None, True) == current


def test_predicted_cache_cluster():
    wanted = ec.wanted_cache_cluster(cc_params(preferred_availability_zones=["us-east-1a", "us-east-1b"]))

    predicted = ec.predicted_cache_cluster("moodle-sessions", wanted, None)

    assert predicted["status"] == "creating"
    assert predicted["engine"] == "memcached"
    assert predicted["az_mode"] == "cross-az"
    assert predicted["transit_encryption_enabled"] is False
    assert predicted["endpoints"] == []
    assert "preferred_availability_zones" not in predicted


class FakeWaiter:
    def __init__(self, calls, name):
        self.calls, self.name = calls, name

    def wait(self, **kwargs):
        self.calls.append((self.name, kwargs))


class FakeClient:
    def __init__(self):
        self.calls = []

    def get_waiter(self, name):
        return FakeWaiter(self.calls, name)


@pytest.mark.parametrize(("timeout", "attempts"), [(1800, 121), (20, 2), (0, 1)])
def test_wait_for_polls_for_the_whole_timeout(timeout, attempts):
    client = FakeClient()

    ec.wait_for(client, "replication group", "moodle-cache", "deleted", timeout)

    assert client.calls == [
        (
            "replication_group_deleted",
            {"ReplicationGroupId": "moodle-cache", "WaiterConfig": {"Delay": 15, "MaxAttempts": attempts}},
        )
    ]
