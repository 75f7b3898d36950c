# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replication groups and cache clusters as the modules return them, and the predictions of check mode."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.lms.moodle.plugins.module_utils._elasticache.plan import (
    REPLICATION_GROUP_PARAMS,
    cache_cluster_settings,
    replication_group_settings,
)

# Option name -> key of the returned resource, where they differ.
OUTPUT_KEYS = {
    "transit_encryption": "transit_encryption_enabled",
    "at_rest_encryption": "at_rest_encryption_enabled",
}


def normalize_replication_group(
    group: dict[str, Any] | None, member: dict[str, Any] | None = None, tags: dict[str, str] | None = None
) -> dict[str, Any]:
    """Snake-cased replication group as the modules return it; never contains an AUTH token."""
    if not group:
        return {}
    settings = replication_group_settings(group, member)
    node_groups = group.get("NodeGroups") or []
    first = node_groups[0] if node_groups else {}
    result = {option: settings[option] for option in REPLICATION_GROUP_PARAMS if option in settings}
    for option, key in OUTPUT_KEYS.items():
        result[key] = result.pop(option)
    result.update(
        {
            "replication_group_id": group.get("ReplicationGroupId"),
            "status": group.get("Status"),
            "arn": group.get("ARN"),
            "member_clusters": group.get("MemberClusters", []),
            "node_groups": [camel_dict_to_snake_dict(node_group) for node_group in node_groups],
            "primary_endpoint": endpoint(first.get("PrimaryEndpoint")),
            "reader_endpoint": endpoint(first.get("ReaderEndpoint")),
            "configuration_endpoint": endpoint(group.get("ConfigurationEndpoint")),
            "automatic_failover": group.get("AutomaticFailover"),
            "multi_az": group.get("MultiAZ"),
            "auth_token_enabled": group.get("AuthTokenEnabled", False),
            "cluster_enabled": group.get("ClusterEnabled"),
            "tags": tags or {},
        }
    )
    return result


def normalize_cache_cluster(cluster: dict[str, Any] | None, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """Snake-cased cache cluster as the modules return it, with `endpoints` as host:port strings."""
    if not cluster:
        return {}
    settings = cache_cluster_settings(cluster)
    nodes = [_cache_node(node) for node in cluster.get("CacheNodes", [])]
    configuration_endpoint = endpoint(cluster.get("ConfigurationEndpoint"))
    result = dict(settings)
    result["transit_encryption_enabled"] = result.pop("transit_encryption")
    result.update(
        {
            "cache_cluster_id": cluster.get("CacheClusterId"),
            "status": cluster.get("CacheClusterStatus"),
            "arn": cluster.get("ARN"),
            "preferred_availability_zone": cluster.get("PreferredAvailabilityZone"),
            "configuration_endpoint": configuration_endpoint,
            "cache_nodes": nodes,
            "endpoints": endpoint_strings(configuration_endpoint, nodes),
            "node_endpoints": endpoint_strings(None, nodes),
            "tags": tags or {},
        }
    )
    return result


def endpoint(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value or not value.get("Address"):
        return None
    return {"address": value["Address"], "port": value.get("Port")}


def _cache_node(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "cache_node_id": node.get("CacheNodeId"),
        "status": node.get("CacheNodeStatus"),
        "availability_zone": node.get("CustomerAvailabilityZone"),
        "endpoint": endpoint(node.get("Endpoint")),
    }


def endpoint_strings(configuration_endpoint: dict[str, Any] | None, nodes: list[dict[str, Any]]) -> list[str]:
    """host:port of the configuration endpoint if there is one, else of each node."""
    endpoints = [configuration_endpoint] if configuration_endpoint else [node["endpoint"] for node in nodes]
    return [f"{item['address']}:{item['port']}" for item in endpoints if item]


def predict(resource: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A returned resource with the changed settings applied, for check mode and diff."""
    predicted = dict(resource)
    for option, value in changes.items():
        predicted[OUTPUT_KEYS.get(option, option)] = _output_value(option, value)
    return predicted


def _output_value(option: str, value: Any) -> Any:
    if option in ("automatic_failover", "multi_az"):
        return "enabled" if value else "disabled"
    if option == "security_group_ids":
        return sorted(value)
    return value


def predicted_replication_group(
    replication_group_id: str, wanted: dict[str, Any], auth_token: bool, tags: dict[str, str] | None
) -> dict[str, Any]:
    """What CreateReplicationGroup would make, for check mode and diff."""
    base = normalize_replication_group({"ReplicationGroupId": replication_group_id, "Status": "creating"}, tags=tags)
    base["auth_token_enabled"] = auth_token
    return predict(base, {option: value for option, value in wanted.items() if value is not None})


def predicted_cache_cluster(cache_cluster_id: str, wanted: dict[str, Any], tags: dict[str, str] | None) -> dict:
    """What CreateCacheCluster would make, for check mode and diff."""
    cluster = {"CacheClusterId": cache_cluster_id, "CacheClusterStatus": "creating", "Engine": "memcached"}
    changes = {option: value for option, value in wanted.items() if value is not None}
    changes.pop("preferred_availability_zones", None)
    return predict(normalize_cache_cluster(cluster, tags), changes)
