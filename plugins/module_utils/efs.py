# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the efs_file_system modules: AWS calls behind amazon.aws error handlers, the polling
loops (botocore has no EFS waiters), and the pure functions that decide what has to change.

Only the current EFS APIs are used: tags come with DescribeFileSystems and change through
TagResource/UntagResource, never through the legacy DescribeTags/CreateTags/DeleteTags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# Seconds between two polls of a waiting loop; unit tests set it to 0.
POLL_INTERVAL = 5

# Lifecycle policy option keys and their API names, in the order the policies are sent.
LIFECYCLE_KEYS = {
    "transition_to_ia": "TransitionToIA",
    "transition_to_primary_storage_class": "TransitionToPrimaryStorageClass",
    "transition_to_archive": "TransitionToArchive",
}

# The keys of a file system as the modules return it (the API's volatile fields such as SizeInBytes are left out,
# so that the diff shows only what the module manages).
FILE_SYSTEM_KEYS = (
    "FileSystemId",
    "FileSystemArn",
    "CreationToken",
    "LifeCycleState",
    "Encrypted",
    "KmsKeyId",
    "PerformanceMode",
    "ThroughputMode",
    "ProvisionedThroughputInMibps",
)

MOUNT_TARGET_KEYS = ("MountTargetId", "SubnetId", "AvailabilityZoneName", "IpAddress", "LifeCycleState")

# At most five security groups per mount target (EFS quota).
MAX_SECURITY_GROUPS = 5
MAX_CREATION_TOKEN = 64


class AnsibleEFSError(AnsibleAWSError):
    pass


class EFSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEFSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["FileSystemNotFound", "MountTargetNotFound", "PolicyNotFound"])


# ---------------------------------------------------------------------------------------------- AWS calls


@EFSErrorHandler.list_error_handler("describe EFS file systems", [])
@AWSRetry.jittered_backoff()
def describe_file_systems(client, **filters: str) -> list[dict[str, Any]]:
    """All file systems, or those matching CreationToken or FileSystemId; [] when the id does not exist."""
    paginator = client.get_paginator("describe_file_systems")
    return paginator.paginate(**filters).build_full_result()["FileSystems"]


@EFSErrorHandler.common_error_handler("create EFS file system {params[CreationToken]}")
@AWSRetry.jittered_backoff()
def create_file_system(client, params: dict[str, Any]) -> dict[str, Any]:
    return client.create_file_system(**params)


@EFSErrorHandler.common_error_handler("update throughput of EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def update_file_system(client, file_system_id: str, params: dict[str, Any]) -> None:
    client.update_file_system(FileSystemId=file_system_id, **params)


@EFSErrorHandler.deletion_error_handler("delete EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def delete_file_system(client, file_system_id: str) -> bool:
    client.delete_file_system(FileSystemId=file_system_id)
    return True


@EFSErrorHandler.list_error_handler("describe mount targets of EFS file system {file_system_id}", [])
@AWSRetry.jittered_backoff()
def describe_mount_targets(client, file_system_id: str) -> list[dict[str, Any]]:
    paginator = client.get_paginator("describe_mount_targets")
    return paginator.paginate(FileSystemId=file_system_id).build_full_result()["MountTargets"]


@EFSErrorHandler.list_error_handler("describe security groups of mount target {mount_target_id}", None)
@AWSRetry.jittered_backoff()
def describe_mount_target_security_groups(client, mount_target_id: str) -> list[str] | None:
    return client.describe_mount_target_security_groups(MountTargetId=mount_target_id)["SecurityGroups"]


@EFSErrorHandler.common_error_handler("create mount target of EFS file system {file_system_id} in {subnet_id}")
@AWSRetry.jittered_backoff()
def create_mount_target(client, file_system_id: str, subnet_id: str, security_groups: list[str]) -> dict[str, Any]:
    return client.create_mount_target(FileSystemId=file_system_id, SubnetId=subnet_id, SecurityGroups=security_groups)


@EFSErrorHandler.deletion_error_handler("delete mount target {mount_target_id}")
@AWSRetry.jittered_backoff()
def delete_mount_target(client, mount_target_id: str) -> bool:
    client.delete_mount_target(MountTargetId=mount_target_id)
    return True


@EFSErrorHandler.common_error_handler("modify security groups of mount target {mount_target_id}")
@AWSRetry.jittered_backoff()
def modify_mount_target_security_groups(client, mount_target_id: str, security_groups: list[str]) -> None:
    client.modify_mount_target_security_groups(MountTargetId=mount_target_id, SecurityGroups=security_groups)


@EFSErrorHandler.list_error_handler("describe lifecycle configuration of EFS file system {file_system_id}", [])
@AWSRetry.jittered_backoff()
def describe_lifecycle_configuration(client, file_system_id: str) -> list[dict[str, str]]:
    return client.describe_lifecycle_configuration(FileSystemId=file_system_id)["LifecyclePolicies"]


@EFSErrorHandler.common_error_handler("put lifecycle configuration of EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def put_lifecycle_configuration(client, file_system_id: str, policies: list[dict[str, str]]) -> None:
    client.put_lifecycle_configuration(FileSystemId=file_system_id, LifecyclePolicies=policies)


@EFSErrorHandler.list_error_handler("describe backup policy of EFS file system {file_system_id}", None)
@AWSRetry.jittered_backoff()
def describe_backup_policy(client, file_system_id: str) -> str | None:
    """The backup policy status; None when the file system has no backup policy (PolicyNotFound)."""
    return client.describe_backup_policy(FileSystemId=file_system_id)["BackupPolicy"]["Status"]


@EFSErrorHandler.common_error_handler("put backup policy of EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def put_backup_policy(client, file_system_id: str, status: str) -> None:
    client.put_backup_policy(FileSystemId=file_system_id, BackupPolicy={"Status": status})


@EFSErrorHandler.common_error_handler("tag EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def tag_resource(client, file_system_id: str, tags: dict[str, str]) -> None:
    client.tag_resource(ResourceId=file_system_id, Tags=ansible_dict_to_boto3_tag_list(tags))


@EFSErrorHandler.common_error_handler("untag EFS file system {file_system_id}")
@AWSRetry.jittered_backoff()
def untag_resource(client, file_system_id: str, keys: list[str]) -> None:
    client.untag_resource(ResourceId=file_system_id, TagKeys=keys)


# ---------------------------------------------------------------------------------------------- waiting


def wait_for(check: Callable[[], bool], timeout: int, what: str) -> None:
    """Poll check() every POLL_INTERVAL seconds until it is true; AnsibleEFSError after timeout seconds."""
    try:
        poll(check, bool, timeout, POLL_INTERVAL)
    except WaitTimeout:
        raise AnsibleEFSError(message=f"Timeout after {timeout}s waiting for {what}") from None


def _raise_on_error(items: list[dict[str, Any]], what: str) -> None:
    failed = [
        item.get("MountTargetId") or item.get("FileSystemId") for item in items if item["LifeCycleState"] == "error"
    ]
    if failed:
        raise AnsibleEFSError(message=f"{what} went into the error state: {', '.join(failed)}")


def wait_file_system_available(client, file_system_id: str, timeout: int) -> None:
    def check() -> bool:
        found = describe_file_systems(client, FileSystemId=file_system_id)
        _raise_on_error(found, "EFS file system")
        return bool(found) and found[0]["LifeCycleState"] == "available"

    wait_for(check, timeout, f"EFS file system {file_system_id} to be available")


def wait_file_system_deleted(client, file_system_id: str, timeout: int) -> None:
    def check() -> bool:
        found = describe_file_systems(client, FileSystemId=file_system_id)
        return not found or found[0]["LifeCycleState"] == "deleted"

    wait_for(check, timeout, f"EFS file system {file_system_id} to be deleted")


def wait_mount_targets_settled(client, file_system_id: str, timeout: int) -> None:
    """Until every mount target of the file system is available (deleted ones have disappeared)."""

    def check() -> bool:
        found = describe_mount_targets(client, file_system_id)
        _raise_on_error(found, "Mount target")
        return all(mount_target["LifeCycleState"] == "available" for mount_target in found)

    wait_for(check, timeout, f"the mount targets of EFS file system {file_system_id} to be available")


def wait_mount_targets_gone(client, file_system_id: str, mount_target_ids: list[str], timeout: int) -> None:
    def check() -> bool:
        found = describe_mount_targets(client, file_system_id)
        return not any(
            mount_target["MountTargetId"] in mount_target_ids and mount_target["LifeCycleState"] != "deleted"
            for mount_target in found
        )

    wait_for(check, timeout, f"mount targets {', '.join(mount_target_ids)} to be deleted")


# ---------------------------------------------------------------------------------------------- reading


def find_file_system(client, name: str) -> dict[str, Any] | None:
    """The file system whose CreationToken is name."""
    found = describe_file_systems(client, CreationToken=name)
    return found[0] if found else None


def get_file_system(client, file_system_id: str) -> dict[str, Any] | None:
    found = describe_file_systems(client, FileSystemId=file_system_id)
    return found[0] if found else None


def read_mount_targets(client, file_system_id: str) -> list[dict[str, Any]]:
    """Mount targets with their security groups; those only reported for available mount targets
    (EFS answers IncorrectMountTargetState otherwise), None for the others."""
    mount_targets = []
    for mount_target in describe_mount_targets(client, file_system_id):
        security_groups = None
        if mount_target["LifeCycleState"] == "available":
            security_groups = describe_mount_target_security_groups(client, mount_target["MountTargetId"])
        mount_targets.append(normalize_mount_target(mount_target, security_groups))
    return mount_targets


def read_file_system(client, file_system: dict[str, Any], lifecycle: bool, backup: bool) -> dict[str, Any]:
    """The file system as the modules return it; lifecycle policies and backup policy only when asked for."""
    result = normalize_file_system(file_system)
    file_system_id = file_system["FileSystemId"]
    result["mount_targets"] = read_mount_targets(client, file_system_id)
    if lifecycle:
        result["lifecycle_policies"] = lifecycle_to_dict(describe_lifecycle_configuration(client, file_system_id))
    if backup:
        result["backup_policy"] = backup_status(describe_backup_policy(client, file_system_id))
    return result


# ---------------------------------------------------------------------------------------------- pure functions


def normalize_file_system(file_system: dict[str, Any]) -> dict[str, Any]:
    """Snake-cased file system with tags as a dict; provisioned throughput only in provisioned mode."""
    result = camel_dict_to_snake_dict({key: file_system.get(key) for key in FILE_SYSTEM_KEYS})
    result["tags"] = boto3_tag_list_to_ansible_dict(file_system.get("Tags", []))
    result["name"] = file_system.get("Name") or result["tags"].get("Name")
    if result["throughput_mode"] != "provisioned":
        result["provisioned_throughput_in_mibps"] = None
    return result


def normalize_mount_target(mount_target: dict[str, Any], security_groups: list[str] | None) -> dict[str, Any]:
    result = camel_dict_to_snake_dict({key: mount_target.get(key) for key in MOUNT_TARGET_KEYS})
    result["security_groups"] = sorted(security_groups) if security_groups is not None else None
    return result


def lifecycle_to_dict(policies: list[dict[str, str]]) -> dict[str, str]:
    """[{"TransitionToIA": "AFTER_30_DAYS"}, ...] as {"transition_to_ia": "AFTER_30_DAYS", ...}."""
    by_api_name = {api_name: option for option, api_name in LIFECYCLE_KEYS.items()}
    result = {}
    for policy in policies:
        for api_name, value in policy.items():
            if api_name in by_api_name and value:
                result[by_api_name[api_name]] = value
    return result


def lifecycle_to_api(wanted: dict[str, str]) -> list[dict[str, str]]:
    """One LifecyclePolicy object per transition, as PutLifecycleConfiguration requires."""
    return [{api_name: wanted[option]} for option, api_name in LIFECYCLE_KEYS.items() if wanted.get(option)]


def wanted_lifecycle(option: dict[str, Any] | None) -> dict[str, str] | None:
    if option is None:
        return None
    return {key: value for key, value in option.items() if key in LIFECYCLE_KEYS and value}


def backup_status(status: str | None) -> str:
    """ENABLED or DISABLED; the transitional ENABLING/DISABLING count as where they are heading."""
    return "ENABLED" if status in ("ENABLED", "ENABLING") else "DISABLED"


def wanted_tags(options: dict[str, Any]) -> tuple[dict[str, str], bool]:
    """The tags to ensure and whether to purge others. The Name tag always equals the name option, even when
    the tags option is omitted (then no other tag is touched)."""
    if options.get("tags") is None:
        return {"Name": options["name"]}, False
    return {**options["tags"], "Name": options["name"]}, options["purge_tags"]


def kms_key_matches(current: str | None, wanted: str) -> bool:
    """EFS reports the key ARN; a wanted key id or key ARN matches by key id. Aliases cannot be resolved
    without KMS, so an alias is accepted as matching any key."""
    if current == wanted or "alias/" in wanted:
        return True
    if not current:
        return False
    return current.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]


def _show(value: Any) -> str:
    """A value as the user wrote it in YAML (true/false, not True/False)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def immutable_differences(current: dict[str, Any], options: dict[str, Any]) -> list[str]:
    """Descriptions of the options that differ from the file system but can only be set at creation."""
    differences = []
    for option in ("encrypted", "performance_mode"):
        if current.get(option) != options[option]:
            differences.append(f"{option} (is {_show(current.get(option))}, wanted {_show(options[option])})")
    wanted_key = options.get("kms_key_id")
    if wanted_key and not kms_key_matches(current.get("kms_key_id"), wanted_key):
        differences.append(f"kms_key_id (is {current.get('kms_key_id')}, wanted {wanted_key})")
    return differences


def throughput_update(current: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """UpdateFileSystem parameters (without FileSystemId); {} when the throughput already matches."""
    mode = options["throughput_mode"]
    mibps = options.get("provisioned_throughput_in_mibps")
    if current.get("throughput_mode") != mode:
        params: dict[str, Any] = {"ThroughputMode": mode}
        if mode == "provisioned":
            params["ProvisionedThroughputInMibps"] = float(mibps)
        return params
    current_mibps = current.get("provisioned_throughput_in_mibps")
    if mode == "provisioned" and (current_mibps is None or float(current_mibps) != float(mibps)):
        return {"ProvisionedThroughputInMibps": float(mibps)}
    return {}


def create_params(options: dict[str, Any]) -> dict[str, Any]:
    """CreateFileSystem parameters from the module options."""
    tags, _purge = wanted_tags(options)
    params: dict[str, Any] = {
        "CreationToken": options["name"],
        "Encrypted": options["encrypted"],
        "PerformanceMode": options["performance_mode"],
        "ThroughputMode": options["throughput_mode"],
        "Tags": ansible_dict_to_boto3_tag_list(tags),
    }
    if options.get("kms_key_id"):
        params["KmsKeyId"] = options["kms_key_id"]
    if options["throughput_mode"] == "provisioned":
        params["ProvisionedThroughputInMibps"] = float(options["provisioned_throughput_in_mibps"])
    if options.get("backup") is not None:
        params["Backup"] = options["backup"]
    return params


def mount_target_plan(
    current: list[dict[str, Any]], wanted: list[dict[str, Any]] | None, purge: bool
) -> dict[str, list[Any]]:
    """Mount targets to create ({subnet_id, security_groups}), delete (ids) and re-secure ({mount_target_id,
    security_groups}). Security groups of mount targets that are not available cannot be read or changed."""
    plan: dict[str, list[Any]] = {"create": [], "delete": [], "modify": []}
    if wanted is None:
        return plan
    by_subnet = {mount_target["subnet_id"]: mount_target for mount_target in current}
    for item in wanted:
        groups = sorted(item["security_groups"])
        existing = by_subnet.get(item["subnet_id"])
        if existing is None:
            plan["create"].append({"subnet_id": item["subnet_id"], "security_groups": groups})
        elif existing["security_groups"] is not None and existing["security_groups"] != groups:
            plan["modify"].append({"mount_target_id": existing["mount_target_id"], "security_groups": groups})
    if purge:
        subnets = {item["subnet_id"] for item in wanted}
        plan["delete"] = [mt["mount_target_id"] for mt in current if mt["subnet_id"] not in subnets]
    return plan


def plan_changes(current: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Everything that has to change to turn current (the normalized file system, {} when missing) into what
    the options describe."""
    lifecycle = wanted_lifecycle(options.get("lifecycle_policy"))
    backup = None if options.get("backup") is None else ("ENABLED" if options["backup"] else "DISABLED")
    if not current:
        return {
            "create": create_params(options),
            "update": {},
            "tags": ({}, []),
            "lifecycle": lifecycle,
            "backup": None,
            "mount_targets": mount_target_plan([], options.get("mount_targets"), False),
        }
    tags, purge = wanted_tags(options)
    return {
        "create": None,
        "update": throughput_update(current, options),
        "tags": compare_aws_tags(current["tags"], tags, purge),
        "lifecycle": lifecycle if lifecycle is not None and lifecycle != current.get("lifecycle_policies") else None,
        "backup": backup if backup is not None and backup != current.get("backup_policy") else None,
        "mount_targets": mount_target_plan(
            current["mount_targets"], options.get("mount_targets"), options["purge_mount_targets"]
        ),
    }


def has_changes(plan: dict[str, Any]) -> bool:
    return bool(
        plan["create"]
        or plan["update"]
        or any(plan["tags"])
        or plan["lifecycle"] is not None
        or plan["backup"] is not None
        or any(plan["mount_targets"].values())
    )


def _predicted_mount_targets(current: list[dict[str, Any]], plan: dict[str, list[Any]]) -> list[dict[str, Any]]:
    groups = {item["mount_target_id"]: item["security_groups"] for item in plan["modify"]}
    kept = [
        {**mt, "security_groups": groups.get(mt["mount_target_id"], mt["security_groups"])}
        for mt in current
        if mt["mount_target_id"] not in plan["delete"]
    ]
    return kept + [dict(item) for item in plan["create"]]


def _predicted_new_file_system(options: dict[str, Any]) -> dict[str, Any]:
    tags, _purge = wanted_tags(options)
    mibps = options.get("provisioned_throughput_in_mibps")
    return {
        "creation_token": options["name"],
        "name": options["name"],
        "encrypted": options["encrypted"],
        "kms_key_id": options.get("kms_key_id"),
        "performance_mode": options["performance_mode"],
        "throughput_mode": options["throughput_mode"],
        "provisioned_throughput_in_mibps": float(mibps) if options["throughput_mode"] == "provisioned" else None,
        "tags": tags,
        "mount_targets": [],
    }


def predict_file_system(current: dict[str, Any], options: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """The file system as it will be after the plan is carried out, for check mode and diff."""
    predicted = dict(current) if current else _predicted_new_file_system(options)
    if plan["update"]:
        mibps = options.get("provisioned_throughput_in_mibps")
        predicted["throughput_mode"] = options["throughput_mode"]
        predicted["provisioned_throughput_in_mibps"] = float(mibps) if mibps is not None else None
    to_set, to_unset = plan["tags"]
    predicted["tags"] = {key: value for key, value in predicted["tags"].items() if key not in to_unset}
    predicted["tags"].update(to_set)
    predicted["name"] = predicted["tags"].get("Name")
    predicted["mount_targets"] = _predicted_mount_targets(predicted["mount_targets"], plan["mount_targets"])
    lifecycle = wanted_lifecycle(options.get("lifecycle_policy"))
    if lifecycle is not None:
        predicted["lifecycle_policies"] = lifecycle
    if options.get("backup") is not None:
        predicted["backup_policy"] = "ENABLED" if options["backup"] else "DISABLED"
    return predicted


def validate_options(options: dict[str, Any]) -> str | None:
    """The first problem with the options of efs_file_system (state=present), naming the option; None if fine."""
    checks = (
        _validate_name,
        _validate_throughput,
        _validate_encryption,
        _validate_tags,
        _validate_mount_targets,
    )
    for check in checks:
        problem = check(options)
        if problem:
            return problem
    return None


def _validate_name(options: dict[str, Any]) -> str | None:
    if not 1 <= len(options["name"]) <= MAX_CREATION_TOKEN:
        return f"name must have 1 to {MAX_CREATION_TOKEN} characters (it is the CreationToken of the file system)"
    return None


def _validate_throughput(options: dict[str, Any]) -> str | None:
    mibps = options.get("provisioned_throughput_in_mibps")
    if mibps is None:
        return None
    if options["throughput_mode"] != "provisioned":
        return (
            "provisioned_throughput_in_mibps is only valid with throughput_mode=provisioned"
            f" (throughput_mode is {options['throughput_mode']})"
        )
    if mibps <= 0:
        return "provisioned_throughput_in_mibps must be greater than 0"
    return None


def _validate_encryption(options: dict[str, Any]) -> str | None:
    if options.get("kms_key_id") and not options["encrypted"]:
        return "kms_key_id requires encrypted=true"
    return None


def _validate_tags(options: dict[str, Any]) -> str | None:
    tags = options.get("tags") or {}
    if "Name" in tags and tags["Name"] != options["name"]:
        return "tags.Name must equal name (or be omitted): the Name tag of the file system is always its name"
    return None


def _validate_mount_targets(options: dict[str, Any]) -> str | None:
    seen: set[str] = set()
    for index, item in enumerate(options.get("mount_targets") or []):
        where = f"mount_targets[{index}]"
        if item["subnet_id"] in seen:
            return f"{where}.subnet_id {item['subnet_id']} is listed more than once in mount_targets"
        seen.add(item["subnet_id"])
        if not item["security_groups"]:
            return f"{where}.security_groups must list at least one security group"
        if len(item["security_groups"]) > MAX_SECURITY_GROUPS:
            return f"{where}.security_groups may list at most {MAX_SECURITY_GROUPS} security groups"
    return None
