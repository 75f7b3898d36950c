"""Unit tests of module_utils/tags.py: the tags and purge_tags options as changes and predictions."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import tags

CURRENT = {"a": "1", "aws:cloudformation:stack-name": "x"}


def test_tag_changes_leave_tags_alone_when_not_given():
    assert tags.tag_changes({"a": "1"}, None, True) == ({}, [])


@pytest.mark.parametrize(
    ("wanted", "purge", "changes"),
    [
        ({"b": "2"}, True, ({"b": "2"}, ["a"])),
        ({"b": "2"}, False, ({"b": "2"}, [])),
        ({"a": "1"}, True, ({}, [])),
    ],
)
def test_tag_changes_never_remove_the_reserved_aws_tags(wanted, purge, changes):
    assert tags.tag_changes(CURRENT, wanted, purge) == changes


def test_with_tag_changes_removes_then_sets():
    assert tags.with_tag_changes({"a": "1", "b": "2"}, {"a": "2", "c": "3"}, ["b"]) == {"a": "2", "c": "3"}


@pytest.mark.parametrize(
    ("wanted", "purge", "expected"),
    [
        (None, True, CURRENT),
        ({"b": "2"}, True, {"b": "2", "aws:cloudformation:stack-name": "x"}),
        ({"b": "2"}, False, {"a": "1", "b": "2", "aws:cloudformation:stack-name": "x"}),
        ({"a": "3"}, True, {"a": "3", "aws:cloudformation:stack-name": "x"}),
    ],
)
def test_tags_after(wanted, purge, expected):
    assert tags.tags_after(CURRENT, wanted, purge) == expected


def test_tags_after_leaves_current_unchanged():
    current = dict(CURRENT)
    tags.tags_after(current, {"b": "2"}, True)
    assert current == CURRENT


OWNER = {"ManagedBy": "lms.moodle", "Environment": "prod"}


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        ({**OWNER, "Name": "x"}, None),
        ({"ManagedBy": "lms.moodle", "Environment": "prod"}, None),
        (
            {},
            "cache x left alone: it carries no Environment, no ManagedBy, "
            "not Environment='prod', ManagedBy='lms.moodle'",
        ),
        ({**OWNER, "Environment": "dev"}, "cache x left alone: it carries Environment='dev', not Environment='prod'"),
    ],
)
def test_not_owned_names_the_owner_tags_a_resource_lacks(found, reason):
    result = tags.not_owned("cache", "x", found, OWNER)
    assert result == (reason and f"{reason}; this collection did not make it for this environment")


def test_not_owned_without_owner_tags_deletes_whatever_the_tags():
    assert tags.not_owned("cache", "x", {}, None) is None
