# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What moodle_config and moodle_config_info share: one setting (name, component, secret) or a list of them
(settings), resolved to entries, and secrets kept out of the module's and the runner's output alike."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    MoodleCLI,
    is_core,
    moodle_cli_argument_spec,
)


def settings_argument_spec(**per_setting: dict[str, Any]) -> dict[str, Any]:
    """The runner's options, one setting (name, component, per_setting, secret) and settings, a list of dicts with
    the same keys; per_setting are the options of a single setting that every item of settings has as well."""
    item = {
        "name": dict(type="str", required=True),
        "component": dict(type="str"),
        **copy.deepcopy(per_setting),
        "secret": dict(type="bool", default=False),
    }
    spec = moodle_cli_argument_spec()
    spec.update(
        name=dict(type="str"),
        component=dict(type="str", default="core"),
        **per_setting,
        secret=dict(type="bool", default=False),
        settings=dict(type="list", elements="dict", options=item),
    )
    return spec


def setting_entries(params: dict[str, Any]) -> list[tuple[int | None, dict[str, Any]]]:
    """(index in settings, entry) of each setting asked for; the single setting of name is the index None and its
    entry is params itself."""
    if params["settings"] is None:
        return [(None, params)]
    return list(enumerate(params["settings"]))


def entry_component(entry: dict[str, Any], params: dict[str, Any]) -> str:
    """The component of an entry, the module's component when it names none; core always as core (not moodle or
    empty), so that one setting has one key."""
    component = entry.get("component") or params["component"]
    return "core" if is_core(component) else component


def secret_registrar(module: Any, cli: MoodleCLI) -> Callable[[str], None]:
    """A function that hides a secret found at run time: Ansible masks it in the result (no_log_values), the
    runner in the commands, output and errors."""

    def register(secret: str) -> None:
        module.no_log_values.add(secret)
        cli.add_secret(secret)

    return register
