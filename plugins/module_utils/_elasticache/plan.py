# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the options of elasticache_replication_group and elasticache_cache_cluster ask for and what has to change:
validation, wanted and current settings, comparison and the Modify parameters. Pure functions.

Settings are compared by option name. A wanted value of None means "not managed", a current value of None
means "AWS did not say" (moto, or a member cluster that cannot be read); neither ever counts as a difference.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils._elasticache.common import AnsibleElastiCacheError
from ansible_collections.lms.moodle.plugins.module_utils.tags import tag_changes, with_tag_changes

IDENTIFIER_MAX_LENGTH = 40
IDENTIFIER_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
AUTH_TOKEN_FORBIDDEN = '@"/'
MAX_CACHE_CLUSTERS = 6
MAX_SNAPSHOT_RETENTION = 35

# Option name -> API parameter, for CreateReplicationGroup.
REPLICATION_GROUP_PARAMS = {
    "description": "ReplicationGroupDescription",
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "cache_node_type": "CacheNodeType",
    "num_cache_clusters": "NumCacheClusters",
    "automatic_failover": "AutomaticFailoverEnabled",
    "multi_az": "MultiAZEnabled",
    "transit_encryption": "TransitEncryptionEnabled",
    "at_rest_encryption": "AtRestEncryptionEnabled",
    "kms_key_id": "KmsKeyId",
    "cache_subnet_group_name": "CacheSubnetGroupName",
    "security_group_ids": "SecurityGroupIds",
    "port": "Port",
    "parameter_group_name": "CacheParameterGroupName",
    "snapshot_retention_limit": "SnapshotRetentionLimit",
    "snapshot_window": "SnapshotWindow",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
}
# What ModifyReplicationGroup can change; the order is the order of the diff.
REPLICATION_GROUP_MUTABLE = (
    "description",
    "engine_version",
    "cache_node_type",
    "automatic_failover",
    "multi_az",
    "security_group_ids",
    "parameter_group_name",
    "snapshot_retention_limit",
    "snapshot_window",
    "preferred_maintenance_window",
)
REPLICATION_GROUP_IMMUTABLE = (
    "engine",
    "num_cache_clusters",
    "transit_encryption",
    "at_rest_encryption",
    "port",
    "cache_subnet_group_name",
)

# Option name -> API parameter, for CreateCacheCluster (Engine is always memcached).
CACHE_CLUSTER_PARAMS = {
    "cache_node_type": "CacheNodeType",
    "num_cache_nodes": "NumCacheNodes",
    "engine_version": "EngineVersion",
    "az_mode": "AZMode",
    "preferred_availability_zones": "PreferredAvailabilityZones",
    "cache_subnet_group_name": "CacheSubnetGroupName",
    "security_group_ids": "SecurityGroupIds",
    "port": "Port",
    "parameter_group_name": "CacheParameterGroupName",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
    "transit_encryption": "TransitEncryptionEnabled",
}
CACHE_CLUSTER_MUTABLE = (
    "engine_version",
    "cache_node_type",
    "num_cache_nodes",
    "security_group_ids",
    "parameter_group_name",
    "preferred_maintenance_window",
)
CACHE_CLUSTER_IMMUTABLE = ("port", "cache_subnet_group_name", "transit_encryption")


# ---------------------------------------------------------------------------------------------------- options


def node_options() -> dict[str, Any]:
    """Argument-spec entries that cache clusters and replication groups share, as the lms.moodle.elasticache_nodes
    doc fragment documents them."""
    return {
        "cache_node_type": dict(type="str"),
        "cache_subnet_group_name": dict(type="str"),
        "security_group_ids": dict(type="list", elements="str"),
        "parameter_group_name": dict(type="str"),
        "preferred_maintenance_window": dict(type="str"),
        "apply_immediately": dict(type="bool", default=True),
    }


# ---------------------------------------------------------------------------------------------------- validation


def identifier_error(option: str, value: str) -> str | None:
    """ElastiCache identifier rules (ElastiCache lower-cases identifiers, we insist on lower case)."""
    if (
        len(value) > IDENTIFIER_MAX_LENGTH
        or not IDENTIFIER_PATTERN.match(value)
        or "--" in value
        or value.endswith("-")
    ):
        return (
            f"{option} must be 1 to {IDENTIFIER_MAX_LENGTH} lower-case letters, digits or hyphens, start with a "
            f"letter, and contain neither two consecutive hyphens nor a trailing hyphen (got {value!r})"
        )
    return None


def auth_token_error(token: str) -> str | None:
    """AUTH token rules. The message never contains the token."""
    if not 16 <= len(token) <= 128:
        return f"auth_token must be 16 to 128 characters long (it has {len(token)})"
    if any(not 0x21 <= ord(char) <= 0x7E for char in token):
        return "auth_token may only contain printable ASCII characters, without spaces"
    if any(char in AUTH_TOKEN_FORBIDDEN for char in token):
        return 'auth_token must not contain @, " or /'
    return None


def replication_group_errors(params: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Every problem with the options of elasticache_replication_group (`wanted` has the defaults resolved)."""
    errors = [identifier_error("replication_group_id", params["replication_group_id"])]
    if params["state"] == "present":
        errors.extend(_replication_group_topology_errors(wanted))
        errors.extend(_replication_group_security_errors(params, wanted))
    return [error for error in errors if error]


def _replication_group_topology_errors(wanted: dict[str, Any]) -> list[str | None]:
    count = wanted["num_cache_clusters"]
    retention = wanted["snapshot_retention_limit"]
    return [
        None
        if 1 <= count <= MAX_CACHE_CLUSTERS
        else f"num_cache_clusters must be between 1 and {MAX_CACHE_CLUSTERS} (got {count})",
        "automatic_failover=true needs num_cache_clusters >= 2 (a primary and at least one replica)"
        if wanted["automatic_failover"] and count < 2
        else None,
        "multi_az=true requires automatic_failover=true"
        if wanted["multi_az"] and not wanted["automatic_failover"]
        else None,
        f"snapshot_retention_limit must be between 0 and {MAX_SNAPSHOT_RETENTION} (got {retention})"
        if retention is not None and not 0 <= retention <= MAX_SNAPSHOT_RETENTION
        else None,
    ]


def _replication_group_security_errors(params: dict[str, Any], wanted: dict[str, Any]) -> list[str | None]:
    token = params.get("auth_token")
    return [
        "auth_token requires transit_encryption=true" if token and not wanted["transit_encryption"] else None,
        auth_token_error(token) if token is not None else None,
        "kms_key_id requires at_rest_encryption=true"
        if wanted["kms_key_id"] and not wanted["at_rest_encryption"]
        else None,
    ]


def cache_cluster_errors(params: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Every problem with the options of elasticache_cache_cluster (`wanted` has the defaults resolved)."""
    errors = [identifier_error("cache_cluster_id", params["cache_cluster_id"])]
    if params["state"] == "present":
        count = wanted["num_cache_nodes"]
        zones = wanted["preferred_availability_zones"]
        errors += [
            None if count >= 1 else f"num_cache_nodes must be at least 1 (got {count})",
            "az_mode=cross-az needs num_cache_nodes >= 2" if wanted["az_mode"] == "cross-az" and count < 2 else None,
            f"preferred_availability_zones must list one zone per node ({count}), got {len(zones)}"
            if zones and len(zones) != count
            else None,
        ]
    return [error for error in errors if error]


# ---------------------------------------------------------------------------------------------------- wanted state


def wanted_replication_group(params: dict[str, Any]) -> dict[str, Any]:
    """The settings the options ask for, by option name, with the defaults that depend on other options."""
    wanted = {option: params.get(option) for option in REPLICATION_GROUP_PARAMS}
    if wanted["automatic_failover"] is None:
        wanted["automatic_failover"] = wanted["num_cache_clusters"] >= 2
    if wanted["multi_az"] is None:
        wanted["multi_az"] = wanted["automatic_failover"]
    return wanted


def wanted_cache_cluster(params: dict[str, Any]) -> dict[str, Any]:
    wanted = {option: params.get(option) for option in CACHE_CLUSTER_PARAMS}
    if wanted["az_mode"] is None:
        wanted["az_mode"] = "cross-az" if wanted["num_cache_nodes"] >= 2 else "single-az"
    return wanted


def create_params(wanted: dict[str, Any], api_names: dict[str, str]) -> dict[str, Any]:
    """API parameters of a Create call for every wanted setting that is set."""
    return {api_names[option]: value for option, value in wanted.items() if value is not None}


# ---------------------------------------------------------------------------------------------------- current state


def replication_group_settings(group: dict[str, Any], member: dict[str, Any] | None) -> dict[str, Any]:
    """Current settings of a replication group by option name. DescribeReplicationGroups does not return the
    network, parameter group, maintenance window or engine version: those come from a member cache cluster."""
    member = member or {}
    pending = member.get("PendingModifiedValues") or {}
    node_group = (group.get("NodeGroups") or [{}])[0]
    endpoint = group.get("ConfigurationEndpoint") or node_group.get("PrimaryEndpoint") or {}
    return {
        "description": group.get("Description"),
        "engine": group.get("Engine") or member.get("Engine"),
        "engine_version": pending.get("EngineVersion") or member.get("EngineVersion"),
        "cache_node_type": pending.get("CacheNodeType") or group.get("CacheNodeType"),
        "num_cache_clusters": len(group["MemberClusters"]) if "MemberClusters" in group else None,
        "automatic_failover": _enabled(group.get("AutomaticFailover")),
        "multi_az": _enabled(group.get("MultiAZ")),
        "transit_encryption": group.get("TransitEncryptionEnabled"),
        "at_rest_encryption": group.get("AtRestEncryptionEnabled"),
        "kms_key_id": group.get("KmsKeyId"),
        "cache_subnet_group_name": member.get("CacheSubnetGroupName"),
        "security_group_ids": _security_group_ids(member),
        "port": endpoint.get("Port"),
        "parameter_group_name": (member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
        "snapshot_retention_limit": group.get("SnapshotRetentionLimit"),
        "snapshot_window": group.get("SnapshotWindow"),
        "preferred_maintenance_window": member.get("PreferredMaintenanceWindow"),
    }


def cache_cluster_settings(cluster: dict[str, Any]) -> dict[str, Any]:
    """Current settings of a cache cluster by option name (pending modifications count as done)."""
    pending = cluster.get("PendingModifiedValues") or {}
    return {
        "engine": cluster.get("Engine"),
        "engine_version": pending.get("EngineVersion") or cluster.get("EngineVersion"),
        "cache_node_type": pending.get("CacheNodeType") or cluster.get("CacheNodeType"),
        "num_cache_nodes": pending.get("NumCacheNodes") or cluster.get("NumCacheNodes"),
        "az_mode": _az_mode(cluster.get("PreferredAvailabilityZone")),
        "cache_subnet_group_name": cluster.get("CacheSubnetGroupName"),
        "security_group_ids": _security_group_ids(cluster),
        "port": (_cluster_endpoint(cluster) or {}).get("Port"),
        "parameter_group_name": (cluster.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
        "preferred_maintenance_window": cluster.get("PreferredMaintenanceWindow"),
        "transit_encryption": cluster.get("TransitEncryptionEnabled"),
    }


def _enabled(status: str | None) -> bool | None:
    """AutomaticFailover/MultiAZ status -> bool; enabling/disabling count as done."""
    return None if status is None else status in ("enabled", "enabling")


def _az_mode(preferred_zone: str | None) -> str | None:
    if not preferred_zone:
        return None
    return "cross-az" if preferred_zone == "Multiple" else "single-az"


def _security_group_ids(cluster: dict[str, Any]) -> list[str] | None:
    if "SecurityGroups" not in cluster:
        return None
    return sorted(group["SecurityGroupId"] for group in cluster["SecurityGroups"])


def _cluster_endpoint(cluster: dict[str, Any]) -> dict[str, Any] | None:
    if cluster.get("ConfigurationEndpoint"):
        return cluster["ConfigurationEndpoint"]
    endpoints = [node["Endpoint"] for node in cluster.get("CacheNodes", []) if node.get("Endpoint")]
    return endpoints[0] if endpoints else None


# ---------------------------------------------------------------------------------------------------- comparison


def same_value(option: str, current: Any, wanted: Any) -> bool:
    """Whether a current setting satisfies the wanted one; None on either side is never a difference."""
    if current is None or wanted is None:
        return True
    if option == "engine_version":
        return version_matches(str(current), str(wanted))
    if option == "security_group_ids":
        return sorted(current) == sorted(wanted)
    if option.endswith("_window"):
        return str(current).lower() == str(wanted).lower()
    return current == wanted


def version_matches(current: str, wanted: str) -> bool:
    """ElastiCache reports the full version (7.1.0) of a requested major.minor (7.1) or major.x (6.x)."""
    if wanted.endswith(".x"):
        return current.split(".", maxsplit=1)[0] == wanted[:-2]
    return current == wanted or current.startswith(f"{wanted}.")


def changed_settings(current: dict[str, Any], wanted: dict[str, Any], options: tuple[str, ...]) -> dict[str, Any]:
    """Wanted value of each of `options` that differs from the current value."""
    return {option: wanted[option] for option in options if not same_value(option, current[option], wanted[option])}


def immutable_message(kind: str, resource_id: str, current: dict[str, Any], differences: dict[str, Any]) -> str:
    """Why an existing resource cannot be brought to the wanted settings, naming each option."""
    details = ", ".join(
        f"{option} (current: {current[option]}, wanted: {wanted})" for option, wanted in differences.items()
    )
    message = (
        f"Cannot change {details} of the existing {kind} {resource_id}: ElastiCache cannot modify "
        f"{'this' if len(differences) == 1 else 'these'} in place; delete and re-create the {kind}, "
        "or create a new one and migrate."
    )
    if "num_cache_clusters" in differences:
        message += " Changing the replica count (num_cache_clusters) is not supported in this version of the module."
    return message


def tags_after(current: dict[str, str], wanted: dict[str, str] | None, purge: bool) -> dict[str, str]:
    """The tags under the tags and purge_tags options, the values set as text as ElastiCache stores them."""
    to_set, to_remove = tag_changes(current, wanted, purge)
    return with_tag_changes(current, {key: str(value) for key, value in to_set.items()}, to_remove)


def modify_replication_group_params(
    changes: dict[str, Any], apply_immediately: bool, auth_token: str | None = None, strategy: str | None = None
) -> dict[str, Any]:
    """ModifyReplicationGroup parameters for the changed settings; the AUTH token only with an update strategy,
    because ElastiCache never returns the token and so it cannot be compared."""
    params = {REPLICATION_GROUP_PARAMS[option]: value for option, value in changes.items()}
    params["ApplyImmediately"] = apply_immediately
    if auth_token and strategy:
        params.update({"AuthToken": auth_token, "AuthTokenUpdateStrategy": strategy})
    return params


def cache_nodes_to_remove(cluster: dict[str, Any], wanted_count: int) -> list[str]:
    """Ids of the newest nodes, that ModifyCacheCluster must remove to shrink the cluster to `wanted_count`."""
    node_ids = sorted(node["CacheNodeId"] for node in cluster.get("CacheNodes", []))
    surplus = len(node_ids) - wanted_count
    return node_ids[-surplus:] if surplus > 0 else []


def modify_cache_cluster_params(
    cluster: dict[str, Any], changes: dict[str, Any], az_mode: str, apply_immediately: bool
) -> dict[str, Any]:
    """ModifyCacheCluster parameters for the changed settings; shrinking names the nodes to remove."""
    params = {CACHE_CLUSTER_PARAMS[option]: value for option, value in changes.items()}
    params["ApplyImmediately"] = apply_immediately
    wanted_count = changes.get("num_cache_nodes")
    if wanted_count is not None and wanted_count > cluster.get("NumCacheNodes", 0):
        params["AZMode"] = az_mode
    elif wanted_count is not None:
        params["CacheNodeIdsToRemove"] = cache_nodes_to_remove(cluster, wanted_count)
        if not params["CacheNodeIdsToRemove"]:
            raise AnsibleElastiCacheError(
                message=f"Cannot shrink cache cluster {cluster['CacheClusterId']} to num_cache_nodes={wanted_count}: "
                "AWS did not list its cache nodes, so the nodes to remove cannot be chosen"
            )
    return params
