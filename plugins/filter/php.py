# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PHP literals for the files the collection writes in PHP (Moodle's config.php), so that no value, a password
with quotes or backslashes included, can end a string early or inject code."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError


def php_string(text: str) -> str:
    # In a single-quoted PHP string only \ and ' are special.
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def php_scalar(value, octal: bool = False) -> str:
    """The literal of None, a boolean, a number or a string."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        if octal and value < 0:
            raise AnsibleFilterError("php_literal: a negative number cannot be an octal mode")
        return f"0{value:o}" if octal else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AnsibleFilterError(f"php_literal: {value} has no PHP literal")
        return repr(value)
    if "\x00" in value:
        raise AnsibleFilterError("php_literal: a string with a NUL byte cannot go into config.php")
    return php_string(value)


def php_literal(value, octal: bool = False) -> str:
    """value | lms.moodle.php_literal -> the PHP literal of a string, number, boolean, None, list or dict.
    octal=true writes an integer in octal (file modes such as $CFG->directorypermissions)."""
    if value is None or isinstance(value, bool | int | float | str):
        return php_scalar(value, octal)
    if isinstance(value, Mapping):
        items = ", ".join(f"{php_literal(_key(key))} => {php_literal(item)}" for key, item in value.items())
        return f"[{items}]"
    if isinstance(value, Sequence):
        return "[" + ", ".join(php_literal(item) for item in value) + "]"
    raise AnsibleFilterError(f"php_literal: cannot write a {type(value).__name__} as PHP")


def _key(key):
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    raise AnsibleFilterError(f"php_literal: array keys must be strings or integers, got {key!r}")


class FilterModule:
    def filters(self):
        return {"php_literal": php_literal}
