"""Unit tests of rds_subnet_group_info with botocore Stubber (no network): a group by name with its subnets and
tags, an unknown name answered with an empty list (not a failure), and every group when no name is given."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import rds_subnet_group_info

from .helpers import run_module

ARN = "arn:aws:rds:us-east-1:123456789012:subgrp:prod-moodle"


@pytest.fixture
def rds(stub_aws):
    return stub_aws("rds")


def group(name="prod-moodle", arn=ARN):
    return {
        "DBSubnetGroupName": name, "DBSubnetGroupArn": arn, "DBSubnetGroupDescription": "Moodle", "VpcId": "vpc-1",
        "SubnetGroupStatus": "Complete",
        "Subnets": [{"SubnetIdentifier": "subnet-b"}, {"SubnetIdentifier": "subnet-a"}],
    }  # fmt: skip


def test_a_group_by_name_with_its_subnets_and_tags(rds, capsys):
    rds.add_response("describe_db_subnet_groups", {"DBSubnetGroups": [group()]}, {"DBSubnetGroupName": "prod-moodle"})
    rds.add_response("list_tags_for_resource", {"TagList": [{"Key": "ManagedBy", "Value": "lms.moodle"}]},
                     {"ResourceName": ARN})  # fmt: skip
    result = run_module(rds_subnet_group_info, capsys, name="prod-moodle")
    assert not result["changed"]
    assert result["subnet_groups"] == [{
        "name": "prod-moodle", "arn": ARN, "description": "Moodle", "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-a", "subnet-b"], "status": "Complete", "tags": {"ManagedBy": "lms.moodle"},
    }]  # fmt: skip


def test_an_unknown_name_is_an_empty_list(rds, capsys):
    rds.add_client_error("describe_db_subnet_groups", "DBSubnetGroupNotFoundFault", http_status_code=404)
    result = run_module(rds_subnet_group_info, capsys, name="prod-moodle")
    assert result["subnet_groups"] == [] and not result.get("failed")


def test_another_error_fails_naming_the_group(rds, capsys):
    rds.add_client_error("describe_db_subnet_groups", "AccessDenied", http_status_code=403)
    result = run_module(rds_subnet_group_info, capsys, name="prod-moodle")
    assert result["failed"] and "DB subnet group prod-moodle" in result["msg"]


def test_every_group_without_a_name(rds, capsys):
    other = "arn:aws:rds:us-east-1:123456789012:subgrp:other"
    rds.add_response("describe_db_subnet_groups", {"DBSubnetGroups": [group(), group("other", other)]}, {})
    rds.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": ARN})
    rds.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": other})
    result = run_module(rds_subnet_group_info, capsys)
    assert [found["name"] for found in result["subnet_groups"]] == ["prod-moodle", "other"]
