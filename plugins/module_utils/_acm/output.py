# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificates as the modules return them, their DNS validation records, and the prediction of check mode."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.lms.moodle.plugins.module_utils._acm.common import AMAZON_ISSUED
from ansible_collections.lms.moodle.plugins.module_utils._acm.plan import (
    normalize_key_algorithm,
    request_params,
    transparency_logging,
)


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
