"""Unit tests of the pure functions in module_utils/acm.py."""

from __future__ import annotations

import datetime
import re

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import acm


def certificate(arn="arn:1", status="ISSUED", key_algorithm="RSA-2048", logging="ENABLED", created=None, **extra):
    values = {
        "CertificateArn": arn,
        "DomainName": "moodle.example.com",
        "SubjectAlternativeNames": ["moodle.example.com", "*.moodle.example.com"],
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": key_algorithm,
        "Options": {"CertificateTransparencyLoggingPreference": logging},
        "CreatedAt": created or datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    }
    values.update(extra)
    return values


@pytest.mark.parametrize(
    "name",
    ["moodle.example.com", "*.moodle.example.com", "xn--mdle-0ra.example.com", "a-b.c1.example.co", "m" * 63 + ".io"],
)
def test_valid_dns_names(name):
    assert acm.dns_name_problem(name, 253) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "is not fully qualified"),
        ("*", "needs at least two labels below the wildcard"),
        ("*.*.example.com", "wildcard"),
        ("a..example.com", "invalid label ''"),
        ("moodle-.example.com", "invalid label 'moodle-'"),
        ("m" * 64 + ".io", "invalid label"),
        ("moodle.example.1", "top-level label"),
        ("moodle.example.com", "longer than 10 characters"),
    ],
)
def test_invalid_dns_names(name, problem):
    max_length = 10 if problem.startswith("longer") else 253
    assert problem in acm.dns_name_problem(name, max_length)


def test_domain_name_is_limited_to_64_characters_but_alternative_names_are_not():
    name = "m" * 60 + ".example.com"
    options = {"domain_name": "moodle.example.com", "subject_alternative_names": [name], "wait_timeout": 0}

    assert acm.validate_options(options) is None
    assert "longer than 64" in acm.validate_options({**options, "domain_name": name})


def test_wanted_names_are_lower_case_unique_and_without_the_domain():
    assert acm.wanted_names(
        "Moodle.Example.com", ["b.example.com", "MOODLE.example.com", "a.example.com", "B.example.com"]
    ) == (
        "moodle.example.com",
        ["a.example.com", "b.example.com"],
    )


def test_certificate_names_include_the_domain_name():
    assert acm.certificate_names({"DomainName": "Moodle.example.com"}) == {"moodle.example.com"}


@pytest.mark.parametrize(
    ("summary", "matches"),
    [
        ({"DomainName": "moodle.example.com", "Type": "AMAZON_ISSUED"}, True),
        ({"DomainName": "MOODLE.example.com"}, True),
        ({"DomainName": "moodle.example.com", "Type": "IMPORTED"}, False),
        ({"DomainName": "other.example.com", "Type": "AMAZON_ISSUED"}, False),
    ],
)
def test_summary_may_match(summary, matches):
    assert acm.summary_may_match(summary, "moodle.example.com") is matches


def test_certificate_matches_the_exact_set_of_names():
    names = {"moodle.example.com", "*.moodle.example.com"}

    assert acm.certificate_matches(certificate(), "moodle.example.com", names)
    assert not acm.certificate_matches(certificate(), "moodle.example.com", {"moodle.example.com"})
    assert not acm.certificate_matches(certificate(), "*.moodle.example.com", names)
    assert not acm.certificate_matches(certificate(Type="IMPORTED"), "moodle.example.com", names)


@pytest.mark.parametrize(
    ("value", "expected"), [("RSA-2048", "RSA_2048"), ("EC_prime256v1", "EC_prime256v1"), (None, None)]
)
def test_normalize_key_algorithm(value, expected):
    assert acm.normalize_key_algorithm(value) == expected


def test_settings_differences_name_both_settings():
    differences = acm.settings_differences(
        certificate(key_algorithm="EC-secp384r1", logging="DISABLED"), "RSA_2048", True
    )

    assert differences == [
        "key_algorithm (is EC_secp384r1, wanted RSA_2048)",
        "certificate_transparency_logging (is false, wanted true)",
    ]
    assert acm.settings_differences(certificate(Options=None), "RSA_2048", True) == []


def test_choose_certificate_prefers_wanted_settings_then_issued_then_newest():
    january = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    march = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    candidates = sorted(
        [
            certificate("old-issued", created=january),
            certificate("new-pending", status="PENDING_VALIDATION", created=march),
            certificate("new-issued", created=march),
            certificate("ec", key_algorithm="EC-prime256v1", created=march),
        ],
        key=acm.preference,
    )

    assert [item["CertificateArn"] for item in candidates][:3] == ["new-issued", "ec", "old-issued"]
    assert acm.choose_certificate(candidates, "RSA_2048", True)[0]["CertificateArn"] == "new-issued"
    assert acm.choose_certificate(candidates, "EC_prime256v1", True)[0]["CertificateArn"] == "ec"
    assert acm.choose_certificate(candidates, "EC_secp384r1", True) == (None, True)
    assert acm.choose_certificate([], "RSA_2048", True) == (None, False)


def test_idempotency_token_depends_on_names_and_settings_and_fits_acm():
    token = acm.idempotency_token("moodle.example.com", ["*.moodle.example.com"], "RSA_2048", True)

    assert re.fullmatch(r"\w{1,32}", token)
    assert token == acm.idempotency_token("moodle.example.com", ["*.moodle.example.com"], "RSA_2048", True)
    assert token != acm.idempotency_token("moodle.example.com", [], "RSA_2048", True)
    assert token != acm.idempotency_token("moodle.example.com", ["*.moodle.example.com"], "EC_prime256v1", True)
    assert token != acm.idempotency_token("moodle.example.com", ["*.moodle.example.com"], "RSA_2048", False)
    assert token != acm.idempotency_token("moodle.example.com", ["*.moodle.example.com"], "RSA_2048", True, "1")


def test_request_params_without_alternative_names_or_tags():
    options = {
        "domain_name": "Moodle.example.com",
        "subject_alternative_names": [],
        "key_algorithm": "EC_prime256v1",
        "certificate_transparency_logging": False,
    }

    params = acm.request_params(options, {})

    assert params == {
        "DomainName": "moodle.example.com",
        "ValidationMethod": "DNS",
        "KeyAlgorithm": "EC_prime256v1",
        "Options": {"CertificateTransparencyLoggingPreference": "DISABLED"},
        "IdempotencyToken": acm.idempotency_token("moodle.example.com", [], "EC_prime256v1", False),
    }


def test_records_complete_needs_a_record_for_every_name():
    record = {"Name": "_x.moodle.example.com.", "Type": "CNAME", "Value": "_y.acm-validations.aws."}

    assert not acm.records_complete({})
    assert not acm.records_complete({"DomainValidationOptions": [{"ResourceRecord": record}, {"DomainName": "b"}]})
    assert acm.records_complete({"DomainValidationOptions": [{"ResourceRecord": record}]})


def test_validation_records_are_unique():
    apex = {"Name": "_x.moodle.example.com.", "Type": "CNAME", "Value": "_y.acm-validations.aws."}
    other = {"Name": "_x.moodle.example.org.", "Type": "CNAME", "Value": "_z.acm-validations.aws."}
    options = [
        {"ResourceRecord": apex},
        {"ResourceRecord": dict(apex)},
        {"DomainName": "pending"},
        {"ResourceRecord": other},
    ]

    records = acm.validation_records({"DomainValidationOptions": options})

    assert records == [
        {"name": "_x.moodle.example.com.", "type": "CNAME", "value": "_y.acm-validations.aws."},
        {"name": "_x.moodle.example.org.", "type": "CNAME", "value": "_z.acm-validations.aws."},
    ]


def test_in_use_problem_names_certificates_and_users():
    used = certificate("arn:used", InUseBy=["arn:listener", "arn:distribution"])

    assert acm.in_use_problem("moodle.example.com", [certificate(InUseBy=[])]) is None
    problem = acm.in_use_problem("moodle.example.com", [certificate(InUseBy=[]), used])
    assert "arn:used is used by arn:listener, arn:distribution" in problem
    assert "arn:1" not in problem


def test_normalize_certificate_and_prediction_have_the_same_keys():
    options = {
        "domain_name": "moodle.example.com",
        "subject_alternative_names": ["*.moodle.example.com"],
        "key_algorithm": "RSA_2048",
        "certificate_transparency_logging": True,
    }
    predicted = acm.normalize_certificate(acm.predicted_certificate(options, {"Environment": "prod"}))
    existing = acm.normalize_certificate(certificate(NotAfter=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)))

    assert predicted.keys() == existing.keys()
    assert predicted["subject_alternative_names"] == ["moodle.example.com", "*.moodle.example.com"]
    assert predicted["tags"] == {"Environment": "prod"}
    assert existing["not_after"] == "2026-01-01T00:00:00+00:00"
    assert acm.normalize_certificate(None) == {}
