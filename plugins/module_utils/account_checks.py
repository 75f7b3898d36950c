# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of account_preflight, one function per kind; each records findings on the Account it is given.

The region is checked first and the zones next: the instance types are checked in the zones the network will use.
"""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.lms.moodle.plugins.module_utils.account import (
    Account,
    Unanswered,
    arn_region,
    bucket_name_problem,
    shown,
)
from ansible_collections.lms.moodle.plugins.module_utils.route53_site import claim_problem, public_zone_id, read_site

ZONE_ID = re.compile(r"^[a-z]{2,5}[0-9]+-az[0-9]+$")


def region(account: Account, variable: str) -> bool:
    """The region exists and is enabled for the account; False stops the other checks (they would all fail)."""
    # Asked in the partition's oldest region: a region that does not exist has no endpoint to ask.
    home = (
        "cn-north-1"
        if account.region.startswith("cn-")
        else "us-gov-west-1"
        if account.region.startswith("us-gov-")
        else "us-east-1"
    )
    try:
        regions = account.call("ec2", "DescribeRegions", region=home, AllRegions=True)["Regions"]
    except Unanswered as reason:
        account.leave_unconfirmed(variable, account.region, str(reason))
        return True
    names = {item["RegionName"]: item.get("OptInStatus", "opt-in-not-required") for item in regions}
    enabled = [name for name, status in names.items() if status != "not-opted-in"]
    if account.region not in names:
        account.refuse(
            variable, account.region, f"'{account.region}' is not an AWS region; the account has {shown(enabled)}."
        )
        return False
    if names[account.region] == "not-opted-in":
        account.refuse(
            variable,
            account.region,
            f"'{account.region}' is not enabled for this account (opt in first, or use one of {shown(enabled)}).",
        )
        return False
    return True


def zones(account: Account, check: dict) -> None:
    """The zones named exist in the region (names, not zone IDs); or the region has as many as network_az_count."""
    variable, names, count = check["variable"], check["value"] or [], check["count"] or 0
    found = account.call(
        "ec2", "DescribeAvailabilityZones", Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}]
    )
    available = [zone["ZoneName"] for zone in found["AvailabilityZones"] if zone.get("State") == "available"]
    ids = {zone["ZoneId"]: zone["ZoneName"] for zone in found["AvailabilityZones"] if zone.get("ZoneId")}
    if not names:
        if len(available) < count:
            account.refuse(
                "network_az_count",
                count,
                f"is {count} but {account.region} offers {len(available)} zones ({shown(available)}).",
            )
            return
        account.zones = available[:count]
        return
    for name in names:
        if name in available:
            continue
        if name in ids:
            account.refuse(variable, names, f"lists the zone ID '{name}': give the zone's name, '{ids[name]}'.")
        elif ZONE_ID.match(name):
            account.refuse(
                variable, names, f"lists '{name}', a zone ID of another region: give zone names ({shown(available)})."
            )
        elif not name.startswith(account.region):
            account.refuse(
                variable,
                names,
                f"lists '{name}', which is not a zone of aws_region {account.region} (its zones: {shown(available)}).",
            )
        else:
            account.refuse(
                variable,
                names,
                f"lists '{name}', which {account.region} does not offer (its zones: {shown(available)}).",
            )
    if all(name in available for name in names):
        account.zones = list(names)[:count] if count else list(names)


def instance_type(account: Account, check: dict) -> None:
    """Offered in every zone the network will use (in the region, where the zones are not known here)."""
    variable, value = check["variable"], check["value"]
    where = set(account.zones or [account.region])
    missing = sorted(where - _offers(account, value).get(value, set()))
    if not missing:
        return
    family = value.split(".")[0]
    try:
        sizes = [name for name, places in _offers(account, f"{family}.*").items() if places >= where]
    except Unanswered:
        sizes = []
    place = f"the zones {', '.join(missing)}" if account.zones else account.region
    account.refuse(
        variable, value, f"'{value}' is not offered in {place}; {family} types offered there: {shown(sizes)}."
    )


def _offers(account: Account, pattern: str) -> dict[str, set[str]]:
    """The instance types matching pattern, each with the zones (or the region) of the network that offer it."""
    offers = account.pages(
        "ec2",
        "DescribeInstanceTypeOfferings",
        "InstanceTypeOfferings",
        LocationType="availability-zone" if account.zones else "region",
        Filters=[
            {"Name": "instance-type", "Values": [pattern]},
            {"Name": "location", "Values": account.zones or [account.region]},
        ],
    )
    where: dict[str, set[str]] = {}
    for offer in offers:
        where.setdefault(offer["InstanceType"], set()).add(offer["Location"])
    return where


def image(account: Account, check: dict) -> None:
    """The AMI exists in the region, is available, and is built for the instance type's architecture."""
    variable, value, architecture = check["variable"], check["value"], check.get("architecture")
    if not value:
        return
    try:
        images = account.call("ec2", "DescribeImages", ImageIds=[value])["Images"]
    except is_boto3_error_code(["InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "InvalidAMIID.Unavailable"]):
        images = []
    if not images:
        account.refuse(variable, value, f"'{value}' is not an AMI this account can launch in {account.region}.")
        return
    state, built_for = images[0].get("State", "available"), images[0].get("Architecture")
    if state != "available":
        account.refuse(variable, value, f"'{value}' is {state}; an instance starts only from an available AMI.")
    elif architecture and built_for and built_for != architecture:
        account.refuse(
            variable,
            value,
            f"'{value}' is an {built_for} image, but the instance type runs {architecture}: choose an {architecture} "
            "AMI, or leave it empty for the latest Debian 12.",
        )


def database(account: Account, check: dict) -> None:
    """The DB instance class is orderable for the engine (and the engine version, when one is pinned)."""
    variable, value, engine = check["variable"], check["value"], check["engine"]
    version, version_variable = check["version"] or "", check["version_variable"] or "database_engine_version"
    options = "DescribeOrderableDBInstanceOptions"
    page = {"PaginationConfig": {"PageSize": 100}}
    # moto's server ignores the DBInstanceClass filter (AWS applies it): the class is compared here as well, and pages
    # are read only up to the first match (moto's reply of all its ~1000 options costs it seconds of CPU per run).
    if account.first(
        "rds",
        options,
        "OrderableDBInstanceOptions",
        lambda option: option["DBInstanceClass"] == value and (not version or option["EngineVersion"] == version),
        Engine=engine,
        DBInstanceClass=value,
        Vpc=True,
        **_version(version),
        **page,
    ):
        return
    # Refused: read what was offered, to say which of the two settings is wrong and what to choose instead.
    with_class = [
        option
        for option in account.pages(
            "rds", options, "OrderableDBInstanceOptions", Engine=engine, DBInstanceClass=value, Vpc=True, **page
        )
        if option["DBInstanceClass"] == value
    ]
    if not with_class:
        offered = account.pages(
            "rds", options, "OrderableDBInstanceOptions", Engine=engine, Vpc=True, **_version(version), **page
        )
        account.refuse(
            variable,
            value,
            f"'{value}' is not orderable for {engine}{' ' + version if version else ''} in {account.region}; "
            f"classes offered: {shown(_same_family(value, [option['DBInstanceClass'] for option in offered]))}.",
        )
        return
    with_version = account.pages(
        "rds", options, "OrderableDBInstanceOptions", Engine=engine, EngineVersion=version, Vpc=True, **page
    )
    versions = shown(option["EngineVersion"] for option in with_class)
    if not with_version:
        account.refuse(
            version_variable,
            version,
            f"'{version}' is not a version of {engine} in {account.region}; versions offered with {value}: {versions}.",
        )
    else:
        account.refuse(
            version_variable,
            version,
            f"'{version}' of {engine} is not offered with {variable} '{value}'; versions offered with {value}: "
            f"{versions}; "
            f"classes offered with {version}: {shown(option['DBInstanceClass'] for option in with_version)}.",
        )


def _same_family(value: str, classes: list[str]) -> list[str]:
    """The classes of the family the user chose (db.r6g.*) when there are any: the likely intended one is there."""
    family = value.rsplit(".", 1)[0] + "."
    return [name for name in classes if name.startswith(family)] or classes


def _version(version: str) -> dict:
    return {"EngineVersion": version} if version else {}


def cache_engine_version(account: Account, check: dict) -> None:
    variable, value, engine = check["variable"], check["value"], check["engine"]
    found = account.pages("elasticache", "DescribeCacheEngineVersions", "CacheEngineVersions", Engine=engine)
    versions = [item["EngineVersion"] for item in found]
    # ElastiCache lists patch versions (7.1.0) where a cluster is created with the minor one (7.1).
    if any(item == value or item.startswith(f"{value}.") for item in versions):
        return
    account.refuse(
        variable,
        value,
        f"gives {engine} version '{value}', which ElastiCache does not offer in {account.region}; "
        f"versions: {shown(versions)}.",
    )


def ssl_policy(account: Account, check: dict) -> None:
    variable, value = check["variable"], check["value"]
    try:
        found = account.call("elbv2", "DescribeSSLPolicies", Names=[value])["SslPolicies"]
    except is_boto3_error_code("SSLPolicyNotFound"):
        found = []
    if found:
        return
    names = [policy["Name"] for policy in account.call("elbv2", "DescribeSSLPolicies")["SslPolicies"]]
    tls13 = [name for name in names if "TLS13" in name]
    account.refuse(variable, value, f"'{value}' is not an ELB security policy; for example: {shown(tls13 or names)}.")


def kms_key(account: Account, check: dict) -> None:
    variable, value = check["variable"], check["value"]
    if not value:
        return
    where = arn_region(value)
    if where and where != account.region:
        account.refuse(variable, value, f"is a key of {where}; the resources it encrypts are in {account.region}.")
        return
    try:
        key = account.call("kms", "DescribeKey", KeyId=value)["KeyMetadata"]
    except is_boto3_error_code("NotFoundException"):
        aliases = account.pages("kms", "ListAliases", "Aliases")
        names = [alias["AliasName"] for alias in aliases if not alias["AliasName"].startswith("alias/aws/")]
        account.refuse(
            variable,
            value,
            f"'{value}' is not a KMS key of this account in {account.region}; its aliases: {shown(names)}.",
        )
        return
    if key.get("KeyState") != "Enabled":
        account.refuse(variable, value, f"'{value}' is {key.get('KeyState')}: a key must be Enabled to encrypt.")


def hosted_zone(account: Account, check: dict) -> None:
    """A public hosted zone of that name exists (the zone is the domain's parent: the role's own preflight checks)."""
    variable, value = check["variable"], check["value"]
    if not value:
        return
    name = value.rstrip(".").lower() + "."
    zones = account.call("route53", "ListHostedZonesByName", DNSName=name, MaxItems="100")["HostedZones"]
    if any(zone["Name"].lower() == name and not zone.get("Config", {}).get("PrivateZone") for zone in zones):
        return
    public = [
        zone["Name"].rstrip(".")
        for zone in account.pages("route53", "ListHostedZones", "HostedZones")
        if not zone.get("Config", {}).get("PrivateZone")
    ]
    account.refuse(
        variable,
        value,
        f"'{value}' is not a public Route 53 hosted zone of this account; its public zones: {shown(public)}.",
    )


def certificate(account: Account, check: dict) -> None:
    variable, value = check["variable"], check["value"]
    if not value:
        return
    where = arn_region(value) or account.region
    try:
        found = account.call("acm", "DescribeCertificate", region=where, CertificateArn=value)["Certificate"]
    except is_boto3_error_code(["ResourceNotFoundException", "ValidationException"]):
        account.refuse(variable, value, f"'{value}' is not a certificate of this account in {where}.")
        return
    if found.get("Status") != "ISSUED":
        account.refuse(
            variable,
            value,
            f"'{value}' is {found.get('Status')}; a listener or distribution needs an ISSUED certificate.",
        )


def bucket(account: Account, check: dict) -> None:
    """The bucket name derived from the environment (with {account}) is valid and not another account's."""
    variable, value = check["variable"], check["value"]
    name = value.replace("{account}", account.account_id()) if "{account}" in value else value
    problem = bucket_name_problem(name)
    if problem:
        account.refuse(variable, value, f"makes the bucket name '{name}', which S3 refuses: it must have {problem}.")
        return
    try:
        account.call("s3", "HeadBucket", Bucket=name)
    except is_boto3_error_code(["404", "NoSuchBucket", "NotFound"]):
        pass  # free: the role creates it
    except is_boto3_error_code(["403", "AccessDenied", "Forbidden"]):
        account.refuse(variable, value, f"makes the bucket name '{name}', which another account owns: choose another.")


def site_record(account: Account, check: dict) -> None:
    """The site's name answers nothing yet, or answers as this environment's (its ownership record holds the owner
    tags): the dns role would otherwise point someone else's name at this environment half-way through the run."""
    variable, name, zone = check["variable"], check["value"], check.get("zone")
    if not name or not zone:
        return
    route53 = account.client("route53", "us-east-1")
    zone_id = account.answered("route53", "ListHostedZonesByName", lambda: public_zone_id(route53, zone))
    if zone_id is None:
        return  # the hosted_zone check refuses the zone
    site = account.answered("route53", "ListResourceRecordSets", lambda: read_site(route53, zone_id, name))
    problem = claim_problem(site, name, check.get("owner") or {})
    if problem:
        account.refuse(
            variable,
            name,
            f"'{name}' {problem}. Choose another name, delete those records, or set dns_take_over: true to point "
            "it at this environment.",
        )


CHECKS = {
    "zones": zones,
    "instance_type": instance_type,
    "image": image,
    "database": database,
    "cache_engine_version": cache_engine_version,
    "ssl_policy": ssl_policy,
    "kms_key": kms_key,
    "hosted_zone": hosted_zone,
    "certificate": certificate,
    "bucket": bucket,
    "site_record": site_record,
}
# Zones first: the instance types are checked where the network will put them.
ORDER = list(CHECKS)


def run(account: Account, region_variable: str, checks: list[dict]) -> None:
    """Every check once: two roles may hand over the same value (the hosted zone of certificate and dns)."""
    if not region(account, region_variable):
        return
    seen = []
    for kind in ORDER:
        for check in checks:
            key = [check.get(name) for name in ("check", "value", "engine", "version", "count")]
            if check["check"] == kind and key not in seen:
                seen.append(key)
                apply(account, check)


def apply(account: Account, check: dict) -> None:
    """One check; a read the account does not answer leaves its value unconfirmed, not refused."""
    try:
        CHECKS[check["check"]](account, check)
    except Unanswered as reason:
        account.leave_unconfirmed(check["variable"], check.get("value"), str(reason))
