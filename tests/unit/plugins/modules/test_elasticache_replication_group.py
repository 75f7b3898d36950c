"""Unit tests of elasticache_replication_group with botocore Stubber (no network).

moto covers the happy path (see the report of the module's author); these tests pin down check mode, diff,
every modification, the immutable settings, the AUTH token handling, deletion, waits and the error paths.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_replication_group

from ..elasticache_samples import REPLICATION_GROUP_ARN as ARN
from ..elasticache_samples import REPLICATION_GROUP_ID as RG
from ..elasticache_samples import replication_group as group
from .helpers import module_args, module_output, module_result, tag_list

TOKEN = "Sup3r-s3cret-t0ken-value"
NEW_TOKEN = "An0ther-s3cret-t0ken-value"
DESCRIBE = {"ReplicationGroupId": RG}
MEMBER_QUERY = {"CacheClusterId": f"{RG}-001", "ShowCacheNodeInfo": False}
TAGS_QUERY = {"ResourceName": ARN}
# What no_log puts in place of a leaked secret: the whole value, or a value inside a longer string.
MASKS = ("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "********")


def member(**overrides):
    value = {
        "CacheClusterId": f"{RG}-001",
        "Engine": "valkey",
        "EngineVersion": "8.0.1",
        "CacheClusterStatus": "available",
        "CacheSubnetGroupName": "moodle-cache",
        "SecurityGroups": [{"SecurityGroupId": "sg-1", "Status": "active"}],
        "CacheParameterGroup": {"CacheParameterGroupName": "default.valkey8"},
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    }
    value.update(overrides)
    return value


def present(**overrides):
    args = {
        "replication_group_id": RG,
        "description": "Moodle cache",
        "engine_version": "8.0",
        "cache_node_type": "cache.t4g.small",
        "cache_subnet_group_name": "moodle-cache",
        "security_group_ids": ["sg-1"],
        "parameter_group_name": "default.valkey8",
        "snapshot_retention_limit": 1,
        "snapshot_window": "03:00-04:00",
        "preferred_maintenance_window": "sun:05:00-sun:06:00",
        "auth_token": TOKEN,
        "tags": {"Environment": "prod"},
    }
    return module_args(args, overrides)


@pytest.fixture
def ec(stub_aws):
    return stub_aws("elasticache")


def run(capsys, **args):
    out, rc = module_output(elasticache_replication_group, capsys, **args)
    assert TOKEN not in out
    assert NEW_TOKEN not in out
    result = module_result(out, rc)
    # no_log would mask a leaked token; the results themselves must not carry it at all.
    for key in ("replication_group", "diff", "msg"):
        assert not any(mask in json.dumps(result.get(key)) for mask in MASKS)
    return result


def expect_missing(ec):
    ec.add_client_error("describe_replication_groups", "ReplicationGroupNotFoundFault", "not found", 404, DESCRIBE)


def expect_read(ec, current=None, current_member=None, tags=None, with_tags=True):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [current or group()]}, DESCRIBE)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [current_member or member()]}, MEMBER_QUERY)
    if with_tags:
        ec.add_response("list_tags_for_resource", {"TagList": tag_list(tags or {"Environment": "prod"})}, TAGS_QUERY)


def expect_wait(ec, status="available"):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group(status)]}, DESCRIBE)


CREATE_PARAMS = {
    "ReplicationGroupId": RG,
    "ReplicationGroupDescription": "Moodle cache",
    "Engine": "valkey",
    "EngineVersion": "8.0",
    "CacheNodeType": "cache.t4g.small",
    "NumCacheClusters": 2,
    "AutomaticFailoverEnabled": True,
    "MultiAZEnabled": True,
    "TransitEncryptionEnabled": True,
    "AtRestEncryptionEnabled": True,
    "CacheSubnetGroupName": "moodle-cache",
    "SecurityGroupIds": ["sg-1"],
    "Port": 6379,
    "CacheParameterGroupName": "default.valkey8",
    "SnapshotRetentionLimit": 1,
    "SnapshotWindow": "03:00-04:00",
    "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
    "AuthToken": TOKEN,
    "Tags": [{"Key": "Environment", "Value": "prod"}],
}


def test_creates_with_tls_auth_failover_and_multi_az(ec, capsys):
    expect_missing(ec)
    ec.add_response("create_replication_group", {"ReplicationGroup": group("creating")}, CREATE_PARAMS)
    expect_wait(ec, "creating")
    expect_wait(ec)
    expect_read(ec, with_tags=False)

    result = run(capsys, **present())

    assert result["changed"] is True
    rg = result["replication_group"]
    assert rg["status"] == "available"
    assert rg["primary_endpoint"] == {"address": f"master.{RG}.example", "port": 6379}
    assert rg["reader_endpoint"] == {"address": f"replica.{RG}.example", "port": 6379}
    assert rg["auth_token_enabled"] is True
    assert rg["tags"] == {"Environment": "prod"}
    assert result["diff"] == {"before": {}, "after": rg}


def test_create_without_wait_returns_the_creating_group(ec, capsys):
    expect_missing(ec)
    params = {**CREATE_PARAMS, "NumCacheClusters": 1, "AutomaticFailoverEnabled": False, "MultiAZEnabled": False}
    ec.add_response("create_replication_group", {"ReplicationGroup": group("creating")}, params)
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("creating")]}, DESCRIBE)
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "not yet", 404, MEMBER_QUERY)

    result = run(capsys, wait=False, num_cache_clusters=1, **present())

    assert result["changed"] is True
    assert result["replication_group"]["status"] == "creating"
    assert result["replication_group"]["security_group_ids"] is None


def test_check_mode_predicts_creation(ec, capsys):
    expect_missing(ec)

    result = run(capsys, _ansible_check_mode=True, **present())

    rg = result["replication_group"]
    assert result["changed"] is True
    assert rg["status"] == "creating"
    assert rg["num_cache_clusters"] == 2
    assert rg["automatic_failover"] == "enabled"
    assert rg["multi_az"] == "enabled"
    assert rg["auth_token_enabled"] is True
    assert rg["transit_encryption_enabled"] is True
    assert rg["tags"] == {"Environment": "prod"}
    assert result["diff"]["before"] == {}


def test_unchanged_when_everything_matches(ec, capsys):
    expect_read(ec)

    result = run(capsys, **present())

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["replication_group"]["engine_version"] == "8.0.1"


def test_unknown_member_settings_are_not_compared(ec, capsys):
    """moto has no member cache clusters: what only they carry cannot differ."""
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group()]}, DESCRIBE)
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "moto", 404, MEMBER_QUERY)
    ec.add_response("list_tags_for_resource", {"TagList": [{"Key": "Environment", "Value": "prod"}]}, TAGS_QUERY)

    result = run(capsys, **present(security_group_ids=["sg-9"], cache_subnet_group_name="other"))

    assert result["changed"] is False


def test_check_mode_predicts_changes_of_an_existing_group(ec, capsys):
    expect_read(ec)

    result = run(
        capsys, _ansible_check_mode=True, **present(cache_node_type="cache.m7g.large", tags={"Environment": "qa"})
    )

    assert result["changed"] is True
    assert result["diff"]["before"]["cache_node_type"] == "cache.t4g.small"
    assert result["diff"]["after"]["cache_node_type"] == "cache.m7g.large"
    assert result["diff"]["after"]["tags"] == {"Environment": "qa"}
    assert result["replication_group"] == result["diff"]["after"]


SG2 = [{"SecurityGroupId": "sg-1", "Status": "active"}, {"SecurityGroupId": "sg-2", "Status": "active"}]


@pytest.mark.parametrize(
    "case",
    [
        (
            {"description": "New"},
            {},
            {"ReplicationGroupDescription": "New"},
            {"Description": "New"},
            "description",
            "New",
        ),
        (
            {"cache_node_type": "cache.m7g.large"},
            {},
            {"CacheNodeType": "cache.m7g.large"},
            {"CacheNodeType": "cache.m7g.large"},
            "cache_node_type",
            "cache.m7g.large",
        ),
        (
            {},
            {"AutomaticFailover": "disabled", "MultiAZ": "disabled"},
            {"AutomaticFailoverEnabled": True, "MultiAZEnabled": True},
            {"AutomaticFailover": "enabled", "MultiAZ": "enabled"},
            "multi_az",
            "enabled",
        ),
        (
            {"automatic_failover": False},
            {},
            {"AutomaticFailoverEnabled": False, "MultiAZEnabled": False},
            {"AutomaticFailover": "disabled", "MultiAZ": "disabled"},
            "automatic_failover",
            "disabled",
        ),
        (
            {"snapshot_retention_limit": 7, "snapshot_window": "01:00-02:00"},
            {},
            {"SnapshotRetentionLimit": 7, "SnapshotWindow": "01:00-02:00"},
            {"SnapshotRetentionLimit": 7, "SnapshotWindow": "01:00-02:00"},
            "snapshot_window",
            "01:00-02:00",
        ),
    ],
)
def test_modifies_each_mutable_group_setting(ec, capsys, case):
    args, current, modify, changed, key, value = case
    expect_read(ec, group(**current))
    ec.add_response(
        "modify_replication_group",
        {"ReplicationGroup": group("modifying")},
        {"ReplicationGroupId": RG, "ApplyImmediately": True, **modify},
    )
    expect_wait(ec)
    expect_read(ec, group(**{**current, **changed}), with_tags=False)

    result = run(capsys, **present(**args))

    assert result["changed"] is True
    assert result["diff"]["before"][key] != value
    assert result["diff"]["after"][key] == value
    assert result["replication_group"] == result["diff"]["after"]


@pytest.mark.parametrize(
    "case",
    [
        (
            {"security_group_ids": ["sg-2", "sg-1"]},
            {"SecurityGroupIds": ["sg-2", "sg-1"]},
            {"SecurityGroups": SG2},
            "security_group_ids",
            ["sg-1", "sg-2"],
        ),
        (
            {"parameter_group_name": "moodle-valkey8"},
            {"CacheParameterGroupName": "moodle-valkey8"},
            {"CacheParameterGroup": {"CacheParameterGroupName": "moodle-valkey8"}},
            "parameter_group_name",
            "moodle-valkey8",
        ),
        (
            {"preferred_maintenance_window": "mon:01:00-mon:02:00"},
            {"PreferredMaintenanceWindow": "mon:01:00-mon:02:00"},
            {"PreferredMaintenanceWindow": "mon:01:00-mon:02:00"},
            "preferred_maintenance_window",
            "mon:01:00-mon:02:00",
        ),
        (
            {"engine_version": "8.1"},
            {"EngineVersion": "8.1"},
            {"EngineVersion": "8.1.0"},
            "engine_version",
            "8.1.0",
        ),
    ],
)
def test_modifies_each_mutable_member_setting(ec, capsys, case):
    args, modify, changed, key, value = case
    expect_read(ec)
    ec.add_response(
        "modify_replication_group",
        {"ReplicationGroup": group("modifying")},
        {"ReplicationGroupId": RG, "ApplyImmediately": True, **modify},
    )
    expect_wait(ec)
    expect_read(ec, group(), member(**changed), with_tags=False)

    result = run(capsys, **present(**args))

    assert result["changed"] is True
    assert result["diff"]["before"][key] != value
    assert result["diff"]["after"][key] == value


def test_apply_immediately_false_and_no_wait(ec, capsys):
    expect_read(ec)
    ec.add_response(
        "modify_replication_group",
        {"ReplicationGroup": group("available")},
        {"ReplicationGroupId": RG, "ApplyImmediately": False, "CacheNodeType": "cache.m7g.large"},
    )
    expect_read(ec, group(), member(PendingModifiedValues={"CacheNodeType": "cache.m7g.large"}), with_tags=False)

    result = run(capsys, apply_immediately=False, wait=False, **present(cache_node_type="cache.m7g.large"))

    assert result["changed"] is True
    assert result["replication_group"]["cache_node_type"] == "cache.m7g.large"


def test_tags_are_updated_without_modifying_the_group(ec, capsys):
    expect_read(ec, tags={"Environment": "prod", "Old": "x"})
    ec.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": ARN, "TagKeys": ["Old"]})
    ec.add_response(
        "add_tags_to_resource",
        {"TagList": []},
        {"ResourceName": ARN, "Tags": [{"Key": "Team", "Value": "lms"}]},
    )
    expect_read(ec, with_tags=False)

    result = run(capsys, **present(tags={"Environment": "prod", "Team": "lms"}))

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Environment": "prod", "Old": "x"}
    assert result["replication_group"]["tags"] == {"Environment": "prod", "Team": "lms"}


def test_tags_not_managed_when_omitted(ec, capsys):
    expect_read(ec, tags={"Environment": "prod", "Old": "x"})

    result = run(capsys, **present(tags=None))

    assert result["changed"] is False


@pytest.mark.parametrize(
    ("args", "current", "option"),
    [
        ({"engine": "redis"}, group(), "engine (current: valkey, wanted: redis)"),
        ({"transit_encryption": False, "auth_token": None}, group(), "transit_encryption (current: True"),
        ({"at_rest_encryption": False}, group(), "at_rest_encryption (current: True"),
        ({"port": 6380}, group(), "port (current: 6379, wanted: 6380)"),
        ({"cache_subnet_group_name": "other"}, group(), "cache_subnet_group_name (current: moodle-cache"),
        ({"num_cache_clusters": 3}, group(), "Changing the replica count (num_cache_clusters) is not supported"),
    ],
)
def test_immutable_differences_fail_naming_the_option(ec, capsys, args, current, option):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [current]}, DESCRIBE)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [member()]}, MEMBER_QUERY)

    result = run(capsys, **present(**args))

    assert result["failed"] is True
    assert option in result["msg"]


def test_auth_token_is_not_sent_without_a_strategy(ec, capsys):
    expect_read(ec)

    result = run(capsys, **present(auth_token=NEW_TOKEN))

    assert result["changed"] is False


@pytest.mark.parametrize("strategy", ["ROTATE", "SET"])
def test_auth_token_update_with_a_strategy(ec, capsys, strategy):
    expect_read(ec)
    ec.add_response(
        "modify_replication_group",
        {"ReplicationGroup": group("modifying")},
        {
            "ReplicationGroupId": RG,
            "ApplyImmediately": True,
            "AuthToken": NEW_TOKEN,
            "AuthTokenUpdateStrategy": strategy,
        },
    )
    expect_wait(ec)
    expect_read(ec, with_tags=False)

    result = run(capsys, **present(auth_token=NEW_TOKEN, auth_token_update_strategy=strategy))

    assert result["changed"] is True
    assert result["replication_group"]["auth_token_enabled"] is True


def test_auth_token_update_in_check_mode(ec, capsys):
    expect_read(ec, group(AuthTokenEnabled=False))

    result = run(capsys, _ansible_check_mode=True, **present(auth_token_update_strategy="ROTATE"))

    assert result["changed"] is True
    assert result["diff"]["before"]["auth_token_enabled"] is False
    assert result["diff"]["after"]["auth_token_enabled"] is True


def test_auth_token_on_a_group_without_auth_needs_a_strategy(ec, capsys):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group(AuthTokenEnabled=False)]}, DESCRIBE)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [member()]}, MEMBER_QUERY)

    result = run(capsys, **present())

    assert result["failed"] is True
    assert "auth_token_update_strategy=ROTATE" in result["msg"]


def test_busy_group_is_waited_for_before_it_is_compared(ec, capsys):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("modifying")]}, DESCRIBE)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [member()]}, MEMBER_QUERY)
    expect_wait(ec)
    expect_read(ec)

    result = run(capsys, **present())

    assert result["changed"] is False
    assert result["replication_group"]["status"] == "available"


def test_group_being_deleted_cannot_be_made_present(ec, capsys):
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("deleting")]}, DESCRIBE)
    ec.add_response("describe_cache_clusters", {"CacheClusters": [member()]}, MEMBER_QUERY)

    result = run(capsys, **present())

    assert result["failed"] is True
    assert "is being deleted" in result["msg"]


def test_wait_timeout_is_reported(ec, capsys):
    expect_missing(ec)
    ec.add_response("create_replication_group", {"ReplicationGroup": group("creating")}, None)
    expect_wait(ec, "creating")
    expect_wait(ec, "creating")

    result = run(capsys, wait_timeout=1, **present())

    assert result["failed"] is True
    assert f"Timeout trying to wait for replication group {RG} to be available" in result["msg"]


def absent(**overrides):
    return {"state": "absent", "replication_group_id": RG, **overrides}


def test_delete_without_final_snapshot(ec, capsys):
    expect_read(ec)
    ec.add_response("delete_replication_group", {"ReplicationGroup": group("deleting")}, DESCRIBE)
    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("deleting")]}, DESCRIBE)
    ec.add_client_error("describe_replication_groups", "ReplicationGroupNotFoundFault", "gone", 404, DESCRIBE)

    result = run(capsys, **absent())

    assert result["changed"] is True
    assert result["replication_group"] == {}
    assert result["diff"]["before"]["replication_group_id"] == RG


def test_delete_with_final_snapshot_without_wait(ec, capsys):
    expect_read(ec)
    ec.add_response(
        "delete_replication_group",
        {"ReplicationGroup": group("deleting")},
        {"ReplicationGroupId": RG, "FinalSnapshotIdentifier": f"{RG}-final"},
    )

    result = run(capsys, wait=False, **absent(final_snapshot_identifier=f"{RG}-final"))

    assert result["changed"] is True


def test_delete_in_check_mode_only_reads(ec, capsys):
    expect_read(ec)

    result = run(capsys, _ansible_check_mode=True, **absent())

    assert result["changed"] is True
    assert result["diff"]["after"] == {}


OURS = {"ManagedBy": "lms.moodle", "Environment": "prod"}


def test_delete_when_the_group_carries_the_owner_tags(ec, capsys):
    expect_read(ec, tags={**OURS, "Name": RG})
    ec.add_response("delete_replication_group", {"ReplicationGroup": group("deleting")}, DESCRIBE)

    result = run(capsys, wait=False, **absent(owned_by=OURS))

    assert result["changed"] is True


@pytest.mark.parametrize(
    ("tags", "carries"),
    [
        ({"Name": RG}, "no Environment, no ManagedBy"),
        ({"ManagedBy": "lms.moodle", "Environment": "staging"}, "Environment='staging'"),
    ],
    ids=["made-by-hand", "another-environment"],
)
def test_a_group_without_the_owner_tags_is_left_alone_with_a_warning(ec, capsys, tags, carries):
    expect_read(ec, tags=tags)  # and no delete call: the stubber fails on an unexpected one

    result = run(capsys, **absent(owned_by=OURS))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"] != {}
    assert f"replication group {RG} left alone: it carries {carries}" in str(result["warnings"]), result["warnings"]


def test_absent_when_missing_or_already_deleting(ec, capsys):
    expect_missing(ec)
    assert run(capsys, **absent())["changed"] is False

    ec.add_response("describe_replication_groups", {"ReplicationGroups": [group("deleting")]}, DESCRIBE)
    ec.add_client_error("describe_cache_clusters", "CacheClusterNotFound", "gone", 404, MEMBER_QUERY)
    ec.add_client_error("describe_replication_groups", "ReplicationGroupNotFoundFault", "gone", 404, DESCRIBE)
    result = run(capsys, **absent())
    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("describe_replication_groups", "Failed to describe replication groups"),
        ("create_replication_group", f"Failed to create replication group {RG}"),
    ],
)
def test_api_errors_name_the_action(ec, capsys, operation, message):
    if operation != "describe_replication_groups":
        expect_missing(ec)
    ec.add_client_error(operation, "InvalidParameterCombination", "nope", 400)

    result = run(capsys, **present())

    assert result["failed"] is True
    assert message in result["msg"]
    assert "nope" in result["msg"]


def test_modify_and_delete_errors_name_the_action(ec, capsys):
    expect_read(ec)
    ec.add_client_error("modify_replication_group", "InvalidReplicationGroupState", "busy", 400)
    result = run(capsys, **present(description="New"))
    assert f"Failed to modify replication group {RG}" in result["msg"]

    expect_read(ec)
    ec.add_client_error("delete_replication_group", "InvalidReplicationGroupState", "busy", 400)
    result = run(capsys, **absent())
    assert f"Failed to delete replication group {RG}" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (present(replication_group_id="Moodle_Cache"), "replication_group_id must be"),
        (present(replication_group_id="m" * 41), "replication_group_id must be"),
        (present(num_cache_clusters=1, automatic_failover=True), "automatic_failover=true needs num_cache_clusters"),
        (present(automatic_failover=False, multi_az=True), "multi_az=true requires automatic_failover=true"),
        (present(num_cache_clusters=7), "num_cache_clusters must be between 1 and 6"),
        (present(transit_encryption=False), "auth_token requires transit_encryption=true"),
        (present(auth_token="too-short"), "auth_token must be 16 to 128"),
        (present(auth_token=TOKEN + "@x"), 'auth_token must not contain @, " or /'),
        (present(kms_key_id="alias/x", at_rest_encryption=False), "kms_key_id requires at_rest_encryption=true"),
        (present(snapshot_retention_limit=40), "snapshot_retention_limit must be between 0 and 35"),
        (present(cache_node_type=None), "state is present but all of the following are missing: cache_node_type"),
        (present(auth_token=None, auth_token_update_strategy="SET"), "required by 'auth_token_update_strategy'"),
        (present(engine="memcached"), "engine"),
    ],
)
def test_invalid_arguments_fail_before_any_call(ec, capsys, args, message):
    result = run(capsys, **args)

    assert result["failed"] is True
    assert message in result["msg"]
