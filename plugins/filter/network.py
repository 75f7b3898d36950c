# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of a VPC subnet plan, so preflight can reject bad CIDRs before any AWS call."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

# AWS accepts VPC and subnet blocks between /16 and /28.
MIN_PREFIX = 16
MAX_PREFIX = 28


def _parse(value, label: str, errors: list[str]) -> ipaddress.IPv4Network | None:
    if not isinstance(value, str):
        errors.append(f"{label} must be a CIDR string such as 10.0.0.0/24, got {value!r}")
        return None
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ipaddress.AddressValueError:
        errors.append(f"{label} is not an IPv4 CIDR block: {value!r}")
        return None
    except (ipaddress.NetmaskValueError, ValueError) as exc:
        errors.append(f"{label} is not a valid CIDR block: {value!r} ({exc})")
        return None
    if "/" not in value:
        errors.append(f"{label} must carry a prefix length, such as {value}/24")
        return None
    if not MIN_PREFIX <= network.prefixlen <= MAX_PREFIX:
        errors.append(f"{label} has prefix /{network.prefixlen}; AWS accepts /{MIN_PREFIX} to /{MAX_PREFIX}: {value}")
        return None
    return network


def _tier_networks(name: str, cidrs, az_count: int, vpc, errors: list[str]) -> list[tuple[str, ipaddress.IPv4Network]]:
    if isinstance(cidrs, (str, bytes)) or not isinstance(cidrs, Sequence):
        errors.append(f"{name} must be a list of CIDR blocks, one per availability zone")
        return []
    if len(cidrs) < az_count:
        errors.append(f"{name} lists {len(cidrs)} CIDR block(s) but {az_count} availability zone(s) need one each")
    used = []
    for index, value in enumerate(cidrs):
        label = f"{name}[{index}]"
        network = _parse(value, label, errors)
        if network is None or index >= az_count:
            continue
        if vpc is not None and not network.subnet_of(vpc):
            errors.append(f"{label} ({value}) lies outside the VPC block {vpc}")
        used.append((label, network))
    return used


def subnet_plan_errors(tiers: Mapping, vpc_cidr, az_count, vpc_cidr_name: str = "network_vpc_cidr") -> list[str]:
    """Return one message per problem in the plan; an empty list means the plan is valid.

    ``tiers`` maps the variable name of each tier to its list of CIDRs, so that every message names
    the variable the operator has to fix.
    """
    if not isinstance(tiers, Mapping):
        raise AnsibleFilterError("subnet_plan_errors expects a mapping of variable name to CIDR list")
    try:
        az_count = int(az_count)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"subnet_plan_errors: az_count must be an integer, got {az_count!r}") from exc
    errors: list[str] = []
    vpc = _parse(vpc_cidr, vpc_cidr_name, errors)
    used: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, cidrs in tiers.items():
        used.extend(_tier_networks(str(name), cidrs, az_count, vpc, errors))
    for position, (label, network) in enumerate(used):
        for other_label, other in used[position + 1 :]:
            if network.overlaps(other):
                errors.append(f"{label} ({network}) overlaps {other_label} ({other})")
    return errors


def cidr_list_errors(lists: Mapping) -> list[str]:
    """Return one message per malformed entry of each named list of IPv4 CIDR blocks (any prefix)."""
    if not isinstance(lists, Mapping):
        raise AnsibleFilterError("cidr_list_errors expects a mapping of variable name to CIDR list")
    errors: list[str] = []
    for name, cidrs in lists.items():
        if isinstance(cidrs, (str, bytes)) or not isinstance(cidrs, Sequence):
            errors.append(f"{name} must be a list of CIDR blocks")
            continue
        if not cidrs:
            errors.append(f"{name} must list at least one CIDR block")
        for index, value in enumerate(cidrs):
            try:
                ipaddress.IPv4Network(str(value), strict=True)
            except ValueError as exc:
                errors.append(f"{name}[{index}] is not a valid IPv4 CIDR block: {value!r} ({exc})")
            else:
                if "/" not in str(value):
                    errors.append(f"{name}[{index}] must carry a prefix length, such as {value}/32")
    return errors


def _name(resource: Mapping, key: str) -> str:
    name = (resource.get("tags") or {}).get("Name")
    return f"{resource[key]} ({name})" if name else str(resource[key])


def zones_to_prune(subnets, zones, interfaces, route_tables, nat_gateways) -> list[dict]:
    """What each zone the network no longer spans still holds, and whether it can go now.

    ``subnets`` are the environment's own subnets (found by its owner tags), ``zones`` the zones the network spans now;
    ``interfaces``, ``route_tables`` and ``nat_gateways`` as amazon.aws's info modules return them, for the VPC. A
    zone can go once nothing but its own NAT gateways has a network interface in its subnets (an instance, a database,
    a mount target or a load balancer node still there holds it), and no route table that stays routes through its
    NAT gateways. Its route tables are the environment's tables whose subnets are all in the zone, or that no subnet
    uses and whose Name ends with the zone's.
    """
    if not all(isinstance(value, Sequence) for value in (subnets, zones, interfaces, route_tables, nat_gateways)):
        raise AnsibleFilterError("zones_to_prune expects lists: subnets, zones, interfaces, route tables, NAT gateways")
    by_zone: dict[str, list[Mapping]] = {}
    for subnet in subnets:
        if subnet["availability_zone"] not in zones:
            by_zone.setdefault(subnet["availability_zone"], []).append(subnet)
    plans = []
    for zone, members in sorted(by_zone.items()):
        ids = {subnet["subnet_id"] for subnet in members}
        tables = []
        for table in route_tables:
            associated = {a["subnet_id"] for a in table.get("associations", []) if a.get("subnet_id")}
            # Or one of the zone's own tables (named after it) that no subnet uses any more.
            if (associated and associated <= ids) or (
                not associated and (table.get("tags") or {}).get("Name", "").endswith(f"-{zone}")
            ):
                tables.append(table)
        table_ids = {table["route_table_id"] for table in tables}
        nats = [nat for nat in nat_gateways if nat["subnet_id"] in ids]
        names = {subnet["subnet_id"]: _name(subnet, "subnet_id") for subnet in members}
        # A NAT gateway's own interface is named in its addresses (and typed nat_gateway on AWS, though not on moto).
        own = {address.get("network_interface_id") for nat in nats for address in nat.get("nat_gateway_addresses", [])}
        holders = [
            f"network interface {eni['id']} ({eni.get('description') or eni.get('interface_type')}) in the subnet "
            f"{names[eni['subnet_id']]}"
            for eni in interfaces
            if eni["subnet_id"] in ids and eni.get("interface_type") != "nat_gateway" and eni["id"] not in own
        ]
        holders += [
            f"the route table {_name(table, 'route_table_id')} routes through its NAT gateway {nat['nat_gateway_id']}"
            for nat in nats
            for table in route_tables
            if table["route_table_id"] not in table_ids
            and any(route.get("nat_gateway_id") == nat["nat_gateway_id"] for route in table.get("routes", []))
        ]
        plans.append(
            {
                "zone": zone,
                "subnets": [
                    {"id": s["subnet_id"], "cidr": s["cidr_block"], "name": names[s["subnet_id"]]} for s in members
                ],
                "route_tables": [_name(table, "route_table_id") for table in tables],
                "route_table_ids": sorted(table_ids),
                "nat_gateway_ids": [nat["nat_gateway_id"] for nat in nats],
                "held_by": holders,
            }
        )
    return plans


class FilterModule:
    def filters(self):
        return {
            "subnet_plan_errors": subnet_plan_errors,
            "cidr_list_errors": cidr_list_errors,
            "zones_to_prune": zones_to_prune,
        }
