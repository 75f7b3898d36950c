"""The web_fleet role against a real moto server: check mode creates nothing, a changed template is a new pinned
version. The network is made with boto3 (the network role takes a minute on moto). The fleet as provision.yml
builds it (checked with boto3, idempotent, no change predicted in check mode, removed to nothing) is molecule's aws
and aws_3az scenarios."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.verify import fleet_checks
from tests.verify.network_checks import Report

from .test_check_mode_predicts import changed_tasks

PLAYBOOK = "../tests/integration/playbooks/web_fleet.yml"
ENVIRONMENT = "fleet"
# An arm64 AMI that moto knows: moto has no Debian public parameter (c7g.xlarge is Graviton).
AMI = "ami-065b1b834d2a83a7a"


@pytest.fixture
def fleet_vars(moto) -> dict:
    ec2, elbv2 = moto.client("ec2"), moto.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{4 * i}.0/22", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    group = ec2.create_security_group(GroupName=f"{ENVIRONMENT}-web", Description="web", VpcId=vpc)["GroupId"]
    target_group = elbv2.create_target_group(Name="fleet-web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    return {
        "moodle_environment": ENVIRONMENT,
        "web_fleet_ami_id": AMI,
        "web_fleet_subnet_ids": subnets,
        "web_fleet_security_group_ids": [group],
        "web_fleet_target_group_arns": [target_group["TargetGroupArn"]],
    }


def verify(moto, fleet_vars, **overrides) -> list[str]:
    args = {
        "environment": ENVIRONMENT,
        "ami_id": AMI,
        "min": 2,
        "max": 4,
        "desired": 2,
        "grace": 300,
        "root_size": 20,
        "scaling": "simple",
        "app_subnets": fleet_vars["web_fleet_subnet_ids"],
        **overrides,
    }
    report = Report()
    fleet_checks.check_present(fleet_checks.clients("us-east-1", moto.url), SimpleNamespace(**args), report)
    return report.failures


def left_behind(moto) -> dict:
    resources = fleet_checks.leftovers(fleet_checks.clients("us-east-1", moto.url))
    resources["iam_roles"] = [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]]
    resources["log_groups"] = [g["logGroupName"] for g in moto.client("logs").describe_log_groups()["logGroups"]]
    return {kind: ids for kind, ids in resources.items() if ids}


def test_check_mode_on_an_empty_account_creates_nothing(moto, run_playbook, fleet_vars):
    result = run_playbook(PLAYBOOK, fleet_vars, "--check", "--diff")

    assert result.returncode == 0, result.output[-5000:]
    assert result.recap()["changed"] > 0
    assert left_behind(moto) == {}


def test_a_changed_template_is_a_new_pinned_version_and_target_tracking_replaces_the_alarms(
    moto, run_playbook, fleet_vars
):
    assert run_playbook(PLAYBOOK, fleet_vars).returncode == 0
    # Back to the default AMI: Debian's public parameter, which EC2 (and moto, blindly) resolves at launch.
    changes = {
        "web_fleet_scaling": "target_tracking",
        "web_fleet_max_size": 6,
        "web_fleet_root_volume_size": 30,
        "web_fleet_ami_id": "",
    }

    predicted = run_playbook(PLAYBOOK, {**fleet_vars, **changes}, "--check", "--diff")
    result = run_playbook(PLAYBOOK, {**fleet_vars, **changes})

    assert result.returncode == 0, result.output[-5000:]
    # The new template version is a change of the group, pinned to it: the role predicts it (the template module returns
    # no version in check mode). The scaling policies are not predicted (community.aws.autoscaling_policy has no check
    # mode), so only the template and the group are compared.
    fleet = (
        "lms.moodle.web_fleet : Create the launch template",
        "lms.moodle.web_fleet : Create the Auto Scaling group",
    )
    assert [t for t in changed_tasks(predicted.output) if t.startswith(fleet)] == [
        t for t in changed_tasks(result.output) if t.startswith(fleet)
    ], (changed_tasks(predicted.output), changed_tasks(result.output))
    assert len([t for t in changed_tasks(result.output) if t.startswith(fleet)]) == 2
    # verify() checks that the group is pinned to the template's latest version, now the second one.
    assert verify(moto, fleet_vars, scaling="target_tracking", max=6, root_size=30, ami_id=None) == []
    group = moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert group["LaunchTemplate"]["Version"] == "2"
