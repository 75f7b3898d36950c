"""Unit tests of moodle_install against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    REDACTED,
    MoodleCLIError,
    MoodlePartialInstallError,
    cli_from_params,
)
from ansible_collections.lms.moodle.plugins.modules import moodle_install

from ..moodle_fake import installed_site, run_module

PASSWORD = "Adm1n/P@ss w0rd"
# The forms the password takes in Moodle output: raw and PHP json_encode (escapes the slash).
PASSWORD_FORMS = (PASSWORD, PASSWORD.replace("/", "\\/"), "P@ss w0rd")
NOT_INSTALLED = {"installed": False, "db_version": None}
INSTALLED = {"installed": True, "db_version": "2024042203.01"}


@pytest.fixture
def moodle(tmp_path, monkeypatch):
    """An empty database behind a tree with install_database.php: (fake, the module arguments)."""
    fake, args = installed_site(tmp_path, monkeypatch, extra_scripts=("install_database.php",))
    fake.state = "empty"
    return fake, {**args, "admin_password": PASSWORD, "agree_license": True}


def install_calls(fake):
    return [call for call in fake.scripts() if call[0] == "install_database.php"]


def assert_no_password(*texts):
    """No form of the admin password in any of these strings (JSON results, messages, warnings)."""
    for text in texts:
        for form in PASSWORD_FORMS:
            assert form not in text, f"admin password leaked: {text!r}"


def test_fresh_database_is_installed_with_exactly_these_arguments(moodle, capsys):
    fake, args = moodle
    result = run_module(
        moodle_install,
        capsys,
        diff=True,
        fullname="Example University",
        shortname="EXU",
        summary="Learning = fun",
        admin_user="root-admin",
        admin_email="admin@example.org",
        support_email="support@example.org",
        lang="de",
        **args,
    )
    assert result["changed"] is True and result["exit_code"] == 0
    assert (result["installed"], result["db_version"]) == (True, "2024042203.01")
    assert result["diff"] == {"before": NOT_INSTALLED, "after": INSTALLED}
    assert install_calls(fake) == [
        [
            "install_database.php",
            "--lang=de",
            "--adminuser=root-admin",
            "--adminemail=admin@example.org",
            "--fullname=Example University",
            "--shortname=EXU",
            "--summary=Learning = fun",
            "--supportemail=support@example.org",
            "--agree-license",
            # Read from stdin: the script sees it with the others (SECRET_ARGUMENTS_PHP).
            f"--adminpass={PASSWORD}",
        ]
    ]
    assert fake.installed_with["adminpass"] == PASSWORD and fake.installed_with["summary"] == "Learning = fun"
    executed = next(call for call in fake.calls if call[1].endswith("/install_database.php"))
    assert executed[1] == args["dirroot"] + "/admin/cli/install_database.php"
    shown = [*executed[:-1], "<secret arguments on standard input>"]
    assert shown in result["commands"]
    assert_no_password(result["raw_output"])


def test_the_admin_password_is_on_no_command_line(moodle, capsys):
    """Not in any process's argv (the process list, runuser's and sudo's journal entries), nor in what the module
    returns: install_database.php reads it from stdin, through the wrapper that puts it into its argv."""
    fake, args = moodle
    result = run_module(moodle_install, capsys, **args)
    assert result["changed"] is True and fake.installed_with["adminpass"] == PASSWORD
    assert not [argv for argv in fake.command_lines if any(PASSWORD in arg for arg in argv)], fake.command_lines
    assert PASSWORD in " ".join(filter(None, fake.inputs_raw)), "the password went to the script on stdin"
    assert_no_password(json.dumps(result))


def test_defaults_pass_only_what_is_given(moodle, capsys):
    fake, args = moodle
    run_module(moodle_install, capsys, **args)
    assert install_calls(fake) == [
        ["install_database.php", "--lang=en", "--adminuser=admin", "--agree-license", f"--adminpass={PASSWORD}"]
    ]


def test_reads_installs_and_reads_back(moodle, capsys):
    fake, args = moodle
    run_module(moodle_install, capsys, **args)
    assert [call[0] for call in fake.scripts()] == ["cfg.php", "install_database.php", "cfg.php", "cfg.php"]
    assert fake.scripts()[-1] == ["cfg.php", "--name=rolesactive", "--json"]


def test_installed_site_is_left_alone(moodle, capsys):
    fake, args = moodle
    fake.state = "installed"
    result = run_module(moodle_install, capsys, diff=True, fullname="Other name", **args)
    assert result["changed"] is False and result["installed"] is True
    assert result["diff"] == {"before": INSTALLED, "after": INSTALLED}
    assert install_calls(fake) == []


def test_second_run_changes_nothing(moodle, capsys):
    fake, args = moodle
    assert run_module(moodle_install, capsys, **args)["changed"] is True
    fake.calls.clear()
    result = run_module(moodle_install, capsys, **args)
    assert result["changed"] is False and install_calls(fake) == []


@pytest.mark.parametrize("state", ["empty", "installed"])
def test_check_mode_predicts_without_installing(moodle, capsys, state):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_install, capsys, check_mode=True, diff=True, **args)
    assert result["changed"] is (state == "empty")
    assert result["diff"]["after"] == INSTALLED
    assert result["diff"]["before"] == (NOT_INSTALLED if state == "empty" else INSTALLED)
    assert install_calls(fake) == [] and fake.state == state


def test_config_table_without_version_is_refused(moodle, capsys):
    fake, args = moodle
    fake.state = "partial"
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and result["changed"] is False
    assert "partly installed: the config table holds no version" in result["msg"]
    assert "drop and recreate the database" in result["msg"]
    assert install_calls(fake) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_install_that_stopped_after_core_is_refused(moodle, capsys, check_mode):
    fake, args = moodle
    fake.state = "installed"
    del fake.config[("core", "rolesactive")]
    result = run_module(moodle_install, capsys, check_mode=check_mode, **args)
    assert result["failed"] is True
    assert "core version 2024042203.01 is recorded but the install never finished (rolesactive" in result["msg"]
    assert install_calls(fake) == []


def test_tables_without_config_table_are_refused_by_moodle_and_named(moodle, capsys):
    fake, args = moodle
    fake.state = "tables"
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and result["rc"] == 1
    assert "the database already holds tables (Moodle: Database tables already present)" in result["msg"]
    assert "drop and recreate the database" in result["msg"]
    assert len(install_calls(fake)) == 1
    assert_no_password(result["raw_output"])


def test_install_failing_half_way_says_what_to_do(moodle, capsys):
    fake, args = moodle
    fake.fail_on[("install_database.php", "")] = (1, "-->System\n!!! Error writing to database !!!\n", "")
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and result["changed"] is True
    assert "install_database.php failed with exit code 1: -->System\n!!! Error writing to database !!!" in result["msg"]
    assert "If it created tables before it stopped, drop and recreate the database" in result["msg"]


def test_install_that_does_not_read_back_fails(moodle, capsys, monkeypatch):
    fake, args = moodle
    monkeypatch.setattr(fake, "install_database", lambda options: (0, "Installation completed successfully.\n", ""))
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and "finished but the site does not read as installed" in result["msg"]


def test_language_pack_problem_is_a_redacted_warning(moodle, capsys, monkeypatch):
    fake, args = moodle
    original = fake.install_database

    def with_problem(options):
        rc, stdout, _stderr = original(options)
        return rc, stdout, f"The download of the component to your server failed ({options['adminpass']})\n"

    monkeypatch.setattr(fake, "install_database", with_problem)
    result = run_module(moodle_install, capsys, lang="de", **args)
    assert result["changed"] is True
    warnings = json.dumps(result["warnings"])
    assert (
        f"install_database.php reported: The download of the component to your server failed ({REDACTED})" in warnings
    )
    assert_no_password(result["raw_output"], warnings)


@pytest.mark.parametrize(
    ("stdout", "stderr"),
    [
        (f"!!! bad password {PASSWORD} !!!\n", ""),
        ("", f'Error, incorrect value "{PASSWORD.replace("/", chr(92) + "/")}" for "adminpass"\n'),
    ],
)
def test_password_never_appears_in_errors(moodle, capsys, stdout, stderr):
    fake, args = moodle
    fake.fail_on[("install_database.php", "")] = (1, stdout, stderr)
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and REDACTED in result["stdout"] + result["stderr"]
    assert_no_password(result["raw_output"], result["msg"], json.dumps(result["commands"]))


def test_password_never_leaves_the_module_functions(moodle):
    """Without Ansible's no_log masking: every string the module builds, returns or raises is free of it."""
    fake, args = moodle
    params = {
        **{name: None for name, _cli in moodle_install.CLI_OPTIONS},
        **args,
        "lang": "en",
        "admin_user": "admin",
    }
    echoed = (1, f"!!! {PASSWORD} !!!\n", PASSWORD.replace("/", "\\/") + "\n")
    fake.fail_on[("install_database.php", "")] = echoed
    with pytest.raises(MoodleCLIError) as error:
        moodle_install.ensure(cli_from_params(params, secrets=[PASSWORD]), params, False, print)
    assert REDACTED in error.value.result.stdout
    assert_no_password(error.value.message, json.dumps(error.value.to_fail_kwargs()))

    del fake.fail_on[("install_database.php", "")]
    original = fake.install_database
    fake.install_database = lambda options: (*original(options)[:2], f"lang pack for {PASSWORD} failed\n")
    cli = cli_from_params(params, secrets=[PASSWORD])
    warnings = []
    changed, code, before, after = moodle_install.ensure(
        cli, params, False, lambda text: warnings.append(cli.redact(text))
    )
    assert changed is True and warnings == [f"install_database.php reported: lang pack for {REDACTED} failed"]
    assert_no_password(json.dumps([code, before, after, cli.commands]), *warnings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"agree_license": False}, "agree_license must be true"),
        ({"admin_password": ""}, "admin_password must not be empty"),
        ({"admin_user": "Admin"}, "admin_user 'Admin' is not usable"),
        ({"admin_user": "guest"}, "admin_user 'guest' is not usable"),
        ({"lang": "../en"}, "lang '../en' is not a language code"),
        ({"lang": "xx"}, "this Moodle has no installer language xx"),
    ],
)
def test_bad_options_are_named_before_anything_runs(moodle, capsys, change, message):
    fake, args = moodle
    result = run_module(moodle_install, capsys, **{**args, **change})
    assert result["failed"] is True and message in result["msg"]
    assert fake.calls == []


def test_admin_password_is_required(moodle, capsys):
    fake, args = moodle
    del args["admin_password"]
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and "admin_password" in result["msg"]


def test_tree_without_install_database_php(tmp_path, monkeypatch, capsys):
    fake, args = installed_site(tmp_path, monkeypatch)
    fake.state = "empty"
    result = run_module(moodle_install, capsys, admin_password=PASSWORD, agree_license=True, **args)
    assert result["failed"] is True and "CLI script install_database.php not found" in result["msg"]


def test_unreachable_database(moodle, capsys):
    fake, args = moodle
    fake.state = "unreachable"
    result = run_module(moodle_install, capsys, **args)
    assert result["failed"] is True and "Moodle cannot connect to its database (check config.php)" in result["msg"]
    assert install_calls(fake) == []
    assert_no_password(result["raw_output"])


def test_partial_install_error_class(moodle):
    fake, args = moodle
    fake.state = "partial"
    cli = cli_from_params(args)
    with pytest.raises(MoodlePartialInstallError):
        moodle_install.ensure(cli, {"lang": "en"}, True, print)
