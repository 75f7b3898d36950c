"""Unit tests of acm_certificate_request with botocore Stubber (no network).

They pin down the identity of a certificate (its names, then its settings), check mode, diff, the polls for
the validation records and for ISSUED, replacement, deletion and the error paths. moto covers the happy path.
"""

from __future__ import annotations

import datetime
import json

import pytest
from botocore.stub import ANY

from ansible_collections.lms.moodle.plugins.module_utils import acm
from ansible_collections.lms.moodle.plugins.module_utils._acm import api as acm_api
from ansible_collections.lms.moodle.plugins.modules import acm_certificate_request

from .helpers import module_args, run_module, tag_list

DOMAIN = "moodle.example.com"
WILDCARD = "*.moodle.example.com"
PREFIX = "arn:aws:acm:us-east-1:123456789012:certificate/"
ARN = PREFIX + "11111111-1111-1111-1111-111111111111"
NEW_ARN = PREFIX + "22222222-2222-2222-2222-222222222222"
OTHER_ARN = PREFIX + "33333333-3333-3333-3333-333333333333"
LIST_ACTIVE = {"Includes": {"keyTypes": acm.ALL_KEY_TYPES}, "CertificateStatuses": ["ISSUED", "PENDING_VALIDATION"]}
LIST_ALL = {"Includes": {"keyTypes": acm.ALL_KEY_TYPES}}
TAGS = {"Environment": "prod"}
JANUARY = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
FEBRUARY = datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC)


def resource_record(name):
    apex = name.removeprefix("*.")
    return {"Name": f"_a1b2.{apex}.", "Type": "CNAME", "Value": f"_c3d4.{apex}.acm-validations.aws."}


def detail(arn=ARN, status="PENDING_VALIDATION", names=(DOMAIN, WILDCARD), records=True, **extra):
    """A certificate as DescribeCertificate reports it (real ACM spells the key algorithm RSA-2048)."""
    validation_status = "SUCCESS" if status == "ISSUED" else "PENDING_VALIDATION"
    options = [{"DomainName": name, "ValidationMethod": "DNS", "ValidationStatus": validation_status} for name in names]
    if records:
        for option in options:
            option["ResourceRecord"] = resource_record(option["DomainName"])
    certificate = {
        "CertificateArn": arn,
        "DomainName": names[0],
        "SubjectAlternativeNames": list(names),
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": "RSA-2048",
        "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"},
        "InUseBy": [],
        "CreatedAt": JANUARY,
        "DomainValidationOptions": options,
    }
    certificate.update(extra)
    return certificate


def summary(arn=ARN, domain=DOMAIN, status="PENDING_VALIDATION", cert_type="AMAZON_ISSUED"):
    return {"CertificateArn": arn, "DomainName": domain, "Status": status, "Type": cert_type}


def present(**overrides):
    return module_args({"domain_name": DOMAIN, "subject_alternative_names": [WILDCARD], "tags": TAGS}, overrides)


def request_args(key_algorithm="RSA_2048", logging=True, tags=None):
    """The RequestCertificate parameters the module sends for DOMAIN and WILDCARD."""
    params = {
        "DomainName": DOMAIN,
        "ValidationMethod": "DNS",
        "KeyAlgorithm": key_algorithm,
        "Options": {"CertificateTransparencyLoggingPreference": "ENABLED" if logging else "DISABLED"},
        "IdempotencyToken": acm.idempotency_token(DOMAIN, [WILDCARD], key_algorithm, logging),
        "SubjectAlternativeNames": [DOMAIN, WILDCARD],
    }
    if tags:
        params["Tags"] = tag_list(tags)
    return params


@pytest.fixture
def stub_acm(stub_aws, monkeypatch):
    monkeypatch.setattr(acm_api, "POLL_INTERVAL", 0)
    monkeypatch.setattr(acm_api, "RECORDS_POLL_INTERVAL", 0)
    monkeypatch.setattr(acm_api, "RECORDS_TIMEOUT", 5)
    return stub_aws("acm")


def expect_list(stub, summaries, params=None):
    stub.add_response("list_certificates", {"CertificateSummaryList": summaries}, params or LIST_ACTIVE)


def expect_describe(stub, certificate, arn=ARN):
    stub.add_response("describe_certificate", {"Certificate": certificate}, {"CertificateArn": arn})


def expect_tags(stub, tags=None, arn=ARN):
    stub.add_response(
        "list_tags_for_certificate", {"Tags": tag_list(TAGS if tags is None else tags)}, {"CertificateArn": arn}
    )


def expect_existing(stub, certificate, tags=None):
    """The lookup that finds certificate (by its summary and DescribeCertificate), then reads its tags."""
    expect_list(stub, [summary(certificate["CertificateArn"], status=certificate["Status"])])
    expect_describe(stub, certificate, certificate["CertificateArn"])
    expect_tags(stub, tags, certificate["CertificateArn"])


def test_requests_certificate_with_alternative_names_and_tags(stub_acm, capsys):
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args(tags=TAGS))
    expect_describe(stub_acm, detail())
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present(subject_alternative_names=[WILDCARD, DOMAIN]))

    assert result["changed"] is True
    assert result["replaced"] is False
    certificate = result["certificate"]
    assert certificate["certificate_arn"] == ARN
    assert certificate["status"] == "PENDING_VALIDATION"
    assert certificate["key_algorithm"] == "RSA_2048"
    assert certificate["tags"] == TAGS
    assert certificate["subject_alternative_names"] == [DOMAIN, WILDCARD]
    # The wildcard and its apex share one validation record.
    assert certificate["validation_records"] == [
        {"name": f"_a1b2.{DOMAIN}.", "type": "CNAME", "value": f"_c3d4.{DOMAIN}.acm-validations.aws."}
    ]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == certificate


def test_names_are_compared_in_lower_case_and_requested_so(stub_acm, capsys):
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args(tags=TAGS))
    expect_describe(stub_acm, detail())
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present(domain_name="Moodle.Example.COM"))

    assert result["changed"] is True


def test_waits_until_acm_publishes_every_validation_record(stub_acm, capsys):
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args(tags=TAGS))
    # Right after RequestCertificate, ACM may not find the certificate, then lists the names without records.
    stub_acm.add_client_error(
        "describe_certificate", "ResourceNotFoundException", "not yet", expected_params={"CertificateArn": ARN}
    )
    expect_describe(stub_acm, detail(records=False))
    half = detail()
    del half["DomainValidationOptions"][1]["ResourceRecord"]
    expect_describe(stub_acm, half)
    expect_describe(stub_acm, detail(names=(DOMAIN, WILDCARD, "moodle.example.org")))
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["changed"] is True
    assert [record["name"] for record in result["certificate"]["validation_records"]] == [
        f"_a1b2.{DOMAIN}.",
        "_a1b2.moodle.example.org.",
    ]


def test_does_not_wait_for_records_when_told_not_to(stub_acm, capsys):
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args(tags=TAGS))
    expect_describe(stub_acm, detail(records=False))
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present(wait_for_validation_records=False))

    assert result["changed"] is True
    assert result["certificate"]["validation_records"] == []


def test_records_that_never_come_fail_naming_the_certificate(stub_acm, capsys, monkeypatch):
    monkeypatch.setattr(acm_api, "RECORDS_TIMEOUT", 0)
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args(tags=TAGS))
    expect_describe(stub_acm, detail(records=False))

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["failed"] is True
    assert "DNS validation records" in result["msg"]
    assert ARN in result["msg"]
    assert result["certificate_arn"] == ARN


def test_token_of_a_deleted_certificate_is_not_reused(stub_acm, capsys, monkeypatch):
    """ACM answers a token with its certificate for an hour, even a deleted one: ask again with a fresh token."""
    monkeypatch.setattr(acm_api, "RECORDS_TIMEOUT", 0)
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": OTHER_ARN}, request_args(tags=TAGS))
    stub_acm.add_client_error(
        "describe_certificate", "ResourceNotFoundException", "gone", expected_params={"CertificateArn": OTHER_ARN}
    )
    stub_acm.add_response(
        "request_certificate", {"CertificateArn": ARN}, {**request_args(tags=TAGS), "IdempotencyToken": ANY}
    )
    expect_describe(stub_acm, detail())
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["certificate"]["certificate_arn"] == ARN


@pytest.mark.parametrize("status", ["PENDING_VALIDATION", "ISSUED"])
def test_existing_certificate_is_adopted_unchanged(stub_acm, capsys, status):
    expect_list(
        stub_acm,
        [
            summary(OTHER_ARN, domain="other.example.com"),
            summary(NEW_ARN, cert_type="IMPORTED", status="ISSUED"),
            summary(ARN, status=status),
        ],
    )
    expect_describe(stub_acm, detail(status=status))
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present(subject_alternative_names=[WILDCARD, WILDCARD]))

    assert result["changed"] is False
    assert result["replaced"] is False
    assert result["certificate"]["status"] == status
    assert result["diff"]["before"] == result["diff"]["after"]


def test_prefers_issued_then_newest(stub_acm, capsys):
    expect_list(stub_acm, [summary(OTHER_ARN), summary(ARN, status="ISSUED"), summary(NEW_ARN)])
    expect_describe(stub_acm, detail(OTHER_ARN, CreatedAt=JANUARY), OTHER_ARN)
    expect_describe(stub_acm, detail(ARN, status="ISSUED", CreatedAt=JANUARY), ARN)
    expect_describe(stub_acm, detail(NEW_ARN, CreatedAt=FEBRUARY), NEW_ARN)
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["changed"] is False
    assert result["certificate"]["certificate_arn"] == ARN


def test_existing_pending_certificate_without_records_is_polled(stub_acm, capsys):
    expect_existing(stub_acm, detail(records=False))
    expect_describe(stub_acm, detail())

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["changed"] is False
    assert len(result["certificate"]["validation_records"]) == 1


def test_certificate_with_other_names_is_not_ours(stub_acm, capsys):
    expect_list(stub_acm, [summary(ARN)])
    expect_describe(stub_acm, detail(names=(DOMAIN,)))

    result = run_module(acm_certificate_request, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    assert result["replaced"] is False
    assert result["diff"]["before"] == {}


def test_check_mode_predicts_the_request_without_making_it(stub_acm, capsys):
    expect_list(stub_acm, [])

    result = run_module(acm_certificate_request, capsys, _ansible_check_mode=True, **present(wait_for_issued=True))

    assert result["changed"] is True
    certificate = result["certificate"]
    assert certificate["certificate_arn"] is None
    assert certificate["status"] == "PENDING_VALIDATION"
    assert certificate["subject_alternative_names"] == [DOMAIN, WILDCARD]
    assert certificate["tags"] == TAGS
    assert certificate["validation_records"] == []
    assert result["diff"] == {"before": {}, "after": certificate}


def test_tags_change_in_place(stub_acm, capsys):
    expect_existing(stub_acm, detail(status="ISSUED"), tags={"Environment": "staging", "Owner": "ops"})
    stub_acm.add_response("remove_tags_from_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Owner"}]})
    stub_acm.add_response("add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": tag_list(TAGS)})
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present())

    assert result["changed"] is True
    assert result["replaced"] is False
    assert result["diff"]["before"]["tags"] == {"Environment": "staging", "Owner": "ops"}
    assert result["diff"]["after"]["tags"] == TAGS


def test_tag_change_in_check_mode_is_predicted(stub_acm, capsys):
    expect_existing(stub_acm, detail(status="ISSUED"), tags={"Owner": "ops"})

    result = run_module(acm_certificate_request, capsys, _ansible_check_mode=True, **present(purge_tags=False))

    assert result["changed"] is True
    assert result["certificate"]["tags"] == {"Owner": "ops", **TAGS}


def test_key_algorithm_change_requests_a_replacement_and_keeps_the_old(stub_acm, capsys):
    # The replacement carries the tags of the old certificate, but not the reserved aws: ones.
    expect_existing(stub_acm, detail(status="ISSUED"), tags={"Owner": "ops", "aws:cloudformation:stack-name": "x"})
    stub_acm.add_response(
        "request_certificate", {"CertificateArn": NEW_ARN}, request_args("EC_prime256v1", tags={"Owner": "ops"})
    )
    expect_describe(stub_acm, detail(NEW_ARN, KeyAlgorithm="EC-prime256v1"), NEW_ARN)
    expect_tags(stub_acm, {"Owner": "ops"}, NEW_ARN)

    result = run_module(acm_certificate_request, capsys, **present(tags=None, key_algorithm="EC_prime256v1"))

    assert result["changed"] is True
    assert result["replaced"] is True
    assert result["diff"]["before"]["certificate_arn"] == ARN
    assert result["diff"]["before"]["key_algorithm"] == "RSA_2048"
    assert result["certificate"]["certificate_arn"] == NEW_ARN
    assert result["certificate"]["key_algorithm"] == "EC_prime256v1"
    assert result["certificate"]["tags"] == {"Owner": "ops"}
    assert "warnings" not in result


def test_replacement_with_the_wanted_settings_is_adopted_on_the_next_run(stub_acm, capsys):
    expect_list(stub_acm, [summary(ARN, status="ISSUED"), summary(NEW_ARN)])
    expect_describe(stub_acm, detail(ARN, status="ISSUED"), ARN)
    expect_describe(
        stub_acm, detail(NEW_ARN, Options={"CertificateTransparencyLoggingPreference": "DISABLED"}), NEW_ARN
    )
    expect_tags(stub_acm, arn=NEW_ARN)

    result = run_module(acm_certificate_request, capsys, **present(certificate_transparency_logging=False))

    assert result["changed"] is False
    assert result["replaced"] is False
    assert result["certificate"]["certificate_arn"] == NEW_ARN
    assert result["certificate"]["certificate_transparency_logging"] is False


def test_replacement_in_check_mode_is_predicted(stub_acm, capsys):
    expect_existing(stub_acm, detail(status="ISSUED"))

    result = run_module(
        acm_certificate_request, capsys, _ansible_check_mode=True, **present(certificate_transparency_logging=False)
    )

    assert result["changed"] is True
    assert result["replaced"] is True
    assert result["certificate"]["certificate_transparency_logging"] is False
    assert result["diff"]["before"]["certificate_arn"] == ARN


def test_warns_when_acm_returns_other_settings_than_requested(stub_acm, capsys):
    expect_list(stub_acm, [])
    stub_acm.add_response("request_certificate", {"CertificateArn": ARN}, request_args("EC_secp384r1", tags=TAGS))
    expect_describe(stub_acm, detail())
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, **present(key_algorithm="EC_secp384r1"))

    assert "key_algorithm (is RSA_2048, wanted EC_secp384r1)" in json.dumps(result["warnings"])


def test_wait_for_issued_polls_until_issued(stub_acm, capsys):
    expect_existing(stub_acm, detail())
    expect_describe(stub_acm, detail())
    expect_describe(stub_acm, detail(status="ISSUED", NotAfter=FEBRUARY))

    result = run_module(acm_certificate_request, capsys, **present(wait_for_issued=True))

    assert result["changed"] is False
    assert result["certificate"]["status"] == "ISSUED"
    assert result["certificate"]["not_after"] == "2025-02-01T00:00:00+00:00"
    assert result["certificate"]["tags"] == TAGS


def test_wait_for_issued_of_an_issued_certificate_does_not_poll(stub_acm, capsys):
    expect_existing(stub_acm, detail(status="ISSUED"))

    result = run_module(acm_certificate_request, capsys, **present(wait_for_issued=True))

    assert result["certificate"]["status"] == "ISSUED"


@pytest.mark.parametrize("status", ["FAILED", "VALIDATION_TIMED_OUT", "REVOKED"])
def test_wait_for_issued_fails_at_once_on_a_final_status(stub_acm, capsys, status):
    expect_existing(stub_acm, detail())
    expect_describe(stub_acm, detail(status=status, FailureReason="CAA_ERROR"))

    result = run_module(acm_certificate_request, capsys, **present(wait_for_issued=True))

    assert result["failed"] is True
    assert status in result["msg"]
    assert DOMAIN in result["msg"]
    assert "CAA_ERROR" in result["msg"]


def test_wait_for_issued_times_out_with_the_records_to_create(stub_acm, capsys):
    expect_existing(stub_acm, detail())
    expect_describe(stub_acm, detail())

    result = run_module(acm_certificate_request, capsys, **present(wait_for_issued=True, wait_timeout=0))

    assert result["failed"] is True
    assert "Timeout after 0s" in result["msg"]
    assert DOMAIN in result["msg"]
    assert "PENDING_VALIDATION" in result["msg"]
    assert result["validation_records"][0]["type"] == "CNAME"


def test_absent_deletes_every_certificate_of_the_names(stub_acm, capsys):
    expect_list(stub_acm, [summary(ARN, status="ISSUED"), summary(OTHER_ARN, status="FAILED")], LIST_ALL)
    expect_describe(stub_acm, detail(ARN, status="ISSUED"), ARN)
    expect_describe(stub_acm, detail(OTHER_ARN, status="FAILED"), OTHER_ARN)
    expect_tags(stub_acm)
    stub_acm.add_response("delete_certificate", {}, {"CertificateArn": ARN})
    stub_acm.add_response("delete_certificate", {}, {"CertificateArn": OTHER_ARN})

    result = run_module(acm_certificate_request, capsys, **present(state="absent"))

    assert result["changed"] is True
    assert result["deleted_certificate_arns"] == [ARN, OTHER_ARN]
    assert result["certificate"] == {}
    assert result["diff"]["before"]["certificate_arn"] == ARN
    assert result["diff"]["after"] == {}


def test_absent_in_check_mode_deletes_nothing(stub_acm, capsys):
    expect_list(stub_acm, [summary(ARN)], LIST_ALL)
    expect_describe(stub_acm, detail())
    expect_tags(stub_acm)

    result = run_module(acm_certificate_request, capsys, _ansible_check_mode=True, **present(state="absent"))

    assert result["changed"] is True
    assert result["deleted_certificate_arns"] == [ARN]


def test_absent_when_missing_is_unchanged(stub_acm, capsys):
    expect_list(stub_acm, [], LIST_ALL)

    result = run_module(acm_certificate_request, capsys, **present(state="absent"))

    assert result["changed"] is False
    assert result["deleted_certificate_arns"] == []


def test_absent_refuses_to_delete_a_certificate_in_use(stub_acm, capsys):
    listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod/1/2"
    expect_list(stub_acm, [summary(ARN, status="ISSUED"), summary(OTHER_ARN)], LIST_ALL)
    expect_describe(stub_acm, detail(ARN, status="ISSUED", InUseBy=[listener]), ARN)
    expect_describe(stub_acm, detail(OTHER_ARN), OTHER_ARN)

    result = run_module(acm_certificate_request, capsys, **present(state="absent"))

    assert result["failed"] is True
    assert listener in result["msg"]
    assert ARN in result["msg"]
    assert "nothing was deleted" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (present(domain_name="moodle.*.example.com"), "wildcard (*) that is not the whole first label"),
        (present(domain_name="*moodle.example.com"), "wildcard (*) that is not the whole first label"),
        (present(domain_name="*.com"), "needs at least two labels below the wildcard"),
        (present(domain_name="localhost"), "is not fully qualified"),
        (present(domain_name="moodle.example.com."), "invalid label ''"),
        (present(domain_name="-moodle.example.com"), "invalid label '-moodle'"),
        (present(domain_name="moodle_1.example.com"), "invalid label 'moodle_1'"),
        (present(domain_name="m" * 60 + ".example.com"), "domain_name 'mmm"),
        (present(domain_name="mödle.example.com"), "punycode"),
        (present(domain_name="moodle.example.c"), "top-level label"),
        (present(subject_alternative_names=["www.*.example.com"]), "subject_alternative_names: 'www.*.example.com'"),
        (present(validation_method="EMAIL"), "validation_method"),
        (present(key_algorithm="RSA_4096"), "key_algorithm"),
        (present(wait_timeout=-1), "wait_timeout must not be negative"),
    ],
)
def test_invalid_arguments_fail_before_any_call(stub_acm, capsys, args, message):
    result = run_module(acm_certificate_request, capsys, **args)

    assert result["failed"] is True
    assert message in result["msg"]


@pytest.mark.parametrize(
    ("operation", "args", "action"),
    [
        ("list_certificates", present(), "list ACM certificates"),
        ("request_certificate", present(), f"request ACM certificate for {DOMAIN}"),
        ("delete_certificate", present(state="absent"), f"delete ACM certificate {ARN}"),
    ],
)
def test_api_errors_fail_naming_the_action(stub_acm, capsys, operation, args, action):
    listing = LIST_ALL if args.get("state") == "absent" else LIST_ACTIVE
    if operation == "list_certificates":
        stub_acm.add_client_error(operation, "AccessDeniedException", "not allowed", expected_params=listing)
    elif operation == "request_certificate":
        expect_list(stub_acm, [])
        stub_acm.add_client_error(operation, "LimitExceededException", "too many", expected_params=None)
    else:
        expect_list(stub_acm, [summary(ARN)], listing)
        expect_describe(stub_acm, detail())
        expect_tags(stub_acm)
        stub_acm.add_client_error(operation, "AccessDeniedException", "not allowed", expected_params=None)

    result = run_module(acm_certificate_request, capsys, **args)

    assert result["failed"] is True
    assert action in result["msg"]
