"""Unit tests of route53_site_records with botocore Stubber (no network; the Stubber fails on any call not queued):
one change batch writes the alias records with the ownership record next to them; a converged name changes nothing;
check mode predicts without writing; a name that answers already without the environment's ownership record is
refused (unless taken over) and left alone by a deletion; an AAAA record no longer wanted goes in the same batch."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import route53_site_records

from .helpers import run_module

ZONE_ID = "Z0123456789ABC"
NAME = "moodle.example.edu."
OWNER_NAME = "_lms-moodle.moodle.example.edu."
OWNER = {"ManagedBy": "lms.moodle", "Environment": "prod"}
OWNER_TXT = '"Environment=prod,ManagedBy=lms.moodle"'
CDN = {"dns_name": "d1234abcd.cloudfront.net", "hosted_zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": False}


@pytest.fixture
def route53(stub_aws):
    return stub_aws("route53")


def alias(kind: str, target: str = "d1234abcd.cloudfront.net.") -> dict:
    return {
        "Name": NAME,
        "Type": kind,
        "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": target, "EvaluateTargetHealth": False},
    }


def owner_txt(value: str = OWNER_TXT) -> dict:
    return {"Name": OWNER_NAME, "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": value}]}


def zone_with(route53, at_name: list[dict], at_owner: list[dict]) -> None:
    """The zone is found; listing from the name answers at_name (then a later name), from the owner's at_owner."""
    route53.add_response(
        "list_hosted_zones_by_name",
        {"HostedZones": [{"Id": f"/hostedzone/{ZONE_ID}", "Name": "example.edu.", "CallerReference": "x",
                          "Config": {"PrivateZone": False}}], "IsTruncated": False, "MaxItems": "100"},
        {"DNSName": "example.edu.", "MaxItems": "100"},
    )  # fmt: skip
    later = {"Name": "zz.example.edu.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.9"}]}
    for start, found in ((NAME, at_name), (OWNER_NAME, at_owner)):
        route53.add_response(
            "list_resource_record_sets",
            {"ResourceRecordSets": [*found, later], "IsTruncated": False, "MaxItems": "20"},
            {"HostedZoneId": ZONE_ID, "StartRecordName": start, "MaxItems": "20"},
        )


def expect_batch(route53, changes: list[dict]) -> None:
    route53.add_response(
        "change_resource_record_sets",
        {"ChangeInfo": {"Id": "/change/C1", "Status": "PENDING", "SubmittedAt": "2026-12-05T00:00:00Z"}},
        {"HostedZoneId": ZONE_ID, "ChangeBatch": {"Comment": "lms.moodle site records", "Changes": changes}},
    )


def present(**overrides) -> dict:
    return {"zone": "example.edu", "name": "moodle.example.edu", "alias": CDN, "types": ["A", "AAAA"],
            "owner": OWNER, **overrides}  # fmt: skip


def test_a_new_name_gets_its_aliases_and_ownership_record_in_one_batch(route53, capsys):
    zone_with(route53, [], [])
    expect_batch(
        route53, [{"Action": "UPSERT", "ResourceRecordSet": r} for r in (owner_txt(), alias("A"), alias("AAAA"))]
    )
    result = run_module(route53_site_records, capsys, **present())
    assert result["changed"], result
    assert result["records"] == {"zone_id": ZONE_ID, "A": "alias d1234abcd.cloudfront.net",
                                 "AAAA": "alias d1234abcd.cloudfront.net", "owner": OWNER}  # fmt: skip
    assert result["diff"]["before"] == {"zone_id": ZONE_ID, "owner": {}}


def test_a_converged_name_changes_nothing(route53, capsys):
    zone_with(route53, [alias("A"), alias("AAAA")], [owner_txt()])
    result = run_module(route53_site_records, capsys, **present())
    assert not result["changed"], result


def test_check_mode_predicts_the_batch_and_writes_nothing(route53, capsys):
    zone_with(route53, [], [])
    result = run_module(route53_site_records, capsys, _ansible_check_mode=True, **present())
    assert result["changed"] and result["records"]["A"] == "alias d1234abcd.cloudfront.net"


def test_a_type_no_longer_wanted_is_deleted_in_the_same_batch_as_the_new_target(route53, capsys):
    zone_with(route53, [alias("A"), alias("AAAA")], [owner_txt()])
    alb = {"dns_name": "prod-moodle-1.eu-west-1.elb.amazonaws.com", "hosted_zone_id": "Z32O12XQLNTSW2",
           "evaluate_target_health": True}  # fmt: skip
    wanted = {"Name": NAME, "Type": "A", "AliasTarget": {"HostedZoneId": "Z32O12XQLNTSW2",
              "DNSName": "prod-moodle-1.eu-west-1.elb.amazonaws.com.", "EvaluateTargetHealth": True}}  # fmt: skip
    expect_batch(route53, [{"Action": "DELETE", "ResourceRecordSet": alias("AAAA")},
                           {"Action": "UPSERT", "ResourceRecordSet": wanted}])  # fmt: skip
    result = run_module(route53_site_records, capsys, **present(alias=alb, types=["A"]))
    assert result["changed"] and "AAAA" not in result["records"], result


@pytest.mark.parametrize(
    ("at_owner", "proof"),
    [
        pytest.param([], "there is no ownership record _lms-moodle.moodle.example.edu", id="made-by-hand"),
        pytest.param(
            [owner_txt('"Environment=staging,ManagedBy=lms.moodle"')],
            "its ownership record says Environment='staging'",
            id="another-environment",
        ),  # fmt: skip
    ],
)
def test_a_name_that_answers_already_and_is_not_the_environments_is_refused(route53, capsys, at_owner, proof):
    hand_made = {"Name": NAME, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]}
    zone_with(route53, [hand_made], at_owner)
    result = run_module(route53_site_records, capsys, **present())
    assert result["failed"] and not result.get("changed"), result
    assert "moodle.example.edu already answers (A 192.0.2.10)" in result["msg"] and proof in result["msg"], result
    assert "take_over" in result["msg"]


def test_take_over_replaces_a_hand_made_record_and_claims_the_name(route53, capsys):
    hand_made = {"Name": NAME, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "old.example.edu"}]}
    zone_with(route53, [hand_made], [])
    upserts = [{"Action": "UPSERT", "ResourceRecordSet": r} for r in (owner_txt(), alias("A"), alias("AAAA"))]
    expect_batch(route53, [{"Action": "DELETE", "ResourceRecordSet": hand_made}, *upserts])
    result = run_module(route53_site_records, capsys, **present(take_over=True))
    assert result["changed"] and result["records"]["owner"] == OWNER, result


def test_deletion_takes_the_records_with_their_ownership_record(route53, capsys):
    zone_with(route53, [alias("A"), alias("AAAA")], [owner_txt()])
    expect_batch(
        route53, [{"Action": "DELETE", "ResourceRecordSet": r} for r in (alias("A"), alias("AAAA"), owner_txt())]
    )
    result = run_module(route53_site_records, capsys, zone="example.edu", name="moodle.example.edu", owner=OWNER,
                        state="absent")  # fmt: skip
    assert result["changed"] and result["records"] == {"zone_id": ZONE_ID, "owner": {}}, result


def test_deletion_leaves_records_without_the_environments_ownership_record(route53, capsys):
    zone_with(route53, [alias("A")], [owner_txt('"Environment=staging,ManagedBy=lms.moodle"')])
    result = run_module(route53_site_records, capsys, zone="example.edu", name="moodle.example.edu", owner=OWNER,
                        state="absent")  # fmt: skip
    assert not result["changed"], result
    assert "DNS records of moodle.example.edu left alone: it carries Environment='staging'" in str(result["warnings"])


def test_deletion_in_a_zone_that_is_gone_changes_nothing(route53, capsys):
    route53.add_response("list_hosted_zones_by_name", {"HostedZones": [], "IsTruncated": False, "MaxItems": "100"},
                         {"DNSName": "example.edu.", "MaxItems": "100"})  # fmt: skip
    result = run_module(route53_site_records, capsys, zone="example.edu", name="moodle.example.edu", owner=OWNER,
                        state="absent")  # fmt: skip
    assert not result["changed"] and result["records"]["zone_id"] == ""
