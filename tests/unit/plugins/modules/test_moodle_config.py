"""Unit tests of moodle_config against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import REDACTED
from ansible_collections.lms.moodle.plugins.modules import moodle_config

from ..moodle_fake import run_module

SECRET = "Sm7p/P4ss-w0rd"
OLD_SECRET = "old-Sm7p-secret"


def cfg_writes(fake):
    return [
        call[1:]
        for call in fake.scripts()
        if call[0] == "cfg.php" and any(arg.startswith(("--set", "--unset")) for arg in call)
    ]


def test_set_a_core_setting(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "theme")] = "classic"
    result = run_module(moodle_config, capsys, diff=True, name="theme", value="boost", **args)
    assert result["changed"] is True and result["value"] == "boost"
    assert result["settings"] == [
        {
            "name": "theme",
            "component": "core",
            "state": "present",
            "value": "boost",
            "before": "classic",
            "changed": True,
        }
    ]
    assert result["diff"] == {"before": {"core": {"theme": "classic"}}, "after": {"core": {"theme": "boost"}}}
    assert fake.config[("core", "theme")] == "boost"
    assert fake.scripts() == [
        ["cfg.php", "--name=theme", "--json"],
        ["cfg.php", "--name=theme", "--set=boost"],
        ["cfg.php", "--name=theme", "--json"],
    ]
    assert len(result["commands"]) == 3


def test_same_value_changes_nothing(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "theme")] = "boost"
    result = run_module(moodle_config, capsys, name="theme", value="boost", **args)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert fake.scripts() == [["cfg.php", "--name=theme", "--json"]]


@pytest.mark.parametrize(("value", "stored"), [(True, "1"), (False, "0"), (30, "30")])
def test_booleans_and_numbers_compare_as_moodle_stores_them(moodle, capsys, value, stored):
    fake, args = moodle
    fake.config[("core", "forcelogin")] = stored
    result = run_module(moodle_config, capsys, name="forcelogin", value=value, **args)
    assert result["changed"] is False and cfg_writes(fake) == []


def test_check_mode_predicts_without_writing(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config, capsys, check_mode=True, diff=True, name="theme", value="boost", **args)
    assert result["changed"] is True and result["value"] == "boost"
    assert result["diff"] == {"before": {"core": {"theme": None}}, "after": {"core": {"theme": "boost"}}}
    assert cfg_writes(fake) == [] and ("core", "theme") not in fake.config


def test_plugin_setting_uses_component(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config, capsys, component="tool_mobile", name="setuplink", value="https://x/y", **args)
    assert result["changed"] is True
    assert fake.config[("tool_mobile", "setuplink")] == "https://x/y"
    assert cfg_writes(fake) == [["--component=tool_mobile", "--name=setuplink", "--set=https://x/y"]]


@pytest.mark.parametrize("component", ["core", "moodle"])
def test_core_component_is_never_passed(moodle, capsys, component):
    fake, args = moodle
    result = run_module(moodle_config, capsys, component=component, name="theme", value="boost", **args)
    assert result["changed"] is True and result["settings"][0]["component"] == "core"
    assert fake.config[("core", "theme")] == "boost"  # the fake fails on --component=core


def test_unset(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "noemailever")] = "1"
    result = run_module(moodle_config, capsys, name="noemailever", state="absent", **args)
    assert result["changed"] is True and result["value"] is None
    assert result["diff"] == {"before": {"core": {"noemailever": "1"}}, "after": {"core": {"noemailever": None}}}
    assert ("core", "noemailever") not in fake.config
    assert cfg_writes(fake) == [["--name=noemailever", "--unset"]]


def test_unset_when_not_set_changes_nothing(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config, capsys, name="noemailever", state="absent", **args)
    assert result["changed"] is False and cfg_writes(fake) == []


def test_list_form_changes_only_what_differs(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "forcelogin")] = "1"
    fake.config[("core", "noemailever")] = "1"
    settings = [
        {"name": "forcelogin", "value": True},
        {"name": "enablemobilewebservice", "value": 1},
        {"name": "setuplink", "component": "tool_mobile", "value": "https://example.org"},
        {"name": "noemailever", "state": "absent"},
        {"name": "theme", "state": "absent"},
    ]
    result = run_module(moodle_config, capsys, diff=True, settings=settings, **args)
    assert result["changed"] is True and "value" not in result
    assert [item["changed"] for item in result["settings"]] == [False, True, True, True, False]
    assert result["diff"] == {
        "before": {
            "core": {"forcelogin": "1", "enablemobilewebservice": None, "noemailever": "1", "theme": None},
            "tool_mobile": {"setuplink": None},
        },
        "after": {
            "core": {"forcelogin": "1", "enablemobilewebservice": "1", "noemailever": None, "theme": None},
            "tool_mobile": {"setuplink": "https://example.org"},
        },
    }
    assert cfg_writes(fake) == [
        ["--name=enablemobilewebservice", "--set=1"],
        ["--component=tool_mobile", "--name=setuplink", "--set=https://example.org"],
        ["--name=noemailever", "--unset"],
    ]
    fake.calls.clear()
    again = run_module(moodle_config, capsys, settings=settings, **args)
    assert again["changed"] is False and cfg_writes(fake) == []


def test_list_form_takes_the_default_component(moodle, capsys):
    fake, args = moodle
    settings = [{"name": "a", "value": "1"}, {"name": "b", "value": "2", "component": "core"}]
    result = run_module(moodle_config, capsys, component="tool_mobile", settings=settings, **args)
    assert [item["component"] for item in result["settings"]] == ["tool_mobile", "core"]
    assert (fake.config[("tool_mobile", "a")], fake.config[("core", "b")]) == ("1", "2")


def test_forced_setting_fails_naming_it_and_reports_what_was_applied(moodle, capsys):
    fake, args = moodle
    fake.forced.add(("core", "theme"))
    settings = [{"name": "forcelogin", "value": "1"}, {"name": "theme", "value": "boost"}, {"name": "x", "value": "1"}]
    result = run_module(moodle_config, capsys, settings=settings, **args)
    assert result["failed"] is True and result["rc"] == 4
    assert "setting theme is forced in config.php ($CFG->theme)" in result["msg"]
    assert result["changed"] is True and result["applied"] == ["core/forcelogin"]
    assert ("core", "x") not in fake.config


def test_forced_setting_with_the_wanted_value_is_fine(moodle, capsys):
    fake, args = moodle
    fake.forced.add(("core", "theme"))
    fake.config[("core", "theme")] = "boost"
    result = run_module(moodle_config, capsys, name="theme", value="boost", **args)
    assert result["changed"] is False and "failed" not in result


def test_read_back_mismatch_fails(moodle, capsys, monkeypatch):
    fake, args = moodle
    original = fake.cfg

    def ignore_sets(options):
        if "set" in options:
            return 0, "", ""
        return original(options)

    monkeypatch.setattr(fake, "cfg", ignore_sets)
    result = run_module(moodle_config, capsys, name="theme", value="boost", **args)
    assert result["failed"] is True and "cfg.php changed core/theme but it reads back as None" in result["msg"]


def test_secret_value_never_appears(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "smtppass")] = OLD_SECRET
    result = run_module(moodle_config, capsys, diff=True, name="smtppass", value=SECRET, secret=True, **args)
    assert result["changed"] is True
    assert fake.config[("core", "smtppass")] == SECRET
    assert SECRET not in result["raw_output"] and OLD_SECRET not in result["raw_output"]
    assert SECRET.replace("/", "\\/") not in result["raw_output"]
    assert result["diff"] == {
        "before": {"core": {"smtppass": REDACTED}},
        "after": {"core": {"smtppass": REDACTED + " (changed)"}},
    }
    assert ["--name=smtppass", f"--set={REDACTED}"] in [call[-2:] for call in result["commands"]]


def test_secret_unchanged_and_in_check_mode(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "smtppass")] = SECRET
    item = {"name": "smtppass", "value": SECRET, "secret": True}
    result = run_module(moodle_config, capsys, settings=[item], **args)
    assert result["changed"] is False and result["settings"][0]["value"] == REDACTED
    result = run_module(
        moodle_config, capsys, check_mode=True, settings=[{**item, "value": "new-secret-value"}], **args
    )
    assert result["changed"] is True and "new-secret-value" not in result["raw_output"]
    assert SECRET not in result["raw_output"]
    assert fake.config[("core", "smtppass")] == SECRET


def test_secret_never_appears_in_errors(moodle, capsys):
    fake, args = moodle
    php_escaped = SECRET.replace("/", "\\/")
    fake.fail_with = (1, f"!!! cannot store {SECRET} !!!\n", f"{php_escaped}\n")
    result = run_module(moodle_config, capsys, name="smtppass", value=SECRET, secret=True, **args)
    assert result["failed"] is True
    assert SECRET not in result["raw_output"] and "P4ss" not in result["raw_output"]
    assert REDACTED in result["msg"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "theme"}, "the setting: value is required to set theme (state=present)"),
        ({"name": "theme", "value": "x", "state": "absent"}, "value is not allowed with state=absent"),
        ({"name": "theme", "value": ["a"]}, "the setting: a setting value must be a string, number or boolean"),
        ({"settings": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]}, "settings[1]: core/a is given"),
        ({"settings": [{"name": "a", "state": "absent", "value": "1"}]}, "settings[0]: value is not allowed"),
        ({"name": "theme", "state": "get"}, "value of state must be one of: present, absent"),
        ({"name": "theme", "settings": [{"name": "a", "value": "1"}]}, "mutually exclusive"),
        ({"value": "x"}, "one of the following is required: name, settings"),
        ({"name": "x", "value": "1", "component": "Tool Mobile"}, "invalid component 'Tool Mobile'"),
        ({"name": "x", "value": "1", "component": "tool_doesnotexist"}, "unknown component tool_doesnotexist"),
        ({"name": "x y", "value": "1"}, "invalid setting name 'x y'"),
    ],
)
def test_bad_input_fails_before_any_write(moodle, capsys, params, message):
    fake, args = moodle
    result = run_module(moodle_config, capsys, **params, **args)
    assert result["failed"] is True and message in result["msg"]
    assert cfg_writes(fake) == []


def test_unknown_non_plugin_component_only_warns(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_config, capsys, component="moodlecourse", name="format", value="topics", **args)
    assert result["changed"] is True
    assert "moodlecourse is neither a plugin nor a subsystem" in json.dumps(result["warnings"])


@pytest.mark.parametrize(("state", "message"), [("empty", "not installed"), ("unreachable", "cannot connect")])
def test_site_problems_fail_clearly(moodle, capsys, state, message):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_config, capsys, name="theme", value="boost", **args)
    assert result["failed"] is True and message in result["msg"] and result["changed"] is False
