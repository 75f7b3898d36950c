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


def environment_name(value) -> bool:
    return isinstance(value, str) and ENVIRONMENT_NAME.match(value) is not None


class TestModule:
    def tests(self):
        return {"environment_name": environment_name}
