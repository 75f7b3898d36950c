#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_flow_log
short_description: Create or delete a VPC, subnet or network-interface flow log
version_added: 0.1.0
description:
  - Creates a flow log for one resource, delivering to CloudWatch Logs or S3, or deletes it.
  - A flow log is identified by its resource and its destination (log group, or destination ARN).
  - Flow logs cannot be modified; when an immutable attribute (traffic type, delivery role, aggregation
    interval, log format) differs, the flow log is replaced. Tags are updated in place.
  - Neither amazon.aws nor community.aws ships a flow-log module.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  resource_id:
    description: Id of the VPC, subnet or network interface.
    type: str
    required: true
  resource_type:
    description: Type of I(resource_id).
    type: str
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
  traffic_type:
    description: Which traffic to log.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  log_destination_type:
    description: Where the flow log delivers.
    type: str
    choices: [cloud-watch-logs, s3]
    default: cloud-watch-logs
  log_group_name:
    description:
      - CloudWatch Logs group to deliver to. Required with I(log_destination_type=cloud-watch-logs)
        unless I(log_destination) is given.
    type: str
  log_destination:
    description: ARN of the log group or S3 bucket (or folder) to deliver to.
    type: str
  deliver_logs_permission_arn:
    description: ARN of the IAM role that delivers to CloudWatch Logs. Required for CloudWatch Logs.
    type: str
  max_aggregation_interval:
    description: Maximum interval, in seconds, over which a flow is captured.
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description: Custom record format; the AWS default format when omitted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.state
"""

EXAMPLES = r"""
- name: Deliver the VPC flow log to CloudWatch Logs
  lms.moodle.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    traffic_type: ALL
    log_group_name: /lms-moodle/prod/vpc-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/prod-vpc-flow-logs
    tags:
      Environment: prod

- name: Remove it
  lms.moodle.ec2_vpc_flow_log:
    state: absent
    resource_id: vpc-0123456789abcdef0
    log_group_name: /lms-moodle/prod/vpc-flow-logs
"""

RETURN = r"""
flow_log:
  description: The flow log after the change (empty when absent). In check mode, the prediction.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: Id of the flow log.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The logged resource.
      type: str
    traffic_type:
      description: Logged traffic.
      type: str
    log_group_name:
      description: Destination log group.
      type: str
    deliver_logs_permission_arn:
      description: Delivery role.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
    tags:
      description: Tags of the flow log.
      type: dict
replaced:
  description: Whether an existing flow log was deleted and re-created because an immutable attribute changed.
  returned: always
  type: bool
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import ensure_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

from ansible_collections.lms.moodle.plugins.module_utils.arguments import state_option, tags_options
from ansible_collections.lms.moodle.plugins.module_utils.ec2_flow_log import (
    AnsibleFlowLogError,
    build_params,
    create_flow_log,
    delete_flow_log,
    describe_flow_logs,
    destination_matches,
    immutable_differences,
    normalize_flow_log,
    predicted_flow_log,
)


def find_flow_log(client, resource_id, wanted):
    found = describe_flow_logs(client, [{"Name": "resource-id", "Values": [resource_id]}])
    matches = [flow_log for flow_log in found if destination_matches(flow_log, wanted)]
    return matches[0] if matches else None


def ensure_absent(module, client, current):
    if current and not module.check_mode:
        delete_flow_log(client, current["FlowLogId"])
    return bool(current), {}, False


def ensure_present(module, client, current, params):
    resource_id = module.params["resource_id"]
    tags = module.params["tags"]
    replace = bool(current) and bool(immutable_differences(current, params))
    if current and not replace:
        changed = ensure_ec2_tags(client, module, current["FlowLogId"], None, tags, module.params["purge_tags"])
        if not changed:
            return False, current, False
        if module.check_mode:
            return True, {**current, "Tags": _tag_list(current, tags, module)}, False
        return True, find_flow_log(client, resource_id, params), False
    if module.check_mode:
        return True, predicted_flow_log(resource_id, params, tags), replace
    if replace:
        delete_flow_log(client, current["FlowLogId"])
    create_params = dict(params)
    if tags:
        create_params["TagSpecifications"] = boto3_tag_specifications(tags, types=["vpc-flow-log"])
    create_flow_log(client, resource_id, create_params)
    return True, find_flow_log(client, resource_id, params), replace


def _tag_list(current, tags, module):
    """Tags the flow log would carry after ensure_ec2_tags, for the check-mode prediction."""
    if tags is None:
        return current.get("Tags", [])
    merged = {} if module.params["purge_tags"] else {tag["Key"]: tag["Value"] for tag in current.get("Tags", [])}
    merged.update(tags or {})
    return [{"Key": key, "Value": value} for key, value in merged.items()]


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    if params["log_destination_type"] == "cloud-watch-logs":
        if not (params["log_group_name"] or params["log_destination"]):
            module.fail_json(
                msg="log_group_name (or log_destination) is required when log_destination_type=cloud-watch-logs"
            )
        if not params["deliver_logs_permission_arn"]:
            module.fail_json(msg="deliver_logs_permission_arn is required when log_destination_type=cloud-watch-logs")
    elif not params["log_destination"]:
        module.fail_json(msg="log_destination (the S3 bucket ARN) is required when log_destination_type=s3")


def main():
    argument_spec = dict(
        **state_option(),
        resource_id=dict(type="str", required=True),
        resource_type=dict(type="str", choices=["VPC", "Subnet", "NetworkInterface"], default="VPC"),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"], default="ALL"),
        log_destination_type=dict(type="str", choices=["cloud-watch-logs", "s3"], default="cloud-watch-logs"),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
        log_format=dict(type="str"),
        **tags_options(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("log_group_name", "log_destination")],
    )
    validate(module)
    client = module.client("ec2")
    params = build_params(module.params)
    try:
        current = find_flow_log(client, module.params["resource_id"], params)
        if module.params["state"] == "absent":
            changed, after, replaced = ensure_absent(module, client, current)
        else:
            changed, after, replaced = ensure_present(module, client, current, params)
    except AnsibleFlowLogError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=changed,
        replaced=replaced,
        flow_log=normalize_flow_log(after),
        diff={"before": normalize_flow_log(current), "after": normalize_flow_log(after)},
    )


if __name__ == "__main__":
    main()
