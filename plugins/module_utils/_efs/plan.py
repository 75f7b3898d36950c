# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the options of efs_file_system ask for and what has to change: validation, the wanted tags, lifecycle and
mount targets, and the plan of changes. Pure functions."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    compare_aws_tags,
)

# Lifecycle policy option keys and their API names, in the order the policies are sent.
LIFECYCLE_KEYS = {
    "transition_to_ia": "TransitionToIA",
    "transition_to_primary_storage_class": "TransitionToPrimaryStorageClass",
    "transition_to_archive": "TransitionToArchive",
}

# At most five security groups per mount target (EFS quota).
MAX_SECURITY_GROUPS = 5

MAX_CREATION_TOKEN = 64


def lifecycle_to_api(wanted: dict[str, str]) -> list[dict[str, str]]:
    """One LifecyclePolicy object per transition, as PutLifecycleConfiguration requires."""
    return [{api_name: wanted[option]} for option, api_name in LIFECYCLE_KEYS.items() if wanted.get(option)]


def wanted_lifecycle(option: dict[str, Any] | None) -> dict[str, str] | None:
    if option is None:
        return None
    return {key: value for key, value in option.items() if key in LIFECYCLE_KEYS and value}


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
