# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags and purge_tags options (lms.moodle.arguments.tags_options) turned into changes and predictions, the
same for every AWS module of the collection."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, compare_aws_tags


def tag_changes(
    current: dict[str, str], wanted: dict[str, str] | None, purge: bool
) -> tuple[dict[str, str], list[str]]:
    """Tags to set and tag keys to remove; nothing when tags are not managed (wanted is None). compare_aws_tags
    never removes the reserved aws: tags."""
    if wanted is None:
        return {}, []
    return compare_aws_tags(current, wanted, purge)


def with_tag_changes(current: dict[str, str], to_set: dict[str, str], to_remove: list[str]) -> dict[str, str]:
    """The tags once the keys to_remove are removed and to_set are set."""
    result = {key: value for key, value in current.items() if key not in to_remove}
    result.update(to_set)
    return result


def tags_after(current: dict[str, str], wanted: dict[str, str] | None, purge: bool) -> dict[str, str]:
    """The tags a resource ends up with under the tags and purge_tags options."""
    return with_tag_changes(current, *tag_changes(current, wanted, purge))


def not_owned(kind: str, name: str, tags: dict[str, str], owned_by: dict[str, str] | None) -> str | None:
    """Why the resource must be left alone by a deletion (owned_by: the tags proving it is ours), or None. A resource
    found by name alone may be one an administrator made by hand, or another environment's."""
    if not owned_by:
        return None
    differ = sorted(key for key, value in owned_by.items() if tags.get(key) != str(value))
    if not differ:
        return None
    found = ", ".join(f"{key}={tags[key]!r}" if key in tags else f"no {key}" for key in differ)
    wanted = ", ".join(f"{key}={owned_by[key]!r}" for key in differ)
    return (
        f"{kind} {name} left alone: it carries {found}, not {wanted}; "
        "this collection did not make it for this environment"
    )


# A resource just created may not be visible to every EC2 endpoint yet.
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidSubnetID.NotFound", "InvalidID"])
def write_ec2_tags(client, resource_id: str, to_set: dict[str, str], to_remove: list[str]) -> None:
    """An EC2 resource's tag changes (tag_changes): the keys to_remove deleted, to_set written in key order."""
    if to_remove:
        client.delete_tags(Resources=[resource_id], Tags=[{"Key": key} for key in to_remove])
    if to_set:
        client.create_tags(Resources=[resource_id], Tags=ansible_dict_to_boto3_tag_list(dict(sorted(to_set.items()))))
