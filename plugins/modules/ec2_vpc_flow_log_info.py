#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ec2_vpc_flow_log_info
short_description: List flow logs
version_added: 0.1.0
description:
  - Lists flow logs, optionally of one resource or matching EC2 filters.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  resource_id:
    description: Only the flow logs of this VPC, subnet or network interface.
    type: str
  filters:
    description:
      - EC2 C(DescribeFlowLogs) filters, for example C(tag:Environment) or C(log-group-name).
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: List the flow logs of a VPC
  lms.moodle.ec2_vpc_flow_log_info:
    resource_id: vpc-0123456789abcdef0
  register: vpc_flow_logs
"""

RETURN = r"""
flow_logs:
  description: The matching flow logs, snake-cased, tags as a dict.
  returned: always
  type: list
  elements: dict
  sample:
    - flow_log_id: fl-0123456789abcdef0
      resource_id: vpc-0123456789abcdef0
      traffic_type: ALL
      log_group_name: /lms-moodle/prod/vpc-flow-logs
      tags:
        Environment: prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list

from ansible_collections.lms.moodle.plugins.module_utils.ec2_flow_log import (
    AnsibleFlowLogError,
    describe_flow_logs,
    normalize_flow_log,
)


def main():
    argument_spec = dict(
        resource_id=dict(type="str"),
        filters=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    filters = dict(module.params["filters"])
    if module.params["resource_id"]:
        filters["resource-id"] = module.params["resource_id"]
    client = module.client("ec2")
    try:
        flow_logs = describe_flow_logs(client, ansible_dict_to_boto3_filter_list(filters))
    except AnsibleFlowLogError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, flow_logs=[normalize_flow_log(flow_log) for flow_log in flow_logs])


if __name__ == "__main__":
    main()
