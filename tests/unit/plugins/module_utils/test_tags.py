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
