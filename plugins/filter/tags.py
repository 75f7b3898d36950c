# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags of every resource the collection creates: one definition of the owner tags that teardown relies on."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

MANAGED_BY = "lms.moodle"


def owner_tags(environment: str, *tag_sets: Mapping | None) -> dict[str, str]:
    """'prod' | owner_tags(moodle_tags, role_tags) -> the given tags, later sets winning, then the owner tags.

    The owner tags (Environment, ManagedBy) always win: teardown removes only what carries them.
    """
    if not isinstance(environment, str) or not environment:
        raise AnsibleFilterError("owner_tags needs the environment name (moodle_environment)")
    tags: dict[str, str] = {}
    for tag_set in tag_sets:
        if tag_set is None:
            continue
        if not isinstance(tag_set, Mapping):
            raise AnsibleFilterError(f"owner_tags expects dicts of tags, got {type(tag_set).__name__}")
        tags.update({str(key): str(value) for key, value in tag_set.items()})
    tags.update({"Environment": environment, "ManagedBy": MANAGED_BY})
    return tags


class FilterModule:
    def filters(self):
        return {"owner_tags": owner_tags}
