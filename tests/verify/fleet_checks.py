"""Check the web fleet of an environment (IAM, artifact bucket, launch template, Auto Scaling, scaling) with boto3.

Used by the molecule ``aws`` scenario and the pytest integration tests, like data_checks. The expectations are
the design's and the reference's (04-web): IMDSv2 required, an encrypted gp3 root, detailed monitoring, no key
pair, the AMI of the instance type's architecture, ELB health checks, the group in the app subnets, +1/-1
scaling on 75 %/25 % CPU over 3 x 60 s, a private TLS-only artifact bucket and an instance policy without a
``*`` resource. They are checked against what AWS reports, not against the playbook's input.

    python -m tests.verify.fleet_checks --environment demo --endpoint-url URL [--ami-id ami-...] \\
        [--min 2 --max 4 --desired 2] [--grace 300] [--scaling simple|target_tracking]
    python -m tests.verify.fleet_checks --environment demo --endpoint-url URL --expect-empty
"""

from __future__ import annotations

import argparse
import base64
import json
import sys

from tests.verify import cli, network_checks
from tests.verify.network_checks import Report, owner_filters

SERVICES = ("ec2", "iam", "s3", "autoscaling", "cloudwatch", "logs", "ssm", "sts", "elbv2")
DEBIAN_PARAMETER = "/aws/service/debian/release/bookworm/latest/{}"
# The reference's alarms (04-web CPUAlarmHigh / CPUAlarmLow) and their policies' adjustments.
ALARMS = {
    "cpu-high": ("GreaterThanThreshold", 75.0, "scale-out", 1),
    "cpu-low": ("LessThanThreshold", 25.0, "scale-in", -1),
}
# The SSM agent's actions, which accept no resource narrower than "*" and reach no parameter or secret; anything
# else must be scoped. ssm:GetParameter(s) on "*" (in AmazonSSMManagedInstanceCore) is what must not come back.
READINESS_NAMESPACE = "LMS/Moodle"
STAR_ALLOWED = {
    "cloudwatch:PutMetricData",
    "ssm:UpdateInstanceInformation", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:DescribeAssociation",
    "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:GetDocument", "ssm:DescribeDocument",
    "ssm:PutInventory", "ssm:PutComplianceItems",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint",
    "ec2messages:GetMessages", "ec2messages:SendReply",
}  # fmt: skip
# The secrets a node reads, by name under <environment>/moodle/: not the administrator's nor the origin-verify value.
NODE_SECRETS = ("database", "cache/session", "cache/application")


def clients(region: str, endpoint_url: str | None) -> dict:
    return network_checks.clients(region, endpoint_url, SERVICES)


def statements(document) -> list[dict]:
    document = json.loads(document) if isinstance(document, str) else document
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def check_iam(api, environment: str, report: Report) -> None:
    name = f"{environment}-moodle-web"
    iam = api["iam"]
    role = iam.get_role(RoleName=name)["Role"]
    trust = statements(role["AssumeRolePolicyDocument"])
    report.check(
        [s["Principal"].get("Service") for s in trust] == ["ec2.amazonaws.com"], f"role trust is not EC2: {trust}"
    )
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]]
    report.check(attached == [], f"managed policies {attached}: each grants more than the node's own (none expected)")
    inline = iam.list_role_policies(RoleName=name)["PolicyNames"]
    report.check(len(inline) == 1, f"inline policies {inline}")
    actions: dict[str, list[str]] = {}
    conditions: dict[str, dict] = {}
    for policy in inline:
        for statement in statements(iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]):
            report.check(statement["Effect"] == "Allow", f"statement {statement.get('Sid')} is not an Allow")
            for action in as_list(statement["Action"]):
                actions[action] = as_list(statement["Resource"])
                conditions[action] = statement.get("Condition", {})
                stars = [r for r in actions[action] if r == "*" or r.endswith(":*:*")]
                report.check(not stars or action in STAR_ALLOWED, f"{action} on a '*' resource")
                report.check("*" not in action, f"wildcard action {action}")
    # PutMetricData takes no resource: only its condition keeps the nodes to their readiness namespace.
    namespace = conditions.get("cloudwatch:PutMetricData", {}).get("StringEquals", {}).get("cloudwatch:namespace")
    report.check(namespace == READINESS_NAMESPACE, f"cloudwatch:PutMetricData is limited to namespace {namespace!r}")
    account = api["sts"].get_caller_identity()["Account"]
    check_scopes(actions, environment, account, report)
    profiles = iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]
    report.check([p["InstanceProfileName"] for p in profiles] == [name], f"instance profiles of the role: {profiles}")


def check_scopes(actions: dict[str, list[str]], environment: str, account: str, report: Report) -> None:
    """Each granted action is scoped to this environment's resources."""
    bucket = f"arn:aws:s3:::{environment}-moodle-artifacts-{account}"
    expected_suffixes = {
        "ssm:GetParameter": f":parameter/{environment}/moodle/*",
        "ssm:GetParametersByPath": f":parameter/{environment}/moodle",
        "s3:GetObject": f"{bucket}/*",
        "s3:ListBucket": bucket,
        "logs:PutLogEvents": f":log-group:/{environment}/moodle/web:*",
    }
    for action, suffix in expected_suffixes.items():
        resources = actions.get(action, [])
        report.check(bool(resources), f"{action} is not granted")
        report.check(any(r.endswith(suffix) for r in resources), f"{action} is on {resources}, expected …{suffix}")
        report.check(
            all(environment in r for r in resources), f"{action} reaches beyond environment {environment}: {resources}"
        )
    secrets = {r.split(":secret:", 1)[-1] for r in actions.get("secretsmanager:GetSecretValue", [])}
    wanted = {f"{environment}/moodle/{name}-??????" for name in NODE_SECRETS}
    report.check(secrets == wanted, f"the nodes read the secrets {sorted(secrets)}, expected exactly {sorted(wanted)}")
    for action in ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue"):
        report.check(
            all(environment in r for r in actions.get(action, [])),
            f"{action} on {actions.get(action)}: beyond the environment",
        )
    unexpected = sorted(
        a
        for a in actions
        if a.split(":")[0] not in ("ssm", "secretsmanager", "s3", "logs", "ssmmessages", "ec2messages")
        and a != "cloudwatch:PutMetricData"
    )
    report.check(not unexpected, f"unexpected actions {unexpected}")
    writes = sorted(a for a in actions if a.startswith("s3:") and not a.startswith(("s3:Get", "s3:List")))
    report.check(not writes, f"the nodes can write to S3: {writes}")


def check_bucket(api, environment: str, report: Report, plain_http: bool = False) -> None:
    s3 = api["s3"]
    account = api["sts"].get_caller_identity()["Account"]
    bucket = f"{environment}-moodle-artifacts-{account}"
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    algorithms = [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules]
    report.check(algorithms and all(a in ("AES256", "aws:kms") for a in algorithms), f"bucket encryption {algorithms}")
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    report.check(all(block.values()) and len(block) == 4, f"public access block {block}")
    versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    report.check(versioning == "Enabled", f"bucket versioning {versioning}")
    # The SSM connection's transfers (config.php among them) under <instance id>/, deleted versions included.
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    transfers = [
        r for r in rules if r.get("Filter", {}).get("Prefix", r.get("Prefix")) == "i-" and r["Status"] == "Enabled"
    ]
    report.check(
        bool(transfers)
        and transfers[0].get("Expiration", {}).get("Days") == 1
        and transfers[0].get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") == 1,
        f"no rule expires the SSM transfers (prefix i-) and their old versions within a day: {rules}",
    )
    if plain_http:
        # web_fleet_bucket_require_tls=false (a plain-HTTP stand-in such as moto): no policy at all.
        try:
            s3.get_bucket_policy(Bucket=bucket)
            report.check(False, "the bucket has a policy although web_fleet_bucket_require_tls is false")
        except s3.exceptions.ClientError as error:
            report.check(error.response["Error"]["Code"] == "NoSuchBucketPolicy", f"bucket policy: {error}")
        return
    policy = statements(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    tls = [
        s
        for s in policy
        if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
    ]
    report.check(bool(tls), "the bucket policy does not deny plain HTTP")
    report.check(all(s["Effect"] == "Deny" for s in policy), "the bucket policy allows something")


def architecture(api, instance_type: str) -> str:
    info = api["ec2"].describe_instance_types(InstanceTypes=[instance_type])["InstanceTypes"][0]
    return "arm64" if "arm64" in info["ProcessorInfo"]["SupportedArchitectures"] else "x86_64"


def check_template(api, args, report: Report) -> dict:
    name = f"{args.environment}-moodle-web"
    ec2 = api["ec2"]
    versions = ec2.describe_launch_template_versions(LaunchTemplateName=name, Versions=["$Latest"])
    version = versions["LaunchTemplateVersions"][0]
    data = version["LaunchTemplateData"]
    metadata = data.get("MetadataOptions", {})
    report.check(metadata.get("HttpTokens") == "required", f"IMDS tokens {metadata.get('HttpTokens')}, not required")
    report.check(metadata.get("HttpPutResponseHopLimit") in (1, 2), f"IMDS hop limit {metadata}")
    report.check(metadata.get("HttpEndpoint", "enabled") == "enabled", "IMDS endpoint disabled")
    mappings = data.get("BlockDeviceMappings", [])
    root = next((m["Ebs"] for m in mappings if m["DeviceName"] == "/dev/xvda"), {})
    report.check(root.get("Encrypted") is True, f"root volume not encrypted: {root}")
    report.check(root.get("VolumeType") == "gp3", f"root volume type {root.get('VolumeType')}")
    report.check(root.get("VolumeSize") == args.root_size, f"root volume size {root.get('VolumeSize')}")
    report.check(data.get("Monitoring", {}).get("Enabled") is True, "detailed monitoring is off")
    report.check("KeyName" not in data, f"the template has a key pair {data.get('KeyName')}")
    report.check(data.get("IamInstanceProfile", {}).get("Arn", "").endswith(f"instance-profile/{name}"), "profile")
    check_ami(api, data, args, report)
    user_data = base64.b64decode(data.get("UserData", "")).decode()
    report.check(user_data.startswith("#!/bin/bash\n"), "user data is not a bash script")
    report.check("set -euo pipefail" in user_data, "user data does not stop on errors")
    report.check(f"readonly ENVIRONMENT={args.environment}\n" in user_data, "user data does not carry the environment")
    report.check("lms.moodle.node" in user_data, "user data does not run the host playbook")
    groups = data.get("SecurityGroupIds", [])
    web = api["ec2"].describe_security_groups(GroupIds=groups)["SecurityGroups"] if groups else []
    report.check(len(web) == 1, f"the nodes are in {len(web)} security groups")
    return version


def check_ami(api, data: dict, args, report: Report) -> None:
    arch = architecture(api, data["InstanceType"])
    image_id = data.get("ImageId", "")
    if args.ami_id:
        report.check(image_id == args.ami_id, f"AMI {image_id}, expected the pinned {args.ami_id}")
    else:
        parameter = DEBIAN_PARAMETER.format("arm64" if arch == "arm64" else "amd64")
        report.check(image_id == f"resolve:ssm:{parameter}", f"AMI {image_id}, expected Debian's {parameter}")
        return
    images = api["ec2"].describe_images(ImageIds=[image_id])["Images"] if image_id.startswith("ami-") else []
    report.check(bool(images) and images[0]["Architecture"] == arch, f"AMI {image_id} is not {arch}")


def check_group(api, args, version: dict, report: Report) -> dict:
    name = f"{args.environment}-moodle-web"
    groups = api["autoscaling"].describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    report.check(len(groups) == 1, f"expected Auto Scaling group {name}")
    if not groups:
        return {}
    group = groups[0]
    sizes = (group["MinSize"], group["DesiredCapacity"], group["MaxSize"])
    report.check(sizes == (args.min, args.desired, args.max), f"min/desired/max {sizes}")
    report.check(group["HealthCheckType"] == "ELB", f"health check type {group['HealthCheckType']}")
    report.check(group["HealthCheckGracePeriod"] == args.grace, f"grace period {group['HealthCheckGracePeriod']}")
    template = group.get("LaunchTemplate", {})
    report.check(
        template.get("Version") == str(version["VersionNumber"]),
        f"group pinned to version {template.get('Version')}, latest is {version['VersionNumber']}",
    )
    app = network_checks_app_subnets(api, args)
    subnets = set(group["VPCZoneIdentifier"].split(","))
    report.check(subnets == app, f"group subnets {sorted(subnets)}, app subnets {sorted(app)}")
    arns = group.get("TargetGroupARNs", [])
    report.check(len(arns) == 1, f"target groups {arns}")
    names = [t["Key"] for t in group.get("Tags", []) if t["Key"] == "Name" and t["PropagateAtLaunch"]]
    report.check(names == ["Name"], "the Name tag is not propagated to the instances")
    return group


def network_checks_app_subnets(api, args) -> set[str]:
    if args.app_subnets:
        return set(args.app_subnets)
    filters = [*owner_filters(args.environment), {"Name": "tag:Tier", "Values": ["app"]}]
    return {s["SubnetId"] for s in api["ec2"].describe_subnets(Filters=filters)["Subnets"]}


def check_scaling(api, args, report: Report) -> None:
    name = f"{args.environment}-moodle-web"
    policies = {
        p["PolicyName"]: p for p in api["autoscaling"].describe_policies(AutoScalingGroupName=name)["ScalingPolicies"]
    }
    alarms = {a["AlarmName"]: a for a in api["cloudwatch"].describe_alarms(AlarmNamePrefix=name)["MetricAlarms"]}
    if args.scaling == "target_tracking":
        report.check(list(policies) == [f"{name}-cpu-target"], f"policies {list(policies)}")
        config = policies.get(f"{name}-cpu-target", {}).get("TargetTrackingConfiguration", {})
        metric = config.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType")
        report.check(metric == "ASGAverageCPUUtilization", f"target tracking metric {metric}")
        report.check(not alarms, f"alarms of the simple mode left: {list(alarms)}")
        return
    report.check(sorted(policies) == sorted(f"{name}-{p[2]}" for p in ALARMS.values()), f"policies {list(policies)}")
    for suffix, (comparison, threshold, policy_suffix, adjustment) in ALARMS.items():
        alarm = alarms.get(f"{name}-{suffix}", {})
        policy = policies.get(f"{name}-{policy_suffix}", {})
        report.check(policy.get("AdjustmentType") == "ChangeInCapacity", f"{policy_suffix} adjustment type")
        report.check(policy.get("ScalingAdjustment") == adjustment, f"{policy_suffix} adjustment")
        report.check(policy.get("Cooldown") == 300, f"{policy_suffix} cooldown {policy.get('Cooldown')}")
        expect = {
            "Namespace": "AWS/EC2",
            "MetricName": "CPUUtilization",
            "Statistic": "Average",
            "ComparisonOperator": comparison,
            "Threshold": threshold,
            "Period": 60,
            "EvaluationPeriods": 3,
        }
        for key, value in expect.items():
            report.check(alarm.get(key) == value, f"alarm {suffix} {key} is {alarm.get(key)!r}, expected {value!r}")
        dimensions = alarm.get("Dimensions", [])
        report.check(dimensions == [{"Name": "AutoScalingGroupName", "Value": name}], f"{suffix} dimensions")
        report.check(alarm.get("AlarmActions") == [policy.get("PolicyARN")], f"{suffix} does not trigger its policy")


def check_dependency_alarms(api, environment: str, report: Report) -> None:
    """An alarm per shared dependency on the nodes' readiness: it fires when no node reaches the dependency for 3 x 60 s
    and acts on nothing (no scaling policy, no replacement): it notifies, and here nothing is given to notify."""
    for dependency in ("db", "session"):
        name = f"{environment}-moodle-dependency-{dependency}"
        alarms = api["cloudwatch"].describe_alarms(AlarmNames=[name])["MetricAlarms"]
        report.check(len(alarms) == 1, f"alarm {name} missing")
        alarm = alarms[0] if alarms else {}
        expect = {
            "Namespace": READINESS_NAMESPACE,
            "MetricName": "DependencyReady",
            "Statistic": "Maximum",
            "ComparisonOperator": "LessThanThreshold",
            "Threshold": 1.0,
            "Period": 60,
            "EvaluationPeriods": 3,
            "AlarmActions": [],
        }
        for key, value in expect.items():
            report.check(alarm.get(key) == value, f"alarm {name} {key} is {alarm.get(key)!r}, expected {value!r}")
        dimensions = sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions", []))
        report.check(
            dimensions == [("Dependency", dependency), ("Environment", environment)], f"{name} dimensions {dimensions}"
        )


def check_logs(api, environment: str, report: Report) -> None:
    name = f"/{environment}/moodle/web"
    groups = [
        g for g in api["logs"].describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name
    ]
    report.check(len(groups) == 1, f"log group {name} missing")
    report.check(bool(groups) and groups[0].get("retentionInDays") == 30, f"log group retention {groups}")


def check_present(api, args, report: Report) -> None:
    check_iam(api, args.environment, report)
    check_bucket(api, args.environment, report, getattr(args, "plain_http_bucket", False))
    check_logs(api, args.environment, report)
    version = check_template(api, args, report)
    check_group(api, args, version, report)
    check_scaling(api, args, report)
    check_dependency_alarms(api, args.environment, report)


def leftovers(api) -> dict[str, list]:
    """Everything of the kinds the web_fleet role creates (IAM roles and log groups: see network_checks)."""
    asg = api["autoscaling"]
    instances = [
        i["InstanceId"]
        for r in api["ec2"].describe_instances()["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] not in ("terminated", "shutting-down")
    ]
    return {
        "autoscaling_groups": [
            g["AutoScalingGroupName"] for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]
        ],
        "scaling_policies": [p["PolicyName"] for p in asg.describe_policies()["ScalingPolicies"]],
        "launch_templates": [
            t["LaunchTemplateName"] for t in api["ec2"].describe_launch_templates()["LaunchTemplates"]
        ],
        "instances": instances,
        "metric_alarms": [a["AlarmName"] for a in api["cloudwatch"].describe_alarms()["MetricAlarms"]],
        "instance_profiles": [
            p["InstanceProfileName"] for p in api["iam"].list_instance_profiles()["InstanceProfiles"]
        ],
        "buckets": [b["Name"] for b in api["s3"].list_buckets()["Buckets"]],
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ami-id", help="the pinned AMI (web_fleet_ami_id); without it, Debian's SSM parameter")
    parser.add_argument("--min", type=int, default=2)
    parser.add_argument("--max", type=int, default=4)
    parser.add_argument("--desired", type=int, default=2)
    parser.add_argument("--grace", type=int, default=300)
    parser.add_argument("--root-size", type=int, default=20)
    parser.add_argument("--scaling", choices=["simple", "target_tracking"], default="simple")
    parser.add_argument("--app-subnets", nargs="*", help="the app subnets (default: the network role's, by tag)")
    parser.add_argument(
        "--plain-http-bucket", action="store_true", help="web_fleet_bucket_require_tls=false: expect no bucket policy"
    )


def main(argv: list[str] | None = None) -> int:
    return cli.run(cli.Tier(__doc__, add_arguments, clients, check_present, lambda api, _args: leftovers(api)), argv)


if __name__ == "__main__":
    sys.exit(main())
