# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flatten nested role outputs into the SSM parameter catalogue's <group>/<key> string values."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(_as_text(item) for item in value)
    return str(value)


def flatten_parameters(data: Mapping, prefix: str = "") -> dict[str, str]:
    """{'db': {'port': 5432}, 'cache': {'session': {'tls': True}}} -> {'db/port': '5432', 'cache/session/tls': 'true'}.

    Lists become comma-separated strings (SSM String parameters), booleans lower-case, None empty.
    """
    if not isinstance(data, Mapping):
        raise AnsibleFilterError(f"flatten_parameters expects a mapping, got {type(data).__name__}")
    flat: dict[str, str] = {}
    for key, value in data.items():
        path = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flatten_parameters(value, path))
        else:
            flat[path] = _as_text(value)
    return flat


class FilterModule:
    def filters(self):
        return {"flatten_parameters": flatten_parameters}
