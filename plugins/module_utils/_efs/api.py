# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EFS calls of the efs_file_system modules behind amazon.aws error handlers and retries, the waits (botocore
has no EFS waiters) and the reads that return a file system as the modules show it.

Only the current EFS APIs are used: tags come with DescribeFileSystems and change through
TagResource/UntagResource, never through the legacy DescribeTags/CreateTags/DeleteTags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.lms.moodle.plugins.module_utils._efs.common import AnsibleEFSError, EFSErrorHandler
from ansible_collections.lms.moodle.plugins.module_utils._efs.output import (
    backup_status,
    lifecycle_to_dict,
    normalize_file_system,
    normalize_mount_target,
)
from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# Seconds between two polls of a waiting loop; unit tests set it to 0.
POLL_INTERVAL = 5


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
