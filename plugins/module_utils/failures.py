# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How an AWS module of the collection fails on an error its module_utils raised."""

from __future__ import annotations

from typing import Any, NoReturn

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


def fail_aws(module: Any, error: AnsibleAWSError) -> NoReturn:
    """fail_json_aws_error for a botocore error; otherwise fail_json with the error's keyword arguments too (the
    resource's ARN, status or records), which fail_json_aws_error would drop."""
    if error.exception:
        module.fail_json_aws_error(error)
    module.fail_json(msg=error.message, **error.kwargs)
