"""Unit tests of moodle_info against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import moodle_info

from ..moodle_fake import CURRENT_USER, FakeMoodle, fake_php, moodle_tree, run_module

MUTATING = ("--set", "--unset", "--enable", "--disable", "--non-interactive")


def mutating_calls(fake):
    return [call for call in fake.scripts() if any(arg.startswith(MUTATING) for arg in call[1:])]


@pytest.mark.parametrize("check_mode", [False, True])
def test_installed_site(moodle, capsys, check_mode):
    fake, args = moodle
    result = run_module(moodle_info, capsys, check_mode=check_mode, **args)
    assert result["exit_code"] == 0 and result["changed"] is False
    assert (result["installed"], result["partial_install"]) == (True, False)
    assert result["code"] == {
        "version": "2024042203.01",
        "release": "4.4.3+ (Build: 20240903)",
        "branch": "404",
        "maturity": "MATURITY_STABLE",
    }
    assert result["db_version"] == "2024042203.01"
    assert result["upgrade_pending"] is False
    assert result["maintenance"] == {
        "enabled": False,
        "cli": False,
        "legacy": False,
        "scheduled": None,
        "flag_file": str(fake.flag),
    }
    assert result["layout"]["layout"] == "classic"
    assert result["layout"]["config_php"] == args["dirroot"] + "/config.php"
    assert fake.scripts() == [
        ["cfg.php", "--name=version", "--json"],
        ["upgrade.php", "--is-pending"],
        ["cfg.php", "--name=dataroot", "--json"],
        ["cfg.php", "--name=maintenance_enabled", "--json"],
        ["cfg.php", "--name=maintenance_later", "--json"],
        ["-r", fake.calls[5][2]],
        ["-r", fake.calls[6][2]],
    ]
    assert "LMS_MOODLE_PLUGINS_JSON" in fake.calls[5][2] and "LMS_MOODLE_MUC_JSON" in fake.calls[6][2]
    assert fake.muc.requests[0]["actions"] == [], "moodle_info must only read the cache configuration"
    assert result["caches"]["mappings"]["application"] == ["default_application"]
    assert [call[1:] for call in result["commands"][:5]] == [call[1:] for call in fake.calls[:5]]
    assert result["commands"][5][1:] == ["-r", "<lms.moodle installed-plugins query>"]
    assert result["commands"][6][1:] == ["-r", "<lms.moodle MUC script>"]
    assert mutating_calls(fake) == []


def test_pending_upgrade_and_older_database(moodle, capsys):
    fake, args = moodle
    fake.pending = True
    fake.config[("core", "version")] = "2024042200.00"
    result = run_module(moodle_info, capsys, **args)
    assert result["upgrade_pending"] is True
    assert result["db_version"] == "2024042200.00" and result["code"]["version"] == "2024042203.01"


def test_site_in_cli_maintenance(moodle, capsys):
    fake, args = moodle
    fake.flag.write_text("down")
    result = run_module(moodle_info, capsys, **args)
    assert result["maintenance"]["enabled"] is True and result["maintenance"]["cli"] is True


@pytest.mark.parametrize(("state", "partial"), [("empty", False), ("partial", True)])
def test_site_not_installed(moodle, capsys, state, partial):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_info, capsys, **args)
    assert result["exit_code"] == 0
    assert (result["installed"], result["partial_install"]) == (False, partial)
    assert (result["db_version"], result["upgrade_pending"], result["maintenance"]) == (None, None, None)
    assert result["code"]["branch"] == "404"
    assert fake.scripts() == [["cfg.php", "--name=version", "--json"]]


def test_unreachable_database_fails_clearly(moodle, capsys):
    fake, args = moodle
    fake.state = "unreachable"
    result = run_module(moodle_info, capsys, **args)
    assert result["failed"] is True and result["exit_code"] == 1
    assert "cannot connect to its database" in result["msg"]
    assert result["rc"] == 1 and "Database connection failed" in result["stdout"]
    assert len(result["commands"]) == 1


def test_public_layout(tmp_path, monkeypatch, capsys):
    fake = FakeMoodle(tmp_path / "data").install(monkeypatch)
    root = moodle_tree(tmp_path, layout="public")
    result = run_module(moodle_info, capsys, dirroot=str(root), php_path=fake_php(tmp_path), web_user=CURRENT_USER)
    assert result["layout"] == {
        "root": str(root),
        "dirroot": str(root / "public"),
        "layout": "public",
        "config_php": str(root / "config.php"),
    }
    assert fake.calls[0][1] == str(root / "public" / "admin" / "cli" / "cfg.php")


def test_timeout(moodle, capsys):
    fake, args = moodle
    fake.timeout_on = "upgrade.php"
    result = run_module(moodle_info, capsys, timeout=3, **args)
    assert result["failed"] is True and "upgrade.php did not finish within 3 seconds" in result["msg"]


def test_plugins_on_disk_against_installed(moodle, capsys):
    fake, args = moodle
    fake.config[("tool_mobile", "version")] = "2024042200"  # the same as on disk
    fake.config[("mod_assign", "version")] = "2023100900"  # older than on disk: upgrade pending
    fake.config[("local_gone", "version")] = "2020010100"  # code removed from dirroot
    result = run_module(moodle_info, capsys, **args)
    plugins = result["plugins"]
    assert plugins["disk"]["mod_assign"] == "2024042200"
    assert plugins["disk"]["assignsubmission_file"] == "2024042200", "subplugins are part of the disk inventory"
    assert plugins["installed"] == {"tool_mobile": "2024042200", "mod_assign": "2023100900", "local_gone": "2020010100"}
    assert plugins["upgrade_pending"] == ["mod_assign"]
    assert plugins["missing_from_disk"] == ["local_gone"]
    assert plugins["not_installed"] == ["assignsubmission_file", "cachestore_redis", "mod_quiz"]


def test_cache_stores_with_passwords_masked(moodle, capsys):
    fake, args = moodle
    configuration = {"server": "redis.internal:6379", "password": "muc-secret"}
    fake.muc.stores["redis"] = {"plugin": "redis", "default": False, "configuration": configuration}
    fake.muc.mappings["session"] = ["redis"]
    result = run_module(moodle_info, capsys, **args)
    masked = {"server": "redis.internal:6379", "password": "********"}
    assert result["caches"]["stores"]["redis"]["configuration"] == masked
    assert result["caches"]["mappings"]["session"] == ["redis"]
    assert "muc-secret" not in result["raw_output"]


def test_not_installed_site_still_lists_the_plugins_on_disk(moodle, capsys):
    fake, args = moodle
    fake.state = "empty"
    result = run_module(moodle_info, capsys, **args)
    assert result["plugins"]["installed"] == {} and "mod_assign" in result["plugins"]["not_installed"]
    assert result["caches"] is None
