"""Check the network tier an environment has in an AWS account (moto or real), with boto3 only.

Used by the molecule ``aws`` scenarios (``python -m tests.verify.network_checks ...``) and by the
pytest integration tests. The expected layout is the reference architecture's (01-newvpc and
02-securitygroups), not whatever the playbook was given, so a wrong default fails here too.

    python -m tests.verify.network_checks --environment demo --az-count 2 --nat per_az
    python -m tests.verify.network_checks --environment demo --expect-empty
"""

from __future__ import annotations

import argparse
import sys

import boto3

from tests.verify import cli
from tests.verify.cli import Report

REFERENCE_CIDRS = {
    "public": ["10.0.200.0/24", "10.0.201.0/24", "10.0.202.0/24"],
    "app": ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"],
    "data": ["10.0.100.0/24", "10.0.101.0/24", "10.0.102.0/24"],
}
DATABASE_PORTS = {"aurora-postgresql": 5432, "aurora-mysql": 3306}
CACHE_PORTS = {"redis": 6379, "valkey": 6379, "memcached": 11211}
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


def clients(region: str, endpoint_url: str | None, services: tuple[str, ...] = ("ec2", "logs", "iam")) -> dict:
    session = boto3.session.Session(region_name=region)
    kwargs = {"endpoint_url": endpoint_url} if endpoint_url else {}
    return {name: session.client(name, **kwargs) for name in services}


def owner_filters(environment: str) -> list[dict]:
    return [
        {"Name": "tag:Environment", "Values": [environment]},
        {"Name": "tag:ManagedBy", "Values": ["lms.moodle"]},
    ]


def tag(resource: dict, key: str) -> str | None:
    return next((t["Value"] for t in resource.get("Tags", []) if t["Key"] == key), None)


def permission_set(permissions: list[dict]) -> set[tuple]:
    """(protocol, from, to, source) tuples of a group's rules, one per source."""
    result = set()
    for perm in permissions:
        ports = (perm["IpProtocol"], perm.get("FromPort"), perm.get("ToPort"))
        result.update((*ports, r["CidrIp"]) for r in perm.get("IpRanges", []))
        result.update((*ports, p["GroupId"]) for p in perm.get("UserIdGroupPairs", []))
        result.update((*ports, p["PrefixListId"]) for p in perm.get("PrefixListIds", []))
    return result


def check_vpc(ec2, environment: str, report: Report) -> dict | None:
    vpcs = ec2.describe_vpcs(Filters=owner_filters(environment))["Vpcs"]
    report.check(len(vpcs) == 1, f"expected one VPC for {environment}, found {len(vpcs)}")
    if len(vpcs) != 1:
        return None
    vpc = vpcs[0]
    report.check(vpc["CidrBlock"] == "10.0.0.0/16", f"VPC CIDR {vpc['CidrBlock']} != 10.0.0.0/16")
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        value = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        key = attribute[0].upper() + attribute[1:]
        report.check(value[key]["Value"] is True, f"VPC attribute {attribute} is not enabled")
    return vpc


def check_subnets(ec2, vpc_id: str, az_count: int, report: Report) -> dict[str, list[dict]]:
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_tier: dict[str, list[dict]] = {}
    for subnet in subnets:
        by_tier.setdefault(tag(subnet, "Tier") or "untagged", []).append(subnet)
    zones = None
    for tier, cidrs in REFERENCE_CIDRS.items():
        found = sorted(by_tier.get(tier, []), key=lambda s: s["AvailabilityZone"])
        report.check(len(found) == az_count, f"{tier}: {len(found)} subnets, expected {az_count}")
        got = sorted(s["CidrBlock"] for s in found)
        report.check(got == sorted(cidrs[:az_count]), f"{tier} CIDRs {got} != {sorted(cidrs[:az_count])}")
        tier_zones = [s["AvailabilityZone"] for s in found]
        report.check(len(set(tier_zones)) == len(tier_zones), f"{tier} subnets share a zone: {tier_zones}")
        zones = zones or tier_zones
        report.check(tier_zones == zones, f"{tier} zones {tier_zones} differ from {zones}")
        report.check(all(not s["MapPublicIpOnLaunch"] for s in found), f"{tier} subnets map public IPs on launch")
    report.check(set(by_tier) == set(REFERENCE_CIDRS), f"unexpected subnet tiers: {sorted(by_tier)}")
    return by_tier


def route_table_of(tables: list[dict], subnet_id: str) -> dict | None:
    return next(
        (t for t in tables if any(a.get("SubnetId") == subnet_id for a in t.get("Associations", []))),
        None,
    )


def default_route(table: dict | None) -> dict:
    if not table:
        return {}
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), {})


def check_gateways_and_routes(ec2, vpc_id: str, by_tier: dict, nat_mode: str, report: Report) -> None:
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    igw_ids = [g["InternetGatewayId"] for g in igws["InternetGateways"]]
    report.check(len(igw_ids) == 1, f"expected one internet gateway, found {igw_ids}")
    nats = [
        n
        for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
        if n["State"] in ("pending", "available")
    ]
    public = {s["SubnetId"]: s["AvailabilityZone"] for s in by_tier.get("public", [])}
    expected_nats = len(public) if nat_mode == "per_az" else 1
    report.check(len(nats) == expected_nats, f"{len(nats)} NAT gateways, expected {expected_nats} ({nat_mode})")
    report.check(all(n["SubnetId"] in public for n in nats), "a NAT gateway is outside the public subnets")
    nat_zone = {n["NatGatewayId"]: public.get(n["SubnetId"]) for n in nats}
    for nat in nats:
        allocation = nat["NatGatewayAddresses"][0]["AllocationId"]
        address = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]
        report.check(tag(address, "Environment") is not None, f"EIP of {nat['NatGatewayId']} is not tagged")
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    for subnet in by_tier.get("public", []):
        route = default_route(route_table_of(tables, subnet["SubnetId"]))
        report.check(route.get("GatewayId") in igw_ids, f"public {subnet['SubnetId']} does not route to the IGW")
    for subnet in by_tier.get("app", []):
        route = default_route(route_table_of(tables, subnet["SubnetId"]))
        nat_id = route.get("NatGatewayId")
        report.check(nat_id in nat_zone, f"app {subnet['SubnetId']} does not route to a NAT gateway")
        if nat_mode == "per_az" and nat_id in nat_zone:
            report.check(
                nat_zone[nat_id] == subnet["AvailabilityZone"],
                f"app {subnet['SubnetId']} routes to the NAT of {nat_zone[nat_id]}, not its own zone",
            )
    # The data tier has a table of its own (not the VPC's main one, which anyone may change) with no route out.
    for subnet in by_tier.get("data", []):
        table = route_table_of(tables, subnet["SubnetId"])
        report.check(table is not None, f"data {subnet['SubnetId']} has no route table of its own")
        outside = [r for r in (table or {}).get("Routes", []) if r.get("GatewayId") != "local"]
        report.check(not outside, f"data {subnet['SubnetId']} routes out of the VPC: {outside}")


def expected_rules(
    groups: dict[str, str], database_engine: str, cache_engines: list[str], serverless: bool, cloudfront: str = ""
) -> dict:
    """Each group's (ingress, egress) rules. With `cloudfront` (the id of CloudFront's origin-facing prefix list),
    the load balancer takes traffic from it alone, in one rule over 80-443."""

    def tcp(port: int, source: str) -> tuple:
        return ("tcp", port, port, source)

    return {
        "alb": (
            {("tcp", 80, 443, cloudfront)} if cloudfront else {tcp(80, "0.0.0.0/0"), tcp(443, "0.0.0.0/0")},
            {tcp(80, groups["web"]), tcp(443, groups["web"])},
        ),
        "web": ({tcp(80, groups["alb"]), tcp(443, groups["alb"])}, {("-1", None, None, "0.0.0.0/0")}),
        "database": ({tcp(DATABASE_PORTS[database_engine], groups["web"])}, set()),
        "cache": (
            {
                tcp(CACHE_PORTS[e] + offset, groups["web"])
                for e in cache_engines
                for offset in ((0, 1) if serverless else (0,))
            },
            set(),
        ),
        "efs": ({tcp(2049, groups["web"]), tcp(2049, groups["efs"])}, set()),
    }


def check_security_groups(ec2, args, vpc_id: str, report: Report) -> None:
    environment, database_engine, cache_engines = args.environment, args.database_engine, args.cache_engines
    found = ec2.describe_security_groups(Filters=[*owner_filters(environment), {"Name": "vpc-id", "Values": [vpc_id]}])
    by_name = {g["GroupName"].removeprefix(f"{environment}-"): g for g in found["SecurityGroups"]}
    report.check(
        set(by_name) == {"alb", "web", "database", "cache", "efs"}, f"security groups found: {sorted(by_name)}"
    )
    if set(by_name) != {"alb", "web", "database", "cache", "efs"}:
        return
    ids = {name: group["GroupId"] for name, group in by_name.items()}
    cloudfront = ""
    if args.alb_ingress == "cdn":
        lists = ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}]
        )["PrefixLists"]
        report.check(len(lists) == 1, f"the region has no prefix list {CLOUDFRONT_PREFIX_LIST}")
        cloudfront = lists[0]["PrefixListId"] if lists else "pl-missing"
    rules = expected_rules(ids, database_engine, cache_engines, args.cache_serverless, cloudfront)
    for name, (ingress, egress) in rules.items():
        got_in = permission_set(by_name[name]["IpPermissions"])
        got_out = permission_set(by_name[name]["IpPermissionsEgress"])
        report.check(got_in == ingress, f"{name} ingress {sorted(map(str, got_in))} != {sorted(map(str, ingress))}")
        report.check(got_out == egress, f"{name} egress {sorted(map(str, got_out))} != {sorted(map(str, egress))}")


def check_flow_log(api, environment: str, vpc_id: str, report: Report) -> None:
    flow_logs = api["ec2"].describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    report.check(len(flow_logs) == 1, f"expected one flow log on the VPC, found {len(flow_logs)}")
    if len(flow_logs) != 1:
        return
    flow_log = flow_logs[0]
    report.check(flow_log["TrafficType"] == "ALL", f"flow log traffic type {flow_log['TrafficType']}")
    report.check(flow_log["LogDestinationType"] == "cloud-watch-logs", "flow log does not go to CloudWatch Logs")
    group_name = flow_log["LogGroupName"]
    groups = api["logs"].describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == group_name), None)
    report.check(group is not None, f"flow-log group {group_name} does not exist")
    report.check(bool(group) and group.get("retentionInDays") is not None, "flow-log group keeps logs forever")
    role_name = flow_log["DeliverLogsPermissionArn"].rsplit("/", 1)[-1]
    role = api["iam"].get_role(RoleName=role_name)["Role"]
    principals = [s["Principal"].get("Service") for s in role["AssumeRolePolicyDocument"]["Statement"]]
    report.check(principals == ["vpc-flow-logs.amazonaws.com"], f"delivery role trusts {principals}")
    account = group["arn"].split(":")[4] if group else ""
    conditions = [s.get("Condition", {}) for s in role["AssumeRolePolicyDocument"]["Statement"]]
    report.check(
        bool(account) and all(c.get("StringEquals", {}).get("aws:SourceAccount") == account for c in conditions),
        f"the delivery role may serve another account's flow logs (no aws:SourceAccount {account}): {conditions}",
    )
    resources = []
    for policy_name in api["iam"].list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = api["iam"].get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        for statement in document["Statement"]:
            listed = statement["Resource"]
            resources.extend([listed] if isinstance(listed, str) else listed)
    # The defect this guards against: a role allowed on one group while the flow log writes to another.
    report.check(
        bool(resources) and all(f":log-group:{group_name}" in r for r in resources),
        f"delivery role may write to {resources}, not only to {group_name}",
    )


def check_present(api, args, report: Report) -> None:
    vpc = check_vpc(api["ec2"], args.environment, report)
    if vpc is None:
        return
    by_tier = check_subnets(api["ec2"], vpc["VpcId"], args.az_count, report)
    check_gateways_and_routes(api["ec2"], vpc["VpcId"], by_tier, args.nat, report)
    check_security_groups(api["ec2"], args, vpc["VpcId"], report)
    check_flow_log(api, args.environment, vpc["VpcId"], report)


def leftovers(api) -> dict[str, list]:
    """Everything of the kinds the collection creates that is not AWS's own default: teardown must leave
    nothing at all behind in a test account."""
    ec2 = api["ec2"]
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")}

    def not_default(items: list[dict]) -> list[dict]:
        return [item for item in items if item.get("VpcId") not in default_vpcs]

    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "subnets": [s["SubnetId"] for s in not_default(ec2.describe_subnets()["Subnets"])],
        "security_groups": [g["GroupId"] for g in not_default(ec2.describe_security_groups()["SecurityGroups"])],
        "internet_gateways": [g["InternetGatewayId"] for g in ec2.describe_internet_gateways()["InternetGateways"]],
        "nat_gateways": [
            n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted",)
        ],
        "elastic_ips": [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]],
        "route_tables": [t["RouteTableId"] for t in not_default(ec2.describe_route_tables()["RouteTables"])],
        "flow_logs": [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]],
        "log_groups": [g["logGroupName"] for g in api["logs"].describe_log_groups()["logGroups"]],
        "iam_roles": [r["RoleName"] for r in api["iam"].list_roles()["Roles"]],
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--az-count", type=int, default=2)
    parser.add_argument("--nat", choices=["per_az", "single"], default="per_az")
    parser.add_argument("--database-engine", choices=sorted(DATABASE_PORTS), default="aurora-postgresql")
    parser.add_argument("--cache-engines", nargs="+", choices=sorted(CACHE_PORTS), default=["valkey"])
    parser.add_argument("--cache-serverless", action="store_true", help="a cache is serverless (reader ports)")
    parser.add_argument(
        "--alb-ingress", choices=["internet", "cdn"], default="internet",
        help="who reaches the load balancer: the internet, or CloudFront's origin-facing prefix list (CDN on)",
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return cli.run(cli.Tier(__doc__, add_arguments, clients, check_present, lambda api, _args: leftovers(api)), argv)


if __name__ == "__main__":
    sys.exit(main())
