#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloudwatch_log_group
short_description: Create, update or delete a CloudWatch Logs group with its retention and tags
version_added: 0.1.0
description:
  - Creates a log group, or brings an existing one's retention and tags to what is asked; deletes it with
    O(state=absent), only when it carries the tags of O(owned_by).
  - Check mode reads the group and predicts, changing nothing. C(amazon.aws.cloudwatchlogs_log_group) (11.x) writes
    a changed retention even in check mode, so the real run that follows finds nothing to do, and deletes the group
    when the retention is not one CloudWatch Logs accepts; this module refuses such a value before any call.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Name of the log group.
    type: str
    required: true
  retention:
    description:
      - Days the events are kept; one of the periods CloudWatch Logs accepts. Omitted, the retention is not managed
        (a new group keeps its events forever).
    type: int
    choices: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.state
  - lms.moodle.owned_by
"""

EXAMPLES = r"""
- name: Keep the flow logs 30 days
  lms.moodle.cloudwatch_log_group:
    name: /lms-moodle/prod/vpc-flow-logs
    retention: 30
    tags:
      ManagedBy: lms.moodle
      Environment: prod

- name: Remove it, if it is this environment's
  lms.moodle.cloudwatch_log_group:
    name: /lms-moodle/prod/vpc-flow-logs
    state: absent
    owned_by:
      ManagedBy: lms.moodle
      Environment: prod
"""

RETURN = r"""
log_group:
  description: The log group after the change (empty when absent). In check mode, the prediction.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the group.
      type: str
    arn:
      description: ARN of the group (without the trailing C(:*)); empty for a group check mode would create.
      type: str
    retention:
      description: Days the events are kept; null when forever.
      type: int
    tags:
      description: Tags of the group.
      type: dict
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.lms.moodle.plugins.module_utils.arguments import owned_by_option, state_option, tags_options
from ansible_collections.lms.moodle.plugins.module_utils.log_retention import RETENTION_DAYS
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned, tag_changes, with_tag_changes

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore


@AWSRetry.jittered_backoff()
def call(client, operation: str, **kwargs) -> dict:
    """One CloudWatch Logs call, retried when throttled."""
    return getattr(client, operation)(**kwargs)


@AWSRetry.jittered_backoff()
def groups_named(client, prefix: str) -> list[dict]:
    paginator = client.get_paginator("describe_log_groups")
    return paginator.paginate(logGroupNamePrefix=prefix).build_full_result().get("logGroups", [])


def read_group(client, name: str) -> dict:
    """The group named ``name`` exactly (describe matches by prefix), with its tags; {} when there is none."""
    groups = groups_named(client, name)
    found = next((group for group in groups if group["logGroupName"] == name), None)
    if not found:
        return {}
    arn = found["arn"].removesuffix(":*")
    tags = call(client, "list_tags_for_resource", resourceArn=arn).get("tags", {})
    return {"name": name, "arn": arn, "retention": found.get("retentionInDays"), "tags": tags}


def ensure_absent(module, client, current: dict) -> tuple[bool, dict]:
    if not current:
        return False, {}
    left_alone = not_owned("log group", current["name"], current["tags"], module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return False, current
    if not module.check_mode:
        try:
            call(client, "delete_log_group", logGroupName=current["name"])
        except is_boto3_error_code("ResourceNotFoundException"):
            pass
    return True, {}


def ensure_present(module, client, current: dict) -> tuple[bool, dict]:
    params = module.params
    name, retention = params["name"], params["retention"]
    if not current:
        after = {"name": name, "arn": "", "retention": retention, "tags": params["tags"] or {}}
        if module.check_mode:
            return True, after
        call(client, "create_log_group", logGroupName=name, **({"tags": params["tags"]} if params["tags"] else {}))
        if retention is not None:
            call(client, "put_retention_policy", logGroupName=name, retentionInDays=retention)
        return True, read_group(client, name)
    to_set, to_remove = tag_changes(current["tags"], params["tags"], params["purge_tags"])
    new_retention = retention is not None and retention != current["retention"]
    if not (to_set or to_remove or new_retention):
        return False, current
    after = {**current, "tags": with_tag_changes(current["tags"], to_set, to_remove)}
    if new_retention:
        after["retention"] = retention
    if module.check_mode:
        return True, after
    if new_retention:
        call(client, "put_retention_policy", logGroupName=name, retentionInDays=retention)
    if to_remove:
        call(client, "untag_resource", resourceArn=current["arn"], tagKeys=to_remove)
    if to_set:
        call(client, "tag_resource", resourceArn=current["arn"], tags=to_set)
    return True, read_group(client, name)


def main():
    argument_spec = dict(
        **state_option(),
        name=dict(type="str", required=True),
        retention=dict(type="int", choices=RETENTION_DAYS),
        **tags_options(),
        **owned_by_option(),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("logs")
    try:
        current = read_group(client, module.params["name"])
        if module.params["state"] == "absent":
            changed, after = ensure_absent(module, client, current)
        else:
            changed, after = ensure_present(module, client, current)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"CloudWatch Logs group {module.params['name']}")
    module.exit_json(changed=changed, log_group=after, diff={"before": current, "after": after})


if __name__ == "__main__":
    main()
