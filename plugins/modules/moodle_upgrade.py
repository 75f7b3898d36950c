#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_upgrade
short_description: Upgrade the Moodle database to the code in dirroot through admin/cli/upgrade.php
version_added: 0.1.0
description:
  - Asks C(admin/cli/upgrade.php --is-pending) whether the database of the site in O(dirroot) needs an upgrade
    (core or plugins) and runs C(admin/cli/upgrade.php --non-interactive) only when it does, then purges all
    caches with C(admin/cli/purge_caches.php). Without a pending upgrade it runs nothing else (C(changed=false)).
  - With O(maintenance=true) the upgrade and the purge run inside CLI maintenance mode
    (C(admin/cli/maintenance.php --enable) before, C(--disable) after, also when the upgrade fails). When CLI
    maintenance was already on, the module leaves it on. Switching it on and off also ends the legacy maintenance
    mode and a scheduled one, as C(maintenance.php) does; the module warns when that happens.
  - Reads the database version before and after, and checks after the upgrade that none is pending any more.
  - Deploy new code into a fresh directory; C(upgrade.php) refuses a tree with files of an older Moodle left in it.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  maintenance:
    description:
      - Whether to run the upgrade and the purge inside CLI maintenance mode (visitors get a maintenance page).
      - C(dataroot) is shared by the cluster, so this takes the whole cluster offline; run the module once,
        for example with C(run_once).
    type: bool
    default: false
  allow_unstable:
    description:
      - Upgrade to code whose C($maturity) is below C(MATURITY_STABLE) (alpha, beta, release candidate) by passing
        C(--allow-unstable); without it the module fails before changing anything.
    type: bool
    default: false
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_info
  - module: lms.moodle.moodle_maintenance
  - module: lms.moodle.moodle_install
notes:
  - C(upgrade.php) itself purges the MUC caches before upgrading core (in 4.4 with its default C(--maintenance)).
  - Checked against C(admin/cli/upgrade.php) of Moodle 4.4.3+.
"""

EXAMPLES = r"""
- name: Upgrade the database to the deployed code inside maintenance mode
  lms.moodle.moodle_upgrade:
    dirroot: /var/www/moodle/current
    web_user: www-data
    maintenance: true
  become: true
  run_once: true
  register: moodle_upgrade

- name: Show what was upgraded
  ansible.builtin.debug:
    msg: "Moodle database {{ moodle_upgrade.from_version }} -> {{ moodle_upgrade.to_version }}"
  when: moodle_upgrade is changed
"""

RETURN = r"""
from_version:
  description: The version recorded in the database before the module ran.
  returned: success
  type: str
  sample: "2024042200.00"
to_version:
  description:
    - The version recorded in the database after the module ran; in check mode the version of the code when an
      upgrade is pending.
    - Equal to RV(from_version) when nothing was pending or only plugins were upgraded.
  returned: success
  type: str
  sample: "2024042203.01"
upgrade_pending:
  description: Whether C(upgrade.php --is-pending) reported an upgrade before the module ran.
  returned: success
  type: bool
  sample: true
code:
  description: The version of the code in dirroot, from C(version.php).
  returned: success
  type: dict
  contains:
    version:
      description: C($version).
      type: str
      sample: "2024042203.01"
    release:
      description: C($release).
      type: str
      sample: 4.4.3+ (Build 20240903)
    branch:
      description: C($branch).
      type: str
      sample: "404"
    maturity:
      description: C($maturity) (the constant name).
      type: str
      sample: MATURITY_STABLE
maintenance:
  description: CLI maintenance mode around the upgrade (predicted in check mode).
  returned: success
  type: dict
  contains:
    before:
      description: Whether CLI maintenance mode was on before the module ran; null when O(maintenance=false).
      type: bool
    after:
      description: Whether it is on after the module ran; null when O(maintenance=false).
      type: bool
    switched:
      description: Whether the module switched it on for the upgrade and off again.
      type: bool
caches_purged:
  description: Whether C(purge_caches.php) ran (or would run, in check mode).
  returned: success
  type: bool
  sample: true
diff:
  description: The database version and whether an upgrade is pending, before and after.
  returned: success
  type: dict
  sample: {"before": {"db_version": "2024042200.00", "upgrade_pending": true},
           "after": {"db_version": "2024042203.01", "upgrade_pending": false}}
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
    partial_install_error,
)

# lib/classes/component.php: MATURITY_ALPHA 50, MATURITY_BETA 100, MATURITY_RC 150, MATURITY_STABLE 200.
UNSTABLE = ("MATURITY_ALPHA", "MATURITY_BETA", "MATURITY_RC")
# The arguments that change something (the failure result reports changed when one of them ran).
MUTATING = ("--non-interactive", "--enable", "--disable")


def read_before(cli):
    """The code version, the database version and whether an upgrade is pending; fails unless installed."""
    code = cli.version_info()
    state = cli.install_state()
    if state["partial"]:
        raise partial_install_error(state)
    if not state["installed"]:
        raise MoodleNotInstalledError("Moodle is not installed; install it first (lms.moodle.moodle_install)")
    return code, state["db_version"], cli.upgrade_pending()


def check_maturity(code, allow_unstable):
    if code["maturity"] in UNSTABLE and not allow_unstable:
        raise MoodleCLIError(
            f"the code in dirroot is {code['maturity']} ({code['release']}); set allow_unstable=true to upgrade to it"
        )


def maintenance_before(cli, warn):
    """Whether CLI maintenance is on; warns when --enable/--disable will end legacy or scheduled maintenance."""
    state = cli.maintenance_state()
    if not state["cli"] and (state["legacy"] or state["scheduled"]):
        warn(
            "maintenance.php --enable and --disable around the upgrade end the legacy maintenance mode and cancel "
            "the scheduled one"
        )
    return state["cli"]


def upgrade(cli, allow_unstable):
    """upgrade.php --non-interactive, then purge_caches.php."""
    cli.run("upgrade.php", ["--non-interactive", *(["--allow-unstable"] if allow_unstable else [])])
    cli.run("purge_caches.php")


def upgrade_in_maintenance(cli, allow_unstable):
    """The upgrade between maintenance.php --enable and --disable; --disable runs also when the upgrade fails."""
    cli.run("maintenance.php", ["--enable"])
    try:
        upgrade(cli, allow_unstable)
    except MoodleCLIError as e:
        try:
            cli.run("maintenance.php", ["--disable"])
        except MoodleCLIError as disable_error:
            raise MoodleCLIError(
                f"{e.message}\nSwitching maintenance mode off failed too, the site is still in maintenance: "
                f"{disable_error.message}",
                e.result,
            ) from None
        raise MoodleCLIError(f"{e.message}\nMaintenance mode was switched off again.", e.result) from None
    cli.run("maintenance.php", ["--disable"])


def read_after(cli):
    """The database version after the upgrade; fails when an upgrade is still pending."""
    if cli.upgrade_pending():
        raise MoodleCLIError("upgrade.php finished but upgrade.php --is-pending still reports an upgrade")
    return cli.get_config("version")


def plan_maintenance(cli, wanted, pending, warn):
    """The maintenance part of the result: before/after (null when not wanted) and whether to switch it."""
    if not wanted:
        return {"before": None, "after": None, "switched": False}
    enabled = maintenance_before(cli, warn) if pending else cli.maintenance_state()["cli"]
    return {"before": enabled, "after": enabled, "switched": pending and not enabled}


def apply(cli, params, maintenance):
    """Run the upgrade (inside maintenance when it is to be switched); the database version after it."""
    if not maintenance["switched"]:
        upgrade(cli, params["allow_unstable"])
        return read_after(cli)
    upgrade_in_maintenance(cli, params["allow_unstable"])
    if cli.maintenance_state()["cli"]:
        raise MoodleCLIError("maintenance.php --disable ran but CLI maintenance mode is still on")
    return read_after(cli)


def ensure(cli, params, check_mode, warn):
    """Read, upgrade when pending (inside maintenance when asked), re-read: the result without commands."""
    code, before, pending = read_before(cli)
    if pending:
        check_maturity(code, params["allow_unstable"])
    maintenance = plan_maintenance(cli, params["maintenance"], pending, warn)
    after = before
    if pending:
        after = code["version"] if check_mode else apply(cli, params, maintenance)
    return {
        "changed": pending,
        "code": code,
        "from_version": before,
        "to_version": after,
        "upgrade_pending": pending,
        "caches_purged": pending,
        "maintenance": maintenance,
        "diff": {
            "before": {"db_version": before, "upgrade_pending": pending},
            "after": {"db_version": after, "upgrade_pending": False},
        },
    }


def main():
    argument_spec = moodle_cli_argument_spec()
    argument_spec.update(
        maintenance=dict(type="bool", default=False),
        allow_unstable=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    cli = cli_from_params(module.params)
    try:
        result = ensure(cli, module.params, module.check_mode, module.warn)
    except MoodleCLIError as e:
        ran = any(arg in MUTATING for command in cli.commands for arg in command)
        module.fail_json(changed=ran, commands=cli.commands, **e.to_fail_kwargs())
    module.exit_json(commands=cli.commands, **result)


if __name__ == "__main__":
    main()
