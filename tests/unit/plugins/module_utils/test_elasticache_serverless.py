"""Unit tests of the pure functions and the wait loop in module_utils/elasticache_serverless.py.

No AWS calls: moto 5.2.5 has no ElastiCache Serverless, and the module tests stub the API with botocore
Stubber; here the wait loop gets a fake clock and a fake describe.
"""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import elasticache_serverless as es

KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def options(**overrides):
    """Module params as AnsibleModule hands them over: every option present, unset ones None."""
    params = {
        "state": "present",
        "name": "moodle-cache",
        "engine": "valkey",
        "major_engine_version": None,
        "description": None,
        "subnet_ids": None,
        "security_group_ids": None,
        "kms_key_id": None,
        "cache_usage_limits": None,
        "snapshot_retention_limit": None,
        "daily_snapshot_time": None,
        "user_group_id": None,
    }
    params.update(overrides)
    return params


def cache(**overrides):
    current = {
        "ServerlessCacheName": "moodle-cache",
        "Description": "",
        "Status": "available",
        "Engine": "valkey",
        "MajorEngineVersion": "8",
        "FullEngineVersion": "8.0",
        "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}},
        "SecurityGroupIds": ["sg-2", "sg-1"],
        "SubnetIds": ["subnet-b", "subnet-a"],
        "SnapshotRetentionLimit": 0,
        "ARN": "arn:aws:elasticache:us-east-1:123456789012:serverlesscache:moodle-cache",
    }
    current.update(overrides)
    return current


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "moodle-prod-cache", "a1-b2-c3", "a" * 40, "cache9"])
def test_valid_names(name):
    assert es.name_errors(name) == []


@pytest.mark.parametrize(
    "name", ["", "A", "Moodle", "1cache", "-cache", "cache-", "moodle--cache", "moodle_cache", "moodle.cache", "a" * 41]
)
def test_invalid_names(name):
    errors = es.name_errors(name)
    assert len(errors) == 1
    assert repr(name) in errors[0]


def test_absent_only_validates_the_name():
    assert es.validation_errors(options(state="absent", daily_snapshot_time="noon")) == []
    assert es.validation_errors(options(state="absent", name="Bad")) != []


def test_user_group_is_valkey_and_redis_only_but_empty_string_is_allowed():
    assert es.engine_option_errors(options(engine="memcached", user_group_id="users")) == [
        "user_group_id is not supported with engine=memcached (only valkey, redis)"
    ]
    assert es.engine_option_errors(options(engine="memcached", user_group_id="")) == []
    assert es.engine_option_errors(options(engine="redis", user_group_id="users")) == []


def test_snapshot_settings_are_allowed_for_serverless_memcached():
    # The AWS API reference: "Available for Valkey, Redis OSS and Serverless Memcached only."
    params = options(engine="memcached", snapshot_retention_limit=1, daily_snapshot_time="04:00")
    assert es.validation_errors(params) == []


@pytest.mark.parametrize("value", ["00:00", "09:30", "23:59"])
def test_valid_snapshot_times(value):
    assert es.snapshot_errors({"daily_snapshot_time": value}) == []


@pytest.mark.parametrize("value", ["24:00", "9:30", "09:60", "0930", "09:30:00", "09:30-10:30", ""])
def test_invalid_snapshot_times(value):
    assert es.snapshot_errors({"daily_snapshot_time": value})


@pytest.mark.parametrize(("value", "ok"), [(0, True), (35, True), (36, False), (-1, False)])
def test_snapshot_retention_bounds(value, ok):
    assert (es.snapshot_errors({"snapshot_retention_limit": value}) == []) is ok


def test_usage_limit_errors():
    assert es.usage_limit_errors(None) == []
    assert es.usage_limit_errors({"data_storage_min_gb": 5, "data_storage_max_gb": 5}) == []
    assert es.usage_limit_errors({"data_storage_min_gb": 6, "data_storage_max_gb": 5}) == [
        "cache_usage_limits.data_storage_min_gb (6) exceeds data_storage_max_gb (5)"
    ]
    assert es.usage_limit_errors({"ecpu_per_second_max": -5, "ecpu_per_second_min": None}) == [
        "cache_usage_limits.ecpu_per_second_max must be a positive number, got -5"
    ]


@pytest.mark.parametrize(("version", "ok"), [("8", True), ("1.6", True), ("latest", False), ("8.", False)])
def test_major_engine_version_format(version, ok):
    assert (es.scalar_errors({"major_engine_version": version}) == []) is ok


# --- create parameters -----------------------------------------------------------------------------------


def test_build_create_params_sends_only_what_is_set():
    params = options(
        engine="redis",
        snapshot_retention_limit=0,
        security_group_ids=[],
        user_group_id="",
        cache_usage_limits={"ecpu_per_second_max": 5000, "data_storage_max_gb": None},
    )
    assert es.build_create_params(params) == {
        "Engine": "redis",
        "SnapshotRetentionLimit": 0,
        "CacheUsageLimits": {"ECPUPerSecond": {"Maximum": 5000}},
    }


def test_build_usage_limits_adds_the_storage_unit():
    assert es.build_usage_limits({"data_storage_min_gb": 1, "data_storage_max_gb": 20}) == {
        "DataStorage": {"Minimum": 1, "Maximum": 20, "Unit": "GB"}
    }
    assert es.build_usage_limits(None) == {}


# --- compare ---------------------------------------------------------------------------------------------


def test_version_tuple():
    assert es.version_tuple("8") == (8,)
    assert es.version_tuple("1.6") == (1, 6)
    assert es.version_tuple(None) == ()
    assert es.version_tuple("10") > es.version_tuple("9")


@pytest.mark.parametrize(
    ("current", "wanted", "matches"),
    [
        (KMS, None, True),
        (None, None, True),
        (KMS, KMS, True),
        (KMS, "1234abcd-12ab-34cd-56ef-1234567890ab", True),
        (KMS, "abcd-12ab-34cd-56ef-1234567890ab", False),
        (None, KMS, False),
        (KMS, "alias/moodle", False),
    ],
)
def test_kms_key_matches(current, wanted, matches):
    assert es.kms_key_matches(current, wanted) is matches


def test_no_immutable_errors_when_lists_differ_only_in_order():
    assert es.immutable_errors(cache(), options(subnet_ids=["subnet-a", "subnet-b"])) == []


def test_immutable_errors_name_every_option():
    errors = es.immutable_errors(
        cache(Engine="redis", KmsKeyId=KMS), options(subnet_ids=["subnet-c"], kms_key_id="arn:other")
    )
    assert len(errors) == 1
    assert "engine (the cache is redis, wanted valkey)" in errors[0]
    assert "subnet_ids (the cache uses ['subnet-a', 'subnet-b'])" in errors[0]
    assert f"kms_key_id (the cache uses {KMS})" in errors[0]


def test_downgrade_is_an_error_and_upgrade_is_a_change():
    assert "cannot downgrade" in es.immutable_errors(cache(), options(major_engine_version="7"))[0]
    assert es.immutable_errors(cache(), options(major_engine_version="9")) == []
    assert es.modify_params(cache(), options(major_engine_version="9")) == {
        "Engine": "valkey",
        "MajorEngineVersion": "9",
    }
    assert es.modify_params(cache(), options(major_engine_version="8")) == {}


def test_no_changes_when_options_are_unset_or_equal():
    assert es.modify_params(cache(), options()) == {}
    assert es.modify_params(cache(), options(security_group_ids=["sg-1", "sg-2"], description="")) == {}


def test_scalar_changes():
    changes = es.modify_params(
        cache(), options(description="Sessions", security_group_ids=["sg-3"], snapshot_retention_limit=7)
    )
    assert changes == {"Description": "Sessions", "SecurityGroupIds": ["sg-3"], "SnapshotRetentionLimit": 7}


def test_usage_limit_change_merges_with_the_current_limits():
    current = cache(CacheUsageLimits={"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 5}})
    assert es.modify_params(current, options(cache_usage_limits={"data_storage_max_gb": 10})) == {}
    assert es.modify_params(current, options(cache_usage_limits={"ecpu_per_second_max": 9})) == {
        "CacheUsageLimits": {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 9}}
    }


@pytest.mark.parametrize(
    ("current", "wanted", "changes"),
    [
        (None, None, {}),
        (None, "", {}),
        ("users", "users", {}),
        ("users", "", {"RemoveUserGroup": True}),
        ("users", "admins", {"UserGroupId": "admins"}),
        (None, "users", {"UserGroupId": "users"}),
    ],
)
def test_user_group_changes(current, wanted, changes):
    assert es.modify_params(cache(UserGroupId=current), options(user_group_id=wanted)) == changes


# --- predict and normalize -------------------------------------------------------------------------------


def test_predicted_cache_applies_the_changes():
    predicted = es.predicted_cache(
        cache(UserGroupId="users"), {"RemoveUserGroup": True, "MajorEngineVersion": "9", "Description": "x"}
    )
    assert "UserGroupId" not in predicted
    assert "RemoveUserGroup" not in predicted
    assert "FullEngineVersion" not in predicted
    assert (predicted["MajorEngineVersion"], predicted["Description"]) == ("9", "x")


def test_predicted_new_cache():
    assert es.predicted_new_cache("c", {"Engine": "redis"}) == {
        "Engine": "redis",
        "ServerlessCacheName": "c",
        "Status": "creating",
    }


def test_normalize_a_cache_that_is_still_creating():
    created = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    result = es.normalize_serverless_cache(cache(Status="creating", CreateTime=created), {"Env": "prod"})
    assert result["endpoint"] == result["reader_endpoint"] == {}
    assert result["security_group_ids"] == ["sg-1", "sg-2"]
    assert result["subnet_ids"] == ["subnet-a", "subnet-b"]
    assert result["cache_usage_limits"] == {
        "data_storage_max_gb": 10,
        "data_storage_min_gb": None,
        "ecpu_per_second_max": None,
        "ecpu_per_second_min": None,
    }
    assert result["create_time"] == "2025-01-02T03:04:05+00:00"
    assert result["tls"] is True
    assert result["tags"] == {"Env": "prod"}
    assert es.normalize_serverless_cache(None) == {}


# --- waiting ---------------------------------------------------------------------------------------------


def describe_sequence(monkeypatch, *states):
    calls = iter(states)
    monkeypatch.setattr(es, "get_serverless_cache", lambda client, name: next(calls))


def test_wait_polls_with_the_module_level_delay(monkeypatch, clock):
    describe_sequence(monkeypatch, cache(Status="creating"), cache(Status="creating"), cache())
    assert es.wait_until_available(None, "moodle-cache", 600)["Status"] == "available"
    assert clock.sleeps == [es.WAIT_DELAY, es.WAIT_DELAY]


def test_wait_until_available_keeps_polling_while_describe_does_not_see_the_cache_yet(monkeypatch, clock):
    describe_sequence(monkeypatch, None, cache())
    assert es.wait_until_available(None, "moodle-cache", 600)["Status"] == "available"


def test_wait_times_out(monkeypatch, clock):
    monkeypatch.setattr(es, "get_serverless_cache", lambda client, name: cache(Status="modifying"))
    with pytest.raises(es.AnsibleServerlessCacheError) as error:
        es.wait_until_available(None, "moodle-cache", 40)
    assert str(error.value) == (
        "Timed out after 40 seconds waiting for serverless cache moodle-cache to become available "
        "(last status: modifying)"
    )
    assert sum(clock.sleeps) == 45


def test_wait_stops_on_create_failed(monkeypatch, clock):
    describe_sequence(monkeypatch, cache(Status="create-failed"))
    with pytest.raises(es.AnsibleServerlessCacheError, match="is create-failed"):
        es.wait_until_available(None, "moodle-cache", 600)
    assert clock.sleeps == []


def test_wait_until_deleted(monkeypatch, clock):
    describe_sequence(monkeypatch, cache(Status="deleting"), None)
    assert es.wait_until_deleted(None, "moodle-cache", 600) is None
    assert clock.sleeps == [es.WAIT_DELAY]
