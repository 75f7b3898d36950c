"""ElastiCache API responses that the unit tests of module_utils and of the modules both use."""

from __future__ import annotations

REPLICATION_GROUP_ID = "moodle-cache"
REPLICATION_GROUP_ARN = f"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:{REPLICATION_GROUP_ID}"


def replication_group(status="available", **overrides):
    """A DescribeReplicationGroups item: Valkey with a primary and a replica, TLS, AUTH, failover and Multi-AZ."""
    name = REPLICATION_GROUP_ID
    value = {
        "ReplicationGroupId": name,
        "Description": "Moodle cache",
        "Status": status,
        "MemberClusters": [f"{name}-001", f"{name}-002"],
        "NodeGroups": [
            {
                "NodeGroupId": "0001",
                "Status": "available",
                "PrimaryEndpoint": {"Address": f"master.{name}.example", "Port": 6379},
                "ReaderEndpoint": {"Address": f"replica.{name}.example", "Port": 6379},
            }
        ],
        "AutomaticFailover": "enabled",
        "MultiAZ": "enabled",
        "CacheNodeType": "cache.t4g.small",
        "TransitEncryptionEnabled": True,
        "AtRestEncryptionEnabled": True,
        "AuthTokenEnabled": True,
        "SnapshotRetentionLimit": 1,
        "SnapshotWindow": "03:00-04:00",
        "ClusterEnabled": False,
        "ARN": REPLICATION_GROUP_ARN,
        "Engine": "valkey",
    }
    value.update(overrides)
    return value
