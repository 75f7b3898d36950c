#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_managed_prefix_list_info
short_description: Find managed prefix lists by name
version_added: 0.1.0
description:
  - Lists the managed prefix lists of the region (EC2 C(DescribeManagedPrefixLists)), those of AWS among them, such
    as C(com.amazonaws.global.cloudfront.origin-facing), the addresses CloudFront reaches origins from.
  - amazon.aws has no module for it; a security group rule names a prefix list by its ID, which differs by region.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  names:
    description: Only the prefix lists of these names. Empty lists them all.
    type: list
    elements: str
    default: []
  entries:
    description:
      - Also return each list's CIDR blocks (EC2 C(GetManagedPrefixListEntries)), for a web server that must trust
        the addresses of a list as proxies.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Find CloudFront's origin-facing prefix list
  lms.moodle.ec2_managed_prefix_list_info:
    names: [com.amazonaws.global.cloudfront.origin-facing]
  register: cloudfront_prefix_list
"""

RETURN = r"""
prefix_lists:
  description: The matching prefix lists, snake-cased, in the order EC2 returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - prefix_list_id: pl-3b927c52
      prefix_list_name: com.amazonaws.global.cloudfront.origin-facing
      owner_id: AWS
      address_family: IPv4
      max_entries: 55
      entries: [13.124.199.0/24, 130.176.0.0/18]
  contains:
    entries:
      description: The list's CIDR blocks, sorted.
      returned: with O(entries)
      type: list
      elements: str
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    from botocore.exceptions import BotoCoreError, ClientError


@AWSRetry.jittered_backoff()
def describe_prefix_lists(client, names):
    filters = [{"Name": "prefix-list-name", "Values": names}] if names else []
    found = []
    for page in client.get_paginator("describe_managed_prefix_lists").paginate(Filters=filters):
        found.extend(page["PrefixLists"])
    return found


@AWSRetry.jittered_backoff()
def prefix_list_entries(client, prefix_list_id):
    cidrs = []
    for page in client.get_paginator("get_managed_prefix_list_entries").paginate(PrefixListId=prefix_list_id):
        cidrs.extend(entry["Cidr"] for entry in page["Entries"])
    return sorted(cidrs)


def described(client, prefix_list, with_entries):
    result = {
        "prefix_list_id": prefix_list["PrefixListId"],
        "prefix_list_name": prefix_list.get("PrefixListName", ""),
        "owner_id": prefix_list.get("OwnerId", ""),
        "address_family": prefix_list.get("AddressFamily", ""),
        "max_entries": prefix_list.get("MaxEntries"),
    }
    if with_entries:
        result["entries"] = prefix_list_entries(client, prefix_list["PrefixListId"])
    return result


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            names=dict(type="list", elements="str", default=[]),
            entries=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = module.client("ec2")
    try:
        prefix_lists = [
            described(client, p, module.params["entries"])
            for p in describe_prefix_lists(client, module.params["names"])
        ]
    except (ClientError, BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not list the managed prefix lists")
    module.exit_json(changed=False, prefix_lists=prefix_lists)


if __name__ == "__main__":
    main()
