"""Unit tests of secretsmanager_generated_secret with botocore Stubber (no network).

They pin down that an existing value is never changed, that only metadata is updated, check mode, the diff,
deletion and the error paths - and that the value appears nowhere in the result but under `value`.
"""

from __future__ import annotations

import datetime
import json

import pytest
from botocore.stub import ANY

from ansible_collections.lms.moodle.plugins.module_utils import secretsmanager
from ansible_collections.lms.moodle.plugins.modules import secretsmanager_generated_secret as module

from .helpers import module_args, run_module, tag_list

NAME = "prod/moodle/origin-verify"
ARN = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{NAME}-AbCdEf"
TAGS = {"Environment": "prod", "ManagedBy": "lms.moodle"}
VALUE = "kept-value-0123456789abcdefghijklmnop"
DELETED = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def described(tags=None, description="Origin header", **extra):
    secret = {"ARN": ARN, "Name": NAME, "Description": description, "Tags": tag_list(TAGS if tags is None else tags)}
    secret.update(extra)
    return secret


def present(**overrides):
    return module_args({"name": NAME, "description": "Origin header", "tags": TAGS}, overrides)


def expect_describe(stub, secret, secret_id=NAME):
    if secret is None:
        stub.add_client_error("describe_secret", "ResourceNotFoundException", expected_params={"SecretId": secret_id})
    else:
        stub.add_response("describe_secret", secret, {"SecretId": secret_id})


def expect_value(stub, value=VALUE):
    response = {"ARN": ARN, "Name": NAME, "SecretString": value} if value is not None else {"ARN": ARN, "Name": NAME}
    stub.add_response("get_secret_value", response, {"SecretId": ARN})


def without_value(result):
    """The result without its `value` key, as JSON: where the value must never appear."""
    return json.dumps({key: item for key, item in result.items() if key != "value"})


@pytest.fixture
def stub_sm(stub_aws):
    return stub_aws("secretsmanager")


def test_creates_secret_with_generated_value_and_tags(stub_sm, capsys, monkeypatch):
    monkeypatch.setattr(module, "generate_value", lambda length, kind: f"generated-{length}-{kind}")
    expect_describe(stub_sm, None)
    stub_sm.add_response(
        "create_secret",
        {"ARN": ARN, "Name": NAME},
        {
            "Name": NAME,
            "SecretString": "generated-48-urlsafe",
            "Description": "Origin header",
            "Tags": tag_list(TAGS),
        },
    )
    expect_describe(stub_sm, described(), ARN)

    result = run_module(module, capsys, **present(length=48, character_class="urlsafe"))

    assert result["changed"] is True
    assert result["value"] == "generated-48-urlsafe"
    assert result["secret"] == {
        "arn": ARN,
        "name": NAME,
        "description": "Origin header",
        "tags": TAGS,
        "created": True,
    }
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["arn"] == ARN
    assert "generated-48-urlsafe" not in without_value(result)


def test_generated_values_are_random_of_the_class_and_length():
    values = {secretsmanager.generate_value(40, "alphanumeric") for _attempt in range(20)}
    assert len(values) == 20
    assert all(len(value) == 40 and value.isalnum() for value in values)
    assert set(secretsmanager.generate_value(200, "hex")) <= set("0123456789abcdef")
    assert set(secretsmanager.generate_value(200, "urlsafe")) <= set(secretsmanager.CHARACTER_CLASSES["urlsafe"])


def test_existing_secret_is_returned_unchanged(stub_sm, capsys):
    expect_describe(stub_sm, described())
    expect_value(stub_sm)

    result = run_module(module, capsys, **present())

    assert result["changed"] is False
    assert result["value"] == VALUE
    assert result["secret"]["created"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert VALUE not in without_value(result)


def test_existing_value_is_never_rewritten_but_metadata_is(stub_sm, capsys):
    expect_describe(stub_sm, described(tags={"Environment": "prod", "Old": "x"}, description="old"))
    stub_sm.add_response("update_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "Description": "Origin header"})
    stub_sm.add_response("untag_resource", {}, {"SecretId": ARN, "TagKeys": ["Old"]})
    stub_sm.add_response("tag_resource", {}, {"SecretId": ARN, "Tags": [{"Key": "ManagedBy", "Value": "lms.moodle"}]})
    expect_describe(stub_sm, described(), ARN)
    expect_value(stub_sm)

    result = run_module(module, capsys, **present(length=64))

    assert result["changed"] is True
    assert result["value"] == VALUE
    assert result["diff"]["before"]["tags"] == {"Environment": "prod", "Old": "x"}
    assert result["diff"]["before"]["description"] == "old"
    assert result["diff"]["after"]["tags"] == TAGS
    assert VALUE not in without_value(result)


def test_tags_and_description_are_left_alone_when_not_given(stub_sm, capsys):
    expect_describe(stub_sm, described(tags={"Other": "y"}, description="theirs"))
    expect_value(stub_sm)

    result = run_module(module, capsys, name=NAME)

    assert result["changed"] is False


def test_check_mode_predicts_creation_without_a_value(stub_sm, capsys):
    expect_describe(stub_sm, None)

    result = run_module(module, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["value"] is None
    assert result["secret"] == {
        "arn": None,
        "name": NAME,
        "description": "Origin header",
        "tags": TAGS,
        "created": True,
    }
    assert result["diff"] == {"before": {}, "after": result["secret"]}


def test_check_mode_predicts_tag_update_and_still_returns_the_value(stub_sm, capsys):
    expect_describe(stub_sm, described(tags={"Environment": "prod"}))
    expect_value(stub_sm)

    result = run_module(module, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["value"] == VALUE
    assert result["diff"]["after"]["tags"] == TAGS
    assert result["diff"]["after"]["arn"] == ARN


def test_secret_scheduled_for_deletion_is_restored_with_its_value(stub_sm, capsys):
    expect_describe(stub_sm, described(DeletedDate=DELETED))
    stub_sm.add_response("restore_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN})
    expect_describe(stub_sm, described(), ARN)
    expect_value(stub_sm)

    result = run_module(module, capsys, **present())

    assert result["changed"] is True
    assert result["value"] == VALUE
    assert result["secret"]["created"] is False


def test_check_mode_restore_returns_no_value(stub_sm, capsys):
    expect_describe(stub_sm, described(DeletedDate=DELETED))

    result = run_module(module, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["value"] is None


def test_deletes_with_recovery_window(stub_sm, capsys):
    expect_describe(stub_sm, described())
    stub_sm.add_response("delete_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "RecoveryWindowInDays": 7})

    result = run_module(module, capsys, name=NAME, state="absent", recovery_window_days=7)

    assert result["changed"] is True
    assert result["value"] is None
    assert result["diff"]["before"]["arn"] == ARN
    assert result["diff"]["after"] == {}
    assert result["secret"]["arn"] == ARN


def test_deletes_at_once_with_window_zero(stub_sm, capsys):
    expect_describe(stub_sm, described(DeletedDate=DELETED))
    stub_sm.add_response(
        "delete_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "ForceDeleteWithoutRecovery": True}
    )

    result = run_module(module, capsys, name=NAME, state="absent", recovery_window_days=0)

    assert result["changed"] is True


OWNER = {"ManagedBy": "lms.moodle", "Environment": "prod"}


def test_deletes_a_secret_with_the_owner_tags(stub_sm, capsys):
    expect_describe(stub_sm, described(tags=OWNER))
    stub_sm.add_response("delete_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "RecoveryWindowInDays": 7})

    result = run_module(module, capsys, name=NAME, state="absent", recovery_window_days=7, owned_by=OWNER)

    assert result["changed"] is True


def test_a_secret_without_the_owner_tags_is_left_alone(stub_sm, capsys):
    expect_describe(stub_sm, described(tags={"ManagedBy": "lms.moodle", "Environment": "dev"}))

    result = run_module(module, capsys, name=NAME, state="absent", owned_by=OWNER)

    assert result["changed"] is False and result["value"] is None
    assert result["diff"]["before"] == result["diff"]["after"]
    assert f"secret {NAME} left alone: it carries Environment='dev'" in str(result["warnings"])


def test_absent_secret_and_scheduled_secret_are_not_changed(stub_sm, capsys):
    expect_describe(stub_sm, None)
    assert run_module(module, capsys, name=NAME, state="absent")["changed"] is False
    expect_describe(stub_sm, described(DeletedDate=DELETED))
    assert run_module(module, capsys, name=NAME, state="absent")["changed"] is False


def test_check_mode_predicts_deletion_without_deleting(stub_sm, capsys):
    expect_describe(stub_sm, described())

    result = run_module(module, capsys, _ansible_check_mode=True, name=NAME, state="absent")

    assert result["changed"] is True
    assert result["diff"]["after"] == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"length": 8}, "length must be between 16 and 4096 (got 8)"),
        ({"length": 5000}, "length must be between 16 and 4096"),
        ({"recovery_window_days": 3}, "recovery_window_days must be 0 (delete at once) or 7 to 30 (got 3)"),
        ({"name": ""}, "name must be 1 to 512 characters"),
    ],
)
def test_invalid_options_fail_before_any_call(stub_sm, capsys, overrides, message):
    result = run_module(module, capsys, **present(**overrides))

    assert result["failed"] is True
    assert message in result["msg"]


def test_binary_secret_fails_naming_it(stub_sm, capsys):
    expect_describe(stub_sm, described())
    expect_value(stub_sm, None)

    result = run_module(module, capsys, **present())

    assert result["failed"] is True
    assert f"Secret {NAME} holds binary data" in result["msg"]


def test_create_error_names_the_secret_and_not_the_value(stub_sm, capsys, monkeypatch):
    monkeypatch.setattr(module, "generate_value", lambda length, kind: "never-shown-value-1234")
    expect_describe(stub_sm, None)
    stub_sm.add_client_error(
        "create_secret",
        "AccessDeniedException",
        "not allowed",
        expected_params={"Name": NAME, "SecretString": ANY, "Description": ANY, "Tags": ANY},
    )

    result = run_module(module, capsys, **present())

    assert result["failed"] is True
    assert f"Failed to create secret {NAME}" in result["msg"]
    assert "never-shown-value-1234" not in json.dumps(result)


def test_describe_error_fails(stub_sm, capsys):
    stub_sm.add_client_error("describe_secret", "AccessDeniedException", "no", expected_params={"SecretId": NAME})

    result = run_module(module, capsys, **present())

    assert result["failed"] is True
    assert f"Failed to describe secret {NAME}" in result["msg"]


def test_read_error_fails(stub_sm, capsys):
    expect_describe(stub_sm, described())
    stub_sm.add_client_error("get_secret_value", "AccessDeniedException", "no", expected_params={"SecretId": ARN})

    result = run_module(module, capsys, **present())

    assert result["failed"] is True
    assert "Failed to read the value of secret" in result["msg"]
