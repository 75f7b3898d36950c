"""Unit tests of moodle_maintenance against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import moodle_maintenance

from ..moodle_fake import run_module

OFF = {"enabled": False, "legacy": False, "scheduled": None}
ON = {"enabled": True, "legacy": False, "scheduled": None}


def maintenance_calls(fake):
    return [call for call in fake.scripts() if call[0] == "maintenance.php"]


def test_enable(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_maintenance, capsys, diff=True, state="enabled", **args)
    assert result["changed"] is True and result["state"] == "enabled"
    assert result["maintenance"] == ON
    assert result["diff"] == {"before": OFF, "after": ON}
    assert fake.flag.exists()
    assert maintenance_calls(fake) == [["maintenance.php", "--enable"]]
    assert [args["dirroot"] + "/admin/cli/maintenance.php", "--enable"] in [call[-2:] for call in result["commands"]]


def test_enable_twice_changes_nothing(moodle, capsys):
    fake, args = moodle
    run_module(moodle_maintenance, capsys, state="enabled", **args)
    fake.calls.clear()
    result = run_module(moodle_maintenance, capsys, state="enabled", **args)
    assert result["changed"] is False and result["state"] == "enabled"
    assert result["diff"] == {"before": ON, "after": ON}
    assert maintenance_calls(fake) == []


@pytest.mark.parametrize(("state", "flag"), [("enabled", False), ("disabled", True)])
def test_check_mode_predicts_without_running_maintenance_php(moodle, capsys, state, flag):
    fake, args = moodle
    if flag:
        fake.flag.write_text("down")
    result = run_module(moodle_maintenance, capsys, check_mode=True, state=state, **args)
    assert result["changed"] is True and result["state"] == state
    assert result["diff"]["after"]["enabled"] is (state == "enabled")
    assert fake.flag.exists() is flag
    assert maintenance_calls(fake) == []


def test_disable(moodle, capsys):
    fake, args = moodle
    fake.flag.write_text("down")
    result = run_module(moodle_maintenance, capsys, state="disabled", **args)
    assert result["changed"] is True and result["state"] == "disabled"
    assert result["diff"] == {"before": ON, "after": OFF}
    assert not fake.flag.exists()
    assert maintenance_calls(fake) == [["maintenance.php", "--disable"]]


def test_disable_when_off_changes_nothing(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_maintenance, capsys, state="disabled", **args)
    assert result["changed"] is False and maintenance_calls(fake) == []


@pytest.mark.parametrize(
    ("setting", "value", "before"),
    [
        ("maintenance_enabled", "1", {"enabled": False, "legacy": True, "scheduled": None}),
        ("maintenance_later", "1790000000", {"enabled": False, "legacy": False, "scheduled": 1790000000}),
    ],
)
def test_disable_ends_legacy_and_scheduled_maintenance(moodle, capsys, setting, value, before):
    fake, args = moodle
    fake.config[("core", setting)] = value
    result = run_module(moodle_maintenance, capsys, state="disabled", **args)
    assert result["changed"] is True and result["diff"] == {"before": before, "after": OFF}
    assert maintenance_calls(fake) == [["maintenance.php", "--disable"]]


def test_enable_over_legacy_maintenance_switches_to_cli_mode(moodle, capsys):
    fake, args = moodle
    fake.flag.write_text("down")
    fake.config[("core", "maintenance_enabled")] = "1"
    result = run_module(moodle_maintenance, capsys, state="enabled", **args)
    assert result["changed"] is True and result["maintenance"] == ON
    assert maintenance_calls(fake) == [["maintenance.php", "--enable"]]


@pytest.mark.parametrize("state", ["empty", "partial"])
def test_not_installed_fails(moodle, capsys, state):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_maintenance, capsys, state="enabled", **args)
    assert result["failed"] is True and "Moodle is not installed" in result["msg"]
    assert maintenance_calls(fake) == []


def test_maintenance_php_failure_is_reported(moodle, capsys, monkeypatch):
    fake, args = moodle
    monkeypatch.setattr(fake, "maintenance", lambda options: (1, "!!! Error writing to database !!!\n", ""))
    result = run_module(moodle_maintenance, capsys, state="enabled", **args)
    assert result["failed"] is True and result["rc"] == 1
    assert "maintenance.php failed with exit code 1: !!! Error writing to database !!!" in result["msg"]


def test_state_not_reached_is_reported(moodle, capsys, monkeypatch):
    fake, args = moodle
    monkeypatch.setattr(fake, "maintenance", lambda options: (0, "", ""))
    result = run_module(moodle_maintenance, capsys, state="enabled", **args)
    assert result["failed"] is True and "maintenance.php ran but the site is still" in result["msg"]


def test_unreachable_database(moodle, capsys):
    fake, args = moodle
    fake.state = "unreachable"
    result = run_module(moodle_maintenance, capsys, state="disabled", **args)
    assert result["failed"] is True and "cannot connect to its database" in result["msg"]


def test_state_is_required(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_maintenance, capsys, **args)
    assert result["failed"] is True and "state" in result["msg"]
