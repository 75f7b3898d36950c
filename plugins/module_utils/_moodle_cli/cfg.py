# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract of Moodle's admin/cli/cfg.php and upgrade.php: exit codes, component and setting names, arguments and
values."""

from __future__ import annotations

import json
import re
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.results import MoodleCLIError

# cfg.php exit codes (admin/cli/cfg.php usage text and code).
CFG_OK = 0
CFG_USAGE = 2
CFG_NOT_SET = 3
CFG_FORCED = 4
# upgrade.php --is-pending exit codes (admin/cli/upgrade.php).
UPGRADE_NOT_PENDING = 0
UPGRADE_PENDING = 2

CORE_COMPONENTS = ("", "core", "moodle")
COMPONENT_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9_]*[a-z0-9])?$")
SETTING_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]*$")


def is_core(component: str | None) -> bool:
    return (component or "") in CORE_COMPONENTS


def check_component(component: str | None) -> None:
    """Raise MoodleCLIError unless component is core or a syntactically valid frankenstyle name."""
    if is_core(component) or COMPONENT_RE.match(component or ""):
        return
    raise MoodleCLIError(f"invalid component {component!r}: expected core or a frankenstyle name such as tool_mobile")


def check_setting_name(name: str) -> None:
    if not name or not SETTING_NAME_RE.match(name):
        raise MoodleCLIError(f"invalid setting name {name!r}")


def cfg_args(
    name: str | None = None,
    component: str | None = None,
    *,
    value: str | None = None,
    unset: bool = False,
    json_output: bool = False,
) -> list[str]:
    """The arguments of admin/cli/cfg.php; core settings get no --component (see the docstring of moodle_cli)."""
    args = []
    if not is_core(component):
        args.append(f"--component={component}")
    if name is not None:
        args.append(f"--name={name}")
    if unset:
        args.append("--unset")
    elif value is not None:
        args.append(f"--set={value}")
    elif json_output:
        args.append("--json")
    return args


def normalize_value(value: Any) -> str | None:
    """A setting value as Moodle stores it: booleans as 1/0, numbers as text, None stays None (unset)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise MoodleCLIError(f"a setting value must be a string, number or boolean, not {type(value).__name__}")


def parse_json_value(stdout: str) -> str:
    """The value printed by cfg.php --name=X --json (a JSON scalar and a newline), as a string."""
    try:
        value = json.loads(stdout)
    except ValueError as e:
        raise MoodleCLIError(f"cfg.php printed no JSON value: {e}") from None
    if isinstance(value, bool):
        return "1" if value else ""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def setting_label(name: str, component: str | None) -> str:
    return name if is_core(component) else f"{component}/{name}"
