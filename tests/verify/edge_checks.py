"""Check the edge tier of an environment (load balancer, access-log bucket, CloudFront) with boto3.

Used by the molecule ``aws`` scenario and the pytest integration tests, like data_checks. The expectations
are the decisions of the design (redirect to HTTPS with a certificate, TLS 1.3 policy, health check on
/healthz.php, 403 unless the origin-verify header is present, a private SSE-S3 bucket whose logs expire after
7 days, static routes cached, dynamic pages not), checked against what AWS reports. The origin-verify value is
compared with the secret's value, never printed.

    python -m tests.verify.edge_checks --environment demo --endpoint-url URL [--https] [--cdn|--no-cdn]
    python -m tests.verify.edge_checks --environment demo --expect-empty
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.verify import cli, network_checks
from tests.verify.network_checks import Report

SERVICES = ("elbv2", "s3", "sts", "secretsmanager", "cloudfront")
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
STATIC_PATHS = {
    "/theme/styles.php*",
    "/theme/javascript.php*",
    "/theme/image.php*",
    "/theme/font.php*",
    "/theme/yui_combo.php*",
    "/theme/yui_image.php*",
    "/lib/javascript.php*",
    "/lib/requirejs.php*",
}
HEADER = "X-Origin-Verify"
LOG_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
US_EAST_1_ELB_ACCOUNT = "arn:aws:iam::127311923021:root"


def clients(region: str, endpoint_url: str | None) -> dict:
    return network_checks.clients(region, endpoint_url, SERVICES)


def origin_secret(api, environment: str) -> str | None:
    try:
        return api["secretsmanager"].get_secret_value(SecretId=f"{environment}/moodle/origin-verify")["SecretString"]
    except api["secretsmanager"].exceptions.ResourceNotFoundException:
        return None


def check_target_group(api, environment: str, report: Report) -> dict:
    groups = api["elbv2"].describe_target_groups(Names=[f"{environment}-moodle-web"])["TargetGroups"]
    group = groups[0]
    expect = {
        "Protocol": "HTTP",
        "Port": 80,
        "HealthCheckPath": "/livez.php",
        "HealthCheckIntervalSeconds": 15,
        "HealthCheckTimeoutSeconds": 5,
        "HealthyThresholdCount": 2,
        "UnhealthyThresholdCount": 3,
        "Matcher": {"HttpCode": "200"},
    }
    for key, value in expect.items():
        report.check(group.get(key) == value, f"target group {key} is {group.get(key)!r}, expected {value!r}")
    attributes = api["elbv2"].describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"])["Attributes"]
    attributes = {a["Key"]: a["Value"] for a in attributes}
    report.check(attributes.get("deregistration_delay.timeout_seconds") == "60", "deregistration delay is not 60 s")
    report.check(attributes.get("stickiness.enabled", "false") == "false", "stickiness is on")
    return group


def check_serving(api, listener: dict, protected: bool, secret: str | None, report: Report) -> None:
    """The listener that serves: forward, or 403 unless the origin-verify header carries the secret."""
    actions = [a["Type"] for a in listener["DefaultActions"]]
    rules = [r for r in api["elbv2"].describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r["IsDefault"]]
    port = listener["Port"]
    if not protected:
        report.check(actions == ["forward"], f"listener {port} default is {actions}, expected forward")
        report.check(not rules, f"listener {port} has rules {rules}")
        return
    fixed = listener["DefaultActions"][0].get("FixedResponseConfig", {})
    report.check(actions == ["fixed-response"] and fixed.get("StatusCode") == "403", f"listener {port} is not 403")
    report.check(len(rules) == 1, f"listener {port} has {len(rules)} rules, expected the origin-verify rule")
    for rule in rules:
        condition = rule["Conditions"][0].get("HttpHeaderConfig", {})
        report.check(condition.get("HttpHeaderName") == HEADER, f"rule header is {condition.get('HttpHeaderName')}")
        report.check(secret is not None and condition.get("Values") == [secret], "rule value is not the secret's value")
        report.check([a["Type"] for a in rule["Actions"]] == ["forward"], "origin-verify rule does not forward")


def check_listeners(api, lb_arn: str, args, secret: str | None, report: Report) -> None:
    listeners = {item["Port"]: item for item in api["elbv2"].describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]}
    protected = args.cdn
    if args.https:
        report.check(sorted(listeners) == [80, 443], f"listener ports {sorted(listeners)}, expected 80 and 443")
        http = listeners.get(80, {"DefaultActions": []})
        redirect = (http["DefaultActions"] or [{}])[0]
        config = redirect.get("RedirectConfig", {})
        report.check(redirect.get("Type") == "redirect", "HTTP listener does not redirect")
        report.check(config.get("Protocol") == "HTTPS" and config.get("StatusCode") == "HTTP_301", "not 301 to HTTPS")
        https = listeners.get(443)
        if https:
            report.check(https["Protocol"] == "HTTPS", "443 is not HTTPS")
            report.check(https.get("SslPolicy") == TLS_POLICY, f"TLS policy is {https.get('SslPolicy')}")
            report.check(bool(https.get("Certificates")), "HTTPS listener has no certificate")
            check_serving(api, https, protected, secret, report)
    else:
        report.check(sorted(listeners) == [80], f"listener ports {sorted(listeners)}, expected only 80")
        if 80 in listeners:
            check_serving(api, listeners[80], protected, secret, report)


def check_load_balancer(api, args, secret: str | None, report: Report) -> None:
    name = f"{args.environment}-moodle"
    balancers = api["elbv2"].describe_load_balancers(Names=[name])["LoadBalancers"]
    balancer = balancers[0]
    report.check(balancer["Scheme"] == "internet-facing", "load balancer is not internet-facing")
    report.check(balancer["Type"] == "application", "not an application load balancer")
    attributes = api["elbv2"].describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])
    attributes = {a["Key"]: a["Value"] for a in attributes["Attributes"]}
    report.check(attributes.get("deletion_protection.enabled") == "true", "deletion protection is off")
    expect = {
        "idle_timeout.timeout_seconds": "300",
        "access_logs.s3.enabled": "true",
        "access_logs.s3.bucket": bucket_name(api, args.environment),
        "access_logs.s3.prefix": "alb",
        "routing.http.drop_invalid_header_fields.enabled": "true",
    }
    for key, value in expect.items():
        # moto 5.2.5 cannot have these set by the stock module (the local platform leaves them); AWS always can.
        if not args.moto_attributes_missing:
            report.check(attributes.get(key) == value, f"load balancer {key} is {attributes.get(key)!r}")
    check_listeners(api, balancer["LoadBalancerArn"], args, secret, report)


def bucket_name(api, environment: str) -> str:
    return f"{environment}-moodle-alb-logs-{api['sts'].get_caller_identity()['Account']}"


def check_bucket(api, environment: str, region: str, report: Report) -> None:
    s3, name = api["s3"], bucket_name(api, environment)
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    algorithms = [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in rules]
    report.check(algorithms == ["AES256"], f"bucket encryption is {algorithms}, expected SSE-S3 (AES256)")
    block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    report.check(all(block.values()) and len(block) == 4, f"public access block is {block}")
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    days = [r.get("Expiration", {}).get("Days") for r in lifecycle if r["Status"] == "Enabled"]
    report.check(days == [7], f"log expiry is {days}, expected 7 days")
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    writers = [s["Principal"] for s in policy["Statement"] if s["Effect"] == "Allow" and s["Action"] == "s3:PutObject"]
    report.check({"Service": LOG_SERVICE} in writers, "bucket policy does not let the ELB service principal write")
    if region == "us-east-1":
        report.check({"AWS": US_EAST_1_ELB_ACCOUNT} in writers, "bucket policy lacks the us-east-1 ELB account")
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    report.check(
        any(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false" for s in denies),
        "bucket policy does not deny plain HTTP",
    )


def distributions(api, environment: str) -> list[dict]:
    items = api["cloudfront"].list_distributions()["DistributionList"].get("Items", [])
    return [d for d in items if d["Comment"].startswith(f"Moodle {environment} ")]


def check_behaviours(config: dict, https: bool, report: Report) -> None:
    default = config["DefaultCacheBehavior"]
    report.check(default["ViewerProtocolPolicy"] == "redirect-to-https", "default behaviour does not redirect")
    report.check(default.get("CachePolicyId") == CACHING_DISABLED, "dynamic pages are cached (not CachingDisabled)")
    report.check(default.get("OriginRequestPolicyId") == ALL_VIEWER, "default origin request policy is not AllViewer")
    report.check(default["AllowedMethods"]["Quantity"] == 7, "default behaviour does not allow every method")
    report.check(default.get("Compress") is True, "default behaviour does not compress")
    behaviours = {b["PathPattern"]: b for b in config.get("CacheBehaviors", {}).get("Items", [])}
    report.check(set(behaviours) == STATIC_PATHS, f"static behaviours are {sorted(behaviours)}")
    for path, behaviour in behaviours.items():
        forwarded = behaviour.get("ForwardedValues", {})
        report.check(sorted(behaviour["AllowedMethods"]["Items"]) == ["GET", "HEAD"], f"{path} allows more than GET")
        report.check(forwarded.get("QueryString") is True, f"{path} drops the query string from the cache key")
        report.check(forwarded.get("Cookies", {}).get("Forward") == "none", f"{path} forwards cookies")
        # Over HTTPS the load balancer's certificate is checked against the forwarded Host (its own name is AWS's).
        headers = forwarded.get("Headers", {}).get("Items", [])
        report.check(headers == (["Host"] if https else []), f"{path} forwards the headers {headers}")
        report.check(behaviour.get("MaxTTL", 0) >= 86400 and behaviour.get("DefaultTTL", 0) > 0, f"{path} not cached")
        report.check(behaviour["ViewerProtocolPolicy"] == "redirect-to-https", f"{path} does not redirect")
        report.check(behaviour.get("Compress") is True, f"{path} does not compress")


def check_distribution(api, args, secret: str | None, report: Report) -> None:
    found = distributions(api, args.environment)
    report.check(len(found) == (1 if args.cdn else 0), f"{len(found)} distributions, expected {int(args.cdn)}")
    if not args.cdn or len(found) != 1:
        return
    config = api["cloudfront"].get_distribution_config(Id=found[0]["Id"])["DistributionConfig"]
    report.check(config["HttpVersion"] == "http2and3", f"HTTP version is {config['HttpVersion']}")
    report.check(config["IsIPV6Enabled"] is True, "IPv6 is off")
    report.check(config["ViewerCertificate"].get("MinimumProtocolVersion") == "TLSv1.2_2021", "minimum TLS")
    origins = config["Origins"]["Items"]
    report.check(len(origins) == 1, f"{len(origins)} origins, expected the load balancer only")
    origin = origins[0]
    lb = api["elbv2"].describe_load_balancers(Names=[f"{args.environment}-moodle"])["LoadBalancers"][0]
    report.check(origin["DomainName"] == lb["DNSName"], "origin is not the load balancer")
    custom = origin["CustomOriginConfig"]
    policy = "https-only" if args.https else "http-only"
    report.check(custom["OriginProtocolPolicy"] == policy, f"origin protocol {custom['OriginProtocolPolicy']}")
    report.check(custom["OriginReadTimeout"] == 60, f"origin read timeout {custom['OriginReadTimeout']}")
    headers = {h["HeaderName"]: h["HeaderValue"] for h in origin.get("CustomHeaders", {}).get("Items", [])}
    report.check(HEADER in headers, "origin does not send the origin-verify header")
    report.check(secret is not None and headers.get(HEADER) == secret, "origin header is not the secret's value")
    check_behaviours(config, args.https, report)


def check_present(api, args, report: Report) -> None:
    secret = origin_secret(api, args.environment)
    report.check((secret is not None) == args.cdn, "origin-verify secret exists without the CDN, or is missing")
    check_target_group(api, args.environment, report)
    check_load_balancer(api, args, secret, report)
    check_bucket(api, args.environment, args.region, report)
    check_distribution(api, args, secret, report)


def leftovers(api) -> dict[str, list]:
    """Everything of the edge kinds the collection creates."""
    elbv2 = api["elbv2"]
    secrets = api["secretsmanager"].list_secrets(IncludePlannedDeletion=False)["SecretList"]
    items = api["cloudfront"].list_distributions()["DistributionList"].get("Items", [])
    return {
        "load_balancers": [b["LoadBalancerName"] for b in elbv2.describe_load_balancers()["LoadBalancers"]],
        "target_groups": [g["TargetGroupName"] for g in elbv2.describe_target_groups()["TargetGroups"]],
        "buckets": [b["Name"] for b in api["s3"].list_buckets().get("Buckets", [])],
        "distributions": [d["Id"] for d in items],
        "origin_verify_secrets": [s["Name"] for s in secrets if s["Name"].endswith("/moodle/origin-verify")],
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--https", action="store_true", help="the load balancer has a certificate")
    parser.add_argument("--cdn", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--moto-attributes-missing",
        action="store_true",
        help="skip ALB attributes that moto omits (load_balancer_manage_attributes off on the local platform)",
    )


def main(argv: list[str] | None = None) -> int:
    return cli.run(cli.Tier(__doc__, add_arguments, clients, check_present, lambda api, _args: leftovers(api)), argv)


if __name__ == "__main__":
    sys.exit(main())
