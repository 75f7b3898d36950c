"""Unit tests of ec2_vpc_flow_log and ec2_vpc_flow_log_info with botocore Stubber (no network).

moto covers the happy path in the molecule aws scenarios; these tests pin down check mode, diff,
replacement of immutable attributes, tag updates and the error paths.
"""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import ec2_vpc_flow_log, ec2_vpc_flow_log_info

from .helpers import module_args, run_module, tag_list

VPC = "vpc-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/prod-vpc-flow-logs"
GROUP = "/lms-moodle/prod/vpc-flow-logs"
FILTER = {"Filters": [{"Name": "resource-id", "Values": [VPC]}]}


def flow_log(flow_log_id="fl-1", traffic="ALL", role=ROLE, interval=600, tags=None):
    return {
        "FlowLogId": flow_log_id,
        "ResourceId": VPC,
        "TrafficType": traffic,
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": GROUP,
        "DeliverLogsPermissionArn": role,
        "MaxAggregationInterval": interval,
        "FlowLogStatus": "ACTIVE",
        "Tags": tag_list(tags or {"Environment": "prod"}),
    }


@pytest.fixture
def ec2(stub_aws):
    return stub_aws("ec2")


def present(**overrides):
    args = {
        "resource_id": VPC,
        "log_group_name": GROUP,
        "deliver_logs_permission_arn": ROLE,
        "tags": {"Environment": "prod"},
    }
    return module_args(args, overrides)


def test_creates_when_missing(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": []}, FILTER)
    ec2.add_response(
        "create_flow_logs",
        {"FlowLogIds": ["fl-1"], "Unsuccessful": []},
        {
            "ResourceIds": [VPC],
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "MaxAggregationInterval": 600,
            "LogGroupName": GROUP,
            "DeliverLogsPermissionArn": ROLE,
            "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Environment", "Value": "prod"}]}],
        },
    )
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, **present())

    assert result["changed"] is True
    assert result["replaced"] is False
    assert result["flow_log"]["flow_log_id"] == "fl-1"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["log_group_name"] == GROUP


def test_check_mode_predicts_creation_without_calling_create(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": []}, FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["flow_log"]["resource_id"] == VPC
    assert result["flow_log"]["tags"] == {"Environment": "prod"}
    assert "flow_log_id" not in result["flow_log"]


def test_unchanged_when_everything_matches(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, FILTER)
    ec2.add_response(
        "describe_tags",
        {"Tags": [{"Key": "Environment", "Value": "prod", "ResourceId": "fl-1", "ResourceType": "vpc-flow-log"}]},
        {"Filters": [{"Name": "resource-id", "Values": ["fl-1"]}]},
    )

    result = run_module(ec2_vpc_flow_log, capsys, **present())

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_flow_log_to_another_destination_is_not_ours(ec2, capsys):
    other = {**flow_log("fl-9"), "LogGroupName": "/somebody/else"}
    ec2.add_response("describe_flow_logs", {"FlowLogs": [other]}, FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["diff"]["before"] == {}


def test_immutable_change_replaces_the_flow_log(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log(traffic="REJECT")]}, FILTER)
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-1"]})
    ec2.add_response("create_flow_logs", {"FlowLogIds": ["fl-2"], "Unsuccessful": []}, None)
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log("fl-2")]}, FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, **present())

    assert result["changed"] is True
    assert result["replaced"] is True
    assert result["diff"]["before"]["traffic_type"] == "REJECT"
    assert result["diff"]["after"]["flow_log_id"] == "fl-2"


def test_immutable_change_in_check_mode_predicts_replacement_only(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log(interval=60)]}, FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["replaced"] is True
    assert result["flow_log"]["max_aggregation_interval"] == 600


def test_tag_change_in_check_mode_is_predicted(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, FILTER)
    ec2.add_response(
        "describe_tags",
        {"Tags": [{"Key": "Environment", "Value": "prod", "ResourceId": "fl-1", "ResourceType": "vpc-flow-log"}]},
        {"Filters": [{"Name": "resource-id", "Values": ["fl-1"]}]},
    )

    result = run_module(ec2_vpc_flow_log, capsys, _ansible_check_mode=True, **present(tags={"Environment": "staging"}))

    assert result["changed"] is True
    assert result["replaced"] is False
    assert result["diff"]["before"]["tags"] == {"Environment": "prod"}
    assert result["diff"]["after"]["tags"] == {"Environment": "staging"}


def test_absent_deletes_and_check_mode_does_not(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, FILTER)
    result = run_module(
        ec2_vpc_flow_log, capsys, _ansible_check_mode=True, state="absent", resource_id=VPC, log_group_name=GROUP
    )
    assert result["changed"] is True

    ec2.add_response("describe_flow_logs", {"FlowLogs": [flow_log()]}, FILTER)
    ec2.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-1"]})
    result = run_module(ec2_vpc_flow_log, capsys, state="absent", resource_id=VPC, log_group_name=GROUP)
    assert result["changed"] is True
    assert result["flow_log"] == {}

    ec2.add_response("describe_flow_logs", {"FlowLogs": []}, FILTER)
    result = run_module(ec2_vpc_flow_log, capsys, state="absent", resource_id=VPC, log_group_name=GROUP)
    assert result["changed"] is False


def test_create_failure_reported_by_aws_is_a_clear_error(ec2, capsys):
    ec2.add_response("describe_flow_logs", {"FlowLogs": []}, FILTER)
    ec2.add_response(
        "create_flow_logs",
        {"FlowLogIds": [], "Unsuccessful": [{"Error": {"Code": "403", "Message": "Access denied for LogDestination"}}]},
        None,
    )

    result = run_module(ec2_vpc_flow_log, capsys, **present())

    assert result["failed"] is True
    assert "Access denied for LogDestination" in result["msg"]


def test_api_errors_fail_with_the_action(ec2, capsys):
    ec2.add_client_error("describe_flow_logs", "UnauthorizedOperation", "not allowed", expected_params=FILTER)

    result = run_module(ec2_vpc_flow_log, capsys, **present())

    assert result["failed"] is True
    assert "describe flow logs" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (present(log_group_name=None), "log_group_name (or log_destination) is required"),
        (present(deliver_logs_permission_arn=None), "deliver_logs_permission_arn is required"),
        ({"resource_id": VPC, "log_destination_type": "s3"}, "log_destination (the S3 bucket ARN) is required"),
        (present(log_destination="arn:aws:logs:us-east-1:1:log-group:x"), "mutually exclusive"),
        (present(max_aggregation_interval=30), "max_aggregation_interval"),
    ],
)
def test_invalid_arguments_fail_before_any_call(ec2, capsys, args, message):
    result = run_module(ec2_vpc_flow_log, capsys, **args)

    assert result["failed"] is True
    assert message in result["msg"]


def test_info_lists_by_resource_and_filters(ec2, capsys):
    ec2.add_response(
        "describe_flow_logs",
        {"FlowLogs": [flow_log()]},
        {
            "Filters": [
                {"Name": "tag:Environment", "Values": ["prod"]},
                {"Name": "resource-id", "Values": [VPC]},
            ]
        },
    )

    result = run_module(ec2_vpc_flow_log_info, capsys, resource_id=VPC, filters={"tag:Environment": "prod"})

    assert result["changed"] is False
    assert result["flow_logs"][0]["flow_log_id"] == "fl-1"
    assert result["flow_logs"][0]["tags"] == {"Environment": "prod"}
