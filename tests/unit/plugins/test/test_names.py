from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.test.names import environment_name, kms_key_reference


@pytest.mark.parametrize("name", ["dev", "prod", "moodle-prod", "eu-west-1-uni", "a1b", "x" * 20])
def test_valid_environment_names(name):
    assert environment_name(name)


@pytest.mark.parametrize(
    "name", ["", "ab", "x" * 21, "Prod", "prod_1", "1prod", "prod-", "-prod", "pr--od", "prod.uni", None, 42, ["prod"]]
)
def test_invalid_environment_names(name):
    assert not environment_name(name)


@pytest.mark.parametrize(
    "reference",
    [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/moodle",
        "alias/moodle-data",
        "alias/aws/rds",
    ],
)
def test_kms_key_references(reference):
    assert kms_key_reference(reference)


@pytest.mark.parametrize(
    "reference",
    ["", "moodle-data", "alias/", "arn:aws:kms:eu-west-1:123:key/1234", "key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "1234ABCD-12AB-34CD-56EF-1234567890AB", None, 7],
)  # fmt: skip
def test_not_kms_key_references(reference):
    assert not kms_key_reference(reference)
