# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags of every resource the collection creates: one definition of the owner tags that teardown relies on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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


def not_owned(found: Mapping | Iterable | None, environment: str, kind: str, name: str) -> str:
    """clusters | map(attribute='tags') | not_owned('prod', 'database cluster', 'prod-moodle') -> why teardown must
    leave the resource alone (it lacks the owner tags of the environment), or '' when it may delete it. ``found`` is
    what a lookup by name found: the tags of each resource (an empty list when there is none: nothing to leave
    alone), or one resource's tags."""
    if isinstance(found, Iterable) and not isinstance(found, (Mapping, str)):
        resources = list(found)  # Jinja's map gives a generator
        if any(isinstance(item, Mapping) and "Key" in item and set(item) <= {"Key", "Value"} for item in resources):
            # A boto3 tag list ([{'Key': ..., 'Value': ...}]), not the tags of the resources found.
            raise AnsibleFilterError(f"not_owned expects the resource's tags as a dict, got {type(found).__name__}")
        if not resources:
            return ""
        found = resources[0]
    if found is not None and not isinstance(found, Mapping):
        raise AnsibleFilterError(f"not_owned expects the resource's tags as a dict, got {type(found).__name__}")
    return _not_owned(kind, name, dict(found or {}), owner_tags(environment)) or ""


class FilterModule:
    def filters(self):
        return {"owner_tags": owner_tags, "not_owned": not_owned}
