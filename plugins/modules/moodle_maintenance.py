#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_maintenance
short_description: Switch Moodle's CLI maintenance mode on or off
version_added: 0.1.0
description:
  - Switches the CLI maintenance mode of the Moodle site in O(dirroot) on or off with
    C(admin/cli/maintenance.php --enable) or C(--disable).
  - CLI maintenance mode is the file C(climaintenance.html) in dataroot. With dataroot on shared storage (EFS),
    one call puts the whole cluster into maintenance; run it once, for example with C(run_once).
  - The module reads the state first and runs C(maintenance.php) only when it differs from O(state).
    C(--enable) also ends the legacy maintenance mode and cancels a scheduled one (C(--enablelater));
    C(--disable) ends all three. The module counts those as changes too.
  - The page shown to visitors is the core setting C(maintenance_message) when set (see
    M(lms.moodle.moodle_config)), else C(climaintenance.template.html) in dataroot, else Moodle's default text; it
    is written when maintenance is switched on.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  state:
    description: Whether CLI maintenance mode should be on (V(enabled)) or off (V(disabled)).
    type: str
    choices: [enabled, disabled]
    required: true
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_info
"""

EXAMPLES = r"""
- name: Put the whole cluster into maintenance before the upgrade
  lms.moodle.moodle_maintenance:
    dirroot: /var/www/moodle/current
    state: enabled
  become: true
  run_once: true

- name: Open the site again
  lms.moodle.moodle_maintenance:
    dirroot: /var/www/moodle/current
    state: disabled
  become: true
  run_once: true
"""

RETURN = r"""
state:
  description: The maintenance state after the module ran (predicted in check mode).
  returned: success
  type: str
  sample: enabled
maintenance:
  description: The maintenance state after the module ran (predicted in check mode).
  returned: success
  type: dict
  contains:
    enabled:
      description: Whether CLI maintenance mode is on (C(climaintenance.html) exists in dataroot).
      type: bool
    legacy:
      description: Whether the legacy maintenance mode (C(maintenance_enabled)) is on.
      type: bool
    scheduled:
      description: Unix time of a scheduled switch to CLI maintenance (C(--enablelater)), else null.
      type: int
diff:
  description: The maintenance state before and after (predicted in check mode).
  returned: success
  type: dict
  sample: {"before": {"enabled": false, "legacy": false, "scheduled": null},
           "after": {"enabled": true, "legacy": false, "scheduled": null}}
commands:
  description: The commands the module ran, as argument lists.
  returned: always
  type: list
  elements: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    MoodleCLIError,
    MoodleNotInstalledError,
    cli_from_params,
    moodle_cli_argument_spec,
)


def summary(state):
    """The part of a maintenance state that the module manages and returns."""
    return {"enabled": state["cli"], "legacy": state["legacy"], "scheduled": state["scheduled"]}


def wanted_state(enabled):
    """The state that maintenance.php --enable (enabled) or --disable leaves behind."""
    return {"enabled": enabled, "legacy": False, "scheduled": None}


def ensure(cli, enabled, check_mode):
    """Compare, change when needed, re-read: (changed, before, after)."""
    if not cli.site_state()["installed"]:
        raise MoodleNotInstalledError("Moodle is not installed; maintenance.php needs an installed site")
    before = summary(cli.maintenance_state())
    wanted = wanted_state(enabled)
    if before == wanted:
        return False, before, before
    if check_mode:
        return True, before, wanted
    cli.run("maintenance.php", ["--enable" if enabled else "--disable"])
    after = summary(cli.maintenance_state())
    if after != wanted:
        raise MoodleCLIError(f"maintenance.php ran but the site is still {after}; expected {wanted}")
    return True, before, after


def main():
    argument_spec = moodle_cli_argument_spec()
    argument_spec["state"] = dict(type="str", choices=["enabled", "disabled"], required=True)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    cli = cli_from_params(module.params)
    try:
        changed, before, after = ensure(cli, module.params["state"] == "enabled", module.check_mode)
    except MoodleCLIError as e:
        module.fail_json(commands=cli.commands, **e.to_fail_kwargs())
    result = {
        "changed": changed,
        "state": "enabled" if after["enabled"] else "disabled",
        "maintenance": after,
        "commands": cli.commands,
        "diff": {"before": before, "after": after},
    }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
