#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_serverless_cache
short_description: Create, modify or delete an ElastiCache Serverless cache
version_added: 0.1.0
description:
  - Creates an ElastiCache Serverless cache (Valkey, Redis OSS or Memcached), changes its mutable settings,
    or deletes it.
  - Serverless caches only accept TLS connections; clients such as the Moodle session and MUC stores must
    connect with TLS to RV(serverless_cache.endpoint.address) and RV(serverless_cache.endpoint.port).
  - The engine, the subnets and the KMS key cannot be changed after creation; the module fails naming the
    option when they differ instead of replacing the cache.
  - Options that are not given are left as they are on an existing cache.
  - Neither amazon.aws nor community.aws ships a module for serverless caches.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description:
      - Name of the cache (C(ServerlessCacheName)).
      - At most 40 lower-case letters, digits and hyphens, starting with a letter, without a trailing or
        double hyphen.
    type: str
    required: true
  engine:
    description:
      - Cache engine, in lower case as the API expects it.
      - Cannot be changed on an existing cache; the default applies to existing caches too, so give
        O(engine) when managing a C(redis) or C(memcached) cache.
    type: str
    choices: [valkey, redis, memcached]
    default: valkey
  major_engine_version:
    description:
      - Major engine version, for example C(8) for Valkey, C(7) for Redis OSS or C(1.6) for Memcached.
        AWS picks the latest when omitted.
      - A higher version than the cache runs is applied with C(ModifyServerlessCache) when AWS offers the
        upgrade; a lower version fails, because ElastiCache cannot downgrade.
    type: str
  description:
    description: Description of the cache, at most 255 characters.
    type: str
  subnet_ids:
    description:
      - Subnets, all in one VPC, for the cache's VPC endpoint. AWS uses default subnets when omitted.
      - Cannot be changed after creation.
    type: list
    elements: str
  security_group_ids:
    description:
      - Security groups of the VPC endpoint; replaces the current list when it differs.
      - AWS uses the VPC's default security group when omitted at creation.
    type: list
    elements: str
  kms_key_id:
    description:
      - ARN or key id of the customer managed KMS key that encrypts the data at rest; an AWS owned key
        when omitted.
      - Cannot be changed after creation. An alias cannot be compared with the key ARN that AWS reports.
    type: str
  cache_usage_limits:
    description:
      - Limits of data storage and ElastiCache Processing Units (ECPU).
      - Sub-options that are not given keep their current value on an existing cache.
    type: dict
    suboptions:
      data_storage_max_gb:
        description: Maximum data storage in GB.
        type: int
      data_storage_min_gb:
        description: Minimum data storage in GB (billed even when unused).
        type: int
      ecpu_per_second_max:
        description: Maximum ECPU per second.
        type: int
      ecpu_per_second_min:
        description: Minimum ECPU per second (billed even when unused).
        type: int
  snapshot_retention_limit:
    description:
      - Days, from 0 to 35, for which automatic daily snapshots are kept; C(0) turns them off.
      - Available for Valkey, Redis OSS and (per the AWS API reference) Serverless Memcached.
    type: int
  daily_snapshot_time:
    description:
      - UTC time, as C(HH:MM), at which the daily snapshot starts.
      - Available for Valkey, Redis OSS and (per the AWS API reference) Serverless Memcached.
    type: str
  user_group_id:
    description:
      - ElastiCache user group for RBAC authentication. Valkey and Redis OSS only.
      - An empty string removes the user group from an existing cache.
    type: str
  final_snapshot_name:
    description:
      - With O(state=absent), name of a snapshot to take before the cache is deleted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.owned_by
  - lms.moodle.state
  - lms.moodle.wait
notes:
  - With O(wait=true), a cache that is still being created or modified is waited for before it is changed or
    deleted.
  - Waiting polls C(DescribeServerlessCaches) every 15 seconds; creating a cache usually takes a few minutes.
"""

EXAMPLES = r"""
- name: Create the Valkey cache for Moodle sessions and MUC
  lms.moodle.elasticache_serverless_cache:
    name: moodle-prod-cache
    engine: valkey
    major_engine_version: "8"
    description: Moodle sessions and MUC
    subnet_ids:
      - subnet-0123456789abcdef0
      - subnet-0123456789abcdef1
    security_group_ids:
      - sg-0123456789abcdef0
    cache_usage_limits:
      data_storage_max_gb: 10
      ecpu_per_second_max: 10000
    snapshot_retention_limit: 7
    daily_snapshot_time: "03:00"
    tags:
      Environment: prod
  register: moodle_cache

- name: Point Moodle at the cache (always over TLS)
  ansible.builtin.debug:
    msg: "tls://{{ moodle_cache.serverless_cache.endpoint.address }}:{{ moodle_cache.serverless_cache.endpoint.port }}"

- name: Delete it, keeping a final snapshot
  lms.moodle.elasticache_serverless_cache:
    name: moodle-prod-cache
    state: absent
    final_snapshot_name: moodle-prod-cache-final
"""

RETURN = r"""
serverless_cache:
  description:
    - The cache after the change; empty when absent. In check mode, the prediction.
    - Without O(wait), the status may still be C(creating) or C(modifying) and the endpoints empty.
  returned: always
  type: dict
  contains:
    serverless_cache_name:
      description: Name of the cache.
      type: str
      sample: moodle-prod-cache
    description:
      description: Description of the cache.
      type: str
    status:
      description: C(creating), C(available), C(modifying), C(deleting) or C(create-failed).
      type: str
      sample: available
    engine:
      description: Engine, lower case.
      type: str
      sample: valkey
    major_engine_version:
      description: Major engine version.
      type: str
      sample: "8"
    full_engine_version:
      description: Full engine version that AWS runs; unknown (null) in a check-mode prediction.
      type: str
      sample: "8.0"
    endpoint:
      description: Read-write endpoint; empty until the cache is available.
      type: dict
      contains:
        address:
          description: Host name.
          type: str
          sample: moodle-prod-cache-abc123.serverless.use1.cache.amazonaws.com
        port:
          description: Port (TLS).
          type: int
          sample: 6379
    reader_endpoint:
      description: Read-only endpoint (Valkey and Redis OSS); empty until the cache is available.
      type: dict
      contains:
        address:
          description: Host name.
          type: str
        port:
          description: Port (TLS).
          type: int
          sample: 6380
    security_group_ids:
      description: Security groups of the VPC endpoint, sorted.
      type: list
      elements: str
    subnet_ids:
      description: Subnets of the VPC endpoint, sorted.
      type: list
      elements: str
    cache_usage_limits:
      description: Usage limits; null where no limit is set.
      type: dict
      contains:
        data_storage_max_gb:
          description: Maximum data storage in GB.
          type: int
        data_storage_min_gb:
          description: Minimum data storage in GB.
          type: int
        ecpu_per_second_max:
          description: Maximum ECPU per second.
          type: int
        ecpu_per_second_min:
          description: Minimum ECPU per second.
          type: int
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      type: int
    daily_snapshot_time:
      description: UTC start time of the daily snapshot.
      type: str
      sample: "03:00"
    user_group_id:
      description: RBAC user group.
      type: str
    arn:
      description: ARN of the cache; null in a check-mode prediction of a new cache.
      type: str
    kms_key_id:
      description: ARN of the customer managed KMS key; null with the AWS owned key.
      type: str
    create_time:
      description: When the cache was created (ISO 8601).
      type: str
    tls:
      description: Whether clients must use TLS; always true for serverless caches.
      type: bool
      sample: true
    tags:
      description: Tags of the cache.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.lms.moodle.plugins.module_utils.arguments import (
    owned_by_option,
    state_option,
    tags_options,
    wait_options,
)
from ansible_collections.lms.moodle.plugins.module_utils.elasticache_serverless import (
    BUSY_STATUSES,
    ENGINES,
    AnsibleServerlessCacheError,
    add_tags,
    build_create_params,
    create_serverless_cache,
    delete_serverless_cache,
    get_serverless_cache,
    immutable_errors,
    list_tags,
    modify_params,
    modify_serverless_cache,
    normalize_serverless_cache,
    predicted_cache,
    predicted_new_cache,
    remove_tags,
    validation_errors,
    wait_until_available,
    wait_until_deleted,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned, tag_changes, with_tag_changes


def read(client, name):
    cache = get_serverless_cache(client, name)
    tags = list_tags(client, cache["ARN"]) if cache else {}
    return cache, tags


def outcome(changed, before, after):
    return {"changed": changed, "serverless_cache": after, "diff": {"before": before, "after": after}}


def settle(module, client, cache):
    """Wait for a cache that is still being created or modified, which AWS would refuse to change."""
    if module.params["wait"] and cache.get("Status") in BUSY_STATUSES:
        wait_until_available(client, module.params["name"], module.params["wait_timeout"])


def create(module, client):
    name = module.params["name"]
    params = build_create_params(module.params)
    tags = module.params["tags"] or {}
    if module.check_mode:
        return outcome(True, {}, normalize_serverless_cache(predicted_new_cache(name, params), tags))
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    create_serverless_cache(client, name, params)
    if module.params["wait"]:
        wait_until_available(client, name, module.params["wait_timeout"])
    return outcome(True, {}, normalize_serverless_cache(*read(client, name)))


def update(module, client, cache, tags):
    errors = immutable_errors(cache, module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    changes = modify_params(cache, module.params)
    to_set, to_remove = tag_changes(tags, module.params["tags"], module.params["purge_tags"])
    before = normalize_serverless_cache(cache, tags)
    if not (changes or to_set or to_remove):
        return outcome(False, before, before)
    if module.check_mode:
        after = normalize_serverless_cache(predicted_cache(cache, changes), with_tag_changes(tags, to_set, to_remove))
        return outcome(True, before, after)
    name = module.params["name"]
    if changes:
        settle(module, client, cache)
        modify_serverless_cache(client, name, changes)
        if module.params["wait"]:
            wait_until_available(client, name, module.params["wait_timeout"])
    if to_remove:
        remove_tags(client, cache["ARN"], to_remove)
    if to_set:
        add_tags(client, cache["ARN"], to_set)
    return outcome(True, before, normalize_serverless_cache(*read(client, name)))


def ensure_present(module, client):
    cache, tags = read(client, module.params["name"])
    if cache is None:
        return create(module, client)
    return update(module, client, cache, tags)


def ensure_absent(module, client):
    name = module.params["name"]
    cache, tags = read(client, name)
    before = normalize_serverless_cache(cache, tags)
    left_alone = cache and not_owned("serverless cache", name, tags, module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return outcome(False, before, before)
    # A cache that is already being deleted needs no call, only (optionally) the wait.
    changed = bool(cache) and cache.get("Status") != "deleting"
    if module.check_mode or not cache:
        return outcome(changed, before, {})
    if changed:
        settle(module, client, cache)
        delete_serverless_cache(client, name, module.params["final_snapshot_name"])
    if module.params["wait"]:
        wait_until_deleted(client, name, module.params["wait_timeout"])
    return outcome(changed, before, {})


def main():
    argument_spec = dict(
        **state_option(),
        name=dict(type="str", required=True),
        engine=dict(type="str", choices=list(ENGINES), default="valkey"),
        major_engine_version=dict(type="str"),
        description=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str"),
        kms_key_id=dict(type="str"),
        cache_usage_limits=dict(
            type="dict",
            options=dict(
                data_storage_max_gb=dict(type="int"),
                data_storage_min_gb=dict(type="int"),
                ecpu_per_second_max=dict(type="int"),
                ecpu_per_second_min=dict(type="int"),
            ),
        ),
        snapshot_retention_limit=dict(type="int"),
        daily_snapshot_time=dict(type="str"),
        user_group_id=dict(type="str"),
        final_snapshot_name=dict(type="str"),
        **tags_options(),
        **owned_by_option(),
        **wait_options(),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("elasticache")
    ensure = ensure_absent if module.params["state"] == "absent" else ensure_present
    try:
        result = ensure(module, client)
    except AnsibleServerlessCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
