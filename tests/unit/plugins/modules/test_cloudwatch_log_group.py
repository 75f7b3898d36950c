"""Unit tests of cloudwatch_log_group with botocore Stubber (no network): check mode reads and predicts without a
write (the Stubber fails on any call not queued), the real run makes exactly the predicted change, a group found by
name is deleted only with the owner tags, and a retention CloudWatch Logs refuses is refused before any call."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import cloudwatch_log_group

from .helpers import module_args, run_module

NAME = "/prod/moodle/web"
ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{NAME}"
OWNER = {"ManagedBy": "lms.moodle", "Environment": "prod"}


@pytest.fixture
def logs(stub_aws):
    return stub_aws("logs")


def found(logs, retention=30, tags=None, sibling=True):
    """describe_log_groups answers the group (and one whose name it prefixes); then its tags."""
    group = {"logGroupName": NAME, "arn": f"{ARN}:*", **({"retentionInDays": retention} if retention else {})}
    others = [{"logGroupName": f"{NAME}-other", "arn": f"{ARN}-other:*", "retentionInDays": 1}] if sibling else []
    logs.add_response("describe_log_groups", {"logGroups": [group, *others]}, {"logGroupNamePrefix": NAME})
    logs.add_response("list_tags_for_resource", {"tags": tags if tags is not None else OWNER}, {"resourceArn": ARN})


def missing(logs):
    logs.add_response("describe_log_groups", {"logGroups": [{"logGroupName": f"{NAME}-other", "arn": "x:*"}]},
                      {"logGroupNamePrefix": NAME})  # fmt: skip


def present(**overrides):
    return module_args({"name": NAME, "retention": 30, "tags": OWNER}, overrides)


def test_check_mode_predicts_a_new_group_and_creates_nothing(logs, capsys):
    missing(logs)
    result = run_module(cloudwatch_log_group, capsys, _ansible_check_mode=True, **present())
    assert result["changed"] and result["log_group"] == {"name": NAME, "arn": "", "retention": 30, "tags": OWNER}
    assert result["diff"]["before"] == {}
    logs.assert_no_pending_responses()


def test_creates_the_group_with_its_retention_and_tags(logs, capsys):
    missing(logs)
    logs.add_response("create_log_group", {}, {"logGroupName": NAME, "tags": OWNER})
    logs.add_response("put_retention_policy", {}, {"logGroupName": NAME, "retentionInDays": 30})
    found(logs)
    result = run_module(cloudwatch_log_group, capsys, **present())
    assert result["changed"] and result["log_group"]["arn"] == ARN and result["log_group"]["retention"] == 30
    logs.assert_no_pending_responses()


def test_a_changed_retention_is_predicted_in_check_mode_without_writing_it(logs, capsys):
    found(logs, retention=30)
    result = run_module(cloudwatch_log_group, capsys, _ansible_check_mode=True, **present(retention=90))
    assert result["changed"]
    assert result["diff"]["before"]["retention"] == 30 and result["diff"]["after"]["retention"] == 90
    logs.assert_no_pending_responses()


def test_a_changed_retention_and_tags_are_written_as_predicted(logs, capsys):
    found(logs, retention=30, tags={**OWNER, "Old": "x"})
    logs.add_response("put_retention_policy", {}, {"logGroupName": NAME, "retentionInDays": 90})
    logs.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["Old"]})
    logs.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": {"Team": "lms"}})
    found(logs, retention=90, tags={**OWNER, "Team": "lms"})
    result = run_module(cloudwatch_log_group, capsys, **present(retention=90, tags={**OWNER, "Team": "lms"}))
    assert result["changed"] and result["log_group"]["tags"] == {**OWNER, "Team": "lms"}
    logs.assert_no_pending_responses()


def test_a_group_as_asked_is_not_changed(logs, capsys):
    found(logs)
    result = run_module(cloudwatch_log_group, capsys, **present())
    assert not result["changed"] and result["diff"]["before"] == result["diff"]["after"]
    logs.assert_no_pending_responses()


def test_absent_deletes_a_group_with_the_owner_tags(logs, capsys):
    found(logs)
    logs.add_response("delete_log_group", {}, {"logGroupName": NAME})
    result = run_module(cloudwatch_log_group, capsys, name=NAME, state="absent", owned_by=OWNER)
    assert result["changed"] and result["log_group"] == {}
    logs.assert_no_pending_responses()


def test_absent_leaves_a_group_of_another_environment_alone(logs, capsys):
    found(logs, tags={"ManagedBy": "lms.moodle", "Environment": "staging"})
    result = run_module(cloudwatch_log_group, capsys, name=NAME, state="absent", owned_by=OWNER)
    assert not result["changed"]
    assert "log group /prod/moodle/web left alone: it carries Environment='staging'" in str(result["warnings"])
    logs.assert_no_pending_responses()


def test_a_retention_cloudwatch_refuses_fails_before_any_call(logs, capsys):
    result = run_module(cloudwatch_log_group, capsys, **present(retention=45))
    assert result["failed"] and "retention" in result["msg"] and "3653" in result["msg"]
    logs.assert_no_pending_responses()
