"""The controller's systemd asked whether a calendar expression parses (lms.moodle.calendar_problem)."""

from __future__ import annotations

import shutil

import pytest

from ansible_collections.lms.moodle.plugins.filter import systemd

needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")


@needs_systemd
@pytest.mark.parametrize("expression", ["*:0/5", "*-*-* *:*:00", "hourly", "Mon..Fri 08:00"])
def test_an_expression_systemd_parses_has_no_problem(expression):
    assert systemd.calendar_problem(expression) == ""


@needs_systemd
@pytest.mark.parametrize("expression", ["*/5 * * * *", "every minute", "--help", ""])
def test_an_expression_systemd_refuses_comes_back_with_its_reason(expression):
    assert systemd.calendar_problem(expression).startswith("Failed to parse calendar specification")


def test_a_controller_without_systemd_leaves_the_question_to_the_node(monkeypatch):
    monkeypatch.setattr(systemd.shutil, "which", lambda _name: None)
    assert systemd.calendar_problem("*/5 * * * *") == ""


def test_a_value_that_is_not_a_string_is_a_filter_error():
    with pytest.raises(systemd.AnsibleFilterError):
        systemd.calendar_problem(5)
