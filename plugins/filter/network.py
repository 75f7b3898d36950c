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


class FilterModule:
    def filters(self):
        return {"subnet_plan_errors": subnet_plan_errors, "cidr_list_errors": cidr_list_errors}
