# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the elasticache_serverless_cache modules: AWS calls behind amazon.aws error handlers,
waiting, and the pure functions that validate options and decide what has to change."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# The API wants the engine in lower case; "Redis" is rejected.
ENGINES = ("valkey", "redis", "memcached")
# Options that only some engines accept. The AWS API reference documents the snapshot settings (and
# DeleteServerlessCache FinalSnapshotName) as "available for Valkey, Redis OSS and Serverless Memcached",
# and UserGroupId as "available for Valkey and Redis OSS only".
ENGINE_SPECIFIC_OPTIONS = {
    "user_group_id": ("valkey", "redis"),
    "snapshot_retention_limit": ("valkey", "redis", "memcached"),
    "daily_snapshot_time": ("valkey", "redis", "memcached"),
}
NAME_MAX_LENGTH = 40
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
DESCRIPTION_MAX_LENGTH = 255
SNAPSHOT_RETENTION_MAX = 35
# cache_usage_limits sub-option -> (CacheUsageLimits section, key)
USAGE_LIMITS = {
    "data_storage_max_gb": ("DataStorage", "Maximum"),
    "data_storage_min_gb": ("DataStorage", "Minimum"),
    "ecpu_per_second_max": ("ECPUPerSecond", "Maximum"),
    "ecpu_per_second_min": ("ECPUPerSecond", "Minimum"),
}
SNAPSHOT_SETTINGS = {"snapshot_retention_limit": "SnapshotRetentionLimit", "daily_snapshot_time": "DailySnapshotTime"}
# Seconds between two DescribeServerlessCaches calls while waiting; tests set it to 0.
WAIT_DELAY = 15
AVAILABLE = "available"
BUSY_STATUSES = ("creating", "modifying")
FAILED_STATUSES = ("create-failed",)


class AnsibleServerlessCacheError(AnsibleAWSError):
    pass


class ServerlessCacheErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleServerlessCacheError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ServerlessCacheNotFoundFault")


# --- AWS calls -------------------------------------------------------------------------------------------


@ServerlessCacheErrorHandler.list_error_handler("describe serverless caches", [])
@AWSRetry.jittered_backoff()
def describe_serverless_caches(client, name: str | None = None) -> list[dict[str, Any]]:
    kwargs = {"ServerlessCacheName": name} if name else {}
    paginator = client.get_paginator("describe_serverless_caches")
    return paginator.paginate(**kwargs).build_full_result()["ServerlessCaches"]


def get_serverless_cache(client, name: str) -> dict[str, Any] | None:
    caches = describe_serverless_caches(client, name)
    return caches[0] if caches else None


@ServerlessCacheErrorHandler.common_error_handler("create serverless cache {name}")
@AWSRetry.jittered_backoff()
def create_serverless_cache(client, name: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.create_serverless_cache(ServerlessCacheName=name, **params)["ServerlessCache"]


@ServerlessCacheErrorHandler.common_error_handler("modify serverless cache {name}")
@AWSRetry.jittered_backoff()
def modify_serverless_cache(client, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    return client.modify_serverless_cache(ServerlessCacheName=name, **changes)["ServerlessCache"]


@ServerlessCacheErrorHandler.deletion_error_handler("delete serverless cache {name}")
@AWSRetry.jittered_backoff()
def delete_serverless_cache(client, name: str, final_snapshot_name: str | None = None) -> bool:
    kwargs = {"FinalSnapshotName": final_snapshot_name} if final_snapshot_name else {}
    client.delete_serverless_cache(ServerlessCacheName=name, **kwargs)
    return True


@ServerlessCacheErrorHandler.list_error_handler("list tags of serverless cache {arn}", {})
@AWSRetry.jittered_backoff()
def list_tags(client, arn: str) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceName=arn).get("TagList", []))


@ServerlessCacheErrorHandler.common_error_handler("tag serverless cache {arn}")
@AWSRetry.jittered_backoff()
def add_tags(client, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@ServerlessCacheErrorHandler.common_error_handler("untag serverless cache {arn}")
@AWSRetry.jittered_backoff()
def remove_tags(client, arn: str, keys: list[str]) -> None:
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=keys)


def _wait(client, name: str, timeout: int, done: Callable[[dict | None], bool], goal: str) -> dict[str, Any] | None:
    def reached(cache: dict[str, Any] | None) -> bool:
        if done(cache):
            return True
        status = _status(cache)
        if status in FAILED_STATUSES:
            raise AnsibleServerlessCacheError(message=f"Serverless cache {name} is {status}; it will not {goal}")
        return False

    try:
        return poll(lambda: get_serverless_cache(client, name), reached, timeout, WAIT_DELAY)
    except WaitTimeout as e:
        raise AnsibleServerlessCacheError(
            message=f"Timed out after {timeout} seconds waiting for serverless cache {name} to {goal} "
            f"(last status: {_status(e.last)})"
        ) from None


def _status(cache: dict[str, Any] | None) -> str | None:
    return cache.get("Status") if cache else "gone"


def wait_until_available(client, name: str, timeout: int) -> dict[str, Any]:
    """Poll until the cache is available; fails on timeout or when it failed to create."""
    return _wait(client, name, timeout, _is_available, "become available")


def _is_available(cache: dict[str, Any] | None) -> bool:
    return bool(cache) and cache.get("Status") == AVAILABLE


def wait_until_deleted(client, name: str, timeout: int) -> None:
    _wait(client, name, timeout, lambda cache: cache is None, "be deleted")


# --- validation ------------------------------------------------------------------------------------------


def name_errors(name: str) -> list[str]:
    if len(name) > NAME_MAX_LENGTH or not NAME_PATTERN.match(name):
        return [
            f"name {name!r} is not a valid serverless cache name: use at most {NAME_MAX_LENGTH} lower-case letters, "
            "digits and hyphens, starting with a letter, without a trailing or double hyphen"
        ]
    return []


def engine_option_errors(params: dict[str, Any]) -> list[str]:
    return [
        f"{option} is not supported with engine={params['engine']} (only {', '.join(engines)})"
        for option, engines in ENGINE_SPECIFIC_OPTIONS.items()
        if params.get(option) not in (None, "") and params["engine"] not in engines
    ]


def snapshot_errors(params: dict[str, Any]) -> list[str]:
    errors = []
    snapshot_time = params.get("daily_snapshot_time")
    if snapshot_time is not None and not TIME_PATTERN.match(snapshot_time):
        errors.append(f"daily_snapshot_time {snapshot_time!r} must be a UTC time as HH:MM (00:00 to 23:59)")
    retention = params.get("snapshot_retention_limit")
    if retention is not None and not 0 <= retention <= SNAPSHOT_RETENTION_MAX:
        errors.append(f"snapshot_retention_limit must be between 0 and {SNAPSHOT_RETENTION_MAX} days, got {retention}")
    return errors


def usage_limit_errors(limits: dict[str, Any] | None) -> list[str]:
    limits = limits or {}
    errors = [
        f"cache_usage_limits.{option} must be a positive number, got {value}"
        for option, value in limits.items()
        if value is not None and value <= 0
    ]
    for low, high in (("data_storage_min_gb", "data_storage_max_gb"), ("ecpu_per_second_min", "ecpu_per_second_max")):
        if limits.get(low) is not None and limits.get(high) is not None and limits[low] > limits[high]:
            errors.append(f"cache_usage_limits.{low} ({limits[low]}) exceeds {high} ({limits[high]})")
    return errors


def scalar_errors(params: dict[str, Any]) -> list[str]:
    errors = []
    version = params.get("major_engine_version")
    if version is not None and not VERSION_PATTERN.match(version):
        errors.append(f"major_engine_version {version!r} must be a version number such as 8 or 1.6")
    description = params.get("description")
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        errors.append(f"description is longer than {DESCRIPTION_MAX_LENGTH} characters")
    return errors


def validation_errors(params: dict[str, Any]) -> list[str]:
    """Every problem with the module options that can be found without calling AWS."""
    errors = name_errors(params["name"])
    if params.get("state", "present") == "absent":
        return errors
    return (
        errors
        + engine_option_errors(params)
        + snapshot_errors(params)
        + usage_limit_errors(params.get("cache_usage_limits"))
        + scalar_errors(params)
    )


# --- compare and predict ---------------------------------------------------------------------------------


def build_usage_limits(limits: dict[str, Any] | None) -> dict[str, Any]:
    """CacheUsageLimits from the cache_usage_limits option; only the values that are set."""
    result: dict[str, Any] = {}
    for option, (section, key) in USAGE_LIMITS.items():
        value = (limits or {}).get(option)
        if value is not None:
            result.setdefault(section, {})[key] = value
    if "DataStorage" in result:
        result["DataStorage"]["Unit"] = "GB"
    return result


def build_create_params(params: dict[str, Any]) -> dict[str, Any]:
    """CreateServerlessCache parameters (without the name and tags) from the module options."""
    create = {"Engine": params["engine"].lower()}
    optional = {
        "Description": params.get("description"),
        "MajorEngineVersion": params.get("major_engine_version"),
        "KmsKeyId": params.get("kms_key_id"),
        "SecurityGroupIds": params.get("security_group_ids") or None,
        "SubnetIds": params.get("subnet_ids") or None,
        "CacheUsageLimits": build_usage_limits(params.get("cache_usage_limits")) or None,
        "SnapshotRetentionLimit": params.get("snapshot_retention_limit"),
        "DailySnapshotTime": params.get("daily_snapshot_time"),
        "UserGroupId": params.get("user_group_id") or None,
    }
    create.update({key: value for key, value in optional.items() if value is not None})
    return create


def version_tuple(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (version or "").split(".") if part.isdigit())


def kms_key_matches(current: str | None, wanted: str | None) -> bool:
    """AWS reports the key ARN; accept the ARN or the bare key id."""
    if wanted is None or current == wanted:
        return True
    return bool(current) and current.endswith(f":key/{wanted}")


def immutable_errors(cache: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """Options that cannot be changed on an existing cache but differ from it, and engine downgrades."""
    differences = []
    engine = (cache.get("Engine") or "").lower()
    if params["engine"] != engine:
        differences.append(f"engine (the cache is {engine}, wanted {params['engine']})")
    subnets = params.get("subnet_ids")
    if subnets is not None and set(subnets) != set(cache.get("SubnetIds", [])):
        differences.append(f"subnet_ids (the cache uses {sorted(cache.get('SubnetIds', []))})")
    if not kms_key_matches(cache.get("KmsKeyId"), params.get("kms_key_id")):
        differences.append(f"kms_key_id (the cache uses {cache.get('KmsKeyId') or 'the AWS owned key'})")
    errors = []
    if differences:
        errors.append(
            f"Cannot change immutable options of serverless cache {params['name']}: {', '.join(differences)}; "
            "delete and re-create the cache instead"
        )
    wanted, current = params.get("major_engine_version"), cache.get("MajorEngineVersion")
    if wanted is not None and current and version_tuple(wanted) < version_tuple(current):
        errors.append(
            f"major_engine_version {wanted} is older than the version of serverless cache {params['name']} "
            f"({current}); ElastiCache cannot downgrade an engine"
        )
    return errors


def _scalar_changes(cache: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    if params.get("description") is not None and params["description"] != cache.get("Description", ""):
        changes["Description"] = params["description"]
    wanted_groups = params.get("security_group_ids")
    if wanted_groups is not None and set(wanted_groups) != set(cache.get("SecurityGroupIds", [])):
        changes["SecurityGroupIds"] = wanted_groups
    for option, key in SNAPSHOT_SETTINGS.items():
        if params.get(option) is not None and params[option] != cache.get(key):
            changes[key] = params[option]
    return changes


def _usage_limit_changes(cache: dict[str, Any], limits: dict[str, Any] | None) -> dict[str, Any]:
    """The whole CacheUsageLimits (current values kept where the option leaves them unset) when one differs."""
    current_values = _usage_limits(cache.get("CacheUsageLimits"))
    if all(value is None or current_values[option] == value for option, value in (limits or {}).items()):
        return {}
    wanted = build_usage_limits(limits)
    current = cache.get("CacheUsageLimits", {})
    merged = {section: {**current.get(section, {}), **values} for section, values in wanted.items()}
    merged.update({section: values for section, values in current.items() if section not in merged})
    return {"CacheUsageLimits": merged}


def _user_group_changes(cache: dict[str, Any], user_group_id: str | None) -> dict[str, Any]:
    if user_group_id is None or user_group_id == (cache.get("UserGroupId") or ""):
        return {}
    if user_group_id == "":
        return {"RemoveUserGroup": True}
    return {"UserGroupId": user_group_id}


def _version_changes(cache: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    wanted, current = params.get("major_engine_version"), cache.get("MajorEngineVersion")
    if wanted is None or version_tuple(wanted) <= version_tuple(current):
        return {}
    return {"Engine": params["engine"], "MajorEngineVersion": wanted}


def modify_params(cache: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """ModifyServerlessCache parameters (without the name) for the options that differ; empty when none do."""
    return {
        **_scalar_changes(cache, params),
        **_usage_limit_changes(cache, params.get("cache_usage_limits")),
        **_user_group_changes(cache, params.get("user_group_id")),
        **_version_changes(cache, params),
    }


def predicted_new_cache(name: str, create_params: dict[str, Any]) -> dict[str, Any]:
    """What CreateServerlessCache would return, for check mode and diff."""
    return {**create_params, "ServerlessCacheName": name, "Status": "creating"}


def predicted_cache(cache: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The cache after ModifyServerlessCache with changes, for check mode and diff."""
    predicted = {**cache, **{key: value for key, value in changes.items() if key != "RemoveUserGroup"}}
    if changes.get("RemoveUserGroup"):
        predicted.pop("UserGroupId", None)
    if "MajorEngineVersion" in changes:
        predicted.pop("FullEngineVersion", None)
    return predicted


# --- return value ----------------------------------------------------------------------------------------


def _endpoint(endpoint: dict[str, Any] | None) -> dict[str, Any]:
    if not endpoint:
        return {}
    return {"address": endpoint.get("Address"), "port": endpoint.get("Port")}


def _usage_limits(limits: dict[str, Any] | None) -> dict[str, Any]:
    limits = limits or {}
    return {option: limits.get(section, {}).get(key) for option, (section, key) in USAGE_LIMITS.items()}


def _timestamp(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def normalize_serverless_cache(cache: dict[str, Any] | None, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """The cache as the modules return it: snake_case, endpoints as {address, port}, tags as a dict."""
    if not cache:
        return {}
    return {
        "serverless_cache_name": cache.get("ServerlessCacheName"),
        "description": cache.get("Description", ""),
        "status": cache.get("Status"),
        "engine": cache.get("Engine"),
        "major_engine_version": cache.get("MajorEngineVersion"),
        "full_engine_version": cache.get("FullEngineVersion"),
        "endpoint": _endpoint(cache.get("Endpoint")),
        "reader_endpoint": _endpoint(cache.get("ReaderEndpoint")),
        "security_group_ids": sorted(cache.get("SecurityGroupIds", [])),
        "subnet_ids": sorted(cache.get("SubnetIds", [])),
        "cache_usage_limits": _usage_limits(cache.get("CacheUsageLimits")),
        "snapshot_retention_limit": cache.get("SnapshotRetentionLimit"),
        "daily_snapshot_time": cache.get("DailySnapshotTime"),
        "user_group_id": cache.get("UserGroupId"),
        "arn": cache.get("ARN"),
        "kms_key_id": cache.get("KmsKeyId"),
        "create_time": _timestamp(cache.get("CreateTime")),
        # ElastiCache Serverless only accepts TLS connections.
        "tls": True,
        "tags": dict(tags or {}),
    }
