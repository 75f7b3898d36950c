# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the acm_certificate_request modules, imported from here: ACM calls, reads and waits behind amazon.aws
error handlers (_acm/api.py), the pure functions that validate names and choose or request a certificate
(_acm/plan.py), and the shape of the results (_acm/output.py).
"""

from __future__ import annotations

from ansible_collections.lms.moodle.plugins.module_utils._acm.api import (
    add_tags,
    delete_certificate,
    describe_all,
    describe_certificate,
    find_certificates,
    list_certificates,
    list_tags,
    not_issued_error,
    raise_if_failed,
    remove_tags,
    request_and_read,
    request_certificate,
    wait_for_certificate,
    wait_for_issued,
    with_tags,
)
from ansible_collections.lms.moodle.plugins.module_utils._acm.common import (
    ACTIVE_STATUSES,
    ALL_KEY_TYPES,
    ALL_STATUSES,
    AMAZON_ISSUED,
    FAILED_STATUSES,
    ACMErrorHandler,
    AnsibleACMError,
)
from ansible_collections.lms.moodle.plugins.module_utils._acm.output import (
    normalize_certificate,
    predicted_certificate,
    validation_records,
)
from ansible_collections.lms.moodle.plugins.module_utils._acm.plan import (
    LABEL,
    MAX_ALTERNATIVE_NAME,
    MAX_DOMAIN_NAME,
    MAX_TOKEN,
    certificate_matches,
    certificate_names,
    choose_certificate,
    dns_name_problem,
    idempotency_token,
    in_use_problem,
    normalize_key_algorithm,
    preference,
    records_complete,
    request_params,
    settings_differences,
    summary_may_match,
    transparency_logging,
    validate_options,
    wanted_names,
)

__all__ = [
    "ACMErrorHandler",
    "ACTIVE_STATUSES",
    "ALL_KEY_TYPES",
    "ALL_STATUSES",
    "AMAZON_ISSUED",
    "AnsibleACMError",
    "FAILED_STATUSES",
    "LABEL",
    "MAX_ALTERNATIVE_NAME",
    "MAX_DOMAIN_NAME",
    "MAX_TOKEN",
    "add_tags",
    "certificate_matches",
    "certificate_names",
    "choose_certificate",
    "delete_certificate",
    "describe_all",
    "describe_certificate",
    "dns_name_problem",
    "find_certificates",
    "idempotency_token",
    "in_use_problem",
    "list_certificates",
    "list_tags",
    "normalize_certificate",
    "normalize_key_algorithm",
    "not_issued_error",
    "predicted_certificate",
    "preference",
    "raise_if_failed",
    "records_complete",
    "remove_tags",
    "request_and_read",
    "request_certificate",
    "request_params",
    "settings_differences",
    "summary_may_match",
    "transparency_logging",
    "validate_options",
    "validation_records",
    "wait_for_certificate",
    "wait_for_issued",
    "wanted_names",
    "with_tags",
]
