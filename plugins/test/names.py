# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja tests for names that end up in AWS resource names."""

from __future__ import annotations

import re

# The environment name prefixes every resource name. The tightest consumers are ALB and target-group
# names (32 characters, alphanumerics and hyphens) and S3 bucket names (lower case), so keep it short,
# lower case and hyphen-safe.
ENVIRONMENT_NAME = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{1,18}[a-z0-9]$")


# What RDS, EFS and the other services take as a customer-managed key: a key id, a key or alias ARN, or alias/<name>.
# A bare name ("my-key") is none of them, and AWS would refuse it only at the create call.
KMS_KEY_REFERENCE = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]+)"
    r"|alias/[A-Za-z0-9/_-]+)$"
)


def environment_name(value) -> bool:
    return isinstance(value, str) and ENVIRONMENT_NAME.match(value) is not None


def kms_key_reference(value) -> bool:
    return isinstance(value, str) and KMS_KEY_REFERENCE.match(value) is not None


class TestModule:
    def tests(self):
        return {"environment_name": environment_name, "kms_key_reference": kms_key_reference}
