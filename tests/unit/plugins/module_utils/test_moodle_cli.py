"""Unit tests of module_utils.moodle_cli: the pure helpers, and the runner against the fake Moodle of moodle_fake
(no PHP, no database). run_process itself is exercised with /bin/sh (exit codes, streams, the timeout kill)."""

from __future__ import annotations

import grp
import json
import os
import subprocess
import time

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import moodle_cli
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli import runner
from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    REDACTED,
    CLIResult,
    MoodleCLI,
    MoodleCLIError,
    MoodleDatabaseError,
    MoodleLayoutError,
    MoodleNotInstalledError,
    MoodleSettingForcedError,
    MoodleTimeoutError,
    cfg_args,
    component_problem,
    failure,
    find_php,
    load_components,
    locate_layout,
    normalize_value,
    parse_json_value,
    parse_version_php,
    privilege_prefix,
    redact,
    version_number,
)

from ..moodle_fake import CURRENT_USER, VERSION_PHP, FakeMoodle, fake_php, moodle_tree

# ---------------------------------------------------------------------------------------------------------------
# version.php
# ---------------------------------------------------------------------------------------------------------------


def test_parse_version_php_of_moodle_44():
    assert parse_version_php(VERSION_PHP) == {
        "version": "2024042203.01",
        "release": "4.4.3+ (Build: 20240903)",
        "branch": "404",
        "maturity": "MATURITY_STABLE",
    }


def test_parse_version_php_double_quotes_and_missing_fields():
    text = "<?php\n$version = 2024100700;\n$release = \"4.5 (Build: 20241007)\";\n// $branch = '999';\n"
    assert parse_version_php(text) == {
        "version": "2024100700",
        "release": "4.5 (Build: 20241007)",
        "branch": None,
        "maturity": None,
    }


def test_parse_version_php_ignores_plugin_style_and_commented_assignments():
    with pytest.raises(ValueError, match="version"):
        parse_version_php("<?php\n$plugin->version = 2024042200;\n// $version = 1;\n")


@pytest.mark.parametrize(("text", "number"), [("2024042203.01", 2024042203.01), ("", None), (None, None), ("x", None)])
def test_version_number(text, number):
    assert version_number(text) == number


# ---------------------------------------------------------------------------------------------------------------
# Layout and PHP
# ---------------------------------------------------------------------------------------------------------------


def test_locate_classic_layout(tmp_path):
    root = moodle_tree(tmp_path)
    layout = locate_layout(str(root) + "/")
    assert (layout.root, layout.dirroot, layout.layout) == (str(root), str(root), "classic")
    assert layout.config_php == str(root / "config.php")
    assert layout.version_php == str(root / "version.php")
    assert layout.script("cfg.php") == str(root / "admin" / "cli" / "cfg.php")
    assert layout.script("admin/tool/task/cli/schedule_task.php") == str(root / "admin/tool/task/cli/schedule_task.php")


def test_locate_public_layout_from_the_top_directory(tmp_path):
    root = moodle_tree(tmp_path, layout="public")
    layout = locate_layout(str(root))
    assert (layout.root, layout.dirroot, layout.layout) == (str(root), str(root / "public"), "public")
    assert layout.config_php == str(root / "config.php")
    assert layout.script("cfg.php") == str(root / "public" / "admin" / "cli" / "cfg.php")
    assert layout.version_php == str(root / "public" / "version.php")


def test_locate_public_layout_from_the_public_directory(tmp_path):
    root = moodle_tree(tmp_path, layout="public")
    layout = locate_layout(str(root / "public"))
    assert (layout.root, layout.dirroot, layout.layout) == (str(root), str(root / "public"), "public")


def test_locate_layout_rejects_a_missing_dirroot(tmp_path):
    with pytest.raises(MoodleLayoutError, match="does not exist"):
        locate_layout(str(tmp_path / "nowhere"))


def test_locate_layout_rejects_a_directory_that_is_not_moodle(tmp_path):
    with pytest.raises(MoodleLayoutError, match="not a Moodle tree"):
        locate_layout(str(tmp_path))


def test_find_php_prefers_the_given_path(tmp_path):
    php = fake_php(tmp_path)
    assert find_php(php, which=lambda name: "/usr/bin/php") == php


def test_find_php_rejects_a_given_path_that_is_not_executable(tmp_path):
    (tmp_path / "php").write_text("")
    with pytest.raises(MoodleLayoutError, match="php_path .* is not an executable file"):
        find_php(str(tmp_path / "php"))


def test_find_php_on_path_then_common_locations():
    assert find_php(None, which=lambda name: "/opt/bin/php", executable=lambda path: False) == "/opt/bin/php"
    found = find_php(None, which=lambda name: None, executable=lambda path: path == "/usr/bin/php8.2")
    assert found == "/usr/bin/php8.2"


def test_find_php_fails_when_there_is_none():
    with pytest.raises(MoodleLayoutError, match="PHP CLI not found.*set php_path"):
        find_php(None, which=lambda name: None, executable=lambda path: False)


# ---------------------------------------------------------------------------------------------------------------
# Becoming the web user
# ---------------------------------------------------------------------------------------------------------------


def test_no_prefix_when_already_the_web_user():
    assert privilege_prefix("www-data", 33, "www-data", which=lambda name: "/usr/sbin/" + name) == []


def test_root_switches_with_runuser():
    prefix = privilege_prefix("www-data", 0, "root", which=lambda name: "/usr/sbin/" + name)
    assert prefix == ["/usr/sbin/runuser", "-u", "www-data", "--"]


def test_root_falls_back_to_sudo_without_a_password_prompt():
    prefix = privilege_prefix("apache", 0, "root", which=lambda name: "/usr/bin/sudo" if name == "sudo" else None)
    assert prefix == ["/usr/bin/sudo", "-n", "-u", "apache", "--"]


def test_root_without_runuser_and_sudo_fails():
    with pytest.raises(MoodleCLIError, match="neither runuser nor sudo"):
        privilege_prefix("www-data", 0, "root", which=lambda name: None)


def test_another_unprivileged_user_fails_naming_both_users():
    with pytest.raises(MoodleCLIError, match="as web user www-data: running as deploy, not root"):
        privilege_prefix("www-data", 1000, "deploy", which=lambda name: "/usr/sbin/" + name)


# ---------------------------------------------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------------------------------------------


def test_redact_every_form_of_a_secret():
    secret = 'p/a"ss\\wörd'
    php_json = '"p\\/a\\"ss\\\\w\\u00f6rd"'
    text = f"raw {secret} php {php_json} json {json.dumps(secret)}"
    redacted = redact(text, [secret])
    assert "p/a" not in redacted and "p\\/a" not in redacted
    assert redacted.count(REDACTED) == 3


def test_redact_lists_dicts_and_other_types():
    assert redact(["--set=hunter2", {"k": "x hunter2"}, 3, None], ["hunter2", ""]) == [
        f"--set={REDACTED}",
        {"k": f"x {REDACTED}"},
        3,
        None,
    ]


def test_redact_longest_secret_first():
    assert redact("abcdef", ["abc", "abcdef"]) == REDACTED


def test_redact_without_secrets_changes_nothing():
    assert redact("nothing to hide", []) == "nothing to hide"


# ---------------------------------------------------------------------------------------------------------------
# cfg.php arguments and values
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("component", [None, "", "core", "moodle"])
def test_core_settings_are_run_without_component(component):
    # set_config() treats only an EMPTY component as core: --component=core would write to config_plugins.
    assert cfg_args("theme", component, json_output=True) == ["--name=theme", "--json"]


def test_cfg_args_of_a_plugin_set_and_unset():
    assert cfg_args("x", "tool_mobile", value="a=b") == ["--component=tool_mobile", "--name=x", "--set=a=b"]
    assert cfg_args("x", "tool_mobile", value="") == ["--component=tool_mobile", "--name=x", "--set="]
    assert cfg_args("x", None, unset=True) == ["--name=x", "--unset"]


@pytest.mark.parametrize(
    ("value", "text"), [(True, "1"), (False, "0"), (5, "5"), (1.5, "1.5"), ("boost", "boost"), ("", ""), (None, None)]
)
def test_normalize_value(value, text):
    assert normalize_value(value) == text


def test_normalize_value_rejects_lists():
    with pytest.raises(MoodleCLIError, match="not list"):
        normalize_value(["a"])


@pytest.mark.parametrize(
    ("stdout", "value"), [('"boost"\n', "boost"), ('"a\\/b\\n"\n', "a/b\n"), ("42\n", "42"), ("true\n", "1")]
)
def test_parse_json_value(stdout, value):
    assert parse_json_value(stdout) == value


def test_parse_json_value_rejects_garbage():
    with pytest.raises(MoodleCLIError, match="no JSON value"):
        parse_json_value("!!! oops !!!\n")


# ---------------------------------------------------------------------------------------------------------------
# Failure classification
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdout", "stderr", "error", "message"),
    [
        ("!!! <p>Error: Database connection failed</p> !!!\n", "", MoodleDatabaseError, "cannot connect"),
        ("!!! Error reading from database !!!\n", "", MoodleNotInstalledError, "not installed"),
        ("", "Config table does not contain the version. You cannot continue.\n", MoodleNotInstalledError, "not inst"),
        (
            "",
            "ERROR!!!  The code you are using is OLDER than the version that made these databases!",
            MoodleCLIError,
            "older than the installed database",
        ),
        ("", "Mixed Moodle versions detected, upgrade cannot continue\n", MoodleCLIError, "fresh directory"),
        ("Fatal error: $CFG->dataroot is not writable\n", "", MoodleCLIError, "exit code 1: Fatal error"),
    ],
)
def test_failure_is_classified_by_moodle_messages(stdout, stderr, error, message):
    exc = failure(CLIResult(["php", "x.php"], 1, stdout, stderr), "x.php")
    assert exc.__class__ is error
    assert message in exc.message
    assert exc.to_fail_kwargs()["rc"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------------------------


def test_load_components_adds_subplugin_types(tmp_path):
    root = moodle_tree(tmp_path)
    types, subsystems = load_components(str(root))
    assert types["tool"] == "admin/tool" and types["assignsubmission"] == "mod/assign/submission"
    assert "backup" in subsystems


def test_load_components_without_components_json(tmp_path):
    with pytest.raises(MoodleLayoutError, match="components.json"):
        load_components(str(tmp_path))


@pytest.mark.parametrize(
    ("component", "error", "warning"),
    [
        ("core", None, None),
        ("tool_mobile", None, None),
        ("cachestore_redis", None, None),
        ("assignsubmission_file", None, None),
        ("backup", None, None),
        ("core_admin", None, None),
        ("quiz", None, None),
        ("tool_doesnotexist", "unknown component tool_doesnotexist: no plugin at", None),
        ("moodlecourse", None, "neither a plugin nor a subsystem"),
    ],
)
def test_component_problem(tmp_path, component, error, warning):
    root = moodle_tree(tmp_path)
    types, subsystems = load_components(str(root))
    found_error, found_warning = component_problem(component, types, subsystems, str(root))
    assert (found_error or "").startswith(error or "") and bool(found_error) == bool(error)
    assert (warning or "") in (found_warning or "") and bool(found_warning) == bool(warning)


@pytest.mark.parametrize("component", ["Tool_Mobile", "tool mobile", "tool_mobile;rm", "-x", "tool_"])
def test_component_problem_rejects_invalid_names(component):
    with pytest.raises(MoodleCLIError, match="invalid component"):
        component_problem(component, {}, set(), "/")


# ---------------------------------------------------------------------------------------------------------------
# The runner against the fake Moodle
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path, monkeypatch):
    fake = FakeMoodle(tmp_path / "moodledata").install(monkeypatch)
    cli = MoodleCLI(dirroot=str(moodle_tree(tmp_path)), php_path=fake_php(tmp_path), web_user=CURRENT_USER, timeout=7)
    return fake, cli


def test_get_config_reads_json_and_reports_unset_as_none(site):
    fake, cli = site
    fake.config[("tool_mobile", "setuplink")] = "https://download.moodle.org/mobile"
    assert cli.get_config("setuplink", "tool_mobile") == "https://download.moodle.org/mobile"
    assert cli.get_config("nosuchsetting") is None
    assert fake.scripts() == [
        ["cfg.php", "--component=tool_mobile", "--name=setuplink", "--json"],
        ["cfg.php", "--name=nosuchsetting", "--json"],
    ]
    assert cli.commands == fake.calls


def test_runner_runs_php_on_the_script_path_in_the_root(site, monkeypatch):
    fake, cli = site
    seen = {}

    def record(argv, timeout, cwd=None, input_text=None):
        seen.update(argv=argv, timeout=timeout, cwd=cwd)
        return 0, '"x"\n', ""

    monkeypatch.setattr(runner, "run_process", record)
    cli.get_config("theme")
    assert seen["argv"][0] == cli.php and seen["argv"][1] == os.path.join(cli.layout.dirroot, "admin/cli/cfg.php")
    assert (seen["timeout"], seen["cwd"]) == (7, cli.layout.root)


def test_set_config_of_a_forced_setting_names_it(site):
    fake, cli = site
    fake.forced.add(("core", "theme"))
    with pytest.raises(MoodleSettingForcedError, match=r"setting theme is forced in config.php \(\$CFG->theme\)"):
        cli.set_config("theme", "boost")
    fake.forced.add(("tool_mobile", "x"))
    with pytest.raises(MoodleSettingForcedError, match=r"tool_mobile/x .*forced_plugin_settings\['tool_mobile'\]"):
        cli.set_config("x", None, "tool_mobile")


def test_set_and_unset_config(site):
    fake, cli = site
    cli.set_config("theme", "boost")
    cli.set_config("noemailever", None)
    assert fake.config[("core", "theme")] == "boost"
    assert fake.scripts()[-1] == ["cfg.php", "--name=noemailever", "--unset"]


def test_set_config_other_failure(site):
    fake, cli = site
    fake.fail_with = (2, "", "Missing configuration variable name\n")
    with pytest.raises(MoodleCLIError, match="cfg.php for theme failed with exit code 2: Missing configuration"):
        cli.set_config("theme", "boost")


@pytest.mark.parametrize("name", ["", "the me", "x;y", "--json"])
def test_invalid_setting_names_never_reach_cfg_php(site, name):
    fake, cli = site
    with pytest.raises(MoodleCLIError, match="invalid setting name"):
        cli.get_config(name)
    assert fake.calls == []


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("installed", {"installed": True, "partial": False, "db_version": "2024042203.01"}),
        ("empty", {"installed": False, "partial": False, "db_version": None}),
        ("partial", {"installed": False, "partial": True, "db_version": None}),
    ],
)
def test_site_state(site, state, expected):
    fake, cli = site
    fake.state = state
    assert cli.site_state() == expected


def test_site_state_with_an_unreachable_database_fails(site):
    fake, cli = site
    fake.state = "unreachable"
    with pytest.raises(MoodleDatabaseError, match="cannot connect to its database"):
        cli.site_state()


@pytest.mark.parametrize("pending", [True, False])
def test_upgrade_pending(site, pending):
    fake, cli = site
    fake.pending = pending
    assert cli.upgrade_pending() is pending
    assert fake.scripts() == [["upgrade.php", "--is-pending"]]


def test_upgrade_pending_on_an_empty_database_fails(site):
    fake, cli = site
    fake.state = "empty"
    with pytest.raises(MoodleNotInstalledError):
        cli.upgrade_pending()


def test_maintenance_state_reads_the_flag_file_and_settings(site):
    fake, cli = site
    assert cli.maintenance_state() == {
        "enabled": False,
        "cli": False,
        "legacy": False,
        "scheduled": None,
        "flag_file": str(fake.flag),
    }
    fake.flag.write_text("x")
    fake.config[("core", "maintenance_enabled")] = "1"
    fake.config[("core", "maintenance_later")] = "1790000000"
    state = cli.maintenance_state()
    assert (state["enabled"], state["legacy"], state["scheduled"]) == (True, True, 1790000000)


def test_maintenance_state_without_dataroot(site):
    fake, cli = site
    del fake.config[("core", "dataroot")]
    with pytest.raises(MoodleCLIError, match="no dataroot"):
        cli.maintenance_state()


def test_timeout_is_reported_and_named(site):
    fake, cli = site
    fake.timeout_on = "upgrade.php"
    with pytest.raises(MoodleTimeoutError, match="upgrade.php did not finish within 7 seconds"):
        cli.upgrade_pending()


def test_os_error_is_reported_redacted(site, monkeypatch):
    fake, cli = site
    cli.add_secret("s3cret")

    def broken(argv, timeout, cwd=None, input_text=None):
        raise PermissionError(13, "Permission denied: s3cret")

    monkeypatch.setattr(runner, "run_process", broken)
    with pytest.raises(MoodleCLIError) as info:
        cli.get_config("theme")
    assert "s3cret" not in info.value.message and REDACTED in info.value.message


def test_secrets_are_redacted_from_commands_output_and_errors(site):
    fake, cli = site
    secret = "Adm1n/P@ss"
    cli.add_secret(secret)
    cli.add_secret(secret)
    cli.add_secret("")
    assert cli.secrets == [secret]
    cli.set_config("smtppass", secret)
    assert cli.commands[-1][-1] == f"--set={REDACTED}"
    php_escaped = secret.replace("/", "\\/")
    fake.fail_with = (1, f"!!! bad {secret} !!!\n", f"also {php_escaped}\n")
    with pytest.raises(MoodleCLIError) as info:
        cli.set_config("smtppass", secret)
    kwargs = info.value.to_fail_kwargs()
    assert secret not in repr(kwargs) and "P@ss" not in repr(kwargs)
    assert kwargs["cmd"][-1] == f"--set={REDACTED}"


def test_missing_config_php_is_named(tmp_path, monkeypatch):
    FakeMoodle(tmp_path / "data").install(monkeypatch)
    cli = MoodleCLI(
        dirroot=str(moodle_tree(tmp_path, config=False)), php_path=fake_php(tmp_path), web_user=CURRENT_USER
    )
    with pytest.raises(MoodleLayoutError, match="config.php not found"):
        cli.get_config("theme")


def test_missing_script_is_named(site):
    fake, cli = site
    with pytest.raises(MoodleLayoutError, match="CLI script install_database.php not found"):
        cli.run("install_database.php")
    assert fake.calls == []


def test_unknown_web_user_is_named(tmp_path, monkeypatch):
    FakeMoodle(tmp_path / "data").install(monkeypatch)
    cli = MoodleCLI(dirroot=str(moodle_tree(tmp_path)), php_path=fake_php(tmp_path), web_user="no-such-user-x")
    with pytest.raises(MoodleCLIError, match="web user no-such-user-x does not exist"):
        cli.get_config("theme")


def test_version_info_reads_version_php_without_php(site):
    fake, cli = site
    assert cli.version_info()["release"] == "4.4.3+ (Build: 20240903)"
    assert fake.calls == []


def test_version_info_of_a_broken_version_php(site):
    fake, cli = site
    cli.prepare()
    with open(cli.layout.version_php, "w", encoding="utf-8") as handle:
        handle.write("<?php\n")
    with pytest.raises(MoodleLayoutError, match="is not a Moodle version.php"):
        cli.version_info()
    os.unlink(cli.layout.version_php)
    with pytest.raises(MoodleLayoutError, match="cannot read"):
        cli.version_info()


def test_cli_from_params_defaults():
    cli = moodle_cli.cli_from_params(
        {"dirroot": "/srv/moodle", "php_path": None, "web_user": None, "timeout": None}, secrets=["x", "", None]
    )
    assert (cli.web_user, cli.timeout, cli.secrets) == ("www-data", 300, ["x"])


# ---------------------------------------------------------------------------------------------------------------
# The process layer (real processes, no PHP)
# ---------------------------------------------------------------------------------------------------------------


def test_run_process_returns_exit_code_and_both_streams():
    rc, out, err = moodle_cli.run_process(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)
    assert (rc, out, err) == (3, "out\n", "err\n")


def test_run_process_passes_arguments_without_a_shell(tmp_path):
    rc, out, _err = moodle_cli.run_process(["/bin/echo", "--set=$(id); rm -rf /"], timeout=10, cwd=str(tmp_path))
    assert (rc, out) == (0, "--set=$(id); rm -rf /\n")


def test_run_process_kills_the_process_group_on_timeout(tmp_path):
    marker = tmp_path / "child-survived"
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        moodle_cli.run_process(["/bin/sh", "-c", f"(sleep 2; touch {marker}) & sleep 30"], timeout=0.5)
    assert time.monotonic() - started < 5
    time.sleep(2.5)
    assert not marker.exists()


def test_read_secret_values_parse_but_never_show(site):
    fake, cli = site
    fake.config[("core", "smtppass")] = "Adm1n/P@ss"
    cli.add_secret("Adm1n/P@ss")
    assert cli.get_config("smtppass") == "Adm1n/P@ss"
    fake.fail_with = (1, '"Adm1n\\/P@ss"\n', "")
    with pytest.raises(MoodleCLIError) as info:
        cli.get_config("smtppass")
    assert "P@ss" not in repr(info.value.to_fail_kwargs()) and "P@ss" not in repr(info.value.result)
    assert "P@ss" not in repr(cli)


# -- config.php readable by the web user ------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to other users")
@pytest.mark.parametrize(
    ("mode", "group", "problem"),
    [(0o640, "root", True), (0o644, "root", False), (0o640, "nogroup", False), (0o600, "nogroup", True)],
)
def test_unreadable_by_follows_the_permission_bits(tmp_path, mode, group, problem):
    """nobody's primary group is nogroup: the group bits count for it."""
    path = tmp_path / "config.php"
    path.write_text("<?php\n")
    os.chown(path, 0, grp.getgrnam(group).gr_gid)
    path.chmod(mode)
    answer = moodle_cli.unreadable_by(str(path), "nobody")
    assert (answer is not None) is problem
    if problem:
        assert answer == f"{path} is mode {mode:04o} root:{group}"
    assert moodle_cli.unreadable_by(str(path), "root") is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to other users")
def test_the_group_of_the_web_user_may_read(tmp_path):
    path = tmp_path / "config.php"
    path.write_text("<?php\n")
    os.chown(path, 0, grp.getgrnam("www-data").gr_gid)
    path.chmod(0o640)
    assert moodle_cli.unreadable_by(str(path), "www-data") is None
    assert "0640 root:www-data" in moodle_cli.unreadable_by(str(path), "nobody")
