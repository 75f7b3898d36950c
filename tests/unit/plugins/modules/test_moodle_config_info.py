"""Unit tests of moodle_config_info against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import REDACTED
from ansible_collections.lms.moodle.plugins.modules import moodle_config_info

from ..moodle_fake import run_module

SECRET = "Sm7p/P4ss-w0rd"


@pytest.mark.parametrize("check_mode", [False, True])
def test_read_one_setting(moodle, capsys, check_mode):
    fake, args = moodle
    fake.config[("core", "theme")] = "boost"
    result = run_module(moodle_config_info, capsys, check_mode=check_mode, name="theme", **args)
    assert result["changed"] is False and result["value"] == "boost"
    assert result["settings"] == [{"name": "theme", "component": "core", "value": "boost", "is_set": True}]
    assert fake.scripts() == [["cfg.php", "--name=theme", "--json"]]


def test_read_many_with_default_component(moodle, capsys):
    fake, args = moodle
    fake.config[("tool_mobile", "setuplink")] = "https://example.org/app"
    settings = [{"name": "setuplink"}, {"name": "nosuch", "component": "core"}]
    result = run_module(moodle_config_info, capsys, component="tool_mobile", settings=settings, **args)
    assert result["settings"] == [
        {"name": "setuplink", "component": "tool_mobile", "value": "https://example.org/app", "is_set": True},
        {"name": "nosuch", "component": "core", "value": None, "is_set": False},
    ]
    assert "value" not in result
    assert fake.scripts() == [
        ["cfg.php", "--component=tool_mobile", "--name=setuplink", "--json"],
        ["cfg.php", "--name=nosuch", "--json"],
    ]


def test_secret_is_masked(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "smtppass")] = SECRET
    result = run_module(moodle_config_info, capsys, name="smtppass", secret=True, **args)
    assert result["value"] == REDACTED and result["settings"][0]["is_set"] is True
    assert SECRET not in result["raw_output"] and SECRET.replace("/", "\\/") not in result["raw_output"]


def test_unknown_plugin_component_fails_before_any_read(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config_info, capsys, component="tool_doesnotexist", name="x", **args)
    assert result["failed"] is True and "unknown component tool_doesnotexist: no plugin at" in result["msg"]
    assert fake.calls == []


def test_unknown_other_component_warns(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config_info, capsys, component="moodlecourse", name="format", **args)
    assert result["value"] is None
    assert "moodlecourse is neither a plugin nor a subsystem" in json.dumps(result["warnings"])


@pytest.mark.parametrize(("state", "message"), [("empty", "not installed"), ("unreachable", "cannot connect")])
def test_site_problems(moodle, capsys, state, message):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_config_info, capsys, name="theme", **args)
    assert result["failed"] is True and message in result["msg"]
