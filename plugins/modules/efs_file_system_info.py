#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: efs_file_system_info
short_description: List EFS file systems with their mount targets and policies
version_added: 0.1.0
description:
  - Lists Amazon EFS file systems, all of them or one by name or id, in the shape that
    M(lms.moodle.efs_file_system) returns, with mount targets and lifecycle policies.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Only the file system with this creation token (the O(lms.moodle.efs_file_system#module:name)).
    type: str
  file_system_id:
    description: Only the file system with this id.
    type: str
  include_backup_policy:
    description: Whether to read the backup policy of each file system (C(DescribeBackupPolicy)).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Look up the moodledata file system
  lms.moodle.efs_file_system_info:
    name: prod-moodledata
    include_backup_policy: true
  register: moodledata_info

- name: Show the DNS name to mount
  ansible.builtin.debug:
    msg: "{{ moodledata_info.file_systems[0].file_system_id }}.efs.us-east-1.amazonaws.com"
"""

RETURN = r"""
file_systems:
  description: The matching file systems; empty when none matches (also for an unknown O(file_system_id)).
  returned: always
  type: list
  elements: dict
  contains:
    file_system_id:
      description: Id of the file system.
      type: str
      sample: fs-0123456789abcdef0
    file_system_arn:
      description: ARN of the file system.
      type: str
    creation_token:
      description: Creation token.
      type: str
    name:
      description: Value of the C(Name) tag.
      type: str
    life_cycle_state:
      description: State of the file system.
      type: str
      sample: available
    encrypted:
      description: Whether the file system is encrypted at rest.
      type: bool
    kms_key_id:
      description: ARN of the KMS key.
      type: str
    performance_mode:
      description: Performance mode.
      type: str
    throughput_mode:
      description: Throughput mode.
      type: str
    provisioned_throughput_in_mibps:
      description: Provisioned throughput; null unless the throughput mode is C(provisioned).
      type: float
    tags:
      description: Tags.
      type: dict
    mount_targets:
      description: Mount targets, each with C(mount_target_id), C(subnet_id), C(availability_zone_name),
        C(ip_address), C(life_cycle_state) and C(security_groups) (sorted; null while not available).
      type: list
      elements: dict
    lifecycle_policies:
      description: Lifecycle policies in the shape of the O(lms.moodle.efs_file_system#module:lifecycle_policy) option.
      type: dict
      sample: {"transition_to_ia": "AFTER_30_DAYS"}
    backup_policy:
      description: V(ENABLED) or V(DISABLED). Only with O(include_backup_policy=true).
      type: str
      returned: when O(include_backup_policy=true)
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.efs import (
    AnsibleEFSError,
    describe_file_systems,
    read_file_system,
)


def main():
    argument_spec = dict(
        name=dict(type="str"),
        file_system_id=dict(type="str"),
        include_backup_policy=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("name", "file_system_id")],
    )
    filters = {}
    if module.params["name"]:
        filters["CreationToken"] = module.params["name"]
    if module.params["file_system_id"]:
        filters["FileSystemId"] = module.params["file_system_id"]
    client = module.client("efs")
    try:
        file_systems = [
            read_file_system(client, file_system, True, module.params["include_backup_policy"])
            for file_system in describe_file_systems(client, **filters)
        ]
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, file_systems=file_systems)


if __name__ == "__main__":
    main()
