"""Check the site's certificates and DNS records (ACM and Route 53) with boto3.

Used by the molecule ``aws`` scenarios and the pytest integration tests, like network_checks. What is
expected is the design: an issued, DNS-validated certificate of the site's name in the site's region on
the load balancer's HTTPS listener, and one in us-east-1 on the CloudFront distribution (the same one
when the site is in us-east-1); the validation record in the hosted zone; A and AAAA alias records to
the distribution (zone Z2FDTNDATAQYW2, no target-health evaluation), or an A alias record to the load
balancer (its canonical zone, target health evaluated) without a CDN.

    python -m tests.verify.site_checks --environment prod --region eu-west-1 --domain moodle.example.edu \\
        --zone example.edu --cdn
    python -m tests.verify.site_checks --environment prod --region eu-west-1 --zone example.edu --expect-empty
"""

from __future__ import annotations

import argparse
import sys

import boto3

from tests.verify import cli
from tests.verify.cli import Report

CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
CLOUDFRONT_REGION = "us-east-1"


def clients(region: str, endpoint_url: str | None) -> dict:
    def client(service: str, in_region: str):
        return boto3.client(service, region_name=in_region, endpoint_url=endpoint_url)

    return {
        "acm": client("acm", region),
        "acm_cloudfront": client("acm", CLOUDFRONT_REGION),
        "route53": client("route53", CLOUDFRONT_REGION),
        "elbv2": client("elbv2", region),
        "cloudfront": client("cloudfront", CLOUDFRONT_REGION),
    }


def certificates(acm, domain: str) -> list[dict]:
    found = []
    for summary in acm.list_certificates()["CertificateSummaryList"]:
        detail = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
        if domain in detail.get("SubjectAlternativeNames", [detail["DomainName"]]):
            tags = acm.list_tags_for_certificate(CertificateArn=detail["CertificateArn"]).get("Tags", [])
            found.append({**detail, "Tags": {t["Key"]: t.get("Value") for t in tags}})
    return found


def zone_id(route53, zone: str) -> str | None:
    for hosted in route53.list_hosted_zones()["HostedZones"]:
        if hosted["Name"].rstrip(".") == zone and not hosted.get("Config", {}).get("PrivateZone"):
            return hosted["Id"]
    return None


def records(route53, hosted_zone_id: str) -> list[dict]:
    return route53.list_resource_record_sets(HostedZoneId=hosted_zone_id)["ResourceRecordSets"]


def check_certificate(acm, args, region: str, report: Report) -> dict:
    found = [c for c in certificates(acm, args.domain) if c.get("Type") == "AMAZON_ISSUED"]
    report.check(
        len(found) == 1, f"expected one requested certificate of {args.domain} in {region}, found {len(found)}"
    )
    if not found:
        return {}
    cert = found[0]
    report.check(cert["Status"] == "ISSUED", f"certificate in {region} is {cert['Status']}, not ISSUED")
    options = cert.get("DomainValidationOptions", [])
    report.check(
        bool(options) and all(o.get("ValidationMethod") == "DNS" for o in options),
        f"certificate in {region} is not DNS-validated: {options}",
    )
    tags = cert["Tags"]
    report.check(
        tags.get("ManagedBy") == "lms.moodle" and tags.get("Environment") == args.environment,
        f"certificate in {region} lacks the owner tags: {tags}",
    )
    return cert


def validation_records(cert: dict) -> set[tuple[str, str]]:
    return {
        (o["ResourceRecord"]["Name"].rstrip("."), o["ResourceRecord"]["Value"].rstrip("."))
        for o in cert.get("DomainValidationOptions", [])
        if "ResourceRecord" in o
    }


def load_balancer(elbv2, environment: str) -> dict:
    balancers = elbv2.describe_load_balancers()["LoadBalancers"]
    return next((b for b in balancers if b["LoadBalancerName"] == f"{environment}-moodle"), {})


def distribution_of(cloudfront, domain: str) -> dict:
    items = cloudfront.list_distributions().get("DistributionList", {}).get("Items", [])
    return next((d for d in items if domain in d.get("Aliases", {}).get("Items", [])), {})


def check_present(api, args, report: Report) -> None:
    cert = check_certificate(api["acm"], args, args.region, report)
    cdn_cert = cert
    if args.cdn and args.region != CLOUDFRONT_REGION:
        cdn_cert = check_certificate(api["acm_cloudfront"], args, CLOUDFRONT_REGION, report)
    elif not args.cdn and args.region != CLOUDFRONT_REGION:
        extra = [c for c in certificates(api["acm_cloudfront"], args.domain) if c.get("Type") == "AMAZON_ISSUED"]
        report.check(not extra, "a us-east-1 certificate was requested although the CDN is off")

    balancer = load_balancer(api["elbv2"], args.environment)
    report.check(bool(balancer), f"no load balancer {args.environment}-moodle")
    if balancer and cert:
        listeners = api["elbv2"].describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
        https = [lst for lst in listeners if lst["Port"] == 443]
        used = {c["CertificateArn"] for lst in https for c in lst.get("Certificates", [])}
        report.check(
            used == {cert["CertificateArn"]}, f"HTTPS listener certificates {used} != {cert['CertificateArn']}"
        )

    distribution = distribution_of(api["cloudfront"], args.domain) if args.cdn else {}
    if args.cdn:
        report.check(bool(distribution), f"no CloudFront distribution with the alias {args.domain}")
        viewer = distribution.get("ViewerCertificate", {})
        report.check(
            viewer.get("ACMCertificateArn") == cdn_cert.get("CertificateArn")
            and viewer.get("SSLSupportMethod") == "sni-only",
            f"distribution certificate {viewer} is not the us-east-1 certificate {cdn_cert.get('CertificateArn')}",
        )

    hosted = zone_id(api["route53"], args.zone)
    report.check(hosted is not None, f"no public hosted zone {args.zone}")
    if hosted is None:
        return
    sets = records(api["route53"], hosted)
    cnames = {
        (r["Name"].rstrip("."), r["ResourceRecords"][0]["Value"].rstrip(".")) for r in sets if r["Type"] == "CNAME"
    }
    wanted = validation_records(cert) | validation_records(cdn_cert)
    report.check(bool(wanted) and wanted <= cnames, f"validation records {wanted} not all in the zone {cnames}")

    aliases = {r["Type"]: r.get("AliasTarget") for r in sets if r["Name"].rstrip(".") == args.domain}
    if args.cdn:
        target = {"DNSName": distribution.get("DomainName"), "HostedZoneId": CLOUDFRONT_ZONE_ID}
        for kind in ("A", "AAAA"):
            alias = aliases.get(kind) or {}
            report.check(
                alias.get("DNSName", "").rstrip(".") == target["DNSName"]
                and alias.get("HostedZoneId") == CLOUDFRONT_ZONE_ID
                and alias.get("EvaluateTargetHealth") is False,
                f"{kind} record of {args.domain} is {alias}, not an alias of the distribution {target}",
            )
    else:
        alias = aliases.get("A") or {}
        report.check(
            alias.get("DNSName", "").rstrip(".").lower() == balancer.get("DNSName", "").lower()
            and alias.get("HostedZoneId") == balancer.get("CanonicalHostedZoneId")
            and alias.get("EvaluateTargetHealth") is True,
            f"A record of {args.domain} is {alias}, not a health-evaluating alias of the load balancer",
        )
        report.check("AAAA" not in aliases, "an AAAA record points at the IPv4-only load balancer")


def leftovers(api, zones: tuple[str, ...] | None = None) -> dict[str, list]:
    """Requested certificates in the site's region and us-east-1, and every record of the given (user-owned)
    hosted zones, or of every zone when None, besides their own NS and SOA."""
    if zones is None:
        zones = tuple(z["Name"].rstrip(".") for z in api["route53"].list_hosted_zones()["HostedZones"])
    left = {
        "certificates": sorted(
            {
                s["CertificateArn"]
                for acm in (api["acm"], api["acm_cloudfront"])
                for s in acm.list_certificates()["CertificateSummaryList"]
            }
        ),
        "dns_records": [],
    }
    for zone in zones:
        hosted = zone_id(api["route53"], zone)
        if hosted:
            left["dns_records"] += [
                f"{r['Name']} {r['Type']}" for r in records(api["route53"], hosted) if r["Type"] not in ("NS", "SOA")
            ]
    return left


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", help="the site's name")
    parser.add_argument("--zone", help="the hosted zone of the site's name")
    parser.add_argument("--cdn", action="store_true", help="CloudFront is in front of the load balancer")


def main(argv: list[str] | None = None) -> int:
    def zone_leftovers(api, args):
        return leftovers(api, (args.zone,) if args.zone else ())

    return cli.run(cli.Tier(__doc__, add_arguments, clients, check_present, zone_leftovers), argv)


if __name__ == "__main__":
    sys.exit(main())
