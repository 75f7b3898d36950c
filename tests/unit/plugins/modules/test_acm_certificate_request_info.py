"""Unit tests of acm_certificate_request_info with botocore Stubber (no network)."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import acm
from ansible_collections.lms.moodle.plugins.modules import acm_certificate_request_info

from .helpers import run_module, tag_list

PREFIX = "arn:aws:acm:us-east-1:123456789012:certificate/"
SITE_ARN = PREFIX + "11111111-1111-1111-1111-111111111111"
CDN_ARN = PREFIX + "22222222-2222-2222-2222-222222222222"
LIST_ALL = {"Includes": {"keyTypes": acm.ALL_KEY_TYPES}}


def detail(arn, names, status="ISSUED", key_algorithm="EC-prime256v1"):
    return {
        "CertificateArn": arn,
        "DomainName": names[0],
        "SubjectAlternativeNames": list(names),
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": key_algorithm,
        "InUseBy": [],
        "DomainValidationOptions": [
            {
                "DomainName": name,
                "ValidationStatus": "SUCCESS",
                "ResourceRecord": {"Name": f"_x.{name}.", "Type": "CNAME", "Value": "_y.acm-validations.aws."},
            }
            for name in names
        ],
    }


SITE = detail(SITE_ARN, ["moodle.example.com", "www.moodle.example.com"])
CDN = detail(CDN_ARN, ["static.example.com"], status="PENDING_VALIDATION")


@pytest.fixture
def stub_acm(stub_aws):
    return stub_aws("acm")


def expect_listing(stub, params, certificates):
    summaries = [{"CertificateArn": item["CertificateArn"], "DomainName": item["DomainName"]} for item in certificates]
    stub.add_response("list_certificates", {"CertificateSummaryList": summaries}, params)
    for certificate in certificates:
        arn = certificate["CertificateArn"]
        stub.add_response("describe_certificate", {"Certificate": certificate}, {"CertificateArn": arn})


def expect_tags(stub, arn, tags):
    # ACM leaves Tags out of the answer when there are none (an empty list is not even valid).
    response = {"Tags": tag_list(tags)} if tags else {}
    stub.add_response("list_tags_for_certificate", response, {"CertificateArn": arn})


def test_lists_every_certificate_of_every_key_type(stub_acm, capsys):
    expect_listing(stub_acm, LIST_ALL, [SITE, CDN])
    expect_tags(stub_acm, SITE_ARN, {"Environment": "prod"})
    expect_tags(stub_acm, CDN_ARN, {})

    result = run_module(acm_certificate_request_info, capsys)

    assert result["changed"] is False
    assert [item["certificate_arn"] for item in result["certificates"]] == [SITE_ARN, CDN_ARN]
    site = result["certificates"][0]
    assert site["key_algorithm"] == "EC_prime256v1"
    assert site["tags"] == {"Environment": "prod"}
    assert site["certificate_transparency_logging"] is True
    assert len(site["validation_records"]) == 2


def test_filters_by_status_and_by_any_name(stub_acm, capsys):
    expect_listing(stub_acm, {**LIST_ALL, "CertificateStatuses": ["ISSUED", "EXPIRED"]}, [SITE, CDN])
    expect_tags(stub_acm, SITE_ARN, {})

    result = run_module(
        acm_certificate_request_info, capsys, statuses=["ISSUED", "EXPIRED"], domain_name="WWW.moodle.example.com"
    )

    assert [item["certificate_arn"] for item in result["certificates"]] == [SITE_ARN]


@pytest.mark.parametrize(("statuses", "found"), [([], True), (["ISSUED"], True), (["FAILED"], False)])
def test_reads_one_certificate_by_arn(stub_acm, capsys, statuses, found):
    stub_acm.add_response("describe_certificate", {"Certificate": SITE}, {"CertificateArn": SITE_ARN})
    if found:
        expect_tags(stub_acm, SITE_ARN, {})

    result = run_module(acm_certificate_request_info, capsys, certificate_arn=SITE_ARN, statuses=statuses)

    assert len(result["certificates"]) == int(found)


def test_missing_certificate_arn_is_an_empty_list(stub_acm, capsys):
    stub_acm.add_client_error(
        "describe_certificate", "ResourceNotFoundException", "no such", expected_params={"CertificateArn": CDN_ARN}
    )

    result = run_module(acm_certificate_request_info, capsys, certificate_arn=CDN_ARN)

    assert result["certificates"] == []


def test_api_error_fails_naming_the_action(stub_acm, capsys):
    stub_acm.add_client_error("list_certificates", "AccessDeniedException", "not allowed", expected_params=LIST_ALL)

    result = run_module(acm_certificate_request_info, capsys)

    assert result["failed"] is True
    assert "list ACM certificates" in result["msg"]


def test_invalid_status_fails_before_any_call(stub_acm, capsys):
    result = run_module(acm_certificate_request_info, capsys, statuses=["PENDING"])

    assert result["failed"] is True
    assert "statuses" in result["msg"]
