#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rds_subnet_group_info
short_description: Read a DB subnet group with its tags
version_added: 0.1.0
description:
  - Reads one DB subnet group by name, or all of them, with its subnets and its tags.
  - amazon.aws (11.x) has no info module for subnet groups and M(amazon.aws.rds_subnet_group) deletes by name; the
    database role's teardown reads the tags first and deletes only a group that carries the environment's owner tags.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Only the subnet group with this name; an unknown name answers an empty list.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Read the environment's DB subnet group
  lms.moodle.rds_subnet_group_info:
    name: prod-moodle
  register: subnet_group
"""

RETURN = r"""
subnet_groups:
  description: The matching subnet groups; empty when none matches.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the subnet group.
      type: str
      sample: prod-moodle
    arn:
      description: ARN of the subnet group.
      type: str
    description:
      description: Its description.
      type: str
    vpc_id:
      description: The VPC of its subnets.
      type: str
    subnet_ids:
      description: Its subnets, sorted.
      type: list
      elements: str
    status:
      description: Its status (C(Complete) once usable).
      type: str
    tags:
      description: Its tags.
      type: dict
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore


@AWSRetry.jittered_backoff()
def subnet_groups(client, name: str | None) -> list[dict]:
    paginator = client.get_paginator("describe_db_subnet_groups")
    try:
        pages = paginator.paginate(**({"DBSubnetGroupName": name} if name else {}))
        return pages.build_full_result().get("DBSubnetGroups", [])
    except is_boto3_error_code("DBSubnetGroupNotFoundFault"):
        return []


@AWSRetry.jittered_backoff()
def tags_of(client, arn: str) -> dict:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceName=arn).get("TagList", []))


def describe(client, group: dict) -> dict:
    return {
        "name": group["DBSubnetGroupName"],
        "arn": group.get("DBSubnetGroupArn", ""),
        "description": group.get("DBSubnetGroupDescription", ""),
        "vpc_id": group.get("VpcId", ""),
        "subnet_ids": sorted(subnet["SubnetIdentifier"] for subnet in group.get("Subnets", [])),
        "status": group.get("SubnetGroupStatus", ""),
        "tags": tags_of(client, group["DBSubnetGroupArn"]) if group.get("DBSubnetGroupArn") else {},
    }


def main():
    module = AnsibleAWSModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
    client = module.client("rds")
    try:
        found = [describe(client, group) for group in subnet_groups(client, module.params["name"])]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"DB subnet group {module.params['name'] or ''}".strip())
    module.exit_json(changed=False, subnet_groups=found)


if __name__ == "__main__":
    main()
