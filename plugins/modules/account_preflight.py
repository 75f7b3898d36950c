#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: account_preflight
short_description: Ask the AWS account whether it accepts the values of a run, before anything is created
version_added: 0.1.0
description:
  - Read-only. Makes only describe, list and get calls, and reports every value the account would refuse, all
    together, each with the variable the user set and, where the account can say, the values that would be valid.
  - Checks the region first (it exists and is enabled), then the availability zones, then the other values; the
    instance types are checked in the zones the network will use.
  - A value whose check the account does not answer (no permission for the read call, or an endpoint without the
    API, such as moto's ElastiCache) is returned in RV(unconfirmed); it does not fail the task.
  - docs/account-preflight.md lists each call, with what moto and real AWS answer.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  region_variable:
    description: The variable that set the region, named when the region does not exist.
    type: str
    default: aws_region
  checks:
    description: The values to check.
    type: list
    elements: dict
    default: []
    suboptions:
      check:
        description:
          - What the value is. V(zones) are availability zone names (with O(checks[].count));
            V(instance_type) an EC2 instance type; V(image) an AMI ID (with O(checks[].architecture));
            V(database) a DB instance class (with O(checks[].engine) and O(checks[].version));
            V(cache_engine_version) an ElastiCache engine version (with O(checks[].engine));
            V(ssl_policy) an ELB security policy; V(kms_key) a KMS key ID, ARN or alias; V(hosted_zone) a public
            Route 53 zone name; V(certificate) an ACM certificate ARN; V(bucket) an S3 bucket name, where
            C({account}) stands for the account ID; V(site_record) the site's name (with O(checks[].zone) and
            O(checks[].owner)), refused when it already answers with records that are not O(checks[].owner)'s (see
            M(lms.moodle.route53_site_records)).
          - An empty value is not checked (the role's default applies), except for V(zones).
        type: str
        required: true
        choices: [zones, instance_type, image, database, cache_engine_version, ssl_policy, kms_key, hosted_zone,
                  certificate, bucket, site_record]
      variable:
        description: The variable the user sets for this value, named in the finding.
        type: str
        required: true
      value:
        description: The value; a list for V(zones) (empty when the region chooses).
        type: raw
      count:
        description: For V(zones), how many zones the network uses (network_az_count).
        type: int
      engine:
        description: For V(database) and V(cache_engine_version), the engine.
        type: str
      version:
        description: For V(database), the pinned engine version (empty for the engine's default).
        type: str
      version_variable:
        description: For V(database), the variable that pins the engine version.
        type: str
      architecture:
        description: For V(image), the architecture of the instance type the image is launched on.
        type: str
        choices: [x86_64, arm64]
      zone:
        description: For V(site_record), the hosted zone of the name.
        type: str
      owner:
        description: For V(site_record), the owner tags the name's ownership record must hold when it answers already.
        type: dict
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - lms.moodle.attributes.info
"""

EXAMPLES = r"""
- name: Ask the account before the first change
  lms.moodle.account_preflight:
    checks:
      - {check: zones, variable: network_availability_zones, value: [], count: 2}
      - {check: instance_type, variable: web_fleet_instance_type, value: c7g.xlarge}
      - check: database
        variable: database_instance_class
        value: db.r6g.large
        engine: aurora-postgresql
        version: ""
        version_variable: database_engine_version
      - {check: ssl_policy, variable: load_balancer_ssl_policy, value: ELBSecurityPolicy-TLS13-1-2-2021-06}
      - {check: hosted_zone, variable: moodle_hosted_zone, value: example.edu}
      - {check: bucket, variable: moodle_environment, value: "prod-moodle-artifacts-{account}"}
      - check: site_record
        variable: dns_record_name (moodle_domain_name)
        value: moodle.example.edu
        zone: example.edu
        owner: {ManagedBy: lms.moodle, Environment: prod}
"""

RETURN = r"""
findings:
  description: The values the account refuses (the task fails when there is one).
  returned: always
  type: list
  elements: dict
  sample:
    - variable: web_fleet_instance_type
      value: c7g.24xlarge
      message: "web_fleet_instance_type 'c7g.24xlarge' is not offered in eu-west-1; c7g types offered there: c7g.large"
unconfirmed:
  description: The values the account did not answer about, with why.
  returned: always
  type: list
  elements: dict
  sample:
    - variable: cache_engine_versions
      value: "8.0"
      reason: the endpoint does not answer DescribeCacheEngineVersions (ResponseParserError)
zones:
  description: The availability zones the network will use, when the check could tell.
  returned: always
  type: list
  elements: str
  sample: [eu-west-1a, eu-west-1b]
calls:
  description: The read calls made, as service:Operation, in order.
  returned: always
  type: list
  elements: str
  sample: ["ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.lms.moodle.plugins.module_utils.account import Account
from ansible_collections.lms.moodle.plugins.module_utils.account_checks import run

try:
    import botocore.config
    import botocore.exceptions
except ImportError:  # AnsibleAWSModule reports it.
    pass

CHECK_KINDS = [
    "zones",
    "instance_type",
    "image",
    "database",
    "cache_engine_version",
    "ssl_policy",
    "kms_key",
    "hosted_zone",
    "certificate",
    "bucket",
    "site_record",
]


def main():
    argument_spec = dict(
        region_variable=dict(type="str", default="aws_region"),
        checks=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                check=dict(type="str", required=True, choices=CHECK_KINDS),
                variable=dict(type="str", required=True),
                value=dict(type="raw"),
                count=dict(type="int"),
                engine=dict(type="str"),
                version=dict(type="str"),
                version_variable=dict(type="str"),
                architecture=dict(type="str", choices=["x86_64", "arm64"]),
                zone=dict(type="str"),
                owner=dict(type="dict"),
            ),
        ),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    # An endpoint that cannot answer an API (moto) returns an error page: retrying it only adds seconds.
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 3})
    account = Account(lambda service, region: module.client(service, region=region, config=config), module.region)
    try:
        run(account, module.params["region_variable"], module.params["checks"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(
            error, msg=f"The account preflight could not read the account (after {', '.join(account.calls)})"
        )
    result = dict(
        changed=False,
        findings=account.findings,
        unconfirmed=account.unconfirmed,
        zones=account.zones or [],
        calls=account.calls,
    )
    if account.findings:
        module.fail_json(
            msg=f"The AWS account refuses {len(account.findings)} value(s), before anything is created: "
            + " | ".join(item["message"] for item in account.findings),
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
