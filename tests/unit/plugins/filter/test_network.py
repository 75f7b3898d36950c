from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lms.moodle.plugins.filter.network import cidr_list_errors, subnet_plan_errors, zones_to_prune

REFERENCE = {
    "network_public_subnet_cidrs": ["10.0.200.0/24", "10.0.201.0/24", "10.0.202.0/24"],
    "network_app_subnet_cidrs": ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"],
    "network_data_subnet_cidrs": ["10.0.100.0/24", "10.0.101.0/24", "10.0.102.0/24"],
}


@pytest.mark.parametrize("az_count", [1, 2, 3])
def test_reference_plan_is_valid(az_count):
    assert subnet_plan_errors(REFERENCE, "10.0.0.0/16", az_count) == []


def test_only_the_used_blocks_must_fit_and_not_overlap():
    tiers = {**REFERENCE, "network_data_subnet_cidrs": ["10.0.100.0/24", "10.0.0.0/24"]}
    assert subnet_plan_errors(tiers, "10.0.0.0/16", 1) == []
    assert subnet_plan_errors(tiers, "10.0.0.0/16", 2) == [
        "network_app_subnet_cidrs[0] (10.0.0.0/22) overlaps network_data_subnet_cidrs[1] (10.0.0.0/24)"
    ]


@pytest.mark.parametrize(
    ("vpc", "fragment"),
    [
        ("10.0.0.0/33", "network_vpc_cidr is not a valid CIDR block"),
        ("10.0.0.1/16", "network_vpc_cidr is not a valid CIDR block"),
        ("10.0.0.0/8", "network_vpc_cidr has prefix /8"),
        ("10.0.0.0", "network_vpc_cidr must carry a prefix length"),
        ("fe80::/64", "network_vpc_cidr is not an IPv4 CIDR block"),
        (None, "network_vpc_cidr must be a CIDR string"),
    ],
)
def test_bad_vpc_block_is_named(vpc, fragment):
    errors = subnet_plan_errors(REFERENCE, vpc, 2)
    assert any(fragment in error for error in errors), errors


def test_subnet_outside_vpc_and_too_short_list_are_named():
    tiers = {
        "network_public_subnet_cidrs": ["10.0.200.0/24"],
        "network_app_subnet_cidrs": ["10.1.0.0/22", "10.0.4.0/22"],
        "network_data_subnet_cidrs": "10.0.100.0/24",
    }
    errors = subnet_plan_errors(tiers, "10.0.0.0/16", 2)
    assert "network_public_subnet_cidrs lists 1 CIDR block(s) but 2 availability zone(s) need one each" in errors
    assert "network_app_subnet_cidrs[0] (10.1.0.0/22) lies outside the VPC block 10.0.0.0/16" in errors
    assert "network_data_subnet_cidrs must be a list of CIDR blocks, one per availability zone" in errors


def test_unused_entries_are_still_checked_for_syntax():
    tiers = {**REFERENCE, "network_public_subnet_cidrs": ["10.0.200.0/24", "10.0.201.0/24", "nope"]}
    assert subnet_plan_errors(tiers, "10.0.0.0/16", 2) == [
        "network_public_subnet_cidrs[2] is not an IPv4 CIDR block: 'nope'"
    ]


def test_bad_arguments_raise_filter_errors():
    with pytest.raises(AnsibleFilterError):
        subnet_plan_errors(["not", "a", "mapping"], "10.0.0.0/16", 2)
    with pytest.raises(AnsibleFilterError):
        subnet_plan_errors(REFERENCE, "10.0.0.0/16", "two")
    with pytest.raises(AnsibleFilterError):
        cidr_list_errors("10.0.0.0/8")


def test_cidr_list_errors():
    assert cidr_list_errors({"a": ["0.0.0.0/0", "203.0.113.0/24"]}) == []
    errors = cidr_list_errors({"a": [], "b": ["203.0.113.7/24"], "c": "0.0.0.0/0", "d": ["192.0.2.1"]})
    assert errors[0] == "a must list at least one CIDR block"
    assert errors[1].startswith("b[0] is not a valid IPv4 CIDR block: '203.0.113.7/24'")
    assert errors[2] == "c must be a list of CIDR blocks"
    assert errors[3] == "d[0] must carry a prefix length, such as 192.0.2.1/32"


def _subnet(subnet_id, zone, cidr):
    return {
        "subnet_id": subnet_id,
        "availability_zone": zone,
        "cidr_block": cidr,
        "tags": {"Name": f"prod-{subnet_id}"},
    }


SUBNETS = [
    _subnet("a1", "z-a", "10.0.0.0/24"),
    _subnet("c1", "z-c", "10.0.2.0/24"),
    _subnet("c2", "z-c", "10.0.12.0/24"),
]
NAT_C = {"nat_gateway_id": "nat-c", "subnet_id": "c1", "nat_gateway_addresses": [{"network_interface_id": "eni-nat"}]}
TABLES = [
    {"route_table_id": "rt-pub", "associations": [{"subnet_id": "a1"}], "routes": [], "tags": {"Name": "prod-public"}},
    {"route_table_id": "rt-c", "associations": [{"subnet_id": "c2"}], "routes": [{"nat_gateway_id": "nat-c"}],
     "tags": {"Name": "prod-private-z-c"}},
    {"route_table_id": "rt-idle", "associations": [], "routes": [], "tags": {"Name": "prod-private-z-c"}},
    {"route_table_id": "rt-main", "associations": [{"main": True}], "routes": [], "tags": {}},
]  # fmt: skip


def test_a_zone_held_by_nothing_but_its_nat_gateway_can_go_with_its_own_route_tables():
    nat_interface = {"id": "eni-nat", "subnet_id": "c1", "interface_type": "interface", "description": ""}

    [plan] = zones_to_prune(SUBNETS, ["z-a"], [nat_interface], TABLES, [NAT_C])

    assert plan["zone"] == "z-c" and plan["held_by"] == []
    assert plan["route_table_ids"] == ["rt-c", "rt-idle"]
    assert plan["nat_gateway_ids"] == ["nat-c"]
    assert [s["cidr"] for s in plan["subnets"]] == ["10.0.2.0/24", "10.0.12.0/24"]


def test_a_zone_is_held_by_any_other_interface_and_by_a_table_that_stays_and_routes_through_its_gateway():
    database = {"id": "eni-db", "subnet_id": "c2", "interface_type": "interface", "description": "RDSNetworkInterface"}
    other_zone = {"route_table_id": "rt-a", "associations": [{"subnet_id": "a1"}],
                  "routes": [{"nat_gateway_id": "nat-c"}], "tags": {"Name": "prod-private-z-a"}}  # fmt: skip

    [plan] = zones_to_prune(SUBNETS, ["z-a"], [database], TABLES + [other_zone], [NAT_C])

    assert len(plan["held_by"]) == 2, plan["held_by"]
    assert "eni-db (RDSNetworkInterface) in the subnet c2 (prod-c2)" in plan["held_by"][0]
    assert "rt-a (prod-private-z-a) routes through its NAT gateway nat-c" in plan["held_by"][1]


def test_no_zone_taken_away_plans_nothing():
    assert zones_to_prune(SUBNETS, ["z-a", "z-c"], [], TABLES, [NAT_C]) == []
