# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ACM calls behind amazon.aws error handlers and retries, the reads that find certificates, and the waits
for a new certificate, its DNS validation records and ISSUED."""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.lms.moodle.plugins.module_utils._acm.common import (
    ALL_KEY_TYPES,
    FAILED_STATUSES,
    ACMErrorHandler,
    AnsibleACMError,
)
from ansible_collections.lms.moodle.plugins.module_utils._acm.output import validation_records
from ansible_collections.lms.moodle.plugins.module_utils._acm.plan import (
    certificate_matches,
    preference,
    records_complete,
    request_params,
    summary_may_match,
)
from ansible_collections.lms.moodle.plugins.module_utils.waiting import WaitTimeout, poll

# Seconds between two polls while waiting for ISSUED; unit tests set it to 0.
POLL_INTERVAL = 10

# ACM fills in the DNS validation records a few seconds after RequestCertificate (and DescribeCertificate may
# not even find a new certificate for a moment): poll that often, for at most that long. Unit tests patch both.
RECORDS_POLL_INTERVAL = 2

RECORDS_TIMEOUT = 60


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
