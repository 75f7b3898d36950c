#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_config
short_description: Get, set and unset Moodle core and plugin settings through admin/cli/cfg.php
version_added: 0.1.0
description:
  - Reads, sets and unsets settings of Moodle core (table C(config)) and of plugins (table C(config_plugins))
    through C(admin/cli/cfg.php) of the site in O(dirroot).
  - Reads every setting first and runs C(cfg.php --set) or C(--unset) only for the settings whose value differs,
    then reads them back.
  - One setting through O(name), or many in one call through O(settings).
  - A setting hard-set in C(config.php) (C($CFG->name) or C($CFG->forced_plugin_settings)) cannot be changed by
    C(cfg.php) (it exits with code 4); the module then fails and names the setting. When the forced value already
    equals the wanted one, nothing is changed and nothing fails. C(cfg.php) cannot tell forced settings apart when
    reading, so check mode predicts such a change without noticing it would fail.
  - A component of a known plugin type whose plugin is not in O(dirroot) (for example C(tool_doesnotexist)) is an
    error; a component that is neither a plugin nor a subsystem only gives a warning, because Moodle itself keeps
    a few such settings (C(backup), C(moodlecourse)) and activity modules store theirs under their short name
    (C(quiz)).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description:
      - Name of the one setting to manage, for example C(theme) or C(enablemobilewebservice).
      - Mutually exclusive with O(settings).
    type: str
  component:
    description:
      - Frankenstyle name of the component the setting belongs to (C(tool_mobile), C(cachestore_redis),
        C(auth_oidc)); V(core) (or V(moodle)) for a core setting.
      - With O(settings), the component of each item that gives none.
    type: str
    default: core
  value:
    description:
      - The value O(name) should have, with O(state=present). Booleans become V(1) and V(0), numbers text.
      - Mutually exclusive with O(settings).
    type: raw
  state:
    description:
      - V(present) sets O(name) to O(value); V(absent) unsets it.
      - To only read settings use M(lms.moodle.moodle_config_info).
    type: str
    choices: [present, absent]
    default: present
  secret:
    description:
      - Whether the value of O(name) is a secret (a password, an API key). Its new and old values are then
        masked in the result, the diff, errors and the commands returned, and Ansible masks them in its output.
    type: bool
    default: false
  settings:
    description:
      - Several settings to manage in one call, each in the shape of the single-setting options.
      - Mutually exclusive with O(name) and O(value); O(state) and O(secret) apply to O(name) only.
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
      value:
        description: The value, with O(settings[].state=present).
        type: raw
      state:
        description: V(present) or V(absent), as O(state).
        type: str
        choices: [present, absent]
        default: present
      secret:
        description: Whether the value is a secret, as O(secret).
        type: bool
        default: false
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_config_info
  - module: lms.moodle.moodle_info
notes:
  - Settings are plain text in Moodle's database; the module compares text, so V(true) and V(1) are the same value.
"""

EXAMPLES = r"""
- name: Use the Boost theme
  lms.moodle.moodle_config:
    dirroot: /var/www/moodle/current
    name: theme
    value: boost
  become: true
  run_once: true

- name: Configure the site and the mobile app in one call
  lms.moodle.moodle_config:
    dirroot: /var/www/moodle/current
    settings:
      - name: enablemobilewebservice
        value: true
      - name: forcelogin
        value: true
      - name: disablemobileappsubscription
        component: tool_mobile
        value: 1
      - name: smtppass
        value: "{{ smtp_password }}"
        secret: true
      - name: noemailever
        state: absent
  become: true
  run_once: true
"""

RETURN = r"""
settings:
  description: Every managed setting with its value after the module ran (predicted in check mode).
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
    state:
      description: The requested state.
      type: str
      sample: present
    value:
      description: The value after the module ran; null when not set. Secrets are masked.
      type: str
      sample: boost
    before:
      description: The value before the module ran; null when it was not set. Secrets are masked.
      type: str
      sample: classic
    changed:
      description: Whether this setting was (or in check mode would be) changed.
      type: bool
value:
  description: With O(name), the value of that setting after the module ran (masked when secret).
  returned: success, when O(name) is given
  type: str
  sample: boost
diff:
  description: "The managed settings before and after, as C({component: {name: value}}); secrets are masked."
  returned: success
  type: dict
  sample: {"before": {"core": {"theme": "classic"}}, "after": {"core": {"theme": "boost"}}}
commands:
  description: The commands the module ran, as argument lists, with secrets masked.
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
    normalize_value,
)
from ansible_collections.lms.moodle.plugins.module_utils.moodle_settings import (
    entry_component,
    secret_registrar,
    setting_entries,
    settings_argument_spec,
)

SECRET_CHANGED = REDACTED + " (changed)"


def item_error(index, message):
    where = f"settings[{index}]" if index is not None else "the setting"
    return MoodleCLIError(f"{where}: {message}")


def wanted_items(params):
    """The settings to manage as dicts (name, component, value as text, state, secret); raises naming the option."""
    items, seen = [], set()
    for index, entry in setting_entries(params):
        component = entry_component(entry, params)
        item = {
            "name": entry["name"],
            "component": component,
            "state": entry.get("state") or "present",
            "secret": bool(entry.get("secret")),
        }
        try:
            item["value"] = normalize_value(entry.get("value"))
        except MoodleCLIError as e:
            raise item_error(index, e.message) from None
        if item["state"] == "present" and item["value"] is None:
            raise item_error(index, f"value is required to set {item['name']} (state=present)")
        if item["state"] != "present" and item["value"] is not None:
            raise item_error(index, f"value is not allowed with state={item['state']}")
        key = (component, item["name"])
        if key in seen:
            raise item_error(index, f"{component}/{item['name']} is given more than once")
        seen.add(key)
        items.append(item)
    return items


def masked(item, value, changed_marker=False):
    if value is None or not item["secret"]:
        return value
    return SECRET_CHANGED if changed_marker else REDACTED


def plan(cli, items, register_secret):
    """Read every setting and decide: each item gains before and changed."""
    for item in items:
        before = cli.get_config(item["name"], item["component"])
        if item["secret"] and before:
            register_secret(before)
        item["before"] = before
        if item["state"] == "present":
            item["changed"] = before != item["value"]
        else:
            item["changed"] = before is not None


def apply(cli, items):
    """Set or unset every changed item, then read it back; item gains after."""
    for item in items:
        if not item["changed"]:
            item["after"] = item["before"]
            continue
        cli.set_config(item["name"], item["value"] if item["state"] == "present" else None, item["component"])
        item["applied"] = True
        after = cli.get_config(item["name"], item["component"])
        if after != item["value"]:
            shown = masked(item, after)
            raise MoodleCLIError(f"cfg.php changed {item['component']}/{item['name']} but it reads back as {shown!r}")
        item["after"] = after


def report(items):
    """The settings list and the diff of the result."""
    settings, before, after = [], {}, {}
    for item in items:
        shown_before = masked(item, item["before"])
        shown_after = masked(
            item,
            item.get("after", item["value"] if item["changed"] else item["before"]),
            changed_marker=item["changed"] and item["before"] is not None,
        )
        settings.append(
            {
                "name": item["name"],
                "component": item["component"],
                "state": item["state"],
                "value": shown_after,
                "before": shown_before,
                "changed": item["changed"],
            }
        )
        before.setdefault(item["component"], {})[item["name"]] = shown_before
        after.setdefault(item["component"], {})[item["name"]] = shown_after
    return settings, {"before": before, "after": after}


def register_secrets(module, cli, items):
    register = secret_registrar(module, cli)
    for item in items:
        if item["secret"] and item["value"]:
            register(item["value"])
    return register


def main():
    argument_spec = settings_argument_spec(
        value=dict(type="raw"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("name", "settings"), ("value", "settings")],
        required_one_of=[("name", "settings")],
    )
    cli = cli_from_params(module.params)
    items = []
    try:
        items = wanted_items(module.params)
        register = register_secrets(module, cli, items)
        check_components(cli, [item["component"] for item in items], module.warn)
        plan(cli, items, register)
        if not module.check_mode:
            apply(cli, items)
    except MoodleCLIError as e:
        applied = [f"{item['component']}/{item['name']}" for item in items if item.get("applied")]
        module.fail_json(changed=bool(applied), applied=applied, commands=cli.commands, **e.to_fail_kwargs())
    settings, diff = report(items)
    result = {
        "changed": any(item["changed"] for item in items),
        "settings": settings,
        "diff": diff,
        "commands": cli.commands,
    }
    if module.params["name"] is not None:
        result["value"] = settings[0]["value"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
