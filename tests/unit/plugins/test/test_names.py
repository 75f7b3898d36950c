from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.test.names import environment_name


@pytest.mark.parametrize("name", ["dev", "prod", "moodle-prod", "eu-west-1-uni", "a1b", "x" * 20])
def test_valid_environment_names(name):
    assert environment_name(name)


@pytest.mark.parametrize(
    "name", ["", "ab", "x" * 21, "Prod", "prod_1", "1prod", "prod-", "-prod", "pr--od", "prod.uni", None, 42, ["prod"]]
)
def test_invalid_environment_names(name):
    assert not environment_name(name)
