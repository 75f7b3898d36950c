# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retention periods CloudWatch Logs accepts: one list for the cloudwatch_log_group module's choices and for the
roles' preflight (the lms.moodle.log_retention_problem filter), so a new period is added in one place."""

from __future__ import annotations

# PutRetentionPolicy's retentionInDays values.
RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
                  3653]  # fmt: skip


def retention_problem(value, variable: str) -> str:
    """Why ``value`` (what the user set in ``variable``) is not a retention CloudWatch Logs accepts; empty if it is."""
    # A whole number, or its digits as text (an extra var from the command line is a string); not 30.5 or true.
    days = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit():
        days = int(value)
    if days in RETENTION_DAYS:
        return ""
    return (f"{variable} must be one of the periods CloudWatch Logs accepts, in days: "
            f"{', '.join(map(str, RETENTION_DAYS))} (got {value!r}).")  # fmt: skip
