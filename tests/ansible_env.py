"""The environment every test gives Ansible: this repository's ansible.cfg and collection link, no colour, no
deprecation noise."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ansible_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    return {
        **(os.environ if base is None else base),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache" / "collections"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        **extra,
    }
