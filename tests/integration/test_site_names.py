"""The certificate and dns roles against a real moto server: two-region certificates validated in the
user's hosted zone, alias records that follow their target, idempotence, check mode and removal."""

from __future__ import annotations

import pytest

from tests.verify import site_checks

PLAYBOOK = "../tests/integration/playbooks/site_names.yml"
ZONE = "example.edu"
CDN = {"dns_cdn_domain_name": "d1234abcd.cloudfront.net"}
ALB = {
    "dns_target": "load_balancer",
    "dns_load_balancer_dns_name": "names-moodle-1.eu-west-1.elb.amazonaws.com",
    "dns_load_balancer_hosted_zone_id": "Z32O12XQLNTSW2",
}


def site(domain: str, **extra) -> dict:
    # moto answers a repeated request for the same names with HTTP 500 after a delete: one name per test.
    return {
        "moodle_environment": "names",
        "aws_region": "eu-west-1",
        "moodle_domain_name": domain,
        "moodle_hosted_zone": ZONE,
        **extra,
    }


@pytest.fixture
def zone(moto):
    moto.client("route53").create_hosted_zone(Name=ZONE, CallerReference="user-zone")
    return ZONE


def api(moto):
    return site_checks.clients("eu-west-1", moto.url)


def aliases(moto, domain: str) -> dict[str, str]:
    route53 = moto.client("route53")
    sets = site_checks.records(route53, site_checks.zone_id(route53, ZONE))
    return {r["Type"]: r["AliasTarget"]["DNSName"].rstrip(".") for r in sets if "AliasTarget" in r}


def test_certificates_in_both_regions_validated_in_the_zone_and_records_follow_the_target(moto, run_playbook, zone):
    domain = "moodle-a.example.edu"
    first = run_playbook(PLAYBOOK, site(domain, **CDN))
    second = run_playbook(PLAYBOOK, site(domain, **CDN))

    assert first.returncode == 0, first.output
    assert second.recap()["changed"] == 0, second.output
    regional = site_checks.certificates(api(moto)["acm"], domain)
    cloudfront = site_checks.certificates(api(moto)["acm_cloudfront"], domain)
    assert [c["Status"] for c in regional] == ["ISSUED"]
    assert [c["Status"] for c in cloudfront] == ["ISSUED"]
    assert regional[0]["Tags"]["ManagedBy"] == "lms.moodle"
    route53 = moto.client("route53")
    cnames = {r["Name"].rstrip(".") for r in site_checks.records(route53, site_checks.zone_id(route53, ZONE))}
    assert {record[0] for record in site_checks.validation_records(regional[0])} <= cnames
    assert aliases(moto, domain) == {"A": CDN["dns_cdn_domain_name"], "AAAA": CDN["dns_cdn_domain_name"]}

    to_alb = run_playbook(PLAYBOOK, site(domain, **ALB))
    assert to_alb.returncode == 0, to_alb.output
    assert aliases(moto, domain) == {"A": ALB["dns_load_balancer_dns_name"]}

    removed = run_playbook(PLAYBOOK, site(domain, certificate_state="absent", dns_state="absent"))
    assert removed.returncode == 0, removed.output
    assert site_checks.leftovers(api(moto), (ZONE,)) == {"certificates": [], "dns_records": []}
    assert site_checks.zone_id(route53, ZONE) is not None, "the user's hosted zone must stay"


def test_one_certificate_serves_both_in_us_east_1_and_none_without_the_cdn(moto, run_playbook, zone):
    both = run_playbook(PLAYBOOK, {**site("moodle-b.example.edu", **CDN), "aws_region": "us-east-1"})
    no_cdn = run_playbook(PLAYBOOK, site("moodle-c.example.edu", cdn_enabled=False, **ALB))

    assert both.returncode == 0, both.output
    assert no_cdn.returncode == 0, no_cdn.output
    assert len(site_checks.certificates(api(moto)["acm_cloudfront"], "moodle-b.example.edu")) == 1
    assert len(site_checks.certificates(api(moto)["acm"], "moodle-c.example.edu")) == 1
    assert site_checks.certificates(api(moto)["acm_cloudfront"], "moodle-c.example.edu") == []


def test_check_mode_on_an_empty_account_requests_nothing(moto, run_playbook, zone):
    result = run_playbook(PLAYBOOK, site("moodle-d.example.edu", **CDN), "--check", "--diff")

    assert result.returncode == 0, result.output
    assert result.recap()["changed"] > 0
    assert site_checks.leftovers(api(moto), (ZONE,)) == {"certificates": [], "dns_records": []}


def test_a_name_outside_the_zone_is_refused_before_any_call(moto, run_playbook, zone):
    moto.start_recording()
    result = run_playbook(PLAYBOOK, site("moodle.example.org", **CDN))

    assert result.returncode != 0
    assert "outside the hosted zone" in result.failure()
    assert moto.recorded_requests() == []


def records_at(moto, name: str) -> dict[str, str]:
    """The records at ``name`` by type, each as where it points (an alias's target, or a plain record's values)."""
    route53 = moto.client("route53")
    sets = site_checks.records(route53, site_checks.zone_id(route53, ZONE))
    return {
        r["Type"]: r["AliasTarget"]["DNSName"].rstrip(".") if "AliasTarget" in r
        else ",".join(v["Value"] for v in r["ResourceRecords"])
        for r in sets if r["Name"].rstrip(".") == name
    }  # fmt: skip


def test_a_name_that_answers_already_is_refused_taken_over_only_when_asked_and_left_by_another_teardown(
    moto, run_playbook, zone
):
    """Route 53 records carry no tags: the role writes an ownership record next to the site's records. A name that
    already answers (an A record made by hand: an old server) is refused, its record untouched; dns_take_over points
    it here and claims it; another environment's teardown leaves it and says why."""
    domain = "moodle-e.example.edu"
    route53 = moto.client("route53")
    route53.change_resource_record_sets(
        HostedZoneId=site_checks.zone_id(route53, ZONE),
        ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": domain, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}}]},
    )  # fmt: skip

    refused = run_playbook(PLAYBOOK, site(domain, **CDN))
    assert refused.returncode != 0, refused.output
    failure = refused.failure()
    assert f"{domain} already answers (A 192.0.2.10) and there is no ownership record _lms-moodle.{domain}" in failure
    assert records_at(moto, domain) == {"A": "192.0.2.10"}

    taken = run_playbook(PLAYBOOK, site(domain, dns_take_over=True, **CDN))
    assert taken.returncode == 0, taken.output
    assert records_at(moto, domain) == {"A": CDN["dns_cdn_domain_name"], "AAAA": CDN["dns_cdn_domain_name"]}
    assert records_at(moto, f"_lms-moodle.{domain}") == {"TXT": '"Environment=names,ManagedBy=lms.moodle"'}

    other = run_playbook(PLAYBOOK, {**site(domain), "moodle_environment": "other", "certificate_state": "absent",
                                    "dns_state": "absent"})  # fmt: skip
    assert other.returncode == 0 and other.recap()["changed"] == 0, other.output
    assert f"DNS records of {domain} left alone: it carries Environment='names'" in " ".join(other.output.split())
    assert records_at(moto, domain) == {"A": CDN["dns_cdn_domain_name"], "AAAA": CDN["dns_cdn_domain_name"]}
