#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: acm_certificate_request
short_description: Request an AWS-issued ACM certificate with DNS validation, or delete it
version_added: 0.1.0
description:
  - Requests a public certificate from AWS Certificate Manager (ACM) for a domain name and its subject
    alternative names, validated through DNS, and returns the CNAME records that validate it. Optionally waits
    until ACM has issued it. With I(state=absent), deletes it.
  - C(community.aws.acm_certificate) only imports certificates; it cannot request one that AWS issues.
  - A certificate is identified by its exact set of names (I(domain_name) plus I(subject_alternative_names)).
    Of the AWS-issued certificates with these names whose status is C(ISSUED) or C(PENDING_VALIDATION), the
    module adopts one with the wanted I(key_algorithm) and I(certificate_transparency_logging), preferring an
    C(ISSUED) one, then the newest. Imported and private certificates are never touched.
  - ACM certificates cannot be modified. When the certificates with these names all have another key algorithm
    or transparency-logging preference, the module requests a new certificate and returns C(replaced=true).
    It never deletes the old certificate, which may still be in use by a load balancer listener or a CloudFront
    distribution; delete it once nothing uses it.
  - Tags are updated in place. A replacing certificate carries the tags of the one it replaces (updated by
    I(tags) and I(purge_tags)).
  - Requests carry an C(IdempotencyToken) derived from the names and settings, so a retried request does not
    create a second certificate.
  - The certificate is requested in the region of the task (C(region), or C(module_defaults)).
author:
  - lms.moodle maintainers (@lms-moodle)
notes:
  - A certificate for CloudFront must be requested in C(us-east-1); one for a load balancer in the load
    balancer's region.
  - ACM validates and renews the certificate as long as the CNAME records of C(certificate.validation_records)
    exist in DNS, for example created with C(amazon.aws.route53).
  - In check mode the module does not wait, and a certificate that would be requested has no ARN and no
    validation records yet.
options:
  domain_name:
    description:
      - The fully qualified domain name of the certificate (its subject), at most 64 characters, for example
        C(moodle.example.com). A wildcard is allowed as the whole first label only (C(*.example.com)).
      - Compared without regard to case; requested in lower case.
    type: str
    required: true
  subject_alternative_names:
    description:
      - Further names of the certificate, each checked like I(domain_name) (at most 253 characters).
      - Order and duplicates do not matter; I(domain_name) itself may be listed.
      - With I(state=absent) they select the certificate as well, so give the same names as when requesting it.
    type: list
    elements: str
    default: []
  validation_method:
    description:
      - How ACM validates that you control the names. Only C(DNS) is supported.
      - C(EMAIL) is deliberately not supported - a person would have to click the link of an approval email
        before the certificate is issued and again at every renewal, which an unattended run cannot do. DNS
        validation renews automatically as long as the validation records stay in DNS.
    type: str
    choices: [DNS]
    default: DNS
  key_algorithm:
    description:
      - Algorithm of the key pair. Changing it requests a new certificate (see the description).
      - Some clients and AWS services do not support EC keys; C(RSA_2048) is the safe default.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
    default: RSA_2048
  certificate_transparency_logging:
    description:
      - Whether ACM logs the certificate to public certificate transparency logs. Browsers distrust
        certificates that are not logged; disable it only for names that must stay private.
      - Changing it requests a new certificate (see the description).
    type: bool
    default: true
  wait_for_validation_records:
    description:
      - ACM publishes the DNS validation records of a new certificate a few seconds after the request.
        When true, the module polls (at most one minute) until every name has its record, so that
        C(certificate.validation_records) is complete.
    type: bool
    default: true
  wait_for_issued:
    description:
      - Whether to wait until the certificate is C(ISSUED). ACM issues it only once the validation records exist
        in DNS, so request it (or create the records) first.
      - The module fails at once, naming the status and the domain, when the certificate becomes C(FAILED),
        C(VALIDATION_TIMED_OUT), C(REVOKED), C(EXPIRED) or C(INACTIVE).
    type: bool
    default: false
  wait_timeout:
    description: How many seconds to wait with I(wait_for_issued) before the module fails.
    type: int
    default: 900
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - lms.moodle.attributes.check_mode_full_diff_full
  - lms.moodle.state
"""

EXAMPLES = r"""
- name: Request the certificate of the Moodle site, validated through DNS
  lms.moodle.acm_certificate_request:
    domain_name: moodle.example.com
    subject_alternative_names:
      - "*.moodle.example.com"
    tags:
      Environment: prod
  register: moodle_certificate

- name: Publish the validation records so that ACM can issue and later renew the certificate
  amazon.aws.route53:
    state: present
    zone: example.com
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 300
    overwrite: true
  loop: "{{ moodle_certificate.certificate.validation_records }}"

- name: Wait until ACM has issued the certificate, before a listener uses it
  lms.moodle.acm_certificate_request:
    domain_name: moodle.example.com
    subject_alternative_names:
      - "*.moodle.example.com"
    tags:
      Environment: prod
    wait_for_issued: true
    wait_timeout: 1800

# CloudFront only uses certificates from us-east-1, whatever region module_defaults set.
- name: Request the certificate of the CloudFront distribution in us-east-1
  lms.moodle.acm_certificate_request:
    domain_name: static.moodle.example.com
    key_algorithm: EC_prime256v1
    region: us-east-1

- name: Delete the certificates of these names (fails if a listener or distribution still uses one)
  lms.moodle.acm_certificate_request:
    state: absent
    domain_name: moodle.example.com
    subject_alternative_names:
      - "*.moodle.example.com"
"""

RETURN = r"""
certificate:
  description:
    - The certificate after the change (empty when absent). In check mode, the prediction.
  returned: always
  type: dict
  contains:
    certificate_arn:
      description: ARN of the certificate; null for a certificate predicted in check mode.
      type: str
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789
    domain_name:
      description: The domain name (subject) of the certificate.
      type: str
      sample: moodle.example.com
    subject_alternative_names:
      description: All names of the certificate, the domain name included.
      type: list
      elements: str
      sample: [moodle.example.com, "*.moodle.example.com"]
    status:
      description: C(PENDING_VALIDATION), C(ISSUED), C(INACTIVE), C(EXPIRED), C(VALIDATION_TIMED_OUT), C(REVOKED)
        or C(FAILED).
      type: str
      sample: PENDING_VALIDATION
    type:
      description: C(AMAZON_ISSUED) (C(IMPORTED) or C(PRIVATE) only in the output of the info module).
      type: str
      sample: AMAZON_ISSUED
    key_algorithm:
      description: Algorithm of the key pair, spelt like the I(key_algorithm) option.
      type: str
      sample: RSA_2048
    certificate_transparency_logging:
      description: Whether the certificate is logged to certificate transparency logs.
      type: bool
      sample: true
    created_at:
      description: When the certificate was requested (ISO 8601).
      type: str
      sample: "2025-05-04T10:11:12+00:00"
    issued_at:
      description: When ACM issued the certificate (ISO 8601); null until then.
      type: str
    not_after:
      description: End of validity (ISO 8601); null until the certificate is issued.
      type: str
      sample: "2026-06-03T23:59:59+00:00"
    in_use_by:
      description: ARNs of the resources (load balancers, distributions) that use the certificate.
      type: list
      elements: str
      sample: []
    failure_reason:
      description: Why ACM could not issue the certificate; null unless it failed.
      type: str
    tags:
      description: Tags of the certificate.
      type: dict
      sample: {Environment: prod}
    validation_records:
      description:
        - The DNS records that validate the certificate, one per distinct record (a wildcard and its apex share
          one). Create them in the zones of the names.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the record (fully qualified, with a trailing dot).
          type: str
          sample: _3b4c5d6e7f8091a2b3c4d5e6f708192a.moodle.example.com.
        type:
          description: Record type.
          type: str
          sample: CNAME
        value:
          description: Value of the record.
          type: str
          sample: _0a1b2c3d4e5f60718293a4b5c6d7e8f9.xlfgrmvvlj.acm-validations.aws.
replaced:
  description:
    - Whether a new certificate was requested because no certificate with these names has the wanted key
      algorithm and transparency-logging preference. The old certificate is kept (see C(diff.before)).
  returned: always
  type: bool
  sample: false
deleted_certificate_arns:
  description: ARNs of the certificates deleted (or, in check mode, to be deleted) with I(state=absent).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.lms.moodle.plugins.module_utils.acm import (
    ACTIVE_STATUSES,
    AnsibleACMError,
    add_tags,
    choose_certificate,
    delete_certificate,
    find_certificates,
    in_use_problem,
    normalize_certificate,
    predicted_certificate,
    records_complete,
    remove_tags,
    request_and_read,
    settings_differences,
    validate_options,
    wait_for_certificate,
    wait_for_issued,
    wanted_names,
    with_tags,
)
from ansible_collections.lms.moodle.plugins.module_utils.arguments import state_option, tags_options
from ansible_collections.lms.moodle.plugins.module_utils.failures import fail_aws
from ansible_collections.lms.moodle.plugins.module_utils.tags import tag_changes, tags_after


def find(client, params, statuses):
    domain, others = wanted_names(params["domain_name"], params["subject_alternative_names"])
    return find_certificates(client, domain, {domain, *others}, statuses)


def ensure_absent(module, client):
    candidates = find(client, module.params, None)
    problem = in_use_problem(module.params["domain_name"], candidates)
    if problem:
        module.fail_json(msg=problem)
    arns = [certificate["CertificateArn"] for certificate in candidates]
    current = with_tags(client, candidates[0]) if candidates else None
    if not module.check_mode:
        for arn in arns:
            delete_certificate(client, arn)
    return bool(arns), current, None, {"replaced": False, "deleted_certificate_arns": arns}


def ensure_present(module, client):
    params = module.params
    candidates = find(client, params, ACTIVE_STATUSES)
    chosen, replace = choose_certificate(
        candidates, params["key_algorithm"], params["certificate_transparency_logging"]
    )
    current = with_tags(client, chosen or candidates[0]) if candidates else None
    if chosen:
        changed, after = update_tags(module, client, current)
    else:
        changed, after = True, request_new(module, client, current)
    if not module.check_mode:
        after = wait(module, client, after)
    return changed, current, after, {"replaced": replace, "deleted_certificate_arns": []}


def update_tags(module, client, current):
    arn = current["CertificateArn"]
    current_tags = boto3_tag_list_to_ansible_dict(current["Tags"])
    to_set, to_unset = tag_changes(current_tags, module.params["tags"], module.params["purge_tags"])
    if not (to_set or to_unset):
        return False, current
    if module.check_mode:
        tags = tags_after(current_tags, module.params["tags"], module.params["purge_tags"])
        return True, {**current, "Tags": ansible_dict_to_boto3_tag_list(tags)}
    if to_unset:
        remove_tags(client, arn, to_unset)
    if to_set:
        add_tags(client, arn, to_set)
    return True, with_tags(client, current)


def request_new(module, client, replaced):
    """Request the certificate (a replacement carries the tags of the one it replaces)."""
    params = module.params
    old_tags = boto3_tag_list_to_ansible_dict(replaced["Tags"]) if replaced else {}
    tags = tags_after(old_tags, params["tags"], params["purge_tags"])
    tags = {key: value for key, value in tags.items() if not key.startswith("aws:")}
    if module.check_mode:
        return predicted_certificate(params, tags)
    certificate = request_and_read(client, params, tags, params["wait_for_validation_records"])
    differences = settings_differences(certificate, params["key_algorithm"], params["certificate_transparency_logging"])
    if differences:
        module.warn(
            f"ACM returned certificate {certificate['CertificateArn']} whose settings differ from the request: "
            + "; ".join(differences)
        )
    return with_tags(client, certificate)


def wait(module, client, certificate):
    """Wait for the validation records of a pending certificate, and for ISSUED, as the options say."""
    params = module.params
    arn, tags = certificate["CertificateArn"], certificate["Tags"]
    pending = certificate["Status"] == "PENDING_VALIDATION"
    if params["wait_for_validation_records"] and pending and not records_complete(certificate):
        certificate = wait_for_certificate(client, arn, True) or certificate
    if params["wait_for_issued"] and certificate["Status"] != "ISSUED":
        certificate = wait_for_issued(client, arn, params["wait_timeout"])
    return {**certificate, "Tags": tags}


def main():
    argument_spec = dict(
        **state_option(),
        domain_name=dict(type="str", required=True),
        subject_alternative_names=dict(type="list", elements="str", default=[]),
        validation_method=dict(type="str", choices=["DNS"], default="DNS"),
        key_algorithm=dict(type="str", choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"], default="RSA_2048"),
        certificate_transparency_logging=dict(type="bool", default=True),
        wait_for_validation_records=dict(type="bool", default=True),
        wait_for_issued=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=900),
        **tags_options(),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    problem = validate_options(module.params)
    if problem:
        module.fail_json(msg=problem)
    client = module.client("acm")
    try:
        if module.params["state"] == "absent":
            changed, current, after, extra = ensure_absent(module, client)
        else:
            changed, current, after, extra = ensure_present(module, client)
    except AnsibleACMError as e:
        fail_aws(module, e)
    after = normalize_certificate(after)
    module.exit_json(
        changed=changed,
        certificate=after,
        diff={"before": normalize_certificate(current), "after": after},
        **extra,
    )


if __name__ == "__main__":
    main()
