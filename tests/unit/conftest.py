"""Make the collection importable as ansible_collections.lms.moodle next to the dependencies that the
ansible package installs into site-packages (`make venv` links the repository into .cache)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".cache" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

import ansible_collections  # noqa: E402

# ansible_collections is a namespace package; extend it in case site-packages was imported first.
if str(COLLECTIONS / "ansible_collections") not in list(ansible_collections.__path__):
    ansible_collections.__path__.append(str(COLLECTIONS / "ansible_collections"))
