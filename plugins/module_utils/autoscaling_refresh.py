# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the autoscaling_group_refresh module: Auto Scaling and EC2 calls behind amazon.aws error
handlers, the poll that waits for a refresh, and the pure functions that decide which instances are outdated.

An instance is outdated when it was not launched from the group's launch template at the version the group
asks for ($Latest and $Default resolved to numbers). Instance refreshes are only looked up or started when
some instance is outdated: a fleet that is up to date costs two read calls and never touches the refresh APIs
(which some AWS stand-ins, moto 5.2.5 among them, do not implement).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# Seconds between two polls while waiting for a refresh; unit tests set it to 0.
POLL_INTERVAL = 15

# A refresh in one of these still owns the group: AWS rejects a second StartInstanceRefresh.
ACTIVE_STATUSES = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")
SUCCESS_STATUS = "Successful"
# Instances on their way out are not worth a refresh.
LEAVING_STATES = ("Terminating", "Terminating:Wait", "Terminating:Proceed", "Terminated", "Detaching", "Detached")
SYMBOLIC_VERSIONS = ("$Latest", "$Default")


class AnsibleAutoScalingRefreshError(AnsibleAWSError):
    pass


class RefreshErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAutoScalingRefreshError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(("ValidationError", "InvalidLaunchTemplateId.NotFound"))


# ---------------------------------------------------------------------------------------------- AWS calls


@RefreshErrorHandler.list_error_handler("describe Auto Scaling group {name}", None)
@AWSRetry.jittered_backoff()
def describe_group(client, name: str) -> dict[str, Any] | None:
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return groups[0] if groups else None


@RefreshErrorHandler.common_error_handler("describe version {version} of launch template {template_id}")
@AWSRetry.jittered_backoff()
def describe_template_version(ec2, template_id: str, version: str) -> dict[str, Any]:
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id, Versions=[version])
    return versions["LaunchTemplateVersions"][0]


@RefreshErrorHandler.common_error_handler("describe the instance refreshes of {name}")
@AWSRetry.jittered_backoff()
def describe_refreshes(client, name: str, refresh_ids: list[str] | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"AutoScalingGroupName": name}
    if refresh_ids:
        params["InstanceRefreshIds"] = refresh_ids
    # Newest first; the first page is enough to find the active one (AWS allows only one at a time).
    return client.describe_instance_refreshes(**params)["InstanceRefreshes"]


@RefreshErrorHandler.common_error_handler("start an instance refresh of {name}")
@AWSRetry.jittered_backoff()
def start_refresh(client, name: str, preferences: dict[str, Any]) -> str:
    response = client.start_instance_refresh(AutoScalingGroupName=name, Strategy="Rolling", Preferences=preferences)
    return response["InstanceRefreshId"]


# ---------------------------------------------------------------------------------------------- reading


def group_template(group: dict[str, Any]) -> dict[str, Any] | None:
    """The launch template specification of the group, also when it sits in a mixed instances policy."""
    if group.get("LaunchTemplate"):
        return group["LaunchTemplate"]
    mixed = group.get("MixedInstancesPolicy") or {}
    return (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")


def resolver(ec2, template_id: str) -> Callable[[str | None], str]:
    """A function that turns a version of the template ($Latest, $Default, a number, None) into its number.

    Each symbolic version is asked once; numbers need no call."""
    cache: dict[str, str] = {}

    def resolve(version: str | None) -> str:
        wanted = version or "$Default"
        if wanted not in SYMBOLIC_VERSIONS:
            return str(wanted)
        if wanted not in cache:
            cache[wanted] = str(describe_template_version(ec2, template_id, wanted)["VersionNumber"])
        return cache[wanted]

    return resolve


def wanted_template(ec2, group: dict[str, Any]) -> tuple[dict[str, Any], Callable[[str | None], str]]:
    spec = group_template(group)
    if not spec:
        raise AnsibleAutoScalingRefreshError(
            message=f"Auto Scaling group {group['AutoScalingGroupName']} uses a launch configuration, not a launch "
            "template: this module only refreshes groups that use launch templates"
        )
    template_id = spec.get("LaunchTemplateId") or describe_template_id(ec2, spec["LaunchTemplateName"])
    resolve = resolver(ec2, template_id)
    return {
        "launch_template_id": template_id,
        "launch_template_name": spec.get("LaunchTemplateName"),
        "version": spec.get("Version") or "$Default",
        "version_number": resolve(spec.get("Version")),
    }, resolve


@RefreshErrorHandler.common_error_handler("describe launch template {name}")
@AWSRetry.jittered_backoff()
def describe_template_id(ec2, name: str) -> str:
    return ec2.describe_launch_templates(LaunchTemplateNames=[name])["LaunchTemplates"][0]["LaunchTemplateId"]


def outdated_instances(
    group: dict[str, Any], template: dict[str, Any], resolve: Callable[[str | None], str]
) -> list[dict[str, Any]]:
    """The group's instances not launched from the wanted template and version, sorted by id.

    An instance recorded with a symbolic version ($Latest) is taken to run what that version means now: that
    is all AWS tells about it."""
    result = []
    for instance in group.get("Instances", []):
        if instance.get("LifecycleState") in LEAVING_STATES:
            continue
        spec = instance.get("LaunchTemplate") or {}
        same_template = spec.get("LaunchTemplateId") == template["launch_template_id"]
        version = resolve(spec.get("Version")) if same_template else spec.get("Version")
        if same_template and version == template["version_number"]:
            continue
        result.append(
            {
                "instance_id": instance["InstanceId"],
                "launch_template_id": spec.get("LaunchTemplateId"),
                "launch_template_version": version,
                "launch_configuration_name": instance.get("LaunchConfigurationName"),
                "availability_zone": instance.get("AvailabilityZone"),
                "lifecycle_state": instance.get("LifecycleState"),
            }
        )
    return sorted(result, key=lambda item: item["instance_id"])


def active_refresh(refreshes: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((refresh for refresh in refreshes if refresh.get("Status") in ACTIVE_STATUSES), None)


# ---------------------------------------------------------------------------------------------- waiting


def wait_for_refresh(client, name: str, refresh_id: str, timeout: int) -> dict[str, Any]:
    """The refresh once it is Successful; AnsibleAutoScalingRefreshError when it ends otherwise or times out."""

    def fetch() -> dict[str, Any]:
        refreshes = describe_refreshes(client, name, [refresh_id])
        if not refreshes:
            raise AnsibleAutoScalingRefreshError(message=f"Instance refresh {refresh_id} of {name} disappeared")
        return refreshes[0]

    def succeeded(refresh: dict[str, Any]) -> bool:
        status = refresh.get("Status")
        if status == SUCCESS_STATUS:
            return True
        if status not in ACTIVE_STATUSES:
            reason = f": {refresh['StatusReason']}" if refresh.get("StatusReason") else ""
            raise AnsibleAutoScalingRefreshError(
                message=f"Instance refresh {refresh_id} of {name} ended {status}{reason}",
                instance_refresh=normalize_refresh(refresh),
            )
        return False

    try:
        return poll(fetch, succeeded, timeout, POLL_INTERVAL)
    except WaitTimeout as e:
        refresh = e.last
        raise AnsibleAutoScalingRefreshError(
            message=f"Timeout after {timeout}s waiting for instance refresh {refresh_id} of {name} "
            f"(it is {refresh.get('Status')}, {refresh.get('PercentageComplete', 0)}% complete); it goes on in AWS",
            instance_refresh=normalize_refresh(refresh),
        ) from None


# ---------------------------------------------------------------------------------------------- pure functions


def preferences(options: dict[str, Any]) -> dict[str, Any]:
    """StartInstanceRefresh preferences from the module options (unset ones are left to AWS)."""
    result: dict[str, Any] = {
        "MinHealthyPercentage": options["min_healthy_percentage"],
        "MaxHealthyPercentage": options["max_healthy_percentage"],
        "SkipMatching": options["skip_matching"],
    }
    if options.get("instance_warmup") is not None:
        result["InstanceWarmup"] = options["instance_warmup"]
    return result


def validate_options(options: dict[str, Any]) -> str | None:
    """The first problem of the options (naming the option), or None."""
    low, high = options["min_healthy_percentage"], options["max_healthy_percentage"]
    warmup = options.get("instance_warmup")
    checks = [
        (0 <= low <= 100, f"min_healthy_percentage must be between 0 and 100 (got {low})"),
        (100 <= high <= 200, f"max_healthy_percentage must be between 100 and 200 (got {high})"),
        (
            high - low <= 100,
            f"max_healthy_percentage - min_healthy_percentage must be at most 100 (got {high} - {low})",
        ),
        (
            low < 100 or high > 100,
            "min_healthy_percentage=100 needs max_healthy_percentage above 100, or the refresh cannot replace any",
        ),
        (warmup is None or warmup >= 0, f"instance_warmup must be 0 or more seconds (got {warmup})"),
        (options["wait_timeout"] >= 1, f"wait_timeout must be at least 1 second (got {options['wait_timeout']})"),
    ]
    return next((message for ok, message in checks if not ok), None)


def normalize_refresh(refresh: dict[str, Any] | None) -> dict[str, Any] | None:
    if not refresh:
        return None
    return {
        "instance_refresh_id": refresh.get("InstanceRefreshId"),
        "status": refresh.get("Status"),
        "status_reason": refresh.get("StatusReason"),
        "percentage_complete": refresh.get("PercentageComplete"),
        "instances_to_update": refresh.get("InstancesToUpdate"),
        "preferences": refresh.get("Preferences"),
        "start_time": _iso(refresh.get("StartTime")),
        "end_time": _iso(refresh.get("EndTime")),
    }


def predicted_refresh(prefs: dict[str, Any], outdated: list[dict[str, Any]]) -> dict[str, Any]:
    """What check mode reports: a refresh that would start (it has no id yet)."""
    return {
        "instance_refresh_id": None,
        "status": "Pending",
        "status_reason": "check mode: would start an instance refresh",
        "percentage_complete": 0,
        "instances_to_update": len(outdated),
        "preferences": prefs,
        "start_time": None,
        "end_time": None,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value
