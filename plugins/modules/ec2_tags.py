#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_tags
short_description: Set the tags of several EC2 resources at once
version_added: 0.1.0
description:
  - Reads the tags of every resource of O(resources) in one call and sets the ones that differ.
  - One process for every resource, where M(amazon.aws.ec2_tag) takes one for each (about a second apiece, most of it
    starting Python and botocore). Resources of any EC2 type can be mixed (NAT gateways and their elastic IPs, say).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  resources:
    description: The resources and the tags each must have.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: The EC2 resource ID (C(nat-...), C(eipalloc-...), C(vpc-...)).
        type: str
        required: true
      tags:
        description: The tags of the resource.
        type: dict
        required: true
  purge_tags:
    description: Remove the tags of a resource that are not in its C(tags) (never the reserved C(aws:) tags).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
"""

EXAMPLES = r"""
- name: Tag a NAT gateway and its elastic IP
  lms.moodle.ec2_tags:
    resources:
      - {id: nat-0123456789abcdef0, tags: {Name: prod-nat-eu-west-1a, Environment: prod}}
      - {id: eipalloc-0123456789abcdef0, tags: {Name: prod-nat-eu-west-1a, Environment: prod}}
"""

RETURN = r"""
resources:
  description: Every resource of O(resources), in order, with its tags afterwards.
  returned: always
  type: list
  elements: dict
  sample:
    - {id: nat-0123456789abcdef0, tags: {Name: prod-nat-eu-west-1a, Environment: prod}}
"""

import contextlib
from collections import defaultdict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.lms.moodle.plugins.module_utils.tags import tag_changes, with_tag_changes, write_ec2_tags

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    from botocore.exceptions import BotoCoreError, ClientError


@AWSRetry.jittered_backoff()
def current_tags(client, ids):
    found = defaultdict(dict)
    for page in client.get_paginator("describe_tags").paginate(Filters=[{"Name": "resource-id", "Values": ids}]):
        for tag in page["Tags"]:
            found[tag["ResourceId"]][tag["Key"]] = tag["Value"]
    return found


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            resources=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(id=dict(type="str", required=True), tags=dict(type="dict", required=True)),
            ),
            purge_tags=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    resources = module.params["resources"]
    ids = [resource["id"] for resource in resources]
    twice = sorted(resource_id for resource_id in set(ids) if ids.count(resource_id) > 1)
    if twice:
        module.fail_json(msg=f"resources: a resource is given twice: {', '.join(twice)}")
    if not ids:
        module.exit_json(changed=False, resources=[], diff={"before": {}, "after": {}})
    client = module.client("ec2")
    try:
        found = current_tags(client, ids)
    except (ClientError, BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not read the tags of {', '.join(ids)}")
    changed, results, before, after = False, [], {}, {}
    for resource in resources:
        tags = found.get(resource["id"], {})
        wanted = {str(key): str(value) for key, value in resource["tags"].items()}
        to_set, to_remove = tag_changes(tags, wanted, module.params["purge_tags"])
        if (to_set or to_remove) and not module.check_mode:
            try:
                write_ec2_tags(client, resource["id"], to_set, to_remove)
            except (ClientError, BotoCoreError) as e:
                module.fail_json_aws(e, msg=f"Could not tag {resource['id']}")
        changed = changed or bool(to_set or to_remove)
        results.append({"id": resource["id"], "tags": with_tag_changes(tags, to_set, to_remove)})
        before[resource["id"]] = tags
        after[resource["id"]] = results[-1]["tags"]
    module.exit_json(changed=changed, resources=results, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
