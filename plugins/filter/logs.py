# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs inputs checked in a role's preflight, with the list the cloudwatch_log_group module uses."""

from __future__ import annotations

from ansible_collections.lms.moodle.plugins.module_utils.log_retention import retention_problem


def log_retention_problem(value, variable: str) -> str:
    return retention_problem(value, variable)


class FilterModule:
    def filters(self):
        return {"log_retention_problem": log_retention_problem}
