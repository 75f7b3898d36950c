#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_subnets
short_description: Make sure several subnets of a VPC exist, each in its zone with its tags
version_added: 0.1.0
description:
  - Finds the subnets of O(subnets) in the VPC by CIDR block, creates the missing ones in their availability zone and
    sets the tags of every one. Other subnets of the VPC are left alone.
  - A subnet whose CIDR block is already taken in another zone is an error that names the subnet and both zones, since
    EC2 cannot move a subnet to another zone.
  - One process for every subnet of a VPC, where M(amazon.aws.ec2_vpc_subnet) takes one for each (about a second
    apiece, most of it starting Python and botocore).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  vpc_id:
    description: The VPC of the subnets.
    type: str
    required: true
  subnets:
    description: The subnets, by CIDR block.
    type: list
    elements: dict
    required: true
    suboptions:
      cidr:
        description: The IPv4 CIDR block of the subnet, inside the VPC's.
        type: str
        required: true
      az:
        description: The availability zone of the subnet.
        type: str
        required: true
      tags:
        description: The tags of the subnet.
        type: dict
        default: {}
      map_public:
        description: Whether instances launched in the subnet get a public IPv4 address.
        type: bool
        default: false
  purge_tags:
    description: Remove the tags of a subnet that are not in its C(tags) (never the reserved C(aws:) tags).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a new subnet to be available.
    type: int
    default: 300
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
"""

EXAMPLES = r"""
- name: Create the public and app subnets of two zones
  lms.moodle.ec2_subnets:
    vpc_id: vpc-0123456789abcdef0
    subnets:
      - {cidr: 10.0.0.0/24, az: eu-west-1a, tags: {Name: prod-public-eu-west-1a, Tier: public}}
      - {cidr: 10.0.1.0/24, az: eu-west-1b, tags: {Name: prod-public-eu-west-1b, Tier: public}}
      - {cidr: 10.0.10.0/24, az: eu-west-1a, tags: {Name: prod-app-eu-west-1a, Tier: app}}
      - {cidr: 10.0.11.0/24, az: eu-west-1b, tags: {Name: prod-app-eu-west-1b, Tier: app}}
  register: subnets
"""

RETURN = r"""
subnets:
  description: Every subnet of O(subnets), in order (C(id) empty in check mode for a subnet to create).
  returned: always
  type: list
  elements: dict
  sample:
    - {id: subnet-0123456789abcdef0, cidr_block: 10.0.0.0/24, availability_zone: eu-west-1a,
       tags: {Name: prod-public-eu-west-1a, Tier: public}, map_public_ip_on_launch: false, created: true}
created:
  description: The CIDR blocks of the subnets created.
  returned: always
  type: list
  elements: str
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    boto3_tag_specifications,
)

from ansible_collections.lms.moodle.plugins.module_utils.tags import tag_changes, with_tag_changes, write_ec2_tags

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    from botocore.exceptions import BotoCoreError, ClientError, WaiterError


@AWSRetry.jittered_backoff()
def existing_subnets(client, vpc_id):
    found = {}
    for page in client.get_paginator("describe_subnets").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]):
        for subnet in page["Subnets"]:
            found[subnet["CidrBlock"]] = subnet
    return found


# A new subnet may not be visible to every endpoint yet: retried as ec2_vpc_subnet does.
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidSubnetID.NotFound"])
def call(client, operation, **kwargs):
    return getattr(client, operation)(**kwargs)


def view(subnet_id, cidr, az, tags, map_public, *, created=False):
    return {
        "id": subnet_id,
        "cidr_block": cidr,
        "availability_zone": az,
        "tags": tags,
        "map_public_ip_on_launch": map_public,
        "created": created,
    }


def create(module, client, vpc_id, wanted):
    subnet = call(
        client,
        "create_subnet",
        VpcId=vpc_id,
        CidrBlock=wanted["cidr"],
        AvailabilityZone=wanted["az"],
        TagSpecifications=boto3_tag_specifications(wanted["tags"], types=["subnet"]) if wanted["tags"] else [],
    )["Subnet"]
    try:
        client.get_waiter("subnet_available").wait(
            SubnetIds=[subnet["SubnetId"]],
            WaiterConfig={"Delay": 5, "MaxAttempts": max(1, module.params["wait_timeout"] // 5)},
        )
    except WaiterError as e:
        module.fail_json_aws(e, msg=f"The subnet {wanted['cidr']} ({subnet['SubnetId']}) did not become available")
    if wanted["map_public"]:
        call(client, "modify_subnet_attribute", SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    return planned(subnet["SubnetId"], wanted)


def planned(subnet_id, wanted):
    """The view of a subnet created as asked (subnet_id empty in check mode)."""
    return view(subnet_id, wanted["cidr"], wanted["az"], dict(wanted["tags"]), wanted["map_public"], created=True)


def update(module, client, current, wanted):
    """The changes an existing subnet needs, made unless in check mode; its view afterwards and whether it changed."""
    subnet_id = current["SubnetId"]
    tags = boto3_tag_list_to_ansible_dict(current.get("Tags", []))
    to_set, to_remove = tag_changes(tags, wanted["tags"], module.params["purge_tags"])
    map_public = current.get("MapPublicIpOnLaunch", False)
    changed = bool(to_set or to_remove or map_public != wanted["map_public"])
    if changed and not module.check_mode:
        write_ec2_tags(client, subnet_id, to_set, to_remove)
        if map_public != wanted["map_public"]:
            public = {"Value": wanted["map_public"]}
            call(client, "modify_subnet_attribute", SubnetId=subnet_id, MapPublicIpOnLaunch=public)
    zone = current["AvailabilityZone"]
    after = view(subnet_id, wanted["cidr"], zone, with_tag_changes(tags, to_set, to_remove), wanted["map_public"])
    before = view(subnet_id, wanted["cidr"], zone, tags, map_public)
    return before, after, changed


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            vpc_id=dict(type="str", required=True),
            subnets=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    cidr=dict(type="str", required=True),
                    az=dict(type="str", required=True),
                    tags=dict(type="dict", default={}),
                    map_public=dict(type="bool", default=False),
                ),
            ),
            purge_tags=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
        ),
        supports_check_mode=True,
    )
    vpc_id, subnets = module.params["vpc_id"], module.params["subnets"]
    cidrs = [subnet["cidr"] for subnet in subnets]
    twice = sorted(cidr for cidr in set(cidrs) if cidrs.count(cidr) > 1)
    if twice:
        module.fail_json(msg=f"subnets: a CIDR block is given twice: {', '.join(twice)}")
    client = module.client("ec2")
    try:
        found = existing_subnets(client, vpc_id)
    except (ClientError, BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not list the subnets of {vpc_id}")
    moved = [
        f"{s['cidr']} is in {found[s['cidr']]['AvailabilityZone']} ({found[s['cidr']]['SubnetId']}), not in {s['az']}"
        for s in subnets
        if s["cidr"] in found and found[s["cidr"]]["AvailabilityZone"] != s["az"]
    ]
    if moved:
        module.fail_json(msg=f"Subnets of {vpc_id} in another zone than asked (EC2 moves none): {'; '.join(moved)}")

    results, before, after, changed = [], [], [], False
    for wanted in subnets:
        try:
            if wanted["cidr"] not in found:
                changed = True
                results.append(planned("", wanted) if module.check_mode else create(module, client, vpc_id, wanted))
                after.append(results[-1])
                continue
            old, new, subnet_changed = update(module, client, found[wanted["cidr"]], wanted)
        except (ClientError, BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not create or update the subnet {wanted['cidr']} of {vpc_id}")
        changed = changed or subnet_changed
        results.append(new)
        before.append(old)
        after.append(new)
    module.exit_json(
        changed=changed,
        created=[subnet["cidr_block"] for subnet in results if subnet["created"]],
        subnets=results,
        diff={"before": {"subnets": before}, "after": {"subnets": after}},
    )


if __name__ == "__main__":
    main()
