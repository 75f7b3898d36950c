#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscaling_group_refresh
short_description: Roll an Auto Scaling group onto its launch template when some instance runs an older one
version_added: 0.1.0
description:
  - Compares every instance of an Auto Scaling group with the launch template and version that the group asks
    for (C($Latest) and C($Default) resolved to version numbers), and starts a rolling instance refresh only when
    at least one instance is outdated and no refresh of the group is already under way.
  - When no instance is outdated the module makes no instance-refresh call at all (neither
    C(DescribeInstanceRefreshes) nor C(StartInstanceRefresh)), so an up-to-date group costs two read calls.
  - C(amazon.aws.autoscaling_instance_refresh) starts a refresh whenever it is asked to, which a playbook cannot
    run on every converge without replacing healthy, current instances.
  - An instance launched from another template, from a launch configuration, or from another version of the
    template is outdated. Instances that are terminating or detaching are ignored.
author:
  - lms.moodle maintainers (@lms-moodle)
notes:
  - The refresh uses the C(Rolling) strategy with I(skip_matching), so AWS replaces only the outdated instances.
  - The defaults I(min_healthy_percentage=100) and I(max_healthy_percentage=110) make AWS launch each new
    instance before it terminates an old one, so the group never drops below its desired capacity during the
    refresh (at the cost of one instance more for a while). Lower I(min_healthy_percentage) to go faster.
  - Only groups that use a launch template (directly or in a mixed instances policy) are supported.
options:
  name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
    aliases: [autoscaling_group_name]
  min_healthy_percentage:
    description: Percentage of the desired capacity that must stay in service and healthy during the refresh.
    type: int
    default: 100
  max_healthy_percentage:
    description:
      - Percentage of the desired capacity the group may reach during the refresh (100 to 200, at most 100 above
        I(min_healthy_percentage)). Above 100 lets AWS launch replacements before terminating.
    type: int
    default: 110
  instance_warmup:
    description:
      - Seconds after a new instance is in service before the refresh counts it as healthy and moves on.
        Unset, AWS uses the group's default instance warmup, or its health check grace period.
    type: int
  skip_matching:
    description: Whether AWS skips the instances that already match the wanted launch template and version.
    type: bool
    default: true
  wait:
    description:
      - Whether to wait until the refresh started (or the one already under way) has finished successfully. The
        module fails when it ends in another status (C(Failed), C(Cancelled), C(RollbackSuccessful), ...).
    type: bool
    default: false
  wait_timeout:
    description: How many seconds to wait with I(wait=true) before the module fails (the refresh goes on).
    type: int
    default: 3600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
"""

EXAMPLES = r"""
- name: Replace the web nodes that do not run the group's launch template version
  lms.moodle.autoscaling_group_refresh:
    name: prod-moodle-web
    instance_warmup: 300

- name: Roll the fleet faster (half the capacity at a time) and wait until it is done
  lms.moodle.autoscaling_group_refresh:
    name: prod-moodle-web
    min_healthy_percentage: 50
    max_healthy_percentage: 150
    wait: true
    wait_timeout: 2700
"""

RETURN = r"""
launch_template:
  description: The launch template and version the group asks for.
  returned: always
  type: dict
  contains:
    launch_template_id:
      description: Id of the launch template.
      type: str
      sample: lt-0123456789abcdef0
    launch_template_name:
      description: Name of the launch template, when the group names it.
      type: str
      sample: prod-moodle-web
    version:
      description: The version as the group gives it (a number, C($Latest) or C($Default)).
      type: str
      sample: "4"
    version_number:
      description: The version number it means now.
      type: str
      sample: "4"
outdated_instances:
  description: The instances that do not run the wanted launch template version (before any refresh).
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: Id of the instance.
      type: str
      sample: i-0123456789abcdef0
    launch_template_id:
      description: The launch template it was launched from; null for a launch configuration.
      type: str
    launch_template_version:
      description: The version it was launched from.
      type: str
      sample: "3"
    launch_configuration_name:
      description: The launch configuration it was launched from, if any.
      type: str
    availability_zone:
      description: Its zone.
      type: str
      sample: eu-west-1a
    lifecycle_state:
      description: Its lifecycle state in the group.
      type: str
      sample: InService
instance_refresh:
  description:
    - The refresh started, or the one already under way; null when no instance is outdated. In check mode a
      refresh that would start has no id.
  returned: always
  type: dict
  contains:
    instance_refresh_id:
      description: Id of the refresh.
      type: str
      sample: 08b91cf7-8fa6-48af-b6a6-d227f40f1b9b
    status:
      description: C(Pending), C(InProgress), C(Successful), C(Failed), C(Cancelling), C(Cancelled), ...
      type: str
      sample: Pending
    status_reason:
      description: What AWS says about the status.
      type: str
    percentage_complete:
      description: How far the refresh is.
      type: int
      sample: 0
    instances_to_update:
      description: How many instances remain to be replaced.
      type: int
      sample: 2
    preferences:
      description: The preferences of the refresh, as AWS spells them.
      type: dict
    start_time:
      description: When it started (ISO 8601).
      type: str
    end_time:
      description: When it ended (ISO 8601).
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.autoscaling_refresh import (
    AnsibleAutoScalingRefreshError,
    active_refresh,
    describe_group,
    describe_refreshes,
    normalize_refresh,
    outdated_instances,
    predicted_refresh,
    preferences,
    start_refresh,
    validate_options,
    wait_for_refresh,
    wanted_template,
)
from ansible_collections.lms.moodle.plugins.module_utils.failures import fail_aws


def refresh(module, client, outdated):
    """(changed, refresh): the refresh under way, or the one started (predicted in check mode)."""
    params = module.params
    name = params["name"]
    running = active_refresh(describe_refreshes(client, name))
    if running:
        changed, current = False, running
    elif module.check_mode:
        return True, predicted_refresh(preferences(params), outdated)
    else:
        refresh_id = start_refresh(client, name, preferences(params))
        changed = True
        current = (describe_refreshes(client, name, [refresh_id]) or [{"InstanceRefreshId": refresh_id}])[0]
    if params["wait"] and not module.check_mode:
        current = wait_for_refresh(client, name, current["InstanceRefreshId"], params["wait_timeout"])
    return changed, normalize_refresh(current)


def ensure(module, client, ec2):
    name = module.params["name"]
    group = describe_group(client, name)
    if not group:
        module.fail_json(msg=f"Auto Scaling group {name} does not exist")
    template, resolve = wanted_template(ec2, group)
    outdated = outdated_instances(group, template, resolve)
    changed, current = refresh(module, client, outdated) if outdated else (False, None)
    # After a refresh (started, predicted or under way) every instance will run the wanted version.
    diff = {"before": {"outdated_instances": outdated}, "after": {"outdated_instances": []}}
    return dict(
        changed=changed, launch_template=template, outdated_instances=outdated, instance_refresh=current, diff=diff
    )


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["autoscaling_group_name"]),
        min_healthy_percentage=dict(type="int", default=100),
        max_healthy_percentage=dict(type="int", default=110),
        instance_warmup=dict(type="int"),
        skip_matching=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    problem = validate_options(module.params)
    if problem:
        module.fail_json(msg=problem)
    client = module.client("autoscaling")
    ec2 = module.client("ec2")
    try:
        result = ensure(module, client, ec2)
    except AnsibleAutoScalingRefreshError as e:
        fail_aws(module, e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
