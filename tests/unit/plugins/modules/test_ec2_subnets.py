"""Unit tests of ec2_subnets with botocore Stubber (no network): one read, the missing subnets created in their zone,
the tags of the others set, a subnet taken in another zone refused."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import ec2_subnets

from .helpers import run_module

VPC = "vpc-0123456789abcdef0"
SUBNETS = [
    {"cidr": "10.0.0.0/24", "az": "us-east-1a", "tags": {"Name": "prod-public-a", "Tier": "public"}},
    {"cidr": "10.0.1.0/24", "az": "us-east-1b", "tags": {"Name": "prod-public-b", "Tier": "public"}},
]
LISTED = {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]}


@pytest.fixture
def ec2(stub_aws):
    return stub_aws("ec2")


run = functools.partial(run_module, ec2_subnets)


def subnet(subnet_id, cidr, az, tags, public=False):
    return {
        "SubnetId": subnet_id,
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "VpcId": VPC,
        "State": "available",
        "MapPublicIpOnLaunch": public,
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }


def listed(ec2, *subnets):
    ec2.add_response("describe_subnets", {"Subnets": list(subnets)}, LISTED)


def test_the_missing_subnet_is_created_tagged_in_its_zone_and_the_other_retagged(ec2, capsys):
    listed(ec2, subnet("subnet-0aaaaaaaaaaaaaaaa", "10.0.0.0/24", "us-east-1a", {"Name": "old", "Stray": "x"}))
    ec2.add_response("delete_tags", {}, {"Resources": ["subnet-0aaaaaaaaaaaaaaaa"], "Tags": [{"Key": "Stray"}]})
    ec2.add_response(
        "create_tags",
        {},
        {
            "Resources": ["subnet-0aaaaaaaaaaaaaaaa"],
            "Tags": [{"Key": "Name", "Value": "prod-public-a"}, {"Key": "Tier", "Value": "public"}],
        },
    )
    created = subnet("subnet-0bbbbbbbbbbbbbbbb", "10.0.1.0/24", "us-east-1b", SUBNETS[1]["tags"])
    ec2.add_response(
        "create_subnet",
        {"Subnet": created},
        {
            "VpcId": VPC,
            "CidrBlock": "10.0.1.0/24",
            "AvailabilityZone": "us-east-1b",
            "TagSpecifications": [
                {
                    "ResourceType": "subnet",
                    "Tags": [{"Key": "Name", "Value": "prod-public-b"}, {"Key": "Tier", "Value": "public"}],
                }
            ],
        },  # fmt: skip
    )
    ec2.add_response("describe_subnets", {"Subnets": [created]}, {"SubnetIds": ["subnet-0bbbbbbbbbbbbbbbb"]})

    result = run(capsys, vpc_id=VPC, subnets=SUBNETS)

    assert result["rc"] == 0 and result["changed"] and result["created"] == ["10.0.1.0/24"]
    assert [(s["id"], s["availability_zone"], s["tags"]["Name"]) for s in result["subnets"]] == [
        ("subnet-0aaaaaaaaaaaaaaaa", "us-east-1a", "prod-public-a"),
        ("subnet-0bbbbbbbbbbbbbbbb", "us-east-1b", "prod-public-b"),
    ]
    assert result["diff"]["before"]["subnets"][0]["tags"] == {"Name": "old", "Stray": "x"}


def test_subnets_as_asked_change_nothing_and_check_mode_creates_nothing(ec2, capsys):
    listed(
        ec2,
        subnet("subnet-0aaaaaaaaaaaaaaaa", "10.0.0.0/24", "us-east-1a", SUBNETS[0]["tags"]),
        subnet("subnet-0bbbbbbbbbbbbbbbb", "10.0.1.0/24", "us-east-1b", {**SUBNETS[1]["tags"], "aws:reserved": "y"}),
        subnet("subnet-0cccccccccccccccc", "10.0.9.0/24", "us-east-1a", {}),  # not ours: left alone
    )
    result = run(capsys, vpc_id=VPC, subnets=SUBNETS)
    assert result["changed"] is False and [s["id"] for s in result["subnets"]] == [
        "subnet-0aaaaaaaaaaaaaaaa",
        "subnet-0bbbbbbbbbbbbbbbb",
    ]

    listed(ec2, subnet("subnet-0aaaaaaaaaaaaaaaa", "10.0.0.0/24", "us-east-1a", {}, public=True))
    result = run(capsys, vpc_id=VPC, subnets=SUBNETS, _ansible_check_mode=True)
    assert result["changed"] and result["created"] == ["10.0.1.0/24"]
    assert [s["id"] for s in result["subnets"]] == ["subnet-0aaaaaaaaaaaaaaaa", ""]
    assert result["subnets"][0]["map_public_ip_on_launch"] is False


def test_a_cidr_taken_in_another_zone_is_refused_before_any_change(ec2, capsys):
    listed(ec2, subnet("subnet-0aaaaaaaaaaaaaaaa", "10.0.1.0/24", "us-east-1c", {}))

    result = run(capsys, vpc_id=VPC, subnets=SUBNETS)

    assert result["rc"] == 1
    assert "10.0.1.0/24 is in us-east-1c (subnet-0aaaaaaaaaaaaaaaa), not in us-east-1b" in result["msg"]


def test_a_refused_creation_fails_naming_the_subnet(ec2, capsys):
    listed(ec2, subnet("subnet-0aaaaaaaaaaaaaaaa", "10.0.0.0/24", "us-east-1a", SUBNETS[0]["tags"]))
    ec2.add_client_error("create_subnet", service_error_code="InvalidSubnet.Range")

    result = run(capsys, vpc_id=VPC, subnets=SUBNETS)

    assert result["rc"] == 1 and f"Could not create or update the subnet 10.0.1.0/24 of {VPC}" in result["msg"]
