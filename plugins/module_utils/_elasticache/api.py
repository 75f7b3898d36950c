# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ElastiCache calls of the replication group and cache cluster modules, behind amazon.aws error handlers
and retries."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.lms.moodle.plugins.module_utils._elasticache.common import (
    CacheClusterErrorHandler,
    ElastiCacheErrorHandler,
    ReplicationGroupErrorHandler,
)
from ansible_collections.lms.moodle.plugins.module_utils.tags import tag_changes

# Seconds between two polls of a waiter; tests set it to 0.
WAITER_DELAY = 15

WAITERS = {
    ("replication group", "available"): ("replication_group_available", "ReplicationGroupId"),
    ("replication group", "deleted"): ("replication_group_deleted", "ReplicationGroupId"),
    ("cache cluster", "available"): ("cache_cluster_available", "CacheClusterId"),
    ("cache cluster", "deleted"): ("cache_cluster_deleted", "CacheClusterId"),
}


@ReplicationGroupErrorHandler.list_error_handler("describe replication groups", [])
@AWSRetry.jittered_backoff()
def describe_replication_groups(client, replication_group_id: str | None = None) -> list[dict[str, Any]]:
    params = {"ReplicationGroupId": replication_group_id} if replication_group_id else {}
    paginator = client.get_paginator("describe_replication_groups")
    return paginator.paginate(**params).build_full_result()["ReplicationGroups"]


@ReplicationGroupErrorHandler.common_error_handler("create replication group {replication_group_id}")
@AWSRetry.jittered_backoff()
def create_replication_group(client, replication_group_id: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.create_replication_group(ReplicationGroupId=replication_group_id, **params)["ReplicationGroup"]


@ReplicationGroupErrorHandler.common_error_handler("modify replication group {replication_group_id}")
@AWSRetry.jittered_backoff()
def modify_replication_group(client, replication_group_id: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.modify_replication_group(ReplicationGroupId=replication_group_id, **params)["ReplicationGroup"]


@ReplicationGroupErrorHandler.deletion_error_handler("delete replication group {replication_group_id}")
@AWSRetry.jittered_backoff()
def delete_replication_group(client, replication_group_id: str, final_snapshot_identifier: str | None = None) -> bool:
    params = {"FinalSnapshotIdentifier": final_snapshot_identifier} if final_snapshot_identifier else {}
    client.delete_replication_group(ReplicationGroupId=replication_group_id, **params)
    return True


@CacheClusterErrorHandler.list_error_handler("describe cache clusters", [])
@AWSRetry.jittered_backoff()
def describe_cache_clusters(
    client, cache_cluster_id: str | None = None, show_cache_node_info: bool = True
) -> list[dict[str, Any]]:
    """One cache cluster, or all those that are not members of a replication group."""
    params: dict[str, Any] = {"ShowCacheNodeInfo": show_cache_node_info}
    if cache_cluster_id:
        params["CacheClusterId"] = cache_cluster_id
    else:
        params["ShowCacheClustersNotInReplicationGroups"] = True
    paginator = client.get_paginator("describe_cache_clusters")
    return paginator.paginate(**params).build_full_result()["CacheClusters"]


@CacheClusterErrorHandler.common_error_handler("create cache cluster {cache_cluster_id}")
@AWSRetry.jittered_backoff()
def create_cache_cluster(client, cache_cluster_id: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.create_cache_cluster(CacheClusterId=cache_cluster_id, **params)["CacheCluster"]


@CacheClusterErrorHandler.common_error_handler("modify cache cluster {cache_cluster_id}")
@AWSRetry.jittered_backoff()
def modify_cache_cluster(client, cache_cluster_id: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.modify_cache_cluster(CacheClusterId=cache_cluster_id, **params)["CacheCluster"]


@CacheClusterErrorHandler.deletion_error_handler("delete cache cluster {cache_cluster_id}")
@AWSRetry.jittered_backoff()
def delete_cache_cluster(client, cache_cluster_id: str) -> bool:
    client.delete_cache_cluster(CacheClusterId=cache_cluster_id)
    return True


@ElastiCacheErrorHandler.common_error_handler("list tags of {arn}")
@AWSRetry.jittered_backoff()
def list_tags(client, arn: str) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceName=arn).get("TagList", []))


@ElastiCacheErrorHandler.common_error_handler("tag {arn}")
@AWSRetry.jittered_backoff()
def add_tags(client, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@ElastiCacheErrorHandler.common_error_handler("untag {arn}")
@AWSRetry.jittered_backoff()
def remove_tags(client, arn: str, keys: list[str]) -> None:
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=keys)


@ElastiCacheErrorHandler.common_error_handler("wait for {kind} {resource_id} to be {state}")
def wait_for(client, kind: str, resource_id: str, state: str, timeout: int) -> None:
    """Wait with the botocore waiter: a poll now and every WAITER_DELAY seconds for `timeout` seconds."""
    waiter_name, id_param = WAITERS[(kind, state)]
    attempts = max(timeout, 0) // max(WAITER_DELAY, 1) + 1
    client.get_waiter(waiter_name).wait(
        **{id_param: resource_id}, WaiterConfig={"Delay": WAITER_DELAY, "MaxAttempts": attempts}
    )


def find_replication_group(client, replication_group_id: str) -> dict[str, Any] | None:
    groups = describe_replication_groups(client, replication_group_id)
    return groups[0] if groups else None


def find_member_cluster(client, group: dict[str, Any]) -> dict[str, Any] | None:
    """A member cache cluster of the group: it carries the settings DescribeReplicationGroups leaves out."""
    members = group.get("MemberClusters") or []
    if not members:
        return None
    clusters = describe_cache_clusters(client, members[0], show_cache_node_info=False)
    return clusters[0] if clusters else None


def find_cache_cluster(client, cache_cluster_id: str) -> dict[str, Any] | None:
    clusters = describe_cache_clusters(client, cache_cluster_id)
    return clusters[0] if clusters else None


def update_tags(client, arn: str, current: dict[str, str], wanted: dict[str, str] | None, purge: bool) -> bool:
    """Set and remove tags so that the resource carries `wanted`; False when nothing had to change."""
    to_set, to_remove = tag_changes(current, wanted, purge)
    if to_remove:
        remove_tags(client, arn, to_remove)
    if to_set:
        add_tags(client, arn, to_set)
    return bool(to_set or to_remove)
