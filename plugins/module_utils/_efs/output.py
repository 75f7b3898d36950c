# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""File systems and mount targets as the modules return them, and the prediction of check mode."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.lms.moodle.plugins.module_utils._efs.plan import LIFECYCLE_KEYS, wanted_lifecycle, wanted_tags

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


def backup_status(status: str | None) -> str:
    """ENABLED or DISABLED; the transitional ENABLING/DISABLING count as where they are heading."""
    return "ENABLED" if status in ("ENABLED", "ENABLING") else "DISABLED"


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
