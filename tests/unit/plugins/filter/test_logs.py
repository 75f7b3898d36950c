"""The log retention checked in the network's and the web fleet's preflight (lms.moodle.log_retention_problem): the
same periods the cloudwatch_log_group module accepts."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.filter import logs
from ansible_collections.lms.moodle.plugins.module_utils import log_retention
from ansible_collections.lms.moodle.plugins.modules import cloudwatch_log_group


@pytest.mark.parametrize("value", [1, 30, "90", 3653])
def test_a_period_cloudwatch_logs_accepts_has_no_problem(value):
    assert logs.log_retention_problem(value, "web_fleet_log_retention_days") == ""


@pytest.mark.parametrize("value", [0, 8, 4000, "ninety", None, True, 30.5])
def test_any_other_value_names_the_variable_and_the_periods(value):
    problem = logs.log_retention_problem(value, "network_flow_logs_retention_days")
    assert problem.startswith("network_flow_logs_retention_days must be one of")
    assert "1, 3, 5, 7, 14, 30" in problem and f"got {value!r}" in problem


def test_the_module_offers_the_same_periods_the_preflight_accepts():
    # One list: a period added for the module is accepted by the preflight, and the module's documentation shows it.
    assert cloudwatch_log_group.RETENTION_DAYS is log_retention.RETENTION_DAYS
    documented = cloudwatch_log_group.DOCUMENTATION.split("retention:", 1)[1].split("tags:", 1)[0]
    assert all(f" {days}" in documented for days in log_retention.RETENTION_DAYS)
