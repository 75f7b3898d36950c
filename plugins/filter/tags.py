# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags of every resource the collection creates: one definition of the owner tags that teardown relies on."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.lms.moodle.plugins.module_utils.tags import not_owned as _not_owned

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


def not_owned(tags: Mapping | None, environment: str, kind: str, name: str) -> str:
    """cluster.tags | not_owned('prod', 'database cluster', 'prod-moodle') -> why teardown must leave the resource
    alone (it lacks the owner tags of the environment), or '' when it may delete it."""
    if tags is not None and not isinstance(tags, Mapping):
        raise AnsibleFilterError(f"not_owned expects the resource's tags as a dict, got {type(tags).__name__}")
    return _not_owned(kind, name, dict(tags or {}), owner_tags(environment)) or ""


class FilterModule:
    def filters(self):
        return {"owner_tags": owner_tags, "not_owned": not_owned}
