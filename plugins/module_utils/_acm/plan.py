# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the options of acm_certificate_request ask for: valid names, the certificates that match them, the one to
keep or whether to request a new one, and the request itself. Pure functions.

ACM certificates cannot be modified: a certificate is identified by its set of names, and a different key
algorithm or transparency-logging preference needs a new certificate. Only tags change in place."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.lms.moodle.plugins.module_utils._acm.common import AMAZON_ISSUED

# ACM limits the first name (it becomes the subject CN) to 64 octets, every other name to 253.
MAX_DOMAIN_NAME = 64

MAX_ALTERNATIVE_NAME = 253

LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")

MAX_TOKEN = 32


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
