#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: elasticache_serverless_cache_info
short_description: List ElastiCache Serverless caches
version_added: 0.1.0
description:
  - Lists one ElastiCache Serverless cache by name, or all of them in the region, with their tags.
  - Serverless caches only accept TLS connections, so every cache is returned with C(tls=true).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Only the cache with this name; an empty list when it does not exist.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Look up the Moodle cache
  lms.moodle.elasticache_serverless_cache_info:
    name: moodle-prod-cache
  register: moodle_cache_info

- name: List every serverless cache in the region
  lms.moodle.elasticache_serverless_cache_info:
  register: all_serverless_caches
"""

RETURN = r"""
serverless_caches:
  description:
    - The matching caches, in the shape that M(lms.moodle.elasticache_serverless_cache) returns as
      RV(lms.moodle.elasticache_serverless_cache#module:serverless_cache).
  returned: always
  type: list
  elements: dict
  sample:
    - serverless_cache_name: moodle-prod-cache
      description: Moodle sessions and MUC
      status: available
      engine: valkey
      major_engine_version: "8"
      full_engine_version: "8.0"
      endpoint:
        address: moodle-prod-cache-abc123.serverless.use1.cache.amazonaws.com
        port: 6379
      reader_endpoint:
        address: moodle-prod-cache-abc123.serverless.use1.cache.amazonaws.com
        port: 6380
      security_group_ids: [sg-0123456789abcdef0]
      subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
      cache_usage_limits:
        data_storage_max_gb: 10
        data_storage_min_gb: null
        ecpu_per_second_max: 10000
        ecpu_per_second_min: null
      snapshot_retention_limit: 7
      daily_snapshot_time: "03:00"
      user_group_id: null
      arn: arn:aws:elasticache:us-east-1:123456789012:serverlesscache:moodle-prod-cache
      kms_key_id: null
      create_time: "2025-01-01T00:00:00+00:00"
      tls: true
      tags:
        Environment: prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.elasticache_serverless import (
    AnsibleServerlessCacheError,
    describe_serverless_caches,
    list_tags,
    normalize_serverless_cache,
)


def main():
    argument_spec = dict(name=dict(type="str"))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("elasticache")
    try:
        caches = describe_serverless_caches(client, module.params["name"])
        result = [normalize_serverless_cache(cache, list_tags(client, cache["ARN"])) for cache in caches]
    except AnsibleServerlessCacheError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, serverless_caches=result)


if __name__ == "__main__":
    main()
