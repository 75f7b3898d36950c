"""Unit tests of ec2_security_groups with botocore Stubber (no network): the missing groups created, no wait."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import ec2_security_groups

from .helpers import run_module

VPC = "vpc-0123456789abcdef0"
GROUPS = [
    {"name": "prod-moodle-alb", "description": "Load balancer"},
    {"name": "prod-moodle-web", "description": "Web"},
]
FILTERS = {
    "Filters": [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "group-name", "Values": [g["name"] for g in GROUPS]}]
}


@pytest.fixture
def ec2(stub_aws):
    return stub_aws("ec2")


run = functools.partial(run_module, ec2_security_groups)


def found(ec2, groups):
    ec2.add_response(
        "describe_security_groups",
        {"SecurityGroups": [{"GroupName": n, "GroupId": i, "VpcId": VPC} for n, i in groups.items()]},
        FILTERS,
    )


def test_only_the_missing_groups_are_created_tagged_with_their_name(ec2, capsys):
    found(ec2, {"prod-moodle-alb": "sg-0aaaaaaaaaaaaaaaa"})
    ec2.add_response(
        "create_security_group",
        {"GroupId": "sg-0bbbbbbbbbbbbbbbb"},
        {
            "GroupName": "prod-moodle-web",
            "Description": "Web",
            "VpcId": VPC,
            "TagSpecifications": [
                {
                    "ResourceType": "security-group",
                    "Tags": [{"Key": "Project", "Value": "moodle"}, {"Key": "Name", "Value": "prod-moodle-web"}],
                }
            ],
        },  # fmt: skip
    )

    result = run(capsys, vpc_id=VPC, groups=GROUPS, tags={"Project": "moodle"})

    assert result["rc"] == 0 and result["changed"] and result["created"] == ["prod-moodle-web"]
    assert result["groups"] == [
        {"group_name": "prod-moodle-alb", "group_id": "sg-0aaaaaaaaaaaaaaaa", "created": False},
        {"group_name": "prod-moodle-web", "group_id": "sg-0bbbbbbbbbbbbbbbb", "created": True},
    ]


def test_every_group_there_changes_nothing_and_check_mode_creates_nothing(ec2, capsys):
    found(ec2, {"prod-moodle-alb": "sg-0aaaaaaaaaaaaaaaa", "prod-moodle-web": "sg-0bbbbbbbbbbbbbbbb"})
    assert run(capsys, vpc_id=VPC, groups=GROUPS)["changed"] is False

    found(ec2, {})
    result = run(capsys, vpc_id=VPC, groups=GROUPS, _ansible_check_mode=True)
    assert result["changed"] and [g["group_id"] for g in result["groups"]] == ["", ""]


def test_a_refused_creation_fails_naming_the_group(ec2, capsys):
    found(ec2, {"prod-moodle-alb": "sg-0aaaaaaaaaaaaaaaa"})
    ec2.add_client_error("create_security_group", service_error_code="SecurityGroupLimitExceeded")

    result = run(capsys, vpc_id=VPC, groups=GROUPS)

    assert result["rc"] == 1 and "Could not create the security group prod-moodle-web" in result["msg"]
