"""Check the data tier of an environment (EFS, Aurora, ElastiCache, secrets, SSM catalogue) with boto3.

Used by the molecule ``aws`` scenarios and the pytest integration tests, like network_checks. The
expectations are the decisions of the design (encryption, elastic throughput, 30-day backups,
deletion protection, TLS + AUTH + failover, one mount target per data subnet, every catalogue value
equal to what AWS reports), checked against what AWS reports, not against the playbook's input.

    python -m tests.verify.data_checks --environment demo --engine aurora-postgresql --mode provisioned \\
        --readers 1 --session redis:node:2 --application valkey:node:2
    python -m tests.verify.data_checks --environment demo --expect-empty [--final-snapshot]
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.verify import cli, edge_checks, network_checks
from tests.verify.network_checks import Report, owner_filters

PINNED_VERSIONS = {"aurora-postgresql": "16.4", "aurora-mysql": "8.0.mysql_aurora.3.08.0"}
LOG_EXPORTS = {"aurora-postgresql": ["postgresql"], "aurora-mysql": ["audit", "error", "slowquery"]}
SERVICES = ("ec2", "efs", "rds", "elasticache", "secretsmanager", "ssm", "elbv2", "cloudfront")
CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing"


def clients(region: str, endpoint_url: str | None) -> dict:
    return network_checks.clients(region, endpoint_url, SERVICES)


def data_subnets_and_groups(ec2, environment: str) -> tuple[set[str], dict[str, str]]:
    subnets = ec2.describe_subnets(Filters=[*owner_filters(environment), {"Name": "tag:Tier", "Values": ["data"]}])
    groups = ec2.describe_security_groups(Filters=owner_filters(environment))["SecurityGroups"]
    by_name = {g["GroupName"].removeprefix(f"{environment}-"): g["GroupId"] for g in groups}
    return {s["SubnetId"] for s in subnets["Subnets"]}, by_name


def check_efs(api, environment: str, subnets: set[str], groups: dict, report: Report) -> dict:
    systems = [f for f in api["efs"].describe_file_systems()["FileSystems"] if f.get("Name") == f"{environment}-moodle"]
    report.check(len(systems) == 1, f"expected one file system {environment}-moodle, found {len(systems)}")
    if len(systems) != 1:
        return {}
    fs = systems[0]
    report.check(fs["Encrypted"] is True, "EFS is not encrypted")
    report.check(fs["ThroughputMode"] == "elastic", f"EFS throughput mode {fs['ThroughputMode']}")
    report.check(fs["PerformanceMode"] == "generalPurpose", f"EFS performance mode {fs['PerformanceMode']}")
    backup = api["efs"].describe_backup_policy(FileSystemId=fs["FileSystemId"])["BackupPolicy"]["Status"]
    report.check(backup == "ENABLED", f"EFS automatic backups are {backup}")
    targets = api["efs"].describe_mount_targets(FileSystemId=fs["FileSystemId"])["MountTargets"]
    report.check({t["SubnetId"] for t in targets} == subnets, "EFS mount targets are not exactly the data subnets")
    report.check(len(targets) == len(subnets), f"{len(targets)} mount targets for {len(subnets)} data subnets")
    for target in targets:
        sgs = api["efs"].describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])["SecurityGroups"]
        report.check(
            sgs == [groups.get("efs")], f"mount target {target['MountTargetId']} is in {sgs}, not the EFS group"
        )
    return fs


def check_database(api, args, subnets: set[str], groups: dict, report: Report) -> dict:
    cluster_id = f"{args.environment}-moodle"
    clusters = api["rds"].describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
    report.check(len(clusters["DBClusters"]) == 1, f"expected Aurora cluster {cluster_id}")
    if not clusters["DBClusters"]:
        return {}
    cluster = clusters["DBClusters"][0]
    expect = {
        "Engine": args.engine,
        "EngineVersion": PINNED_VERSIONS[args.engine],
        "StorageEncrypted": True,
        "BackupRetentionPeriod": 30,
        "DeletionProtection": True,
        "DBClusterParameterGroup": f"{cluster_id}-{args.engine}{'16' if 'postgres' in args.engine else '8-0'}",
    }
    for key, value in expect.items():
        report.check(cluster.get(key) == value, f"cluster {key} is {cluster.get(key)!r}, expected {value!r}")
    report.check(sorted(cluster.get("EnabledCloudwatchLogsExports", [])) == LOG_EXPORTS[args.engine], "log exports")
    report.check(
        [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [groups.get("database")],
        "cluster is not (only) in the database security group",
    )
    subnet_group = api["rds"].describe_db_subnet_groups(DBSubnetGroupName=cluster["DBSubnetGroup"])["DBSubnetGroups"][0]
    report.check({s["SubnetIdentifier"] for s in subnet_group["Subnets"]} == subnets, "DB subnet group != data subnets")
    serverless = cluster.get("ServerlessV2ScalingConfiguration")
    report.check(bool(serverless) == (args.mode == "serverless"), f"serverless scaling configuration: {serverless}")
    instances = api["rds"].describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
    classes = [i["DBInstanceClass"] for i in instances["DBInstances"]]
    report.check(len(classes) == args.readers + 1, f"{len(classes)} instances, expected writer + {args.readers}")
    report.check(
        all((c == "db.serverless") == (args.mode == "serverless") for c in classes), f"instance classes {classes}"
    )
    upgrading = [i["DBInstanceIdentifier"] for i in instances["DBInstances"] if i.get("AutoMinorVersionUpgrade", True)]
    report.check(not upgrading, f"automatic minor upgrades on {upgrading}, although the engine version is pinned")
    writers = [m for m in cluster["DBClusterMembers"] if m["IsClusterWriter"]]
    report.check(len(writers) == 1, f"{len(writers)} writers in the cluster")
    secret = json.loads(
        api["secretsmanager"].get_secret_value(SecretId=f"{args.environment}/moodle/database")["SecretString"]
    )
    report.check(secret.get("username") == cluster["MasterUsername"], "secret user is not the cluster's master user")
    report.check(len(secret.get("password", "")) >= 32, "the generated password is shorter than 32 characters")
    return cluster


def check_cache(api, args, kind: str, groups: dict, report: Report) -> dict:
    # engine:mode:nodes; moto has no ElastiCache Serverless, so only node-based caches are checked here.
    engine, _mode, nodes = getattr(args, kind).split(":")
    name = f"{args.environment}-{'session' if kind == 'session' else 'app'}"
    ec = api["elasticache"]
    if engine == "memcached":
        clusters = ec.describe_cache_clusters(CacheClusterId=name, ShowCacheNodeInfo=True)["CacheClusters"]
        cluster = clusters[0]
        report.check(cluster["Engine"] == "memcached", f"{name} engine {cluster['Engine']}")
        report.check(cluster["NumCacheNodes"] == int(nodes), f"{name} has {cluster['NumCacheNodes']} nodes")
        # moto returns neither the nodes nor the security groups of Memcached clusters.
        if "SecurityGroups" in cluster:
            report.check(
                [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == [groups.get("cache")],
                f"{name} is not in the cache security group",
            )
        nodes = cluster.get("CacheNodes") or []
        node_endpoints = [f"{n['Endpoint']['Address']}:{n['Endpoint']['Port']}" for n in nodes]
        return {
            "engine": "memcached",
            "mode": "node",
            "endpoint": nodes[0]["Endpoint"]["Address"] if nodes else None,
            "endpoints": ",".join(node_endpoints) or None,
            "port": "11211",
            "tls": "false",
        }
    group = ec.describe_replication_groups(ReplicationGroupId=name)["ReplicationGroups"][0]
    report.check(group.get("TransitEncryptionEnabled") is True, f"{name} has no transit encryption")
    report.check(group.get("AtRestEncryptionEnabled") is True, f"{name} has no encryption at rest")
    report.check(group.get("AuthTokenEnabled") is True, f"{name} has no AUTH token")
    report.check(len(group["MemberClusters"]) == int(nodes), f"{name} has {len(group['MemberClusters'])} nodes")
    failover = "enabled" if int(nodes) > 1 else "disabled"
    report.check(
        group.get("AutomaticFailover") == failover, f"{name} automatic failover {group.get('AutomaticFailover')}"
    )
    report.check(group.get("MultiAZ") == failover, f"{name} Multi-AZ {group.get('MultiAZ')}")
    secret = json.loads(
        api["secretsmanager"].get_secret_value(SecretId=f"{args.environment}/moodle/cache/{kind}")["SecretString"]
    )
    report.check(len(secret.get("auth_token", "")) >= 16, f"{name} AUTH token secret is missing or short")
    primary = group["NodeGroups"][0]["PrimaryEndpoint"]
    reader = group["NodeGroups"][0].get("ReaderEndpoint") or {}  # moto returns none
    auth_secret = api["secretsmanager"].describe_secret(SecretId=f"{args.environment}/moodle/cache/{kind}")
    return {
        "engine": engine,
        "mode": "node",
        "endpoint": primary["Address"],
        "reader_endpoint": reader.get("Address"),
        "port": str(primary["Port"]),
        "tls": "true",
        "auth_secret_arn": auth_secret["ARN"],
    }


def parameters_under(ssm, path: str) -> list[dict]:
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=path, Recursive=True)
    return [parameter for page in pages for parameter in page["Parameters"]]


def check_catalogue(api, environment: str, actual: dict, report: Report) -> None:
    prefix = f"/{environment}/moodle/"
    found = parameters_under(api["ssm"], prefix)
    params = {p["Name"].removeprefix(prefix): p for p in found}
    report.check(all(p["Type"] == "String" for p in params.values()), "a catalogue parameter is not a String")
    # A value of None means AWS has nothing to publish there, and the key must be absent.
    for key, value in actual.items():
        got = params.get(key, {}).get("Value")
        report.check(got == value, f"SSM {prefix}{key} is {got!r}, AWS says {value!r}")
    # The release role's keys (release/*) name whatever release was published last: the cluster tests check them.
    unchecked = sorted(key for key in set(params) - set(actual) if not key.startswith("release/"))
    report.check(not unchecked, f"catalogue keys nobody checked: {unchecked}")
    report.check(not any("password" in p["Value"] for p in params.values()), "a parameter value mentions a password")


def expected_wwwroot(api, args) -> str | None:
    """--wwwroot as given, or for ``load-balancer:<scheme>`` the URL of the environment's load balancer's
    own name, which only exists once it has been created."""
    if not (args.wwwroot or "").startswith("load-balancer:"):
        return args.wwwroot
    scheme = args.wwwroot.split(":", 1)[1]
    balancers = api["elbv2"].describe_load_balancers()["LoadBalancers"]
    names = [b["DNSName"] for b in balancers if b["LoadBalancerName"] == f"{args.environment}-moodle"]
    return f"{scheme}://{names[0]}" if names else None


def proxy_networks(api, environment: str) -> str | None:
    """The CIDR blocks of the load balancer's subnets, sorted: the only proxies the web nodes may trust."""
    balancers = api["elbv2"].describe_load_balancers()["LoadBalancers"]
    mine = [b for b in balancers if b["LoadBalancerName"] == f"{environment}-moodle"]
    if not mine:
        return None
    subnet_ids = [zone["SubnetId"] for zone in mine[0]["AvailabilityZones"]]
    return ",".join(sorted(s["CidrBlock"] for s in api["ec2"].describe_subnets(SubnetIds=subnet_ids)["Subnets"]))


def cdn_networks(api, environment: str) -> str | None:
    """CloudFront's origin-facing blocks, sorted, when the environment has a distribution in front."""
    if not edge_checks.distributions(api, environment):
        return None
    ec2 = api["ec2"]
    named = [{"Name": "prefix-list-name", "Values": [CLOUDFRONT_ORIGIN_FACING]}]
    lists = ec2.describe_managed_prefix_lists(Filters=named)
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=lists["PrefixLists"][0]["PrefixListId"])["Entries"]
    return ",".join(sorted(entry["Cidr"] for entry in entries))


def check_present(api, args, report: Report) -> None:
    subnets, groups = data_subnets_and_groups(api["ec2"], args.environment)
    fs = check_efs(api, args.environment, subnets, groups, report)
    cluster = check_database(api, args, subnets, groups, report)
    members = sorted(m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers", []))
    actual = {
        "site/wwwroot": expected_wwwroot(api, args),
        "site/proxy_networks": args.proxy_networks or proxy_networks(api, args.environment),
        "site/cdn_networks": cdn_networks(api, args.environment),
        "efs/id": fs.get("FileSystemId"),
        "efs/arn": fs.get("FileSystemArn"),
        "db/cluster_id": cluster.get("DBClusterIdentifier"),
        "db/instance_ids": ",".join(members),
        "efs/dns_name": f"{fs.get('FileSystemId')}.efs.{args.region}.amazonaws.com",
        "db/engine_version": cluster.get("EngineVersion"),
        "db/writer_endpoint": cluster.get("Endpoint"),
        "db/reader_endpoint": cluster.get("ReaderEndpoint"),
        "db/engine": cluster.get("Engine"),
        "db/port": str(cluster.get("Port")),
        "db/name": cluster.get("DatabaseName"),
        "db/secret_arn": api["secretsmanager"].describe_secret(SecretId=f"{args.environment}/moodle/database")["ARN"],
    }
    for kind in ("session", "application"):
        if getattr(args, kind):
            cache = check_cache(api, args, kind, groups, report)
            actual.update({f"cache/{kind}/{key}": value for key, value in cache.items()})
    check_catalogue(api, args.environment, actual, report)


def leftovers(api) -> dict[str, list]:
    """Everything of the data-tier kinds the collection creates, besides AWS's defaults."""
    rds, ec = api["rds"], api["elasticache"]
    secrets = api["secretsmanager"].list_secrets(IncludePlannedDeletion=False)["SecretList"]
    return {
        "file_systems": [f["FileSystemId"] for f in api["efs"].describe_file_systems()["FileSystems"]],
        "db_clusters": [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]],
        "db_instances": [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]],
        "db_subnet_groups": [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
        "db_cluster_parameter_groups": [
            g["DBClusterParameterGroupName"]
            for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
            if not g["DBClusterParameterGroupName"].startswith("default.")
        ],
        # moto never finishes a delete; a cache being deleted counts as gone.
        "replication_groups": [
            g["ReplicationGroupId"]
            for g in ec.describe_replication_groups()["ReplicationGroups"]
            if g["Status"] != "deleting"
        ],
        "cache_clusters": [
            c["CacheClusterId"]
            for c in ec.describe_cache_clusters()["CacheClusters"]
            if c["CacheClusterStatus"] != "deleting"
        ],
        # Not listed: moto cannot delete cache subnet groups (no DeleteCacheSubnetGroup), so the role
        # keeps them on moto (cache_remove_subnet_group: false) and they cannot count as left over.
        "secrets": [s["Name"] for s in secrets],
        "ssm_parameters": [p["Name"] for p in parameters_under(api["ssm"], "/")],
    }


def final_snapshots(api, environment: str) -> list[str]:
    snapshots = api["rds"].describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
    return [
        s["DBClusterSnapshotIdentifier"]
        for s in snapshots
        if s["DBClusterSnapshotIdentifier"].startswith(f"{environment}-moodle-final-")
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=sorted(PINNED_VERSIONS), default="aurora-postgresql")
    parser.add_argument("--mode", choices=["provisioned", "serverless"], default="provisioned")
    parser.add_argument("--readers", type=int, default=1)
    parser.add_argument("--session", default="valkey:node:2", help="engine:mode:nodes of the session store")
    parser.add_argument("--application", default="valkey:node:2", help="engine:mode:nodes, or '' for none")
    parser.add_argument(
        "--wwwroot", help="the site URL the catalogue must hold (site/wwwroot); load-balancer:<scheme> for its own name"
    )
    parser.add_argument(
        "--proxy-networks",
        help="the proxies the catalogue must hold (site/proxy_networks, comma-separated); default: the load balancer's "
        "subnets (the local platform's HAProxy is not in the VPC)",
    )
    parser.add_argument("--final-snapshot", action="store_true", help="with --expect-empty: a final snapshot exists")


def check_final_snapshot(api, args, report: Report) -> None:
    snapshots = final_snapshots(api, args.environment)
    report.check(bool(snapshots) == args.final_snapshot, f"final snapshots: {snapshots}")


def main(argv: list[str] | None = None) -> int:
    tier = cli.Tier(
        __doc__, add_arguments, clients, check_present, lambda api, _args: leftovers(api), check_final_snapshot
    )
    return cli.run(tier, argv)


if __name__ == "__main__":
    sys.exit(main())
