"""Unit tests of ec2_managed_prefix_list_info with botocore Stubber (no network)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import ec2_managed_prefix_list_info

from .helpers import run_module

CLOUDFRONT = "com.amazonaws.global.cloudfront.origin-facing"


@pytest.fixture
def ec2(stub_aws):
    return stub_aws("ec2")


run = functools.partial(run_module, ec2_managed_prefix_list_info)


def test_finds_a_prefix_list_by_name(ec2, capsys):
    ec2.add_response(
        "describe_managed_prefix_lists",
        {
            "PrefixLists": [
                {
                    "PrefixListId": "pl-3b927c52",
                    "PrefixListName": CLOUDFRONT,
                    "OwnerId": "AWS",
                    "AddressFamily": "IPv4",
                    "MaxEntries": 55,
                }
            ]
        },  # fmt: skip
        {"Filters": [{"Name": "prefix-list-name", "Values": [CLOUDFRONT]}]},
    )
    result = run(capsys, names=[CLOUDFRONT])
    assert result["rc"] == 0 and not result["changed"]
    assert result["prefix_lists"] == [
        {"prefix_list_id": "pl-3b927c52", "prefix_list_name": CLOUDFRONT, "owner_id": "AWS",
         "address_family": "IPv4", "max_entries": 55}
    ]  # fmt: skip


def test_no_names_lists_every_prefix_list_and_an_error_fails(ec2, capsys):
    ec2.add_response("describe_managed_prefix_lists", {"PrefixLists": []}, {"Filters": []})
    assert run(capsys)["prefix_lists"] == []
    ec2.add_client_error("describe_managed_prefix_lists", service_error_code="UnauthorizedOperation")
    result = run(capsys, names=["x"])
    assert result["rc"] == 1 and "Could not list the managed prefix lists" in result["msg"]


def test_entries_are_every_page_of_the_lists_blocks_sorted(ec2, capsys):
    ec2.add_response(
        "describe_managed_prefix_lists",
        {"PrefixLists": [{"PrefixListId": "pl-3b927c52", "PrefixListName": CLOUDFRONT, "OwnerId": "AWS"}]},
        {"Filters": [{"Name": "prefix-list-name", "Values": [CLOUDFRONT]}]},
    )
    ec2.add_response(
        "get_managed_prefix_list_entries",
        {"Entries": [{"Cidr": "15.158.0.0/16"}], "NextToken": "page-2"},
        {"PrefixListId": "pl-3b927c52"},
    )
    ec2.add_response(
        "get_managed_prefix_list_entries",
        {"Entries": [{"Cidr": "130.176.0.0/18"}, {"Cidr": "13.124.199.0/24"}]},
        {"PrefixListId": "pl-3b927c52", "NextToken": "page-2"},
    )
    result = run(capsys, names=[CLOUDFRONT], entries=True)
    assert result["prefix_lists"][0]["entries"] == ["13.124.199.0/24", "130.176.0.0/18", "15.158.0.0/16"]
