# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument-spec entries that several lms.moodle modules share, each beside the doc fragment that documents it:
state_option (lms.moodle.state), tags_options (amazon.aws.tags) and wait_options (lms.moodle.wait).

Each call returns new dicts, so that no module can change another module's spec.
"""

from __future__ import annotations

from typing import Any

# The wait_timeout default that the lms.moodle.wait doc fragment documents.
WAIT_TIMEOUT = 1800


def state_option() -> dict[str, Any]:
    """The state option of a module that creates (present) or deletes (absent) one resource."""
    return {"state": dict(type="str", choices=["present", "absent"], default="present")}


def tags_options() -> dict[str, Any]:
    """The tags and purge_tags options, as the amazon.aws.tags doc fragment documents them."""
    return {
        "tags": dict(type="dict", aliases=["resource_tags"]),
        "purge_tags": dict(type="bool", default=True),
    }


def owned_by_option() -> dict[str, Any]:
    """The owned_by option: the tags a resource must carry for state=absent to delete it (tags.not_owned)."""
    return {"owned_by": dict(type="dict")}


def wait_options(timeout: int = WAIT_TIMEOUT) -> dict[str, Any]:
    """The wait and wait_timeout options; a module whose default timeout is not WAIT_TIMEOUT documents its own."""
    return {
        "wait": dict(type="bool", default=True),
        "wait_timeout": dict(type="int", default=timeout),
    }
