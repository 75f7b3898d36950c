#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_info
short_description: Read the state of a Moodle site through its CLI
version_added: 0.1.0
description:
  - Reports whether the Moodle site in O(dirroot) is installed, the version of the code (read from C(version.php)
    without running PHP) and of the database (C(admin/cli/cfg.php --name=version)), whether an upgrade is pending
    (C(admin/cli/upgrade.php --is-pending)) and the maintenance state.
  - Compares the plugins on disk (every C(version.php) under the plugin type directories of
    C(lib/components.json) and of subplugins) with the versions Moodle recorded in its database, so a plugin
    that was copied but not installed, or upgraded on disk only, shows before anyone runs an upgrade.
  - Reads the cache (MUC) configuration through Moodle's own cache config writer, that is the store instances (passwords
    masked) and the stores of the application, session and request modes.
  - Read-only; it changes nothing, also outside check mode.
  - An empty database is reported as not installed; a database with Moodle tables but no recorded version (an
    interrupted install) as RV(partial_install=true).
author:
  - lms.moodle maintainers (@lms-moodle)
options: {}
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.info
seealso:
  - module: lms.moodle.moodle_maintenance
  - module: lms.moodle.moodle_config
"""

EXAMPLES = r"""
- name: Read the state of the Moodle site
  lms.moodle.moodle_info:
    dirroot: /var/www/moodle/current
    web_user: www-data
  become: true
  register: moodle_site

- name: Stop when the code is older than the database
  ansible.builtin.assert:
    that: not moodle_site.installed or moodle_site.db_version is version(moodle_site.code.version, '<=')
    fail_msg: "dirroot holds Moodle {{ moodle_site.code.release }}, older than the database"
"""

RETURN = r"""
installed:
  description: Whether the database holds an installed Moodle (C(cfg.php --name=version) answers).
  returned: always
  type: bool
  sample: true
partial_install:
  description: Whether the database has Moodle tables but no version (an install that did not finish).
  returned: always
  type: bool
  sample: false
layout:
  description: Where the Moodle tree is.
  returned: always
  type: dict
  contains:
    root:
      description: The directory that holds C(config.php).
      type: str
      sample: /var/www/moodle/current
    dirroot:
      description: The directory that holds the code (C(root) itself before Moodle 5.1, C(root/public) after).
      type: str
      sample: /var/www/moodle/current
    layout:
      description: V(classic) (C(admin/cli) at the top) or V(public) (Moodle 5.1+, C(public/admin/cli)).
      type: str
      sample: classic
    config_php:
      description: Path of C(config.php).
      type: str
      sample: /var/www/moodle/current/config.php
code:
  description: The version of the code in dirroot, from C(version.php).
  returned: always
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
db_version:
  description: The version recorded in the database; null when not installed.
  returned: always
  type: str
  sample: "2024042203.01"
upgrade_pending:
  description: Whether C(upgrade.php --is-pending) reports an upgrade (core or plugins); null when not installed.
  returned: always
  type: bool
  sample: false
maintenance:
  description: The maintenance state; null when not installed.
  returned: always
  type: dict
  contains:
    enabled:
      description: Whether CLI maintenance mode is on (C(climaintenance.html) exists in dataroot).
      type: bool
    cli:
      description: Same as C(enabled).
      type: bool
    legacy:
      description: Whether the legacy maintenance mode (C(maintenance.php --enableold), admins can log in) is on.
      type: bool
    scheduled:
      description: Unix time at which C(maintenance.php --enablelater) switches CLI maintenance on, else null.
      type: int
    flag_file:
      description: Path of C(climaintenance.html).
      type: str
plugins:
  description: Plugins on disk against plugins installed in the database (core excluded).
  returned: always
  type: dict
  contains:
    disk:
      description: Component => C($plugin->version) of every plugin in dirroot.
      type: dict
      sample: {"local_greetings": "2024042200", "mod_assign": "2024042200"}
    installed:
      description: Component => version recorded by Moodle; empty when the site is not installed.
      type: dict
    not_installed:
      description: Plugins on disk that the next upgrade would install.
      type: list
      elements: str
    upgrade_pending:
      description: Plugins whose code version differs from the installed one.
      type: list
      elements: str
    missing_from_disk:
      description: Plugins installed in the database whose code is gone from dirroot.
      type: list
      elements: str
caches:
  description: The MUC configuration; null when not installed.
  returned: always
  type: dict
  contains:
    stores:
      description: Store instance name => plugin, default (true for Moodle's built-in stores) and configuration
        (password masked).
      type: dict
      sample: {"redis": {"plugin": "redis", "default": false, "configuration": {"server": "cache:6379",
        "password": "********"}}}
    mappings:
      description: Mode (application, session, request) => the store names used for it, in order.
      type: dict
      sample: {"application": ["redis"], "session": ["redis"], "request": ["default_request"]}
commands:
  description: The commands the module ran, as argument lists, with secrets masked.
  returned: always
  type: list
  elements: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    MoodleCLIError,
    cli_from_params,
    moodle_cli_argument_spec,
)
from ansible_collections.lms.moodle.plugins.module_utils.moodle_muc import masked, run_muc
from ansible_collections.lms.moodle.plugins.module_utils.moodle_plugins import (
    disk_plugins,
    installed_plugins,
    plugin_report,
)


def gather(cli):
    """The facts of the site, in the RETURN shape (without commands)."""
    layout = cli.prepare()
    facts = {
        "layout": {
            "root": layout.root,
            "dirroot": layout.dirroot,
            "layout": layout.layout,
            "config_php": layout.config_php,
        },
        "code": cli.version_info(),
    }
    state = cli.site_state()
    facts.update(installed=state["installed"], partial_install=state["partial"], db_version=state["db_version"])
    facts["upgrade_pending"] = cli.upgrade_pending() if state["installed"] else None
    facts["maintenance"] = cli.maintenance_state() if state["installed"] else None
    disk = disk_plugins(layout.dirroot)
    facts["plugins"] = plugin_report(disk, installed_plugins(cli) if state["installed"] else {})
    facts["caches"] = caches(cli) if state["installed"] else None
    return facts


def caches(cli):
    """The MUC store instances (passwords masked) and the store of each mode, as Moodle's config writer reads them."""
    muc = run_muc(cli)
    return {"stores": {name: masked(store) for name, store in muc["stores"].items()}, "mappings": muc["mappings"]}


def main():
    module = AnsibleModule(argument_spec=moodle_cli_argument_spec(), supports_check_mode=True)
    cli = cli_from_params(module.params)
    try:
        facts = gather(cli)
    except MoodleCLIError as e:
        module.fail_json(commands=cli.commands, **e.to_fail_kwargs())
    module.exit_json(changed=False, commands=cli.commands, **facts)


if __name__ == "__main__":
    main()
