# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the acm_certificate_request modules: ACM calls behind amazon.aws error handlers, the
polling loops, and the pure functions that find, compare and describe AWS-issued certificates.

ACM certificates cannot be modified: a certificate is identified by its set of names, and a different key
algorithm or transparency-logging preference needs a new certificate. Only tags change in place.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# Seconds between two polls while waiting for ISSUED; unit tests set it to 0.
POLL_INTERVAL = 10
# ACM fills in the DNS validation records a few seconds after RequestCertificate (and DescribeCertificate may
# not even find a new certificate for a moment): poll that often, for at most that long. Unit tests patch both.
RECORDS_POLL_INTERVAL = 2
RECORDS_TIMEOUT = 60

# ListCertificates returns only RSA_1024 and RSA_2048 certificates unless told otherwise.
ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
ALL_STATUSES = ["PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"]
# The certificates that the request module adopts: usable now, or once their DNS records exist.
ACTIVE_STATUSES = ["ISSUED", "PENDING_VALIDATION"]
# A certificate in one of these will never become ISSUED.
FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED", "INACTIVE")
AMAZON_ISSUED = "AMAZON_ISSUED"

# ACM limits the first name (it becomes the subject CN) to 64 octets, every other name to 253.
MAX_DOMAIN_NAME = 64
MAX_ALTERNATIVE_NAME = 253
LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
MAX_TOKEN = 32


class AnsibleACMError(AnsibleAWSError):
    pass


class ACMErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleACMError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


# ---------------------------------------------------------------------------------------------- AWS calls


@ACMErrorHandler.list_error_handler("list ACM certificates", [])
@AWSRetry.jittered_backoff()
def list_certificates(client, statuses: list[str] | None = None) -> list[dict[str, Any]]:
    """Certificate summaries of every key type, of these statuses (all when None or empty)."""
    params: dict[str, Any] = {"Includes": {"keyTypes": ALL_KEY_TYPES}}
    if statuses:
        params["CertificateStatuses"] = statuses
    paginator = client.get_paginator("list_certificates")
    return paginator.paginate(**params).build_full_result()["CertificateSummaryList"]


@ACMErrorHandler.list_error_handler("describe ACM certificate {arn}", None)
@AWSRetry.jittered_backoff()
def describe_certificate(client, arn: str) -> dict[str, Any] | None:
    """The certificate detail; None when it does not exist (or not yet: right after RequestCertificate)."""
    return client.describe_certificate(CertificateArn=arn)["Certificate"]


@ACMErrorHandler.list_error_handler("list tags of ACM certificate {arn}", [])
@AWSRetry.jittered_backoff()
def list_tags(client, arn: str) -> list[dict[str, str]]:
    return client.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])


@ACMErrorHandler.common_error_handler("request ACM certificate for {params[DomainName]}")
@AWSRetry.jittered_backoff()
def request_certificate(client, params: dict[str, Any]) -> str:
    """RequestCertificate; params carry an IdempotencyToken, so a retried call returns the same certificate."""
    return client.request_certificate(**params)["CertificateArn"]


@ACMErrorHandler.deletion_error_handler("delete ACM certificate {arn}")
@AWSRetry.jittered_backoff()
def delete_certificate(client, arn: str) -> bool:
    client.delete_certificate(CertificateArn=arn)
    return True


@ACMErrorHandler.common_error_handler("tag ACM certificate {arn}")
@AWSRetry.jittered_backoff()
def add_tags(client, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_certificate(CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@ACMErrorHandler.common_error_handler("untag ACM certificate {arn}")
@AWSRetry.jittered_backoff()
def remove_tags(client, arn: str, keys: list[str]) -> None:
    client.remove_tags_from_certificate(CertificateArn=arn, Tags=[{"Key": key} for key in keys])


# ---------------------------------------------------------------------------------------------- reading


def with_tags(client, certificate: dict[str, Any]) -> dict[str, Any]:
    """The certificate detail with its tags (as ListTagsForCertificate lists them) under Tags."""
    return {**certificate, "Tags": list_tags(client, certificate["CertificateArn"])}


def find_certificates(client, domain_name: str, names: set[str], statuses: list[str] | None) -> list[dict[str, Any]]:
    """The AWS-issued certificates of exactly these names (domain_name first), preferred first."""
    found = []
    for summary in list_certificates(client, statuses):
        if not summary_may_match(summary, domain_name):
            continue
        certificate = describe_certificate(client, summary["CertificateArn"])
        if certificate and certificate_matches(certificate, domain_name, names):
            found.append(certificate)
    return sorted(found, key=preference)


def describe_all(client, statuses: list[str] | None) -> list[dict[str, Any]]:
    """Every certificate of these statuses, of any type and key type, as DescribeCertificate reports it."""
    details = (
        describe_certificate(client, summary["CertificateArn"]) for summary in list_certificates(client, statuses)
    )
    return [certificate for certificate in details if certificate]


def request_and_read(client, options: dict[str, Any], tags: dict[str, str], records: bool) -> dict[str, Any]:
    """Request the certificate and read it back, once found (and its DNS records published, when records)."""
    arn = request_certificate(client, request_params(options, tags))
    certificate = wait_for_certificate(client, arn, records)
    if certificate is None:
        # ACM answers a token with the same certificate for an hour, even when that certificate has been deleted
        # since: request again with a token of its own.
        arn = request_certificate(client, request_params(options, tags, salt=str(time.time())))
        certificate = wait_for_certificate(client, arn, records)
    if certificate is None:
        raise AnsibleACMError(
            message=f"ACM returned certificate {arn} for {options['domain_name']} but DescribeCertificate does not "
            f"find it after {RECORDS_TIMEOUT}s",
            certificate_arn=arn,
        )
    return certificate


# ---------------------------------------------------------------------------------------------- waiting


def wait_for_certificate(client, arn: str, records: bool) -> dict[str, Any] | None:
    """The certificate once DescribeCertificate finds it and, when records is true, once every name has its
    DNS validation record. None when it was never found; AnsibleACMError when its records never came."""

    def found(certificate: dict[str, Any] | None) -> bool:
        return bool(certificate) and (not records or records_complete(certificate))

    try:
        return poll(lambda: describe_certificate(client, arn), found, RECORDS_TIMEOUT, RECORDS_POLL_INTERVAL)
    except WaitTimeout as e:
        if not e.last:
            return None
    raise AnsibleACMError(
        message=f"Timeout after {RECORDS_TIMEOUT}s waiting for ACM to publish the DNS validation records of "
        f"{arn}; run the task again to read them, or set wait_for_validation_records=false",
        certificate_arn=arn,
    )


def wait_for_issued(client, arn: str, timeout: int) -> dict[str, Any]:
    """The certificate once it is ISSUED; AnsibleACMError at once when it cannot be, or after timeout seconds."""

    def issued(certificate: dict[str, Any] | None) -> bool:
        if certificate is None:
            raise AnsibleACMError(message=f"ACM certificate {arn} disappeared while waiting for it to be ISSUED")
        raise_if_failed(certificate)
        return certificate["Status"] == "ISSUED"

    try:
        return poll(lambda: describe_certificate(client, arn), issued, timeout, POLL_INTERVAL)
    except WaitTimeout as e:
        raise not_issued_error(e.last, timeout) from None


def raise_if_failed(certificate: dict[str, Any]) -> None:
    status = certificate["Status"]
    if status in FAILED_STATUSES:
        reason = f" ({certificate['FailureReason']})" if certificate.get("FailureReason") else ""
        raise AnsibleACMError(
            message=f"ACM certificate for {certificate['DomainName']} is {status}{reason} and will not be issued: "
            f"{certificate['CertificateArn']}",
            certificate_arn=certificate["CertificateArn"],
            status=status,
        )


def not_issued_error(certificate: dict[str, Any], timeout: int) -> AnsibleACMError:
    pending = [
        option["DomainName"]
        for option in certificate.get("DomainValidationOptions", [])
        if option.get("ValidationStatus") != "SUCCESS"
    ]
    waiting_for = f"; not yet validated: {', '.join(pending)}" if pending else ""
    return AnsibleACMError(
        message=f"Timeout after {timeout}s waiting for the ACM certificate for {certificate['DomainName']} to be "
        f"ISSUED (it is {certificate['Status']}{waiting_for}); do the validation_records exist in DNS? "
        f"{certificate['CertificateArn']}",
        certificate_arn=certificate["CertificateArn"],
        status=certificate["Status"],
        validation_records=validation_records(certificate),
    )


# ---------------------------------------------------------------------------------------------- pure functions


def dns_name_problem(name: str, max_length: int) -> str | None:
    """Why name is not a DNS name that ACM accepts (a wildcard only as the whole first label); None if it is."""
    if not name.isascii():
        return "is not ASCII: write an internationalised name in its punycode (xn--) form"
    if len(name) > max_length:
        return f"is longer than {max_length} characters"
    labels = name.split(".")
    wildcard = labels[0] == "*"
    if wildcard:
        labels = labels[1:]
    if any("*" in label for label in labels):
        return "has a wildcard (*) that is not the whole first label (write *.example.com)"
    if len(labels) < 2:
        return "needs at least two labels below the wildcard" if wildcard else "is not fully qualified"
    return _labels_problem(labels)


def _labels_problem(labels: list[str]) -> str | None:
    bad = [label for label in labels if not LABEL.match(label)]
    if bad:
        return (
            f"has an invalid label {bad[0]!r} (letters, digits and hyphens, 1-63 characters, "
            "no hyphen at either end, no empty label or trailing dot)"
        )
    if len(labels[-1]) < 2:
        return "has a top-level label shorter than two characters"
    return None


def validate_options(options: dict[str, Any]) -> str | None:
    """The first problem with the options, naming the option; None when they are valid."""
    problem = dns_name_problem(options["domain_name"], MAX_DOMAIN_NAME)
    if problem:
        return f"domain_name {options['domain_name']!r} {problem}"
    for name in options.get("subject_alternative_names") or []:
        problem = dns_name_problem(name, MAX_ALTERNATIVE_NAME)
        if problem:
            return f"subject_alternative_names: {name!r} {problem}"
    if options.get("wait_timeout") is not None and options["wait_timeout"] < 0:
        return "wait_timeout must not be negative"
    return None


def wanted_names(domain_name: str, alternative_names: list[str] | None) -> tuple[str, list[str]]:
    """The domain name and the other names (sorted, unique, without the domain name), lower case."""
    domain = domain_name.lower()
    others = sorted({name.lower() for name in alternative_names or []} - {domain})
    return domain, others


def certificate_names(certificate: dict[str, Any]) -> set[str]:
    """Every name of a certificate (ACM lists the domain name among the alternative names, but not always)."""
    names = {certificate["DomainName"]} | set(certificate.get("SubjectAlternativeNames") or [])
    return {name.lower() for name in names}


def summary_may_match(summary: dict[str, Any], domain_name: str) -> bool:
    """Whether a ListCertificates summary is worth a DescribeCertificate (summaries truncate the names)."""
    if summary.get("Type", AMAZON_ISSUED) != AMAZON_ISSUED:
        return False
    return summary.get("DomainName", "").lower() == domain_name


def certificate_matches(certificate: dict[str, Any], domain_name: str, names: set[str]) -> bool:
    return (
        certificate.get("Type") == AMAZON_ISSUED
        and certificate["DomainName"].lower() == domain_name
        and certificate_names(certificate) == names
    )


def preference(certificate: dict[str, Any]) -> tuple[int, float]:
    """Sort key: ISSUED before the others, then the newest first."""
    created = certificate.get("CreatedAt")
    timestamp = created.timestamp() if hasattr(created, "timestamp") else float(created or 0)
    return (0 if certificate["Status"] == "ISSUED" else 1, -timestamp)


def normalize_key_algorithm(value: str | None) -> str | None:
    """DescribeCertificate says RSA-2048 or EC-prime256v1; RequestCertificate wants RSA_2048, EC_prime256v1."""
    return value.replace("-", "_") if value else value


def transparency_logging(certificate: dict[str, Any]) -> bool:
    """Whether the certificate is logged to certificate transparency logs (ACM's default)."""
    preference_value = (certificate.get("Options") or {}).get("CertificateTransparencyLoggingPreference", "ENABLED")
    return preference_value != "DISABLED"


def settings_differences(certificate: dict[str, Any], key_algorithm: str, logging: bool) -> list[str]:
    """Descriptions of the settings of the certificate that differ from the wanted ones."""
    differences = []
    current_algorithm = normalize_key_algorithm(certificate.get("KeyAlgorithm"))
    if current_algorithm != key_algorithm:
        differences.append(f"key_algorithm (is {current_algorithm}, wanted {key_algorithm})")
    if transparency_logging(certificate) != logging:
        differences.append(
            f"certificate_transparency_logging (is {str(not logging).lower()}, wanted {str(logging).lower()})"
        )
    return differences


def choose_certificate(
    candidates: list[dict[str, Any]], key_algorithm: str, logging: bool
) -> tuple[dict[str, Any] | None, bool]:
    """The preferred candidate with the wanted settings, and whether a new certificate replaces the candidates
    (there are some, none with the wanted settings). The candidates are sorted by preference."""
    for certificate in candidates:
        if not settings_differences(certificate, key_algorithm, logging):
            return certificate, False
    return None, bool(candidates)


def idempotency_token(domain_name: str, others: list[str], key_algorithm: str, logging: bool, salt: str = "") -> str:
    """IdempotencyToken of a request: the same for the same names and settings. ACM returns the certificate of
    a token for an hour whatever else the request says, so the settings are part of it."""
    source = "|".join([domain_name, ",".join(others), key_algorithm, str(logging), salt])
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:MAX_TOKEN]


def request_params(options: dict[str, Any], tags: dict[str, str] | None, salt: str = "") -> dict[str, Any]:
    """RequestCertificate parameters from the module options (DNS validation only)."""
    domain, others = wanted_names(options["domain_name"], options.get("subject_alternative_names"))
    logging = options["certificate_transparency_logging"]
    params: dict[str, Any] = {
        "DomainName": domain,
        "ValidationMethod": "DNS",
        "KeyAlgorithm": options["key_algorithm"],
        "Options": {"CertificateTransparencyLoggingPreference": "ENABLED" if logging else "DISABLED"},
        "IdempotencyToken": idempotency_token(domain, others, options["key_algorithm"], logging, salt),
    }
    if others:
        params["SubjectAlternativeNames"] = [domain, *others]
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return params


def in_use_problem(domain_name: str, certificates: list[dict[str, Any]]) -> str | None:
    """Why these certificates must not be deleted: the resources that use them; None when none is in use."""
    in_use = [certificate for certificate in certificates if certificate.get("InUseBy")]
    if not in_use:
        return None
    users = "; ".join(f"{item['CertificateArn']} is used by {', '.join(item['InUseBy'])}" for item in in_use)
    return (
        f"Refusing to delete the ACM certificates for {domain_name}: {users}. "
        "Move these listeners or distributions to another certificate first; nothing was deleted"
    )


def records_complete(certificate: dict[str, Any]) -> bool:
    """Whether ACM has published the DNS validation record of every name of the certificate."""
    options = certificate.get("DomainValidationOptions") or []
    return bool(options) and all(option.get("ResourceRecord") for option in options)


def validation_records(certificate: dict[str, Any]) -> list[dict[str, str]]:
    """The unique CNAME records that validate the certificate (a wildcard and its apex share one)."""
    records: list[dict[str, str]] = []
    for option in certificate.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if not record:
            continue
        item = {"name": record["Name"], "type": record["Type"], "value": record["Value"]}
        if item not in records:
            records.append(item)
    return records


def predicted_certificate(options: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    """What RequestCertificate would create, as DescribeCertificate would report it (no ARN, no records yet)."""
    params = request_params(options, None)
    return {
        "DomainName": params["DomainName"],
        "SubjectAlternativeNames": params.get("SubjectAlternativeNames", [params["DomainName"]]),
        "Status": "PENDING_VALIDATION",
        "Type": AMAZON_ISSUED,
        "KeyAlgorithm": params["KeyAlgorithm"],
        "Options": params["Options"],
        "InUseBy": [],
        "Tags": ansible_dict_to_boto3_tag_list(tags),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def normalize_certificate(certificate: dict[str, Any] | None) -> dict[str, Any]:
    """The certificate as the modules return it: snake_case, tags as a dict, dates in ISO 8601."""
    if not certificate:
        return {}
    return {
        "certificate_arn": certificate.get("CertificateArn"),
        "domain_name": certificate["DomainName"],
        "subject_alternative_names": certificate.get("SubjectAlternativeNames") or [],
        "status": certificate["Status"],
        "type": certificate.get("Type"),
        "key_algorithm": normalize_key_algorithm(certificate.get("KeyAlgorithm")),
        "certificate_transparency_logging": transparency_logging(certificate),
        "created_at": _iso(certificate.get("CreatedAt")),
        "issued_at": _iso(certificate.get("IssuedAt")),
        "not_after": _iso(certificate.get("NotAfter")),
        "in_use_by": certificate.get("InUseBy") or [],
        "failure_reason": certificate.get("FailureReason"),
        "tags": boto3_tag_list_to_ansible_dict(certificate.get("Tags") or []),
        "validation_records": validation_records(certificate),
    }
