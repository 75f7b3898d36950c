"""Unit tests of autoscaling_group_refresh with botocore Stubber (no network).

moto 5.2.5 implements neither DescribeInstanceRefreshes nor StartInstanceRefresh, so every refresh path is pinned
down here: nothing outdated (and then no refresh call at all), outdated (start), a refresh under way (no start),
waiting (success, failure, timeout), check mode, diff and the errors.
"""

from __future__ import annotations

import datetime

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from botocore.stub import Stubber

from ansible_collections.lms.moodle.plugins.module_utils import autoscaling_refresh, waiting
from ansible_collections.lms.moodle.plugins.modules import autoscaling_group_refresh

from .helpers import REGION, run_module

GROUP = "prod-moodle-web"
TEMPLATE_ID = "lt-0123456789abcdef0"
OTHER_TEMPLATE_ID = "lt-0fedcba9876543210"
REFRESH_ID = "08b91cf7-8fa6-48af-b6a6-d227f40f1b9b"
PREFERENCES = {"MinHealthyPercentage": 100, "MaxHealthyPercentage": 110, "SkipMatching": True}
STARTED = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def no_poll_delay(monkeypatch):
    monkeypatch.setattr(autoscaling_refresh, "POLL_INTERVAL", 0)


@pytest.fixture
def aws(monkeypatch):
    """Stubbers of the autoscaling and ec2 clients, each handed to the module for its own service."""
    clients = {
        service: boto3.client(service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
        for service in ("autoscaling", "ec2")
    }
    stubbers = {service: Stubber(client) for service, client in clients.items()}
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, *args, **kwargs: clients[service])
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.deactivate()
        stubber.assert_no_pending_responses()


def instance(instance_id, version="2", template_id=TEMPLATE_ID, state="InService"):
    return {
        "InstanceId": instance_id,
        "AvailabilityZone": "us-east-1a",
        "LifecycleState": state,
        "HealthStatus": "Healthy",
        "LaunchTemplate": {"LaunchTemplateId": template_id, "LaunchTemplateName": GROUP, "Version": version},
        "ProtectedFromScaleIn": False,
    }


def group(instances, version="2", **extra):
    result = {
        "AutoScalingGroupName": GROUP,
        "LaunchTemplate": {"LaunchTemplateId": TEMPLATE_ID, "LaunchTemplateName": GROUP, "Version": version},
        "MinSize": 2,
        "MaxSize": 4,
        "DesiredCapacity": 2,
        "DefaultCooldown": 300,
        "AvailabilityZones": ["us-east-1a"],
        "HealthCheckType": "ELB",
        "CreatedTime": STARTED,
        "Instances": instances,
    }
    result.update(extra)
    return result


def expect_group(aws, *instances, version="2", **extra):
    aws["autoscaling"].add_response(
        "describe_auto_scaling_groups",
        {"AutoScalingGroups": [group(list(instances), version, **extra)]},
        {"AutoScalingGroupNames": [GROUP]},
    )


def expect_version(aws, symbolic, number):
    aws["ec2"].add_response(
        "describe_launch_template_versions",
        {"LaunchTemplateVersions": [{"LaunchTemplateId": TEMPLATE_ID, "VersionNumber": number}]},
        {"LaunchTemplateId": TEMPLATE_ID, "Versions": [symbolic]},
    )


def refresh(status="Pending", **extra):
    return {
        "InstanceRefreshId": REFRESH_ID,
        "AutoScalingGroupName": GROUP,
        "Status": status,
        "StartTime": STARTED,
        "PercentageComplete": 0,
        "InstancesToUpdate": 1,
        **extra,
    }


def expect_refreshes(aws, refreshes, ids=None):
    params = {"AutoScalingGroupName": GROUP}
    if ids:
        params["InstanceRefreshIds"] = ids
    aws["autoscaling"].add_response("describe_instance_refreshes", {"InstanceRefreshes": refreshes}, params)


def expect_start(aws, prefs=None):
    aws["autoscaling"].add_response(
        "start_instance_refresh",
        {"InstanceRefreshId": REFRESH_ID},
        {"AutoScalingGroupName": GROUP, "Strategy": "Rolling", "Preferences": prefs or PREFERENCES},
    )


def test_nothing_outdated_makes_no_refresh_call(aws, capsys):
    expect_group(aws, instance("i-1"), instance("i-2"))

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, _ansible_diff=True)

    assert result["rc"] == 0, result
    assert result["changed"] is False
    assert result["outdated_instances"] == []
    assert result["instance_refresh"] is None
    assert result["launch_template"]["version_number"] == "2"
    assert result["diff"] == {"before": {"outdated_instances": []}, "after": {"outdated_instances": []}}


def test_latest_is_resolved_once_and_instances_on_it_are_current(aws, capsys):
    expect_group(aws, instance("i-1", "$Latest"), instance("i-2", "3"), version="$Latest")
    expect_version(aws, "$Latest", 3)

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["changed"] is False
    assert result["launch_template"] == {
        "launch_template_id": TEMPLATE_ID,
        "launch_template_name": GROUP,
        "version": "$Latest",
        "version_number": "3",
    }


def test_outdated_instance_starts_a_refresh(aws, capsys):
    expect_group(aws, instance("i-2", "2"), instance("i-1", "1"), instance("i-3", "1", state="Terminating"))
    expect_refreshes(aws, [refresh("Successful", EndTime=STARTED)])
    expect_start(aws, {**PREFERENCES, "InstanceWarmup": 120})
    expect_refreshes(aws, [refresh("Pending")], [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, instance_warmup=120, _ansible_diff=True)

    assert result["changed"] is True
    assert [i["instance_id"] for i in result["outdated_instances"]] == ["i-1"]
    assert result["outdated_instances"][0]["launch_template_version"] == "1"
    assert result["instance_refresh"]["instance_refresh_id"] == REFRESH_ID
    assert result["instance_refresh"]["status"] == "Pending"
    assert result["diff"]["before"]["outdated_instances"][0]["instance_id"] == "i-1"
    assert result["diff"]["after"] == {"outdated_instances": []}


def test_instance_of_another_template_or_launch_configuration_is_outdated(aws, capsys):
    launched_by_config = {k: v for k, v in instance("i-2").items() if k != "LaunchTemplate"}
    launched_by_config["LaunchConfigurationName"] = "old-config"
    expect_group(aws, instance("i-1", "2", OTHER_TEMPLATE_ID), launched_by_config)
    expect_refreshes(aws, [])
    expect_start(aws)
    expect_refreshes(aws, [refresh()], [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["changed"] is True
    outdated = result["outdated_instances"]
    assert [(i["instance_id"], i["launch_template_id"]) for i in outdated] == [
        ("i-1", OTHER_TEMPLATE_ID),
        ("i-2", None),
    ]
    assert outdated[1]["launch_configuration_name"] == "old-config"


def test_mixed_instances_policy_template_is_used(aws, capsys):
    spec = {"LaunchTemplateId": TEMPLATE_ID, "Version": "$Default"}
    mixed = {"LaunchTemplate": {"LaunchTemplateSpecification": spec}}
    aws["autoscaling"].add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": [mixed_group(mixed)]}, {"AutoScalingGroupNames": [GROUP]}
    )
    expect_version(aws, "$Default", 5)

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["changed"] is False
    assert result["launch_template"]["version_number"] == "5"


def mixed_group(mixed):
    result = group([instance("i-1", "5")], MixedInstancesPolicy=mixed)
    del result["LaunchTemplate"]
    return result


def test_refresh_in_progress_is_not_started_again(aws, capsys):
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [refresh("InProgress", PercentageComplete=50)])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["changed"] is False
    assert result["instance_refresh"]["status"] == "InProgress"
    assert result["instance_refresh"]["percentage_complete"] == 50


def test_check_mode_reports_would_start_without_starting(aws, capsys):
    expect_group(aws, instance("i-1", "1"), instance("i-2", "1"))
    expect_refreshes(aws, [])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["instance_refresh"]["instance_refresh_id"] is None
    assert result["instance_refresh"]["instances_to_update"] == 2
    assert result["instance_refresh"]["preferences"] == PREFERENCES
    assert len(result["diff"]["before"]["outdated_instances"]) == 2


def test_check_mode_with_nothing_outdated_is_unchanged(aws, capsys):
    expect_group(aws, instance("i-1"))

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, _ansible_check_mode=True, wait=True)

    assert result["changed"] is False
    assert result["instance_refresh"] is None


def test_wait_until_successful(aws, capsys):
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [])
    expect_start(aws)
    expect_refreshes(aws, [refresh("Pending")], [REFRESH_ID])
    expect_refreshes(aws, [refresh("InProgress", PercentageComplete=50)], [REFRESH_ID])
    expect_refreshes(aws, [refresh("Successful", PercentageComplete=100, EndTime=STARTED)], [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, wait=True)

    assert result["changed"] is True
    assert result["instance_refresh"]["status"] == "Successful"
    assert result["instance_refresh"]["end_time"] == STARTED.isoformat()


def test_wait_for_the_refresh_already_under_way(aws, capsys):
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [refresh("InProgress")])
    expect_refreshes(aws, [refresh("Successful")], [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, wait=True)

    assert result["changed"] is False
    assert result["instance_refresh"]["status"] == "Successful"


@pytest.mark.parametrize("status", ["Failed", "Cancelled", "RollbackSuccessful"])
def test_wait_fails_when_the_refresh_does_not_succeed(aws, capsys, status):
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [])
    expect_start(aws)
    expect_refreshes(aws, [refresh()], [REFRESH_ID])
    expect_refreshes(aws, [refresh(status, StatusReason="instances failed health checks")], [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, wait=True)

    assert result["rc"] == 1
    assert result["failed"] is True
    assert f"ended {status}: instances failed health checks" in result["msg"]
    assert result["instance_refresh"]["status"] == status


def test_wait_times_out(aws, capsys, monkeypatch):
    clock = iter(range(0, 10000, 100))
    monkeypatch.setattr(waiting.time, "monotonic", lambda: next(clock))
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [])
    expect_start(aws)
    expect_refreshes(aws, [refresh()], [REFRESH_ID])
    in_progress = [refresh("InProgress", PercentageComplete=10)]
    expect_refreshes(aws, in_progress, [REFRESH_ID])
    expect_refreshes(aws, in_progress, [REFRESH_ID])
    expect_refreshes(aws, in_progress, [REFRESH_ID])

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, wait=True, wait_timeout=250)

    assert result["rc"] == 1
    assert "Timeout after 250s" in result["msg"]
    assert "InProgress, 10% complete" in result["msg"]


def test_missing_group_fails(aws, capsys):
    aws["autoscaling"].add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": []}, {"AutoScalingGroupNames": [GROUP]}
    )

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert result["msg"] == f"Auto Scaling group {GROUP} does not exist"


def test_launch_configuration_group_fails(aws, capsys):
    old = group([instance("i-1")], LaunchConfigurationName="old-config")
    del old["LaunchTemplate"]
    aws["autoscaling"].add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": [old]}, {"AutoScalingGroupNames": [GROUP]}
    )

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert "uses a launch configuration" in result["msg"]


def test_start_error_is_reported(aws, capsys):
    expect_group(aws, instance("i-1", "1"))
    expect_refreshes(aws, [])
    aws["autoscaling"].add_client_error(
        "start_instance_refresh", "InstanceRefreshInProgress", "An Instance Refresh is already in progress"
    )

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert "start an instance refresh of prod-moodle-web" in result["msg"]
    assert result["error"]["code"] == "InstanceRefreshInProgress"


def test_describe_refreshes_error_is_reported(aws, capsys):
    expect_group(aws, instance("i-1", "1"))
    aws["autoscaling"].add_client_error("describe_instance_refreshes", "AccessDenied", "not allowed")

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert "describe the instance refreshes of prod-moodle-web" in result["msg"]


def test_template_version_error_is_reported(aws, capsys):
    expect_group(aws, instance("i-1"), version="$Latest")
    aws["ec2"].add_client_error("describe_launch_template_versions", "InvalidLaunchTemplateId.NotFound", "gone")

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert "launch template lt-0123456789abcdef0" in result["msg"]


def test_describe_group_error_is_reported(aws, capsys):
    aws["autoscaling"].add_client_error("describe_auto_scaling_groups", "AccessDenied", "not allowed")

    result = run_module(autoscaling_group_refresh, capsys, name=GROUP)

    assert result["failed"] is True
    assert "describe Auto Scaling group prod-moodle-web" in result["msg"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_healthy_percentage": 101}, "min_healthy_percentage must be between 0 and 100"),
        ({"max_healthy_percentage": 99}, "max_healthy_percentage must be between 100 and 200"),
        ({"min_healthy_percentage": 0, "max_healthy_percentage": 150}, "at most 100"),
        ({"max_healthy_percentage": 100}, "needs max_healthy_percentage above 100"),
        ({"instance_warmup": -1}, "instance_warmup must be 0 or more"),
        ({"wait_timeout": 0}, "wait_timeout must be at least 1"),
    ],
)
def test_invalid_options_fail_before_any_call(aws, capsys, options, message):
    result = run_module(autoscaling_group_refresh, capsys, name=GROUP, **options)

    assert result["failed"] is True
    assert message in result["msg"]
