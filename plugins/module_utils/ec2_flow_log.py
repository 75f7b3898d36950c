# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the ec2_vpc_flow_log modules: AWS calls behind amazon.aws error handlers, and the
pure functions that decide what has to change."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# Flow logs cannot be modified: a change to any of these attributes means delete and re-create.
IMMUTABLE_KEYS = {
    "TrafficType": "traffic_type",
    "DeliverLogsPermissionArn": "deliver_logs_permission_arn",
    "MaxAggregationInterval": "max_aggregation_interval",
    "LogFormat": "log_format",
}


class AnsibleFlowLogError(AnsibleAWSError):
    pass


class FlowLogErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleFlowLogError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("InvalidFlowLogId.NotFound")


@FlowLogErrorHandler.list_error_handler("describe flow logs", [])
@AWSRetry.jittered_backoff()
def describe_flow_logs(client, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    paginator = client.get_paginator("describe_flow_logs")
    return paginator.paginate(Filters=filters).build_full_result()["FlowLogs"]


@FlowLogErrorHandler.common_error_handler("create flow log for {resource_id}")
@AWSRetry.jittered_backoff()
def create_flow_log(client, resource_id: str, params: dict[str, Any]) -> str:
    response = client.create_flow_logs(ResourceIds=[resource_id], **params)
    if response.get("Unsuccessful"):
        error = response["Unsuccessful"][0].get("Error", {})
        raise AnsibleFlowLogError(message=f"Failed to create flow log for {resource_id}: {error.get('Message', error)}")
    return response["FlowLogIds"][0]


@FlowLogErrorHandler.deletion_error_handler("delete flow log {flow_log_id}")
@AWSRetry.jittered_backoff()
def delete_flow_log(client, flow_log_id: str) -> bool:
    response = client.delete_flow_logs(FlowLogIds=[flow_log_id])
    if response.get("Unsuccessful"):
        error = response["Unsuccessful"][0].get("Error", {})
        raise AnsibleFlowLogError(message=f"Failed to delete flow log {flow_log_id}: {error.get('Message', error)}")
    return True


def destination_matches(flow_log: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """A flow log is identified by its resource and where it delivers to."""
    if flow_log.get("LogDestinationType", "cloud-watch-logs") != wanted["LogDestinationType"]:
        return False
    if wanted.get("LogGroupName"):
        return flow_log.get("LogGroupName") == wanted["LogGroupName"]
    return flow_log.get("LogDestination") == wanted.get("LogDestination")


def immutable_differences(flow_log: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Option names whose wanted value differs from the flow log; unset options never differ."""
    return [
        option
        for key, option in IMMUTABLE_KEYS.items()
        if wanted.get(key) is not None and flow_log.get(key) != wanted[key]
    ]


def build_params(options: dict[str, Any]) -> dict[str, Any]:
    """CreateFlowLogs parameters (without ResourceIds) from the module options."""
    params = {
        "ResourceType": options["resource_type"],
        "TrafficType": options["traffic_type"],
        "LogDestinationType": options["log_destination_type"],
        "MaxAggregationInterval": options["max_aggregation_interval"],
    }
    optional = {
        "LogGroupName": options.get("log_group_name"),
        "LogDestination": options.get("log_destination"),
        "DeliverLogsPermissionArn": options.get("deliver_logs_permission_arn"),
        "LogFormat": options.get("log_format"),
    }
    params.update({key: value for key, value in optional.items() if value})
    return params


def predicted_flow_log(resource_id: str, params: dict[str, Any], tags: dict[str, str] | None) -> dict[str, Any]:
    """What a flow log created from params would look like, for check mode and diff."""
    predicted = {key: value for key, value in params.items() if key != "ResourceType"}
    predicted["ResourceId"] = resource_id
    predicted["Tags"] = [{"Key": key, "Value": value} for key, value in (tags or {}).items()]
    return predicted


def normalize_flow_log(flow_log: dict[str, Any] | None) -> dict[str, Any]:
    """Snake-cased flow log with tags as a dict, as the modules return it."""
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict({key: value for key, value in flow_log.items() if key != "Tags"})
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    return result
