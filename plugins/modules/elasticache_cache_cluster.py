#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_cache_cluster
short_description: Create, modify or delete an ElastiCache Memcached cluster
version_added: 0.1.0
description:
  - Manages an ElastiCache cluster with the Memcached engine, for example a Moodle session store.
    Valkey and Redis OSS belong in a replication group (M(lms.moodle.elasticache_replication_group)).
  - An existing cluster is compared with the options and modified in place (C(ModifyCacheCluster)) for the
    node type, engine version, number of nodes, security groups, parameter group and maintenance window.
    Options that are not set are not managed. Removing nodes removes the newest ones.
  - The port, the subnet group and encryption in transit cannot be changed in place; when they differ the
    module fails and names the option.
  - Returns RV(endpoints), C(host:port) strings of the configuration endpoint or, when AWS returns none, of each
    node; and RV(cache_cluster.node_endpoints), those of every node. A client without ElastiCache auto discovery
    (PHP C(memcached) as Moodle uses it for its session C(save_path)) needs every node.
  - Unlike C(community.aws.elasticache), does not fail when AWS (or moto) returns no configuration endpoint.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  cache_cluster_id:
    description:
      - Identifier of the cluster.
      - 1 to 40 lower-case letters, digits and hyphens; starts with a letter; no two consecutive hyphens and no
        trailing hyphen.
    type: str
    required: true
  num_cache_nodes:
    description: Number of nodes.
    type: int
    default: 2
  engine_version:
    description:
      - Memcached version, for example V(1.6.22). The AWS default when omitted; then not managed.
    type: str
  az_mode:
    description:
      - Whether the nodes are placed in one Availability Zone or across several. Defaults to V(cross-az) when
        O(num_cache_nodes) >= 2, else V(single-az).
      - Only used when the cluster is created and when nodes are added; existing nodes never move, so it is
        never compared.
    type: str
    choices: [single-az, cross-az]
  preferred_availability_zones:
    description:
      - One Availability Zone per node (a zone may repeat). Only used when the cluster is created.
    type: list
    elements: str
  port:
    description: Port the nodes listen on. Cannot be changed on an existing cluster.
    type: int
    default: 11211
  transit_encryption:
    description:
      - Whether connections use TLS (Memcached 1.6.12 or later, in a VPC). Cannot be changed on an existing
        cluster.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.owned_by
  - lms.moodle.state
  - lms.moodle.elasticache_nodes
  - lms.moodle.wait
"""

EXAMPLES = r"""
- name: Create the Memcached session store over two Availability Zones
  lms.moodle.elasticache_cache_cluster:
    cache_cluster_id: moodle-prod-sessions
    cache_node_type: cache.t4g.small
    num_cache_nodes: 2
    engine_version: "1.6.22"
    cache_subnet_group_name: moodle-prod-cache
    security_group_ids:
      - sg-0123456789abcdef0
    tags:
      Environment: prod
  register: moodle_sessions

- name: Build Moodle's session save_path from every node (PHP memcached has no auto discovery)
  ansible.builtin.set_fact:
    moodle_session_memcached_save_path: "{{ moodle_sessions.cache_cluster.node_endpoints | join(',') }}"

- name: Delete it
  lms.moodle.elasticache_cache_cluster:
    state: absent
    cache_cluster_id: moodle-prod-sessions
"""

RETURN = r"""
cache_cluster:
  description:
    - The cluster after the change (empty when absent). In check mode, the prediction.
    - Settings that AWS does not return are V(null).
  returned: always
  type: dict
  contains:
    cache_cluster_id:
      description: Identifier of the cluster.
      type: str
      sample: moodle-prod-sessions
    status:
      description: Status, for example V(creating), V(available), V(modifying).
      type: str
      sample: available
    engine:
      description: Engine, V(memcached).
      type: str
      sample: memcached
    engine_version:
      description: Engine version.
      type: str
      sample: 1.6.22
    cache_node_type:
      description: Node type.
      type: str
      sample: cache.t4g.small
    num_cache_nodes:
      description: Number of nodes (a pending change counts as done).
      type: int
      sample: 2
    az_mode:
      description: V(cross-az) or V(single-az), derived from RV(cache_cluster.preferred_availability_zone).
      type: str
    preferred_availability_zone:
      description: Availability Zone of the nodes, or V(Multiple).
      type: str
    cache_subnet_group_name:
      description: Subnet group.
      type: str
    security_group_ids:
      description: Security groups, sorted.
      type: list
      elements: str
    port:
      description: Port of the configuration endpoint or of the first node.
      type: int
      sample: 11211
    parameter_group_name:
      description: Parameter group.
      type: str
    preferred_maintenance_window:
      description: Weekly maintenance window.
      type: str
    transit_encryption_enabled:
      description: Whether TLS is on.
      type: bool
    arn:
      description: ARN of the cluster.
      type: str
      sample: arn:aws:elasticache:us-east-1:123456789012:cluster:moodle-prod-sessions
    configuration_endpoint:
      description: Configuration (auto discovery) endpoint; V(null) when AWS returns none.
      type: dict
      contains:
        address:
          description: Host name.
          type: str
          sample: moodle-prod-sessions.abc123.cfg.use1.cache.amazonaws.com
        port:
          description: Port.
          type: int
          sample: 11211
    cache_nodes:
      description: The nodes, when AWS lists them.
      type: list
      elements: dict
      contains:
        cache_node_id:
          description: Node id.
          type: str
          sample: "0001"
        status:
          description: Node status.
          type: str
        availability_zone:
          description: Availability Zone of the node.
          type: str
        endpoint:
          description: Address and port of the node.
          type: dict
    endpoints:
      description:
        - C(host:port) of the configuration endpoint if there is one, else of each node; empty while unknown.
      type: list
      elements: str
      sample: [moodle-prod-sessions.abc123.cfg.use1.cache.amazonaws.com:11211]
    node_endpoints:
      description: C(host:port) of every node, empty while AWS does not list them.
      type: list
      elements: str
      sample: [moodle-prod-sessions.abc123.0001.use1.cache.amazonaws.com:11211]
    tags:
      description: Tags of the cluster.
      type: dict
endpoints:
  description: Same as RV(cache_cluster.endpoints), at the top level; empty when absent.
  returned: always
  type: list
  elements: str
  sample: [moodle-prod-sessions.abc123.cfg.use1.cache.amazonaws.com:11211]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.lms.moodle.plugins.module_utils.arguments import (
    owned_by_option,
    state_option,
    tags_options,
    wait_options,
)
from ansible_collections.lms.moodle.plugins.module_utils.elasticache import (
    CACHE_CLUSTER_IMMUTABLE,
    CACHE_CLUSTER_MUTABLE,
    CACHE_CLUSTER_PARAMS,
    AnsibleElastiCacheError,
    cache_cluster_errors,
    cache_cluster_settings,
    changed_settings,
    create_cache_cluster,
    create_params,
    delete_cache_cluster,
    find_cache_cluster,
    immutable_message,
    list_tags,
    modify_cache_cluster,
    modify_cache_cluster_params,
    node_options,
    normalize_cache_cluster,
    predict,
    predicted_cache_cluster,
    tags_after,
    update_tags,
    wait_for,
    wanted_cache_cluster,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned

KIND = "cache cluster"


def wait(module, client, state):
    if module.params["wait"]:
        wait_for(client, KIND, module.params["cache_cluster_id"], state, module.params["wait_timeout"])


def create(module, client, wanted):
    params = module.params
    tags = params["tags"]
    if module.check_mode:
        return True, {}, predicted_cache_cluster(params["cache_cluster_id"], wanted, tags)
    api_params = {"Engine": "memcached", **create_params(wanted, CACHE_CLUSTER_PARAMS)}
    if tags:
        api_params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    create_cache_cluster(client, params["cache_cluster_id"], api_params)
    wait(module, client, "available")
    return True, {}, normalize_cache_cluster(find_cache_cluster(client, params["cache_cluster_id"]), tags)


def refuse_other_engine(module, cluster):
    if cluster and cluster.get("Engine") not in (None, "memcached"):
        module.fail_json(
            msg=f"Cache cluster {module.params['cache_cluster_id']} runs {cluster['Engine']}; this module manages "
            "Memcached clusters only (use lms.moodle.elasticache_replication_group for Valkey and Redis OSS)"
        )


def settle(module, client, cluster):
    """Refuse a cluster that is being deleted; wait for a busy one when asked to."""
    cluster_id = module.params["cache_cluster_id"]
    if cluster.get("CacheClusterStatus") == "deleting":
        module.fail_json(msg=f"Cache cluster {cluster_id} is being deleted; retry once it is gone")
    if cluster.get("CacheClusterStatus") == "available" or not module.params["wait"] or module.check_mode:
        return cluster
    wait(module, client, "available")
    return find_cache_cluster(client, cluster_id)


def ensure_present(module, client, cluster, wanted):
    params = module.params
    if not cluster:
        return create(module, client, wanted)
    cluster = settle(module, client, cluster)
    current = cache_cluster_settings(cluster)
    differences = changed_settings(current, wanted, CACHE_CLUSTER_IMMUTABLE)
    if differences:
        module.fail_json(msg=immutable_message(KIND, params["cache_cluster_id"], current, differences))
    tags = list_tags(client, cluster["ARN"])
    before = normalize_cache_cluster(cluster, tags)
    changes = changed_settings(current, wanted, CACHE_CLUSTER_MUTABLE)
    modify_params = modify_cache_cluster_params(cluster, changes, wanted["az_mode"], params["apply_immediately"])
    new_tags = tags_after(tags, params["tags"], params["purge_tags"])
    if not changes and new_tags == tags:
        return False, before, before
    if module.check_mode:
        return True, before, {**predict(before, changes), "tags": new_tags}
    update_tags(client, cluster["ARN"], tags, params["tags"], params["purge_tags"])
    if changes:
        modify_cache_cluster(client, params["cache_cluster_id"], modify_params)
        wait(module, client, "available")
    return True, before, normalize_cache_cluster(find_cache_cluster(client, params["cache_cluster_id"]), new_tags)


def ensure_absent(module, client, cluster):
    if not cluster or cluster.get("CacheClusterStatus") == "deleting":
        if cluster and not module.check_mode:
            wait(module, client, "deleted")
        return False, {}, {}
    tags = list_tags(client, cluster["ARN"])
    before = normalize_cache_cluster(cluster, tags)
    left_alone = not_owned(KIND, module.params["cache_cluster_id"], tags, module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return False, before, before
    if not module.check_mode:
        delete_cache_cluster(client, module.params["cache_cluster_id"])
        wait(module, client, "deleted")
    return True, before, {}


def main():
    argument_spec = dict(
        **state_option(),
        **node_options(),
        cache_cluster_id=dict(type="str", required=True),
        num_cache_nodes=dict(type="int", default=2),
        engine_version=dict(type="str"),
        az_mode=dict(type="str", choices=["single-az", "cross-az"]),
        preferred_availability_zones=dict(type="list", elements="str"),
        port=dict(type="int", default=11211),
        transit_encryption=dict(type="bool", default=False),
        **tags_options(),
        **owned_by_option(),
        **wait_options(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["cache_node_type"])],
    )
    wanted = wanted_cache_cluster(module.params)
    errors = cache_cluster_errors(module.params, wanted)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("elasticache")
    try:
        cluster = find_cache_cluster(client, module.params["cache_cluster_id"])
        refuse_other_engine(module, cluster)
        if module.params["state"] == "absent":
            changed, before, after = ensure_absent(module, client, cluster)
        else:
            changed, before, after = ensure_present(module, client, cluster, wanted)
    except AnsibleElastiCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        cache_cluster=after,
        endpoints=after.get("endpoints", []),
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
