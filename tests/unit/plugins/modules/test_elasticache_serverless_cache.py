"""Unit tests of elasticache_serverless_cache and elasticache_serverless_cache_info with botocore Stubber.

moto 5.2.5 does not implement CreateServerlessCache, DescribeServerlessCaches or any other ElastiCache
Serverless call, so these Stubber tests (no network) are the only tests of the modules: every request the
modules send is pinned down here with its exact parameters, and every check-mode, wait and failure branch
is exercised. The molecule scenarios cannot cover serverless caches.
"""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_serverless_cache

from .helpers import module_args, run_module, tag_list

NAME = "moodle-cache"
ARN = f"arn:aws:elasticache:us-east-1:123456789012:serverlesscache:{NAME}"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BY_NAME = {"ServerlessCacheName": NAME}
BY_ARN = {"ResourceName": ARN}
SUBNETS = ["subnet-a", "subnet-b"]


def cache(status="available", **overrides):
    found = {
        "ServerlessCacheName": NAME,
        "Description": "Moodle cache",
        "Status": status,
        "Engine": "valkey",
        "MajorEngineVersion": "8",
        "FullEngineVersion": "8.0",
        "CacheUsageLimits": {
            "DataStorage": {"Maximum": 10, "Unit": "GB"},
            "ECPUPerSecond": {"Maximum": 5000},
        },
        "SecurityGroupIds": ["sg-1"],
        "SubnetIds": list(SUBNETS),
        "SnapshotRetentionLimit": 7,
        "DailySnapshotTime": "03:00",
        "ARN": ARN,
    }
    if status == "available":
        found["Endpoint"] = {"Address": f"{NAME}-x.serverless.use1.cache.amazonaws.com", "Port": 6379}
        found["ReaderEndpoint"] = {"Address": f"{NAME}-x.serverless.use1.cache.amazonaws.com", "Port": 6380}
    found.update(overrides)
    return {key: value for key, value in found.items() if value is not None}


def present(**overrides):
    """Module arguments that match cache() exactly."""
    args = {
        "name": NAME,
        "description": "Moodle cache",
        "major_engine_version": "8",
        "subnet_ids": list(SUBNETS),
        "security_group_ids": ["sg-1"],
        "cache_usage_limits": {"data_storage_max_gb": 10, "ecpu_per_second_max": 5000},
        "snapshot_retention_limit": 7,
        "daily_snapshot_time": "03:00",
        "tags": {"Environment": "prod"},
    }
    return module_args(args, overrides)


@pytest.fixture
def aws(stub_aws):
    return stub_aws("elasticache")


def found(aws, *caches):
    aws.add_response("describe_serverless_caches", {"ServerlessCaches": list(caches)}, BY_NAME)


def missing(aws):
    aws.add_client_error(
        "describe_serverless_caches", "ServerlessCacheNotFoundFault", "not found", 404, expected_params=BY_NAME
    )


def tagged(aws, tags=None):
    tags = {"Environment": "prod"} if tags is None else tags
    aws.add_response("list_tags_for_resource", {"TagList": tag_list(tags)}, BY_ARN)


def read(aws, current, tags=None):
    found(aws, current)
    tagged(aws, tags)


def modified(aws, changes):
    aws.add_response(
        "modify_serverless_cache", {"ServerlessCache": cache("modifying")}, {"ServerlessCacheName": NAME, **changes}
    )


# --- create ----------------------------------------------------------------------------------------------


def test_creates_and_waits_until_available(aws, capsys):
    missing(aws)
    aws.add_response(
        "create_serverless_cache",
        {"ServerlessCache": cache("creating")},
        {
            "ServerlessCacheName": NAME,
            "Engine": "valkey",
            "Description": "Moodle cache",
            "MajorEngineVersion": "8",
            "SecurityGroupIds": ["sg-1"],
            "SubnetIds": SUBNETS,
            "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 5000}},
            "SnapshotRetentionLimit": 7,
            "DailySnapshotTime": "03:00",
            "Tags": [{"Key": "Environment", "Value": "prod"}],
        },
    )
    found(aws, cache("creating"))
    found(aws, cache("creating"))
    found(aws, cache())
    read(aws, cache())

    result = run_module(elasticache_serverless_cache, capsys, **present())

    assert result["changed"] is True
    created = result["serverless_cache"]
    assert created["status"] == "available"
    assert created["endpoint"] == {"address": f"{NAME}-x.serverless.use1.cache.amazonaws.com", "port": 6379}
    assert created["reader_endpoint"]["port"] == 6380
    assert created["tls"] is True
    assert created["arn"] == ARN
    assert created["tags"] == {"Environment": "prod"}
    assert created["cache_usage_limits"]["data_storage_max_gb"] == 10
    assert result["diff"] == {"before": {}, "after": created}


@pytest.mark.parametrize("engine", ["redis", "valkey", "memcached"])
def test_engine_is_sent_lower_case(aws, capsys, engine):
    missing(aws)
    aws.add_response(
        "create_serverless_cache",
        {"ServerlessCache": cache("creating", Engine=engine)},
        {"ServerlessCacheName": NAME, "Engine": engine},
    )
    read(aws, cache("creating", Engine=engine), tags={})

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, engine=engine, wait=False)

    assert result["changed"] is True
    assert result["serverless_cache"]["engine"] == engine
    assert result["serverless_cache"]["status"] == "creating"
    assert result["serverless_cache"]["endpoint"] == {}


def test_memcached_accepts_snapshot_settings_as_the_api_reference_documents(aws, capsys):
    missing(aws)
    aws.add_response(
        "create_serverless_cache",
        {"ServerlessCache": cache("creating", Engine="memcached")},
        {"ServerlessCacheName": NAME, "Engine": "memcached", "SnapshotRetentionLimit": 3, "DailySnapshotTime": "01:30"},
    )
    read(aws, cache("creating", Engine="memcached"), tags={})

    result = run_module(
        elasticache_serverless_cache,
        capsys,
        name=NAME,
        engine="memcached",
        snapshot_retention_limit=3,
        daily_snapshot_time="01:30",
        wait=False,
    )

    assert result["changed"] is True


def test_check_mode_predicts_creation_without_calling_create(aws, capsys):
    missing(aws)

    result = run_module(elasticache_serverless_cache, capsys, _ansible_check_mode=True, **present(kms_key_id=KMS))

    assert result["changed"] is True
    predicted = result["serverless_cache"]
    assert predicted["serverless_cache_name"] == NAME
    assert predicted["status"] == "creating"
    assert predicted["engine"] == "valkey"
    assert predicted["kms_key_id"] == KMS
    assert predicted["security_group_ids"] == ["sg-1"]
    assert predicted["tags"] == {"Environment": "prod"}
    assert predicted["tls"] is True
    assert predicted["arn"] is None
    assert result["diff"] == {"before": {}, "after": predicted}


# --- unchanged and check mode on an existing cache -------------------------------------------------------


def test_unchanged_when_everything_matches(aws, capsys):
    read(aws, cache(KmsKeyId=KMS))

    result = run_module(elasticache_serverless_cache, capsys, **present(kms_key_id=KMS.rsplit("/", maxsplit=1)[-1]))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"] == result["serverless_cache"]
    assert result["serverless_cache"]["kms_key_id"] == KMS


def test_unset_options_leave_an_existing_cache_alone(aws, capsys):
    read(aws, cache(UserGroupId="moodle-users"), tags={"Owner": "someone"})

    result = run_module(elasticache_serverless_cache, capsys, name=NAME)

    assert result["changed"] is False
    assert result["serverless_cache"]["user_group_id"] == "moodle-users"
    assert result["serverless_cache"]["tags"] == {"Owner": "someone"}


def test_check_mode_predicts_differences_without_mutating(aws, capsys):
    read(aws, cache())

    result = run_module(
        elasticache_serverless_cache,
        capsys,
        _ansible_check_mode=True,
        **present(security_group_ids=["sg-2", "sg-3"], tags={"Environment": "staging"}, description="New"),
    )

    assert result["changed"] is True
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["security_group_ids"] == ["sg-1"]
    assert after["security_group_ids"] == ["sg-2", "sg-3"]
    assert (before["description"], after["description"]) == ("Moodle cache", "New")
    assert (before["tags"], after["tags"]) == ({"Environment": "prod"}, {"Environment": "staging"})
    assert result["serverless_cache"] == after


# --- modify ----------------------------------------------------------------------------------------------


def test_modifies_security_groups_and_waits(aws, capsys):
    read(aws, cache())
    modified(aws, {"SecurityGroupIds": ["sg-2"]})
    found(aws, cache("modifying"))
    found(aws, cache())
    read(aws, cache(SecurityGroupIds=["sg-2"]))

    result = run_module(elasticache_serverless_cache, capsys, **present(security_group_ids=["sg-2"]))

    assert result["changed"] is True
    assert result["diff"]["before"]["security_group_ids"] == ["sg-1"]
    assert result["serverless_cache"]["security_group_ids"] == ["sg-2"]
    assert result["serverless_cache"]["status"] == "available"


def test_usage_limit_change_keeps_the_limits_that_are_not_given(aws, capsys):
    read(aws, cache())
    modified(
        aws,
        {
            "CacheUsageLimits": {
                "DataStorage": {"Maximum": 20, "Minimum": 2, "Unit": "GB"},
                "ECPUPerSecond": {"Maximum": 5000},
            }
        },
    )
    read(aws, cache("modifying"))

    result = run_module(
        elasticache_serverless_cache,
        capsys,
        wait=False,
        **present(cache_usage_limits={"data_storage_max_gb": 20, "data_storage_min_gb": 2}),
    )

    assert result["changed"] is True
    assert result["serverless_cache"]["status"] == "modifying"


def test_modifies_snapshot_settings_description_and_user_group(aws, capsys):
    read(aws, cache())
    modified(
        aws,
        {
            "Description": "Sessions",
            "SnapshotRetentionLimit": 14,
            "DailySnapshotTime": "22:45",
            "UserGroupId": "moodle-users",
        },
    )
    read(aws, cache("modifying"))

    result = run_module(
        elasticache_serverless_cache,
        capsys,
        wait=False,
        **present(
            description="Sessions",
            snapshot_retention_limit=14,
            daily_snapshot_time="22:45",
            user_group_id="moodle-users",
        ),
    )

    assert result["changed"] is True


def test_empty_user_group_id_removes_the_user_group(aws, capsys):
    read(aws, cache(UserGroupId="moodle-users"))
    modified(aws, {"RemoveUserGroup": True})
    read(aws, cache("modifying"))

    result = run_module(elasticache_serverless_cache, capsys, wait=False, **present(user_group_id=""))

    assert result["changed"] is True
    assert result["diff"]["before"]["user_group_id"] == "moodle-users"


def test_upgrades_the_major_engine_version(aws, capsys):
    read(aws, cache(MajorEngineVersion="7", FullEngineVersion="7.2"))
    modified(aws, {"Engine": "valkey", "MajorEngineVersion": "8"})
    found(aws, cache())
    read(aws, cache())

    result = run_module(elasticache_serverless_cache, capsys, **present(major_engine_version="8"))

    assert result["changed"] is True
    assert result["diff"]["before"]["major_engine_version"] == "7"
    assert result["serverless_cache"]["full_engine_version"] == "8.0"


def test_check_mode_predicts_upgrade_with_unknown_full_version(aws, capsys):
    read(aws, cache(MajorEngineVersion="7", FullEngineVersion="7.2"))

    result = run_module(elasticache_serverless_cache, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["serverless_cache"]["major_engine_version"] == "8"
    assert result["serverless_cache"]["full_engine_version"] is None


def test_downgrade_fails_clearly(aws, capsys):
    read(aws, cache())

    result = run_module(elasticache_serverless_cache, capsys, **present(major_engine_version="7"))

    assert result["failed"] is True
    assert "major_engine_version 7 is older" in result["msg"]
    assert "cannot downgrade" in result["msg"]


def test_waits_for_a_busy_cache_before_modifying_it(aws, capsys):
    read(aws, cache("modifying"))
    found(aws, cache("modifying"))
    found(aws, cache())
    modified(aws, {"SnapshotRetentionLimit": 1})
    found(aws, cache())
    read(aws, cache(SnapshotRetentionLimit=1))

    result = run_module(elasticache_serverless_cache, capsys, **present(snapshot_retention_limit=1))

    # The Stubber fails the test if ModifyServerlessCache comes before the cache is available again.
    assert result["changed"] is True
    assert result["serverless_cache"]["snapshot_retention_limit"] == 1


def test_does_not_wait_for_a_busy_cache_with_wait_false(aws, capsys):
    read(aws, cache("modifying"))
    aws.add_client_error(
        "modify_serverless_cache",
        "InvalidServerlessCacheStateFault",
        "cache is modifying",
        expected_params={"ServerlessCacheName": NAME, "SnapshotRetentionLimit": 1},
    )

    result = run_module(elasticache_serverless_cache, capsys, **present(snapshot_retention_limit=1, wait=False))

    assert result["failed"] is True
    assert f"Failed to modify serverless cache {NAME}" in result["msg"]
    assert "cache is modifying" in result["msg"]


def test_updates_tags_only(aws, capsys):
    read(aws, cache(), tags={"Environment": "prod", "Old": "x"})
    aws.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": ARN, "TagKeys": ["Old"]})
    aws.add_response(
        "add_tags_to_resource",
        {"TagList": []},
        {"ResourceName": ARN, "Tags": [{"Key": "Service", "Value": "moodle"}]},
    )
    read(aws, cache(), tags={"Environment": "prod", "Service": "moodle"})

    result = run_module(
        elasticache_serverless_cache, capsys, **present(tags={"Environment": "prod", "Service": "moodle"})
    )

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Environment": "prod", "Old": "x"}
    assert result["serverless_cache"]["tags"] == {"Environment": "prod", "Service": "moodle"}


def test_purge_tags_false_keeps_other_tags(aws, capsys):
    read(aws, cache(), tags={"Environment": "prod", "Owner": "ops"})

    result = run_module(elasticache_serverless_cache, capsys, **present(purge_tags=False))

    assert result["changed"] is False


@pytest.mark.parametrize(
    ("current", "args", "option"),
    [
        (cache(Engine="redis"), present(), "engine (the cache is redis, wanted valkey)"),
        (cache(), present(subnet_ids=["subnet-c"]), "subnet_ids"),
        (cache(KmsKeyId=KMS), present(kms_key_id="arn:aws:kms:us-east-1:1:key/other"), "kms_key_id"),
        (cache(), present(kms_key_id=KMS), "kms_key_id (the cache uses the AWS owned key)"),
    ],
)
def test_immutable_mismatch_fails_naming_the_option(aws, capsys, current, args, option):
    read(aws, current)

    result = run_module(elasticache_serverless_cache, capsys, **args)

    assert result["failed"] is True
    assert option in result["msg"]
    assert "delete and re-create" in result["msg"]


def test_immutable_mismatch_fails_in_check_mode_too(aws, capsys):
    read(aws, cache(Engine="redis"))

    result = run_module(elasticache_serverless_cache, capsys, _ansible_check_mode=True, **present())

    assert result["failed"] is True
    assert "engine" in result["msg"]


# --- delete ----------------------------------------------------------------------------------------------


def test_deletes_and_waits_until_gone(aws, capsys):
    read(aws, cache())
    aws.add_response("delete_serverless_cache", {"ServerlessCache": cache("deleting")}, BY_NAME)
    found(aws, cache("deleting"))
    missing(aws)

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, state="absent")

    assert result["changed"] is True
    assert result["serverless_cache"] == {}
    assert result["diff"]["before"]["serverless_cache_name"] == NAME
    assert result["diff"]["after"] == {}


def test_deletes_with_a_final_snapshot_without_waiting(aws, capsys):
    read(aws, cache())
    aws.add_response(
        "delete_serverless_cache",
        {"ServerlessCache": cache("deleting")},
        {"ServerlessCacheName": NAME, "FinalSnapshotName": "moodle-cache-final"},
    )

    result = run_module(
        elasticache_serverless_cache,
        capsys,
        name=NAME,
        state="absent",
        final_snapshot_name="moodle-cache-final",
        wait=False,
    )

    assert result["changed"] is True


def test_check_mode_delete_does_not_call_delete(aws, capsys):
    read(aws, cache())

    result = run_module(elasticache_serverless_cache, capsys, _ansible_check_mode=True, name=NAME, state="absent")

    assert result["changed"] is True
    assert result["diff"]["after"] == {}


def test_absent_when_missing_is_unchanged(aws, capsys):
    missing(aws)

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, state="absent")

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_while_already_deleting_only_waits(aws, capsys):
    read(aws, cache("deleting"))
    missing(aws)

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, state="absent")

    assert result["changed"] is False


# --- waiting and errors ----------------------------------------------------------------------------------


def test_wait_timeout_fails_clearly(aws, capsys):
    missing(aws)
    aws.add_response("create_serverless_cache", {"ServerlessCache": cache("creating")}, None)
    found(aws, cache("creating"))

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, wait_timeout=0)

    assert result["failed"] is True
    assert result["msg"] == (
        f"Timed out after 0 seconds waiting for serverless cache {NAME} to become available (last status: creating)"
    )


def test_delete_wait_timeout_fails_clearly(aws, capsys):
    read(aws, cache())
    aws.add_response("delete_serverless_cache", {"ServerlessCache": cache("deleting")}, BY_NAME)
    found(aws, cache("deleting"))

    result = run_module(elasticache_serverless_cache, capsys, name=NAME, state="absent", wait_timeout=0)

    assert result["failed"] is True
    assert "to be deleted (last status: deleting)" in result["msg"]


def test_create_failed_status_stops_the_wait(aws, capsys):
    missing(aws)
    aws.add_response("create_serverless_cache", {"ServerlessCache": cache("creating")}, None)
    found(aws, cache("create-failed"))

    result = run_module(elasticache_serverless_cache, capsys, name=NAME)

    assert result["failed"] is True
    assert f"Serverless cache {NAME} is create-failed" in result["msg"]


@pytest.mark.parametrize(
    ("stub", "args", "action"),
    [
        (lambda aws: None, present(), "describe serverless caches"),
        (missing, present(), f"create serverless cache {NAME}"),
        (lambda aws: read(aws, cache()), present(description="x"), f"modify serverless cache {NAME}"),
        (lambda aws: read(aws, cache()), {"name": NAME, "state": "absent"}, f"delete serverless cache {NAME}"),
        (lambda aws: found(aws, cache()), present(), f"list tags of serverless cache {ARN}"),
        (lambda aws: read(aws, cache(), tags={}), present(), f"tag serverless cache {ARN}"),
    ],
)
def test_api_errors_fail_naming_the_action(aws, capsys, stub, args, action):
    stub(aws)
    operation = {
        "describe serverless caches": "describe_serverless_caches",
        f"create serverless cache {NAME}": "create_serverless_cache",
        f"modify serverless cache {NAME}": "modify_serverless_cache",
        f"delete serverless cache {NAME}": "delete_serverless_cache",
        f"list tags of serverless cache {ARN}": "list_tags_for_resource",
        f"tag serverless cache {ARN}": "add_tags_to_resource",
    }[action]
    aws.add_client_error(operation, "InvalidParameterValue", "something is wrong")

    result = run_module(elasticache_serverless_cache, capsys, **args)

    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to {action}")
    assert "something is wrong" in result["msg"]


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (present(name="Moodle-cache"), "name 'Moodle-cache' is not a valid serverless cache name"),
        (present(name="1cache"), "is not a valid serverless cache name"),
        (present(name="moodle-"), "is not a valid serverless cache name"),
        (present(name="moodle--cache"), "is not a valid serverless cache name"),
        (present(name="moodle_cache"), "is not a valid serverless cache name"),
        (present(name="a" * 41), "at most 40"),
        ({"name": "Bad--Name", "state": "absent"}, "is not a valid serverless cache name"),
        (present(engine="Redis"), "engine"),
        (
            present(engine="memcached", user_group_id="moodle-users"),
            "user_group_id is not supported with engine=memcached",
        ),
        (present(daily_snapshot_time="3am"), "daily_snapshot_time '3am' must be a UTC time as HH:MM"),
        (present(daily_snapshot_time="24:00"), "daily_snapshot_time '24:00'"),
        (present(daily_snapshot_time="03:00-04:00"), "daily_snapshot_time '03:00-04:00'"),
        (present(snapshot_retention_limit=36), "snapshot_retention_limit must be between 0 and 35"),
        (present(snapshot_retention_limit=-1), "snapshot_retention_limit must be between 0 and 35"),
        (
            present(cache_usage_limits={"ecpu_per_second_min": 9000, "ecpu_per_second_max": 5000}),
            "cache_usage_limits.ecpu_per_second_min (9000) exceeds ecpu_per_second_max (5000)",
        ),
        (present(cache_usage_limits={"data_storage_max_gb": 0}), "data_storage_max_gb must be a positive number"),
        (present(cache_usage_limits={"data_storage_gb": 5}), "data_storage_gb"),
        (present(major_engine_version="latest"), "major_engine_version 'latest' must be a version number"),
        (present(description="x" * 256), "description is longer than 255 characters"),
    ],
)
def test_invalid_arguments_fail_before_any_call(aws, capsys, args, message):
    result = run_module(elasticache_serverless_cache, capsys, **args)

    assert result["failed"] is True
    assert message in result["msg"]


def test_every_validation_problem_is_reported_at_once(aws, capsys):
    result = run_module(
        elasticache_serverless_cache,
        capsys,
        **present(name="Bad", daily_snapshot_time="noon", snapshot_retention_limit=99),
    )

    assert result["failed"] is True
    assert "name 'Bad'" in result["msg"]
    assert "daily_snapshot_time 'noon'" in result["msg"]
    assert "snapshot_retention_limit" in result["msg"]
