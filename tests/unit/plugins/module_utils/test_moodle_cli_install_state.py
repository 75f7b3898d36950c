"""Unit tests of the install-state helpers of module_utils.moodle_cli (install_state, partial_install_error and
the clitablesexist classification) against the fake Moodle of moodle_fake."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    CLIResult,
    MoodleCLI,
    MoodleDatabaseError,
    MoodlePartialInstallError,
    failure,
    partial_install_error,
)

from ..moodle_fake import CURRENT_USER, FakeMoodle, fake_php, moodle_tree


@pytest.fixture
def site(tmp_path, monkeypatch):
    fake = FakeMoodle(tmp_path / "moodledata").install(monkeypatch)
    cli = MoodleCLI(dirroot=str(moodle_tree(tmp_path)), php_path=fake_php(tmp_path), web_user=CURRENT_USER)
    return fake, cli


def test_installed_site(site):
    fake, cli = site
    assert cli.install_state() == {"installed": True, "partial": False, "db_version": "2024042203.01", "reason": None}
    assert fake.scripts() == [["cfg.php", "--name=version", "--json"], ["cfg.php", "--name=rolesactive", "--json"]]


@pytest.mark.parametrize("state", ["empty", "tables"])
def test_empty_database_is_not_installed_and_not_partial(site, state):
    fake, cli = site
    fake.state = state
    assert cli.install_state() == {"installed": False, "partial": False, "db_version": None, "reason": None}
    assert len(fake.calls) == 1


def test_config_table_without_version_is_partial(site):
    fake, cli = site
    fake.state = "partial"
    state = cli.install_state()
    assert (state["installed"], state["partial"], state["db_version"]) == (False, True, None)
    assert state["reason"].startswith("the config table holds no version")


@pytest.mark.parametrize("rolesactive", [None, "0", ""])
def test_version_without_rolesactive_is_partial(site, rolesactive):
    fake, cli = site
    if rolesactive is None:
        del fake.config[("core", "rolesactive")]
    else:
        fake.config[("core", "rolesactive")] = rolesactive
    state = cli.install_state()
    assert (state["installed"], state["partial"], state["db_version"]) == (False, True, "2024042203.01")
    assert "rolesactive is not set" in state["reason"]
    error = partial_install_error(state)
    assert isinstance(error, MoodlePartialInstallError)
    assert error.message.startswith("the Moodle database is partly installed: core version 2024042203.01")
    assert "drop and recreate the database" in error.message


def test_unreachable_database_is_raised(site):
    fake, cli = site
    fake.state = "unreachable"
    with pytest.raises(MoodleDatabaseError):
        cli.install_state()


def test_clitablesexist_is_a_partial_install():
    result = CLIResult(
        ["php", "install_database.php"], 1, "", "Database tables already present; CLI installation cannot continue.\n\n"
    )
    error = failure(result, "install_database.php")
    assert isinstance(error, MoodlePartialInstallError)
    assert "the database already holds tables" in error.message and error.result is result
