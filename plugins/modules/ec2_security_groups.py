#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_security_groups
short_description: Make sure several security groups of a VPC exist, creating the missing ones without rules
version_added: 0.1.0
description:
  - Finds the groups of O(groups) in the VPC by name and creates the missing ones with their description and tags.
    A new group has only the default egress rule that EC2 gives every group.
  - Leaves the rules of every group alone. Rules that reference each other's groups (load balancer to web, web to
    database) can then be applied with M(amazon.aws.ec2_security_group) once every group has its ID.
  - One process creates every group. M(amazon.aws.ec2_security_group) waits at least 3 seconds after each group it
    creates, before it reads the group back.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  vpc_id:
    description: The VPC of the groups.
    type: str
    required: true
  groups:
    description: The groups, by name.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The group name, unique in the VPC.
        type: str
        required: true
      description:
        description: The description of a group that is created. EC2 cannot change it afterwards.
        type: str
        required: true
  tags:
    description: Tags of every group created, with C(Name) set to the group's name.
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
"""

EXAMPLES = r"""
- name: Create the missing groups so that rules can reference them
  lms.moodle.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    groups:
      - {name: prod-moodle-alb, description: Load balancer}
      - {name: prod-moodle-web, description: Web servers}
    tags: {Project: moodle}
  register: groups
"""

RETURN = r"""
groups:
  description: Every group of O(groups), in order, with its ID (empty in check mode for a group to create).
  returned: always
  type: list
  elements: dict
  sample:
    - {group_name: prod-moodle-alb, group_id: sg-0123456789abcdef0, created: true}
created:
  description: The names of the groups created.
  returned: always
  type: list
  elements: str
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    from botocore.exceptions import BotoCoreError, ClientError


@AWSRetry.jittered_backoff()
def existing_groups(client, vpc_id, names):
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": names}]
    found = {}
    for page in client.get_paginator("describe_security_groups").paginate(Filters=filters):
        for group in page["SecurityGroups"]:
            found[group["GroupName"]] = group["GroupId"]
    return found


@AWSRetry.jittered_backoff()
def create_group(client, vpc_id, group, tags):
    tags = {**tags, "Name": group["name"]}
    return client.create_security_group(
        GroupName=group["name"],
        Description=group["description"],
        VpcId=vpc_id,
        TagSpecifications=boto3_tag_specifications(tags, types=["security-group"]),
    )["GroupId"]


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            vpc_id=dict(type="str", required=True),
            groups=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(name=dict(type="str", required=True), description=dict(type="str", required=True)),
            ),
            tags=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    vpc_id, groups = module.params["vpc_id"], module.params["groups"]
    names = [group["name"] for group in groups]
    client = module.client("ec2")
    try:
        ids = existing_groups(client, vpc_id, names)
    except (ClientError, BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not list the security groups of {vpc_id}")
    before = sorted(ids)
    missing = [group for group in groups if group["name"] not in ids]
    for group in missing:
        if module.check_mode:
            ids[group["name"]] = ""
            continue
        try:
            ids[group["name"]] = create_group(client, vpc_id, group, module.params["tags"])
        except (ClientError, BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not create the security group {group['name']} in {vpc_id}")
    created = [group["name"] for group in missing]
    module.exit_json(
        changed=bool(created),
        created=created,
        groups=[{"group_name": name, "group_id": ids[name], "created": name in created} for name in names],
        diff={"before": {"groups": before}, "after": {"groups": sorted(set(before) | set(created))}},
    )


if __name__ == "__main__":
    main()
