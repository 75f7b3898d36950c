from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lms.moodle.plugins.filter.tags import not_owned, owner_tags


def test_later_sets_win_and_owner_tags_win_over_all():
    tags = owner_tags("prod", {"CostCenter": "lms", "Team": "a"}, {"Team": "b", "ManagedBy": "someone", "Port": 80})
    assert tags == {"CostCenter": "lms", "Team": "b", "Port": "80", "Environment": "prod", "ManagedBy": "lms.moodle"}


def test_no_sets_and_none_give_the_owner_tags_only():
    assert owner_tags("demo", None) == {"Environment": "demo", "ManagedBy": "lms.moodle"}


@pytest.mark.parametrize(("environment", "sets"), [("", ()), (None, ()), ("prod", (["Team"],))])
def test_bad_input_is_refused(environment, sets):
    with pytest.raises(AnsibleFilterError):
        owner_tags(environment, *sets)


def test_not_owned_is_empty_for_the_environments_own_resource():
    assert not_owned({"ManagedBy": "lms.moodle", "Environment": "prod", "Name": "x"}, "prod", "cluster", "x") == ""


@pytest.mark.parametrize(
    ("found", "carries"),
    [
        (None, "no Environment, no ManagedBy"),
        ({"Environment": "prod"}, "no ManagedBy"),
        ({"ManagedBy": "lms.moodle", "Environment": "dev"}, "Environment='dev'"),
    ],
)
def test_not_owned_names_what_the_resource_carries(found, carries):
    assert not_owned(found, "prod", "database cluster", "prod-moodle").startswith(
        f"database cluster prod-moodle left alone: it carries {carries}, not "
    )


def test_not_owned_refuses_tags_that_are_not_a_dict():
    with pytest.raises(AnsibleFilterError, match="not_owned expects the resource's tags as a dict, got list"):
        not_owned([{"Key": "a"}], "prod", "cluster", "x")


@pytest.mark.parametrize("found", [[], iter([])], ids=["list", "generator"])
def test_not_owned_is_empty_when_the_lookup_found_nothing(found):
    assert not_owned(found, "prod", "database cluster", "prod-moodle") == ""


def test_not_owned_takes_the_first_resource_a_lookup_found():
    found = iter([{"Environment": "prod"}])  # as Jinja's map gives it
    assert not_owned(found, "prod", "cluster", "x").startswith("cluster x left alone: it carries no ManagedBy, not ")
