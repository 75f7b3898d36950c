"""Unit tests of ec2_tags with botocore Stubber (no network): one read for every resource, only differing tags set."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import ec2_tags

from .helpers import run_module

NAT, EIP = "nat-0123456789abcdef0", "eipalloc-0123456789abcdef0"
TAGS = {"Name": "prod-nat-a", "Environment": "prod"}


@pytest.fixture
def ec2(stub_aws):
    return stub_aws("ec2")


run = functools.partial(run_module, ec2_tags)


def found(ec2, tags):
    ec2.add_response(
        "describe_tags",
        {
            "Tags": [
                {"ResourceId": rid, "ResourceType": "natgateway", "Key": k, "Value": v}
                for rid, pairs in tags.items()
                for k, v in pairs.items()
            ]
        },
        {"Filters": [{"Name": "resource-id", "Values": [NAT, EIP]}]},
    )


def test_only_the_resource_whose_tags_differ_is_tagged_and_others_tags_are_kept(ec2, capsys):
    found(ec2, {NAT: {**TAGS, "Owner": "ops"}, EIP: {"Name": "old"}})
    ec2.add_response(
        "create_tags",
        {},
        {"Resources": [EIP], "Tags": [{"Key": "Environment", "Value": "prod"}, {"Key": "Name", "Value": "prod-nat-a"}]},
    )

    result = run(capsys, resources=[{"id": NAT, "tags": TAGS}, {"id": EIP, "tags": TAGS}])

    assert result["rc"] == 0 and result["changed"]
    assert result["resources"] == [{"id": NAT, "tags": {**TAGS, "Owner": "ops"}}, {"id": EIP, "tags": TAGS}]


def test_tags_as_asked_change_nothing_check_mode_writes_nothing_and_purge_removes(ec2, capsys):
    resources = [{"id": NAT, "tags": TAGS}, {"id": EIP, "tags": TAGS}]
    found(ec2, {NAT: TAGS, EIP: TAGS})
    assert run(capsys, resources=resources)["changed"] is False

    found(ec2, {NAT: {}, EIP: TAGS})
    result = run(capsys, resources=resources, _ansible_check_mode=True)
    assert result["changed"] and result["diff"]["before"][NAT] == {} and result["diff"]["after"][NAT] == TAGS

    found(ec2, {NAT: {**TAGS, "Stray": "x"}, EIP: TAGS})
    ec2.add_response("delete_tags", {}, {"Resources": [NAT], "Tags": [{"Key": "Stray"}]})
    assert run(capsys, resources=resources, purge_tags=True)["changed"]


def test_no_resource_makes_no_call(ec2, capsys):
    result = run(capsys, resources=[])

    assert result["rc"] == 0 and result["changed"] is False and result["resources"] == []
