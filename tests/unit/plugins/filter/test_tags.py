from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lms.moodle.plugins.filter.tags import owner_tags


def test_later_sets_win_and_owner_tags_win_over_all():
    tags = owner_tags("prod", {"CostCenter": "lms", "Team": "a"}, {"Team": "b", "ManagedBy": "someone", "Port": 80})
    assert tags == {"CostCenter": "lms", "Team": "b", "Port": "80", "Environment": "prod", "ManagedBy": "lms.moodle"}


def test_no_sets_and_none_give_the_owner_tags_only():
    assert owner_tags("demo", None) == {"Environment": "demo", "ManagedBy": "lms.moodle"}


@pytest.mark.parametrize(("environment", "sets"), [("", ()), (None, ()), ("prod", (["Team"],))])
def test_bad_input_is_refused(environment, sets):
    with pytest.raises(AnsibleFilterError):
        owner_tags(environment, *sets)
