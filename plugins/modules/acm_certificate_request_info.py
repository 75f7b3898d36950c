#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acm_certificate_request_info
short_description: List ACM certificates with their DNS validation records
version_added: 0.1.0
description:
  - Lists the certificates of AWS Certificate Manager in the region of the task, of every key type, in the
    shape that C(lms.moodle.acm_certificate_request) returns, including the DNS records that validate them.
  - Lists certificates of every type (AWS-issued, imported, private).
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  domain_name:
    description:
      - Only the certificates that have this name, as their domain name or as one of their subject alternative
        names (compared without regard to case).
    type: str
  statuses:
    description: Only the certificates in one of these statuses. All statuses when empty.
    type: list
    elements: str
    choices: [PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED]
    default: []
  certificate_arn:
    description: Only this certificate (an empty list when it does not exist).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Read the pending certificates of the Moodle site
  lms.moodle.acm_certificate_request_info:
    domain_name: moodle.example.com
    statuses:
      - PENDING_VALIDATION
  register: pending_certificates

- name: Read the certificates that CloudFront can use
  lms.moodle.acm_certificate_request_info:
    statuses:
      - ISSUED
    region: us-east-1
  register: cloudfront_certificates
"""

RETURN = r"""
certificates:
  description:
    - The matching certificates, with the keys that C(lms.moodle.acm_certificate_request) returns in
      C(certificate).
  returned: always
  type: list
  elements: dict
  sample:
    - certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789
      domain_name: moodle.example.com
      subject_alternative_names: [moodle.example.com, "*.moodle.example.com"]
      status: ISSUED
      type: AMAZON_ISSUED
      key_algorithm: RSA_2048
      certificate_transparency_logging: true
      created_at: "2025-05-04T10:11:12+00:00"
      issued_at: "2025-05-04T10:15:02+00:00"
      not_after: "2026-06-03T23:59:59+00:00"
      in_use_by: []
      failure_reason: null
      tags: {Environment: prod}
      validation_records:
        - name: _3b4c5d6e7f8091a2b3c4d5e6f708192a.moodle.example.com.
          type: CNAME
          value: _0a1b2c3d4e5f60718293a4b5c6d7e8f9.xlfgrmvvlj.acm-validations.aws.
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.acm import (
    ALL_STATUSES,
    AnsibleACMError,
    certificate_names,
    describe_all,
    describe_certificate,
    normalize_certificate,
    with_tags,
)


def select(client, params):
    """The certificates that match the options, as DescribeCertificate reports them."""
    statuses = params["statuses"]
    if params["certificate_arn"]:
        found = describe_certificate(client, params["certificate_arn"])
        certificates = [found] if found and (not statuses or found["Status"] in statuses) else []
    else:
        certificates = describe_all(client, statuses)
    if params["domain_name"]:
        name = params["domain_name"].lower()
        certificates = [certificate for certificate in certificates if name in certificate_names(certificate)]
    return certificates


def main():
    argument_spec = dict(
        domain_name=dict(type="str"),
        statuses=dict(type="list", elements="str", choices=ALL_STATUSES, default=[]),
        certificate_arn=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("acm")
    try:
        certificates = [normalize_certificate(with_tags(client, item)) for item in select(client, module.params)]
    except AnsibleACMError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, certificates=certificates)


if __name__ == "__main__":
    main()
