#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_replication_group_info
short_description: Describe ElastiCache replication groups
version_added: 0.1.0
description:
  - Describes one ElastiCache replication group, or all of them, in the shape that
    M(lms.moodle.elasticache_replication_group) returns.
  - The security groups, parameter group, subnet group, maintenance window and engine version come from the
    first member cache cluster of each group; tags from C(ListTagsForResource). Neither is read for a group that
    is being deleted.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  replication_group_id:
    description: Only this replication group. All of them when omitted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Read the Moodle cache
  lms.moodle.elasticache_replication_group_info:
    replication_group_id: moodle-prod-cache
  register: moodle_cache_info

- name: Show its primary endpoint
  ansible.builtin.debug:
    msg: "{{ moodle_cache_info.replication_groups[0].primary_endpoint.address }}"
"""

RETURN = r"""
replication_groups:
  description:
    - The replication groups, empty when the one asked for does not exist. Same keys as the
      C(replication_group) result of M(lms.moodle.elasticache_replication_group); never an AUTH token.
  returned: always
  type: list
  elements: dict
  sample:
    - replication_group_id: moodle-prod-cache
      status: available
      engine: valkey
      cache_node_type: cache.t4g.small
      num_cache_clusters: 2
      member_clusters: [moodle-prod-cache-001, moodle-prod-cache-002]
      primary_endpoint:
        address: master.moodle-prod-cache.abc123.use1.cache.amazonaws.com
        port: 6379
      reader_endpoint:
        address: replica.moodle-prod-cache.abc123.use1.cache.amazonaws.com
        port: 6379
      automatic_failover: enabled
      multi_az: enabled
      transit_encryption_enabled: true
      at_rest_encryption_enabled: true
      auth_token_enabled: true
      arn: arn:aws:elasticache:us-east-1:123456789012:replicationgroup:moodle-prod-cache
      tags:
        Environment: prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.elasticache import (
    AnsibleElastiCacheError,
    describe_replication_groups,
    find_member_cluster,
    list_tags,
    normalize_replication_group,
)


def describe(client, group):
    if group.get("Status") == "deleting":
        return normalize_replication_group(group)
    return normalize_replication_group(group, find_member_cluster(client, group), list_tags(client, group["ARN"]))


def main():
    argument_spec = dict(replication_group_id=dict(type="str"))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("elasticache")
    try:
        groups = describe_replication_groups(client, module.params["replication_group_id"])
        replication_groups = [describe(client, group) for group in groups]
    except AnsibleElastiCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, replication_groups=replication_groups)


if __name__ == "__main__":
    main()
