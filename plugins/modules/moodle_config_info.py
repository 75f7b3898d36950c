#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_config_info
short_description: Read Moodle core and plugin settings through admin/cli/cfg.php
version_added: 0.1.0
description:
  - Reads settings of Moodle core and of plugins through C(admin/cli/cfg.php --name=<name> --json) of the site in
    O(dirroot); a setting that is not set is returned as null (C(cfg.php) exits with code 3).
  - One setting through O(name), or many through O(settings).
  - The value of a setting hard-set in C(config.php) is the forced value.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Name of the one setting to read. Mutually exclusive with O(settings).
    type: str
  component:
    description:
      - Frankenstyle name of the component of the setting; V(core) (or V(moodle)) for a core setting.
      - With O(settings), the component of each item that gives none.
    type: str
    default: core
  secret:
    description:
      - Whether the value of O(name) is a secret; it is then returned masked, and RV(settings[].is_set) tells
        whether it is set.
    type: bool
    default: false
  settings:
    description: Several settings to read. Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the setting.
        type: str
        required: true
      component:
        description: Component of the setting; defaults to O(component).
        type: str
      secret:
        description: Whether the value is a secret, as O(secret).
        type: bool
        default: false
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.info
seealso:
  - module: lms.moodle.moodle_config
"""

EXAMPLES = r"""
- name: Read the theme and a plugin setting
  lms.moodle.moodle_config_info:
    dirroot: /var/www/moodle/current
    settings:
      - name: theme
      - name: disablemobileappsubscription
        component: tool_mobile
  become: true
  register: moodle_settings

- name: Show the theme
  ansible.builtin.debug:
    msg: "{{ moodle_settings.settings[0].value }}"
"""

RETURN = r"""
settings:
  description: The settings read, in the order asked.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the setting.
      type: str
      sample: theme
    component:
      description: Component of the setting (V(core) for core).
      type: str
      sample: core
    value:
      description: The value; null when the setting is not set; masked when secret.
      type: str
      sample: boost
    is_set:
      description: Whether the setting is set.
      type: bool
      sample: true
value:
  description: With O(name), the value of that setting (masked when secret).
  returned: success, when O(name) is given
  type: str
  sample: boost
commands:
  description: The commands the module ran, as argument lists.
  returned: always
  type: list
  elements: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    REDACTED,
    MoodleCLIError,
    check_components,
    cli_from_params,
)
from ansible_collections.lms.moodle.plugins.module_utils.moodle_settings import (
    entry_component,
    secret_registrar,
    setting_entries,
    settings_argument_spec,
)


def wanted_items(params):
    return [
        {"name": entry["name"], "component": entry_component(entry, params), "secret": bool(entry.get("secret"))}
        for _index, entry in setting_entries(params)
    ]


def read(cli, items, register_secret):
    settings = []
    for item in items:
        value = cli.get_config(item["name"], item["component"])
        if item["secret"] and value:
            register_secret(value)
        shown = REDACTED if item["secret"] and value is not None else value
        settings.append(
            {"name": item["name"], "component": item["component"], "value": shown, "is_set": value is not None}
        )
    return settings


def main():
    argument_spec = settings_argument_spec()
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("name", "settings")],
        required_one_of=[("name", "settings")],
    )
    cli = cli_from_params(module.params)
    try:
        items = wanted_items(module.params)
        check_components(cli, [item["component"] for item in items], module.warn)
        settings = read(cli, items, secret_registrar(module, cli))
    except MoodleCLIError as e:
        module.fail_json(commands=cli.commands, **e.to_fail_kwargs())
    result = {"changed": False, "settings": settings, "commands": cli.commands}
    if module.params["name"] is not None:
        result["value"] = settings[0]["value"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
