#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: efs_file_system
short_description: Create, update or delete an EFS file system with its mount targets
version_added: 0.1.0
description:
  - Creates an Amazon EFS file system, or updates or deletes it, together with its mount targets, lifecycle
    policies, automatic backup policy and tags.
  - The file system is identified by O(name), which is both its C(Name) tag and its creation token, so that
    creation is idempotent. File systems created elsewhere (with another creation token) are not found.
  - Encryption, the KMS key and the performance mode can only be set at creation. When an existing file system
    differs in one of them the module fails rather than replace a file system that holds data.
  - Throughput mode and provisioned throughput are changed in place with C(UpdateFileSystem). AWS limits how often
    they may change (see the EFS quotas).
  - Unlike M(community.aws.efs), this module can set O(throughput_mode=elastic), manages the backup policy and only
    uses the current tagging APIs (C(TagResource), C(UntagResource)), not the legacy C(DescribeTags).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  state:
    description: Whether the file system should exist. V(absent) deletes its mount targets first.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the file system, used as its C(Name) tag and as its creation token (1 to 64 characters).
    type: str
    required: true
  encrypted:
    description: Whether the data is encrypted at rest. Set at creation only.
    type: bool
    default: true
  kms_key_id:
    description:
      - KMS key (id, ARN, alias or alias ARN) that encrypts the file system; the AWS managed key
        C(aws/elasticfilesystem) when omitted. Requires O(encrypted=true). Set at creation only.
      - A key id or key ARN is compared with the key of an existing file system by key id; an alias cannot be
        compared without KMS and is accepted as is.
    type: str
  performance_mode:
    description: Performance mode. Set at creation only.
    type: str
    choices: [generalPurpose, maxIO]
    default: generalPurpose
  throughput_mode:
    description: Throughput mode; changed in place on an existing file system.
    type: str
    choices: [bursting, provisioned, elastic]
    default: elastic
  provisioned_throughput_in_mibps:
    description: Provisioned throughput in MiB/s. Required with, and only valid with, O(throughput_mode=provisioned).
    type: float
  lifecycle_policy:
    description:
      - Lifecycle policies of the file system. When given, even as V({}), the lifecycle configuration is made
        equal to it (an omitted transition is removed). When omitted, the lifecycle configuration is not touched.
    type: dict
    suboptions:
      transition_to_ia:
        description: When files move to the Infrequent Access storage class.
        type: str
        choices: [AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS,
                  AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS]
      transition_to_primary_storage_class:
        description: When files move back to the primary storage class.
        type: str
        choices: [AFTER_1_ACCESS]
      transition_to_archive:
        description: When files move to the Archive storage class (needs O(throughput_mode=elastic)).
        type: str
        choices: [AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS,
                  AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS]
  backup:
    description:
      - Whether AWS Backup automatically backs up the file system (the EFS backup policy is C(ENABLED) or
        C(DISABLED)).
      - When omitted, the backup policy is neither read nor changed (no backup-policy API is called).
    type: bool
  mount_targets:
    description:
      - The mount targets of the file system, at most one per availability zone and all in one VPC.
      - When given, missing mount targets are created, the security groups of existing ones are corrected and,
        with O(purge_mount_targets=true), mount targets in other subnets are deleted. When omitted, mount targets
        are not touched.
    type: list
    elements: dict
    suboptions:
      subnet_id:
        description: Subnet of the mount target.
        type: str
        required: true
      security_groups:
        description: Security groups of the mount target's network interface (1 to 5).
        type: list
        elements: str
        required: true
  purge_mount_targets:
    description: Whether mount targets in subnets not listed in O(mount_targets) are deleted.
    type: bool
    default: true
  wait:
    description:
      - Whether to wait until the file system and its mount targets are available (or deleted).
      - The module always waits when the next step needs it, for example before creating mount targets in a new
        file system, or for mount targets to be gone before deleting the file system.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait for each of these state changes.
    type: int
    default: 600
notes:
  - The C(Name) tag always equals O(name), also when O(tags) is omitted; O(tags) must not set another C(Name).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.owned_by
"""

EXAMPLES = r"""
- name: Create the moodledata file system with one mount target per private subnet
  lms.moodle.efs_file_system:
    name: prod-moodledata
    throughput_mode: elastic
    backup: true
    lifecycle_policy:
      transition_to_ia: AFTER_30_DAYS
      transition_to_primary_storage_class: AFTER_1_ACCESS
    mount_targets:
      - subnet_id: subnet-0123456789abcdef0
        security_groups: [sg-0123456789abcdef0]
      - subnet_id: subnet-0fedcba9876543210
        security_groups: [sg-0123456789abcdef0]
    tags:
      Environment: prod
  register: moodledata

- name: Switch to provisioned throughput
  lms.moodle.efs_file_system:
    name: prod-moodledata
    throughput_mode: provisioned
    provisioned_throughput_in_mibps: 128

- name: Delete the file system and its mount targets
  lms.moodle.efs_file_system:
    name: prod-moodledata
    state: absent
"""

RETURN = r"""
file_system:
  description:
    - The file system after the change; empty when absent. In check mode, the prediction (without id when the file
      system would be created).
  returned: always
  type: dict
  contains:
    file_system_id:
      description: Id of the file system.
      type: str
      sample: fs-0123456789abcdef0
    file_system_arn:
      description: ARN of the file system.
      type: str
      sample: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0
    creation_token:
      description: Creation token (equals O(name)).
      type: str
      sample: prod-moodledata
    name:
      description: Value of the C(Name) tag.
      type: str
      sample: prod-moodledata
    life_cycle_state:
      description: State of the file system.
      type: str
      sample: available
    encrypted:
      description: Whether the file system is encrypted at rest.
      type: bool
      sample: true
    kms_key_id:
      description: ARN of the KMS key that encrypts the file system.
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f
    performance_mode:
      description: Performance mode.
      type: str
      sample: generalPurpose
    throughput_mode:
      description: Throughput mode.
      type: str
      sample: elastic
    provisioned_throughput_in_mibps:
      description: Provisioned throughput; null unless the throughput mode is C(provisioned).
      type: float
      sample: 128.0
    tags:
      description: Tags of the file system.
      type: dict
      sample: {"Name": "prod-moodledata", "Environment": "prod"}
    mount_targets:
      description:
        - Mount targets of the file system. Predicted new mount targets only have C(subnet_id) and
          C(security_groups).
      type: list
      elements: dict
      contains:
        mount_target_id:
          description: Id of the mount target.
          type: str
          sample: fsmt-0123456789abcdef0
        subnet_id:
          description: Subnet of the mount target.
          type: str
          sample: subnet-0123456789abcdef0
        availability_zone_name:
          description: Availability zone of the mount target.
          type: str
          sample: us-east-1a
        ip_address:
          description: IPv4 address of the mount target.
          type: str
          sample: 10.0.1.25
        life_cycle_state:
          description: State of the mount target.
          type: str
          sample: available
        security_groups:
          description: Security groups, sorted; null while the mount target is not available.
          type: list
          elements: str
          sample: [sg-0123456789abcdef0]
    lifecycle_policies:
      description: Lifecycle policies in the shape of O(lifecycle_policy). Only when O(lifecycle_policy) is given.
      type: dict
      sample: {"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"}
    backup_policy:
      description:
        - Backup policy status, V(ENABLED) or V(DISABLED) (the transitional C(ENABLING)/C(DISABLING) are reported as
          where they are heading). Only when O(backup) is given.
      type: str
      sample: ENABLED
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.arguments import (
    owned_by_option,
    state_option,
    tags_options,
    wait_options,
)
from ansible_collections.lms.moodle.plugins.module_utils.efs import (
    AnsibleEFSError,
    create_file_system,
    create_mount_target,
    delete_file_system,
    delete_mount_target,
    find_file_system,
    get_file_system,
    has_changes,
    immutable_differences,
    lifecycle_to_api,
    modify_mount_target_security_groups,
    plan_changes,
    predict_file_system,
    put_backup_policy,
    put_lifecycle_configuration,
    read_file_system,
    tag_resource,
    untag_resource,
    update_file_system,
    validate_options,
    wait_file_system_available,
    wait_file_system_deleted,
    wait_mount_targets_gone,
    wait_mount_targets_settled,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned


def read_current(client, params):
    found = find_file_system(client, params["name"])
    if not found:
        return {}
    return read_file_system(client, found, params["lifecycle_policy"] is not None, params["backup"] is not None)


def ensure_absent(module, client, current):
    if not current:
        return False, {}
    left_alone = not_owned("file system", module.params["name"], current["tags"], module.params["owned_by"])
    if left_alone:
        module.warn(left_alone)
        return False, current
    if module.check_mode:
        return True, {}
    file_system_id = current["file_system_id"]
    timeout = module.params["wait_timeout"]
    mount_targets = current["mount_targets"]
    for mount_target in mount_targets:
        if mount_target["life_cycle_state"] not in ("deleting", "deleted"):
            delete_mount_target(client, mount_target["mount_target_id"])
    mount_target_ids = [mount_target["mount_target_id"] for mount_target in mount_targets]
    if mount_target_ids:
        wait_mount_targets_gone(client, file_system_id, mount_target_ids, timeout)
    delete_file_system(client, file_system_id)
    if module.params["wait"]:
        wait_file_system_deleted(client, file_system_id, timeout)
    return True, {}


def ensure_present(module, client, current):
    params = module.params
    if current:
        differences = immutable_differences(current, params)
        if differences:
            module.fail_json(
                msg=f"EFS file system {params['name']} ({current['file_system_id']}) cannot change "
                + "; ".join(differences)
                + ": these are set at creation only; create a new file system and copy the data instead",
                file_system=current,
            )
    plan = plan_changes(current, params)
    if not has_changes(plan):
        return False, current
    if module.check_mode:
        return True, predict_file_system(current, params, plan)
    file_system_id = apply_file_system(module, client, current, plan)
    apply_mount_targets(module, client, file_system_id, plan["mount_targets"])
    after = get_file_system(client, file_system_id)
    return True, read_file_system(client, after, params["lifecycle_policy"] is not None, params["backup"] is not None)


def apply_file_system(module, client, current, plan):
    """Create or update the file system itself, its tags and policies; return its id."""
    wait, timeout = module.params["wait"], module.params["wait_timeout"]
    if plan["create"]:
        file_system_id = create_file_system(client, plan["create"])["FileSystemId"]
    else:
        file_system_id = current["file_system_id"]
        if plan["update"]:
            update_file_system(client, file_system_id, plan["update"])
        to_set, to_unset = plan["tags"]
        if to_unset:
            untag_resource(client, file_system_id, to_unset)
        if to_set:
            tag_resource(client, file_system_id, to_set)
    # Policies and mount targets need an available file system; a new or updated one is not yet.
    follow_ups = plan["lifecycle"] is not None or plan["backup"] is not None or any(plan["mount_targets"].values())
    if follow_ups or (wait and (plan["create"] or plan["update"])):
        wait_file_system_available(client, file_system_id, timeout)
    if plan["lifecycle"] is not None:
        put_lifecycle_configuration(client, file_system_id, lifecycle_to_api(plan["lifecycle"]))
    if plan["backup"] is not None:
        put_backup_policy(client, file_system_id, plan["backup"])
    return file_system_id


def apply_mount_targets(module, client, file_system_id, plan):
    wait, timeout = module.params["wait"], module.params["wait_timeout"]
    for mount_target_id in plan["delete"]:
        delete_mount_target(client, mount_target_id)
    # A new mount target may go to the availability zone that a deleted one leaves.
    if plan["delete"] and (wait or plan["create"]):
        wait_mount_targets_gone(client, file_system_id, plan["delete"], timeout)
    for item in plan["modify"]:
        modify_mount_target_security_groups(client, item["mount_target_id"], item["security_groups"])
    for item in plan["create"]:
        create_mount_target(client, file_system_id, item["subnet_id"], item["security_groups"])
    if plan["create"] and wait:
        wait_mount_targets_settled(client, file_system_id, timeout)


def lifecycle_spec():
    days = ["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS"]
    days += ["AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"]
    return dict(
        transition_to_ia=dict(type="str", choices=days),
        transition_to_primary_storage_class=dict(type="str", choices=["AFTER_1_ACCESS"]),
        transition_to_archive=dict(type="str", choices=days),
    )


def main():
    argument_spec = dict(
        **state_option(),
        name=dict(type="str", required=True),
        encrypted=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        performance_mode=dict(type="str", choices=["generalPurpose", "maxIO"], default="generalPurpose"),
        throughput_mode=dict(type="str", choices=["bursting", "provisioned", "elastic"], default="elastic"),
        provisioned_throughput_in_mibps=dict(type="float"),
        lifecycle_policy=dict(type="dict", options=lifecycle_spec()),
        backup=dict(type="bool"),
        mount_targets=dict(
            type="list",
            elements="dict",
            options=dict(
                subnet_id=dict(type="str", required=True),
                security_groups=dict(type="list", elements="str", required=True),
            ),
        ),
        purge_mount_targets=dict(type="bool", default=True),
        **tags_options(),
        **owned_by_option(),
        **wait_options(timeout=600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("throughput_mode", "provisioned", ["provisioned_throughput_in_mibps"])],
    )
    if module.params["state"] == "present":
        problem = validate_options(module.params)
        if problem:
            module.fail_json(msg=problem)
    client = module.client("efs")
    try:
        current = read_current(client, module.params)
        if module.params["state"] == "absent":
            changed, after = ensure_absent(module, client, current)
        else:
            changed, after = ensure_present(module, client, current)
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, file_system=after, diff={"before": current, "after": after})


if __name__ == "__main__":
    main()
