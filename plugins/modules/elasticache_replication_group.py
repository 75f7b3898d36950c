#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_replication_group
short_description: Create, modify or delete an ElastiCache Valkey or Redis OSS replication group
version_added: 0.1.0
description:
  - Manages an ElastiCache replication group with cluster mode disabled, one primary and
    O(num_cache_clusters) - 1 read replicas, for the Moodle session store and application cache.
  - Encryption in transit and at rest are on by default; an AUTH token can be set. Automatic failover and
    Multi-AZ are on by default when the group has two nodes or more.
  - An existing group is compared with the options and modified in place (C(ModifyReplicationGroup)) for the
    description, node type, engine version, automatic failover, Multi-AZ, security groups, parameter group,
    snapshot retention and window, and maintenance window. Options that are not set are not managed.
  - The engine, the replica count, the encryption settings, the port and the subnet group cannot be changed in
    place; when they differ the module fails and names the option.
  - ElastiCache never returns the AUTH token, so it cannot be compared. O(auth_token) is sent to an existing
    group only together with O(auth_token_update_strategy); every run with a strategy reports a change.
  - The security groups, parameter group, subnet group, maintenance window and engine version are read from
    the first member cache cluster; when it cannot be read (moto does not model member clusters), they are not
    compared.
  - The C(community.aws.elasticache) module only creates single cache clusters; this module manages replication
    groups.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  replication_group_id:
    description:
      - Identifier of the replication group.
      - 1 to 40 lower-case letters, digits and hyphens; starts with a letter; no two consecutive hyphens and no
        trailing hyphen.
    type: str
    required: true
  description:
    description: Description of the replication group.
    type: str
    default: Managed by lms.moodle
  engine:
    description: Cache engine. Cannot be changed on an existing group.
    type: str
    choices: [redis, valkey]
    default: valkey
  engine_version:
    description:
      - Engine version, for example V(7.2) or V(8.0). A version that AWS reports with more detail (V(7.2.6))
        matches; a different one upgrades the group.
      - The AWS default version when omitted; not managed on an existing group then.
    type: str
  num_cache_clusters:
    description:
      - Number of nodes (cache clusters) in the group, the primary included; 1 to 6.
      - Cannot be changed on an existing group in this version.
    type: int
    default: 2
  automatic_failover:
    description:
      - Whether a replica is promoted automatically when the primary fails. Needs O(num_cache_clusters) >= 2.
      - Defaults to V(true) when O(num_cache_clusters) >= 2, else V(false).
    type: bool
  multi_az:
    description:
      - Whether the nodes are spread over Availability Zones with automatic failover between them.
        Requires O(automatic_failover=true).
      - Defaults to the value of O(automatic_failover).
    type: bool
  transit_encryption:
    description: Whether connections use TLS. Required for O(auth_token). Cannot be changed on an existing group.
    type: bool
    default: true
  at_rest_encryption:
    description: Whether data on disk is encrypted. Cannot be changed on an existing group.
    type: bool
    default: true
  kms_key_id:
    description:
      - KMS key for encryption at rest; the AWS managed key when omitted. Requires O(at_rest_encryption=true).
      - Only used when the group is created; never compared.
    type: str
  auth_token:
    description:
      - AUTH token (password) that clients must send. Requires O(transit_encryption=true).
      - 16 to 128 printable ASCII characters, without spaces, V(@), V(") or V(/).
      - Sent when the group is created; on an existing group only with O(auth_token_update_strategy).
      - Never returned, logged or shown in a diff.
    type: str
  auth_token_update_strategy:
    description:
      - Set O(auth_token) on an existing group. V(ROTATE) adds it next to the current token (both are valid
        until the next V(SET)), V(SET) replaces all tokens. Also enables AUTH on a group that had none (V(ROTATE)).
      - Each run with a strategy modifies the group, so pass it only when the token changes.
    type: str
    choices: [ROTATE, SET]
  port:
    description: Port the nodes listen on. Cannot be changed on an existing group.
    type: int
    default: 6379
  snapshot_retention_limit:
    description: Days to keep automatic snapshots, 0 to 35 (0 turns them off). Not managed when omitted.
    type: int
  snapshot_window:
    description: Daily UTC time range of the automatic snapshot, for example V(03:00-04:00).
    type: str
  final_snapshot_identifier:
    description: With O(state=absent), name of a snapshot taken before the group is deleted.
    type: str
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
attributes:
  diff_mode:
    description: Returns the replication group before and after (never the AUTH token).
"""

EXAMPLES = r"""
- name: Create the Valkey session store and cache with TLS, AUTH, automatic failover and Multi-AZ
  lms.moodle.elasticache_replication_group:
    replication_group_id: moodle-prod-cache
    description: Moodle sessions and application cache
    engine: valkey
    engine_version: "8.0"
    cache_node_type: cache.t4g.small
    num_cache_clusters: 2
    cache_subnet_group_name: moodle-prod-cache
    security_group_ids:
      - sg-0123456789abcdef0
    auth_token: "{{ moodle_cache_auth_token }}"
    snapshot_retention_limit: 1
    tags:
      Environment: prod
  register: moodle_cache

- name: Point Moodle at the primary endpoint
  ansible.builtin.set_fact:
    moodle_cache_host: "{{ moodle_cache.replication_group.primary_endpoint.address }}"

- name: Rotate the AUTH token (both tokens are valid until the next SET)
  lms.moodle.elasticache_replication_group:
    replication_group_id: moodle-prod-cache
    cache_node_type: cache.t4g.small
    auth_token: "{{ moodle_cache_new_auth_token }}"
    auth_token_update_strategy: ROTATE

- name: Delete it, keeping a final snapshot
  lms.moodle.elasticache_replication_group:
    state: absent
    replication_group_id: moodle-prod-cache
    final_snapshot_identifier: moodle-prod-cache-final
"""

RETURN = r"""
replication_group:
  description:
    - The replication group after the change (empty when absent). In check mode, the prediction.
    - Settings that AWS does not return are V(null). The AUTH token is never returned.
  returned: always
  type: dict
  contains:
    replication_group_id:
      description: Identifier of the group.
      type: str
      sample: moodle-prod-cache
    status:
      description: Status, for example V(creating), V(available), V(modifying).
      type: str
      sample: available
    description:
      description: Description.
      type: str
    engine:
      description: Engine (V(valkey) or V(redis)); V(null) when AWS does not return it.
      type: str
      sample: valkey
    engine_version:
      description: Engine version of the member clusters.
      type: str
      sample: 8.0.1
    cache_node_type:
      description: Node type.
      type: str
      sample: cache.t4g.small
    num_cache_clusters:
      description: Number of member clusters.
      type: int
      sample: 2
    member_clusters:
      description: Identifiers of the member cache clusters.
      type: list
      elements: str
      sample: [moodle-prod-cache-001, moodle-prod-cache-002]
    node_groups:
      description: The node group (shard) with its members, snake-cased as AWS returns it.
      type: list
      elements: dict
    primary_endpoint:
      description: Read/write endpoint, V(null) while it does not exist yet.
      type: dict
      contains:
        address:
          description: Host name.
          type: str
          sample: master.moodle-prod-cache.abc123.use1.cache.amazonaws.com
        port:
          description: Port.
          type: int
          sample: 6379
    reader_endpoint:
      description: Endpoint that balances over the replicas, V(null) when AWS does not return it.
      type: dict
      contains:
        address:
          description: Host name.
          type: str
        port:
          description: Port.
          type: int
    configuration_endpoint:
      description: Configuration endpoint of a cluster-mode-enabled group; V(null) for the groups this module creates.
      type: dict
    port:
      description: Port of the primary endpoint.
      type: int
      sample: 6379
    automatic_failover:
      description: V(enabled), V(disabled), V(enabling) or V(disabling).
      type: str
      sample: enabled
    multi_az:
      description: V(enabled) or V(disabled).
      type: str
      sample: enabled
    transit_encryption_enabled:
      description: Whether TLS is on.
      type: bool
    at_rest_encryption_enabled:
      description: Whether encryption at rest is on.
      type: bool
    auth_token_enabled:
      description: Whether clients must send an AUTH token.
      type: bool
    kms_key_id:
      description: KMS key of the encryption at rest.
      type: str
    cache_subnet_group_name:
      description: Subnet group (from a member cluster).
      type: str
    security_group_ids:
      description: Security groups, sorted (from a member cluster).
      type: list
      elements: str
    parameter_group_name:
      description: Parameter group (from a member cluster).
      type: str
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      type: int
    snapshot_window:
      description: Daily snapshot window.
      type: str
    preferred_maintenance_window:
      description: Weekly maintenance window (from a member cluster).
      type: str
    cluster_enabled:
      description: Whether cluster mode is enabled.
      type: bool
    arn:
      description: ARN of the group.
      type: str
      sample: arn:aws:elasticache:us-east-1:123456789012:replicationgroup:moodle-prod-cache
    tags:
      description: Tags of the group.
      type: dict
      sample:
        Environment: prod
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
    REPLICATION_GROUP_IMMUTABLE,
    REPLICATION_GROUP_MUTABLE,
    REPLICATION_GROUP_PARAMS,
    AnsibleElastiCacheError,
    changed_settings,
    create_params,
    create_replication_group,
    delete_replication_group,
    find_member_cluster,
    find_replication_group,
    immutable_message,
    list_tags,
    modify_replication_group,
    modify_replication_group_params,
    node_options,
    normalize_replication_group,
    predict,
    predicted_replication_group,
    replication_group_errors,
    replication_group_settings,
    tags_after,
    update_tags,
    wait_for,
    wanted_replication_group,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned

KIND = "replication group"


def read(client, replication_group_id):
    """The group with its first member cluster, or (None, None)."""
    group = find_replication_group(client, replication_group_id)
    return group, find_member_cluster(client, group) if group else None


def wait(module, client, state):
    if module.params["wait"]:
        wait_for(client, KIND, module.params["replication_group_id"], state, module.params["wait_timeout"])


def create(module, client, wanted):
    params = module.params
    tags = params["tags"]
    predicted = predicted_replication_group(params["replication_group_id"], wanted, bool(params["auth_token"]), tags)
    if module.check_mode:
        return True, {}, predicted
    api_params = create_params(wanted, REPLICATION_GROUP_PARAMS)
    if params["auth_token"]:
        api_params["AuthToken"] = params["auth_token"]
    if tags:
        api_params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    create_replication_group(client, params["replication_group_id"], api_params)
    wait(module, client, "available")
    group, member = read(client, params["replication_group_id"])
    return True, {}, normalize_replication_group(group, member, tags)


def settle(module, client, group, member):
    """Refuse a group that is being deleted; wait for one that is busy (creating, modifying) when asked to."""
    params = module.params
    if group.get("Status") == "deleting":
        module.fail_json(
            msg=f"Replication group {params['replication_group_id']} is being deleted; retry once it is gone"
        )
    if group.get("Status") == "available" or not params["wait"] or module.check_mode:
        return group, member
    wait(module, client, "available")
    return read(client, params["replication_group_id"])


def check_existing(module, group, current, wanted):
    """Fail on what cannot be changed in place."""
    params = module.params
    differences = changed_settings(current, wanted, REPLICATION_GROUP_IMMUTABLE)
    if differences:
        module.fail_json(msg=immutable_message(KIND, params["replication_group_id"], current, differences))
    if params["auth_token"] and group.get("AuthTokenEnabled") is False and not params["auth_token_update_strategy"]:
        module.fail_json(
            msg=f"auth_token is set but replication group {params['replication_group_id']} has AUTH disabled; "
            "set auth_token_update_strategy=ROTATE to enable it on the existing group"
        )


def ensure_present(module, client, group, member, wanted):
    params = module.params
    if not group:
        return create(module, client, wanted)
    group, member = settle(module, client, group, member)
    current = replication_group_settings(group, member)
    check_existing(module, group, current, wanted)
    tags = list_tags(client, group["ARN"])
    before = normalize_replication_group(group, member, tags)
    changes = changed_settings(current, wanted, REPLICATION_GROUP_MUTABLE)
    new_tags = tags_after(tags, params["tags"], params["purge_tags"])
    update_token = bool(params["auth_token_update_strategy"])
    if not changes and not update_token and new_tags == tags:
        return False, before, before
    if module.check_mode:
        after = {**predict(before, changes), "tags": new_tags}
        return True, before, {**after, "auth_token_enabled": True} if update_token else after
    update_tags(client, group["ARN"], tags, params["tags"], params["purge_tags"])
    if changes or update_token:
        modify_params = modify_replication_group_params(
            changes, params["apply_immediately"], params["auth_token"], params["auth_token_update_strategy"]
        )
        modify_replication_group(client, params["replication_group_id"], modify_params)
        wait(module, client, "available")
    group, member = read(client, params["replication_group_id"])
    return True, before, normalize_replication_group(group, member, new_tags)


def ensure_absent(module, client, group, member):
    if not group or group.get("Status") == "deleting":
        if group and not module.check_mode:
            wait(module, client, "deleted")
        return False, {}, {}
    tags = list_tags(client, group["ARN"])
    before = normalize_replication_group(group, member, tags)
    left_alone = not_owned(KIND, module.params["replication_group_id"], tags, module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return False, before, before
    if not module.check_mode:
        delete_replication_group(
            client, module.params["replication_group_id"], module.params["final_snapshot_identifier"]
        )
        wait(module, client, "deleted")
    return True, before, {}


def main():
    argument_spec = dict(
        **state_option(),
        **node_options(),
        replication_group_id=dict(type="str", required=True),
        description=dict(type="str", default="Managed by lms.moodle"),
        engine=dict(type="str", choices=["redis", "valkey"], default="valkey"),
        engine_version=dict(type="str"),
        num_cache_clusters=dict(type="int", default=2),
        automatic_failover=dict(type="bool"),
        multi_az=dict(type="bool"),
        transit_encryption=dict(type="bool", default=True),
        at_rest_encryption=dict(type="bool", default=True),
        kms_key_id=dict(type="str", no_log=False),
        auth_token=dict(type="str", no_log=True),
        auth_token_update_strategy=dict(type="str", choices=["ROTATE", "SET"], no_log=False),
        port=dict(type="int", default=6379),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(type="str"),
        final_snapshot_identifier=dict(type="str"),
        **tags_options(),
        **owned_by_option(),
        **wait_options(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["cache_node_type"])],
        required_by={"auth_token_update_strategy": "auth_token"},
    )
    wanted = wanted_replication_group(module.params)
    errors = replication_group_errors(module.params, wanted)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("elasticache")
    try:
        group, member = read(client, module.params["replication_group_id"])
        if module.params["state"] == "absent":
            changed, before, after = ensure_absent(module, client, group, member)
        else:
            changed, before, after = ensure_present(module, client, group, member, wanted)
    except AnsibleElastiCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, replication_group=after, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
