"""The account preflight: values only the AWS account can confirm are refused before the first change.

Runs the real playbooks against a real moto server. moto's request recorder proves that only read calls (Describe,
List, Get, Head) were made: nothing was created or changed. The region, zones, instance types, DB classes and
versions, TLS policies, KMS keys, hosted zones and certificates come from moto's own data and state (the cache engine
versions do not: moto lacks DescribeCacheEngineVersions, see tests/unit/plugins/module_utils/test_account.py and
docs/account-preflight.md).
"""

from __future__ import annotations

import pytest
import yaml

from tests.ansible_env import ROOT
from tests.integration.refusals import assert_account_refused, merged, pack

VALID = {"moodle_environment": "validation"}
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

ACCOUNT_REFUSES = [
    # Passes the format check; only the account knows it is not a region.
    pytest.param({"aws_region": "eu-wset-1"}, "aws_region", id="region-that-does-not-exist"),
    pytest.param(
        {"network_availability_zones": ["eu-west-1a", "eu-west-1b"]},
        "network_availability_zones",
        id="zones-of-another-region",
    ),
    pytest.param(
        {"network_availability_zones": ["use1-az1", "use1-az2"]}, "network_availability_zones", id="zone-ids-not-names"
    ),
    pytest.param(
        {"network_availability_zones": ["us-east-1a", "us-east-1q"]},
        "network_availability_zones",
        id="zone-that-does-not-exist",
    ),
    pytest.param(
        {"web_fleet_instance_type": "c7g.24xlarge"}, "web_fleet_instance_type", id="instance-type-not-offered"
    ),
    # One of moto's own AMIs, built for x86_64: the default instance type (c7g) is Graviton, arm64.
    pytest.param({"web_fleet_ami_id": "ami-03cf127a"}, "web_fleet_ami_id", id="ami-of-another-architecture"),
    pytest.param({"database_engine_version": "16.99"}, "database_engine_version", id="engine-version-not-orderable"),
    pytest.param({"database_instance_class": "db.r6g.huge"}, "database_instance_class", id="db-class-not-orderable"),
    pytest.param(
        {"load_balancer_ssl_policy": "ELBSecurityPolicy-TLS13-2099"},
        "load_balancer_ssl_policy",
        id="tls-policy-unknown",
    ),
    pytest.param({"database_kms_key_id": "alias/moodle-data"}, "database_kms_key_id", id="kms-alias-missing"),
    pytest.param(
        {"file_system_kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"},
        "file_system_kms_key_id",
        id="kms-key-of-another-region",
    ),
    pytest.param(
        {"moodle_domain_name": "moodle.example.edu", "moodle_hosted_zone": "example.edu"},
        "moodle_hosted_zone",
        id="hosted-zone-missing",
    ),
    pytest.param({"load_balancer_certificate_arn": CERT}, "load_balancer_certificate_arn", id="certificate-missing"),
]


@pytest.mark.parametrize("cases", pack(ACCOUNT_REFUSES))
def test_a_value_the_account_refuses_stops_provision_before_any_change(moto, run_playbook, cases):
    """Each case's value is refused, naming its variable, and nothing else is; a run's cases touch different roles,
    as in test_bad_input."""
    extra_vars = merged(VALID, cases)
    moto.start_recording()

    result = run_playbook("provision.yml", extra_vars)

    mutating = moto.mutating_requests()
    assert result.returncode != 0, result.output
    assert_account_refused(result.failure(), {variable for _overrides, variable in cases})
    assert mutating == [], f"AWS was changed before the value was refused: {mutating}"


def test_every_mistake_of_a_run_is_reported_at_once(moto, run_playbook):
    """Two roles' input mistakes in one run: both named, and no AWS call at all."""
    moto.start_recording()

    result = run_playbook("provision.yml", {**VALID, "network_vpc_cidr": "banana", "web_fleet_root_volume_size": 4})

    assert result.returncode != 0, result.output
    failure = result.failure()
    assert "network_vpc_cidr" in failure and "web_fleet_root_volume_size" in failure, failure
    assert "2 role(s) refused their input" in failure, failure
    assert moto.recorded_requests() == []


def test_every_value_the_account_refuses_is_reported_at_once(moto, run_playbook):
    moto.start_recording()

    result = run_playbook(
        "preflight.yml",
        {**VALID, "web_fleet_instance_type": "c7g.24xlarge", "load_balancer_ssl_policy": "ELBSecurityPolicy-NOPE"},
    )

    assert result.returncode != 0, result.output
    failure = result.failure()
    assert "refuses 2 value(s)" in failure, failure
    assert "web_fleet_instance_type" in failure and "load_balancer_ssl_policy" in failure, failure
    # The valid ones are named in the message: a user fixes the value from it.
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in failure, failure
    assert moto.mutating_requests() == []


def example_inventory() -> dict:
    return yaml.safe_load((ROOT / "inventories" / "aws" / "group_vars" / "all.yml").read_text())


@pytest.mark.parametrize(
    "example",
    [
        pytest.param({}, id="inventories-aws"),
        # README: a site name with a public zone of the account (the zone exists, as it must for site.yml).
        pytest.param(
            {"moodle_domain_name": "moodle.example.edu", "moodle_hosted_zone": "example.edu"}, id="readme-site-name"
        ),
        pytest.param({"network_availability_zones": ["eu-west-1c", "eu-west-1a", "eu-west-1b"]}, id="zones-named"),
        pytest.param(
            {"database_kms_key_id": "alias/aws/rds", "file_system_kms_key_id": "alias/aws/elasticfilesystem"},
            id="kms-aliases",
        ),
    ],
)
def test_the_valid_examples_pass_preflight_without_a_change(moto, run_playbook, example):
    if example.get("moodle_hosted_zone"):
        moto.client("route53").create_hosted_zone(Name=example["moodle_hosted_zone"], CallerReference="preflight")
    moto.start_recording()

    result = run_playbook("preflight.yml", {**example_inventory(), **example})

    assert result.returncode == 0, result.output
    assert "accept this run of environment prod" in " ".join(result.output.split()), result.output
    assert moto.mutating_requests() == []


def test_a_site_name_that_answers_already_is_refused_before_any_change_unless_taken_over(moto, run_playbook):
    """The site's name already answers with an A record made by hand (an old server): refused before the network
    exists, naming dns_record_name; dns_take_over lets it through. With this environment's ownership record next to
    its records (a second run), the name passes. (Another environment's records: the unit tests of
    route53_site_records.)"""
    route53 = moto.client("route53")
    zone = route53.create_hosted_zone(Name="example.edu", CallerReference="preflight")["HostedZone"]["Id"]

    def record(name: str, kind: str, value: str) -> dict:
        return {"Action": "UPSERT", "ResourceRecordSet": {"Name": name, "Type": kind, "TTL": 300,
                                                          "ResourceRecords": [{"Value": value}]}}  # fmt: skip

    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        record("moodle.example.edu", "A", "192.0.2.10"),
        record("ours.example.edu", "A", "192.0.2.12"),
        record("_lms-moodle.ours.example.edu", "TXT", '"Environment=prod,ManagedBy=lms.moodle"'),
    ]})  # fmt: skip
    site = {**example_inventory(), "moodle_hosted_zone": "example.edu"}
    moto.start_recording()

    by_hand = run_playbook("preflight.yml", {**site, "moodle_domain_name": "moodle.example.edu"})
    taken_over = run_playbook("preflight.yml", {**site, "moodle_domain_name": "moodle.example.edu",
                                                "dns_take_over": True})  # fmt: skip
    ours = run_playbook("preflight.yml", {**site, "moodle_domain_name": "ours.example.edu"})

    assert by_hand.returncode != 0, by_hand.output
    assert_account_refused(by_hand.failure(), {"dns_record_name"})
    assert "'moodle.example.edu' already answers (A 192.0.2.10) and there is no ownership record" in " ".join(
        by_hand.failure().split()
    )
    assert "dns_take_over: true" in by_hand.failure()
    assert taken_over.returncode == 0, taken_over.output
    assert ours.returncode == 0, ours.output
    assert moto.mutating_requests() == []
