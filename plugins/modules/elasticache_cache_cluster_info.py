#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_cache_cluster_info
short_description: Describe ElastiCache cache clusters
version_added: 0.1.0
description:
  - Describes one ElastiCache cache cluster, or all those that are not members of a replication group, in the
    shape that M(lms.moodle.elasticache_cache_cluster) returns.
  - Tags come from C(ListTagsForResource); they are not read for a cluster that is being deleted.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  cache_cluster_id:
    description:
      - Only this cache cluster (a member of a replication group can be named too).
      - All cache clusters that are not members of a replication group when omitted.
    type: str
  show_cache_node_info:
    description: Whether to list the nodes and their endpoints (C(cache_nodes) and C(endpoints) of each cluster).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Read the Moodle session store
  lms.moodle.elasticache_cache_cluster_info:
    cache_cluster_id: moodle-prod-sessions
  register: moodle_sessions_info

- name: Build Moodle's session save_path
  ansible.builtin.set_fact:
    moodle_session_memcached_save_path: "{{ moodle_sessions_info.cache_clusters[0].node_endpoints | join(',') }}"
"""

RETURN = r"""
cache_clusters:
  description:
    - The cache clusters, empty when the one asked for does not exist. Same keys as the C(cache_cluster) result
      of M(lms.moodle.elasticache_cache_cluster).
  returned: always
  type: list
  elements: dict
  sample:
    - cache_cluster_id: moodle-prod-sessions
      status: available
      engine: memcached
      engine_version: 1.6.22
      cache_node_type: cache.t4g.small
      num_cache_nodes: 2
      configuration_endpoint:
        address: moodle-prod-sessions.abc123.cfg.use1.cache.amazonaws.com
        port: 11211
      cache_nodes:
        - cache_node_id: "0001"
          status: available
          availability_zone: us-east-1a
          endpoint:
            address: moodle-prod-sessions.abc123.0001.use1.cache.amazonaws.com
            port: 11211
      endpoints: [moodle-prod-sessions.abc123.cfg.use1.cache.amazonaws.com:11211]
      node_endpoints: [moodle-prod-sessions.abc123.0001.use1.cache.amazonaws.com:11211]
      arn: arn:aws:elasticache:us-east-1:123456789012:cluster:moodle-prod-sessions
      tags:
        Environment: prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.elasticache import (
    AnsibleElastiCacheError,
    describe_cache_clusters,
    list_tags,
    normalize_cache_cluster,
)


def describe(client, cluster):
    if cluster.get("CacheClusterStatus") == "deleting":
        return normalize_cache_cluster(cluster)
    return normalize_cache_cluster(cluster, list_tags(client, cluster["ARN"]))


def main():
    argument_spec = dict(
        cache_cluster_id=dict(type="str"),
        show_cache_node_info=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("elasticache")
    try:
        clusters = describe_cache_clusters(
            client, module.params["cache_cluster_id"], module.params["show_cache_node_info"]
        )
        cache_clusters = [describe(client, cluster) for cluster in clusters]
    except AnsibleElastiCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, cache_clusters=cache_clusters)


if __name__ == "__main__":
    main()
