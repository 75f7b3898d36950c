"""inventories/aws against a real moto server: the running web nodes of one environment, reached through SSM.

The web_fleet role creates the Auto Scaling group (moto launches its instances with the tags the group propagates);
boto3 adds what must stay out: another environment's fleet, the same environment's fleet in another region, an
instance of the environment outside the group, and a stopped and a terminated node of the group. Then
`ansible-inventory` reads the shipped directory unchanged, told the environment, region and endpoint through the
environment variables that AWX's source variables set (LMS_MOODLE_ENVIRONMENT, AWS_REGION, AWS_URL).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.ansible_env import ansible_env

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventories" / "aws"
PLAYBOOK = "../tests/integration/playbooks/web_fleet.yml"
ENVIRONMENT = "awxinv"
REGION = "us-east-1"
# An arm64 AMI that moto knows (c7g.xlarge, web_fleet's default type, is Graviton); moto has no Debian parameter.
AMI = "ami-065b1b834d2a83a7a"
NODES = 4
BIN = Path(sys.executable).parent


def unwrap(value):
    """ansible-inventory marks values from the inventory as unsafe: {"__ansible_unsafe": value}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def owner_tags(environment: str) -> list[dict]:
    """The tags web_fleet puts on its group (the owner_tags filter plus Name), propagated to every instance."""
    tags = {"Environment": environment, "ManagedBy": "lms.moodle", "Name": f"{environment}-moodle-web"}
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def regional(moto, service: str, region: str):
    return boto3.client(
        service, region_name=region, endpoint_url=moto.url, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def stray_fleet(moto, region: str, environment: str) -> None:
    """A fleet made the way web_fleet makes it, in any region: launch template + group with propagated tags."""
    ec2, autoscaling = regional(moto, "ec2", region), regional(moto, "autoscaling", region)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24", AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{environment}-moodle-web", LaunchTemplateData={"ImageId": AMI, "InstanceType": "c7g.large"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=f"{environment}-moodle-web",
        LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
        MinSize=1,
        MaxSize=1,
        DesiredCapacity=1,
        VPCZoneIdentifier=subnet,
        Tags=[{**tag, "PropagateAtLaunch": True} for tag in owner_tags(environment)],
    )


def group_members(autoscaling, environment: str = ENVIRONMENT) -> list[str]:
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{environment}-moodle-web"])
    return [instance["InstanceId"] for instance in groups["AutoScalingGroups"][0]["Instances"]]


@pytest.fixture
def fleet(moto, run_playbook) -> dict:
    """web_fleet's group of NODES nodes, the strays around it, and the ids of what must be listed."""
    ec2, elbv2 = moto.client("ec2"), moto.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{4 * i}.0/22", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate((f"{REGION}a", f"{REGION}b"))
    ]
    group = ec2.create_security_group(GroupName=f"{ENVIRONMENT}-web", Description="web", VpcId=vpc)["GroupId"]
    target_group = elbv2.create_target_group(Name=f"{ENVIRONMENT}-web", Protocol="HTTP", Port=80, VpcId=vpc)
    provisioned = run_playbook(
        PLAYBOOK,
        {
            "moodle_environment": ENVIRONMENT,
            "web_fleet_ami_id": AMI,
            "web_fleet_subnet_ids": subnets,
            "web_fleet_security_group_ids": [group],
            "web_fleet_target_group_arns": [target_group["TargetGroups"][0]["TargetGroupArn"]],
            "web_fleet_min_size": NODES,
            "web_fleet_desired_capacity": NODES,
            "web_fleet_max_size": NODES,
        },
    )
    assert provisioned.returncode == 0, provisioned.output[-5000:]

    stray_fleet(moto, REGION, "decoy")
    stray_fleet(moto, "eu-west-1", ENVIRONMENT)
    ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[0],
        TagSpecifications=[{"ResourceType": "instance", "Tags": owner_tags(ENVIRONMENT)}],
    )
    autoscaling = moto.client("autoscaling")
    launched = group_members(autoscaling)
    assert len(launched) == NODES
    # A stopped node stays in the group (until a health check replaces it); a terminated one is replaced at once.
    stopped, terminated = launched[0], launched[1]
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.terminate_instances(InstanceIds=[terminated])
    members = group_members(autoscaling)
    running = {
        instance["InstanceId"]
        for reservation in ec2.describe_instances(InstanceIds=members)["Reservations"]
        for instance in reservation["Instances"]
        if instance["State"]["Name"] == "running"
    }
    decoy = {
        instance["InstanceId"]
        for reservation in ec2.describe_instances(
            Filters=[{"Name": "tag:aws:autoscaling:groupName", "Values": ["decoy-moodle-web"]}]
        )["Reservations"]
        for instance in reservation["Instances"]
    }
    buckets = [b["Name"] for b in moto.client("s3").list_buckets()["Buckets"] if b["Name"].startswith(ENVIRONMENT)]
    return {"running": running, "not_running": {stopped, terminated}, "decoy": decoy, "buckets": buckets}


def inventory(moto, environment: str) -> dict:
    env = ansible_env(
        AWS_URL=moto.url, AWS_REGION=REGION, LMS_MOODLE_ENVIRONMENT=environment, ANSIBLE_DEPRECATION_WARNINGS="false"
    )
    result = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(INVENTORY), "--list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return unwrap(json.loads(result.stdout))


def connection_vars(plugin: str) -> set[str]:
    """Every variable the connection plugin reads, from its documentation."""
    result = subprocess.run(
        [str(BIN / "ansible-doc"), "-t", "connection", "--json", plugin],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(result.stdout)[plugin]["doc"]["options"]
    return {var["name"] for option in options.values() for var in option.get("vars", [])}


def test_the_running_web_nodes_of_the_environment_are_reached_through_ssm_and_only_those(moto, fleet):
    assert len(fleet["running"]) >= NODES - 2
    assert len(fleet["buckets"]) == 1, fleet["buckets"]
    listed = inventory(moto, ENVIRONMENT)
    hostvars = listed["_meta"]["hostvars"]

    assert set(listed["moodle_web"]["hosts"]) == fleet["running"]
    assert set(listed["aws_ec2"]["hosts"]) == fleet["running"]
    assert not fleet["not_running"] & set(hostvars)
    plugin_vars = connection_vars("amazon.aws.aws_ssm")
    for node in fleet["running"]:
        node_vars = hostvars[node]
        assert node_vars["ansible_connection"] == "amazon.aws.aws_ssm"
        assert node_vars["ansible_aws_ssm_instance_id"] == node
        assert node_vars["ansible_aws_ssm_region"] == REGION
        # The bucket web_fleet really created: the SSM connection moves every module file through it.
        assert node_vars["ansible_aws_ssm_bucket_name"] == fleet["buckets"][0]
        assert {name for name in node_vars if name.startswith("ansible_aws_ssm_")} <= plugin_vars
        # group_vars/moodle_web.yml: root through sudo, Debian's Python, values from the SSM catalogue.
        assert node_vars["ansible_become"] is True
        assert node_vars["ansible_python_interpreter"] == "/usr/bin/python3"
        assert node_vars["configure_from_catalogue"] is True
        assert "ansible_ssh_private_key_file" not in node_vars

    # The controller stays local, without become, for the AWS side.
    assert hostvars["localhost"]["ansible_connection"] == "local"
    assert "ansible_become" not in hostvars["localhost"]

    # The environment variable chooses the fleet (on the same account: one provisioned fleet serves both proofs).
    listed = inventory(moto, "decoy")
    assert set(listed["moodle_web"]["hosts"]) == fleet["decoy"]
    assert len(fleet["decoy"]) == 1
    assert not fleet["decoy"] & fleet["running"]
    assert listed["_meta"]["hostvars"][next(iter(fleet["decoy"]))]["ansible_aws_ssm_bucket_name"].startswith(
        "decoy-moodle-artifacts-"
    )
