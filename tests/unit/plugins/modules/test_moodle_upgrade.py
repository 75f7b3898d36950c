"""Unit tests of moodle_upgrade against the fake Moodle of moodle_fake (no PHP, no database)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.modules import moodle_upgrade

from ..moodle_fake import CURRENT_USER, VERSION_PHP, FakeMoodle, fake_php, moodle_tree, run_module

OLD = "2024042200.00"
NEW = "2024042203.01"
READ_BEFORE = [
    ["cfg.php", "--name=version", "--json"],
    ["cfg.php", "--name=rolesactive", "--json"],
    ["upgrade.php", "--is-pending"],
]
MAINTENANCE_STATE = [
    ["cfg.php", "--name=dataroot", "--json"],
    ["cfg.php", "--name=maintenance_enabled", "--json"],
    ["cfg.php", "--name=maintenance_later", "--json"],
]
READ_AFTER = [["upgrade.php", "--is-pending"], ["cfg.php", "--name=version", "--json"]]
UPGRADE = [["upgrade.php", "--non-interactive"], ["purge_caches.php"]]


@pytest.fixture
def pending(moodle):
    """A site whose database (OLD) is older than the code (NEW)."""
    fake, args = moodle
    fake.pending = True
    fake.config[("core", "version")] = OLD
    return fake, args


def changing_calls(fake):
    return [
        call
        for call in fake.scripts()
        if call[0] == "purge_caches.php" or any(arg in ("--non-interactive", "--enable", "--disable") for arg in call)
    ]


def test_pending_upgrade_runs_purges_and_reports_versions(pending, capsys):
    fake, args = pending
    result = run_module(moodle_upgrade, capsys, diff=True, **args)
    assert result["changed"] is True and result["exit_code"] == 0
    assert (result["from_version"], result["to_version"]) == (OLD, NEW)
    assert result["code"]["version"] == NEW and result["code"]["release"] == "4.4.3+ (Build: 20240903)"
    assert result["upgrade_pending"] is True and result["caches_purged"] is True
    assert result["maintenance"] == {"before": None, "after": None, "switched": False}
    assert result["diff"] == {
        "before": {"db_version": OLD, "upgrade_pending": True},
        "after": {"db_version": NEW, "upgrade_pending": False},
    }
    assert fake.scripts() == READ_BEFORE + UPGRADE + READ_AFTER
    assert fake.config[("core", "version")] == NEW and fake.purged == 1
    assert [args["dirroot"] + "/admin/cli/upgrade.php", "--non-interactive"] in [c[-2:] for c in result["commands"]]


def test_nothing_pending_changes_nothing(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_upgrade, capsys, diff=True, **args)
    assert result["changed"] is False
    assert (result["from_version"], result["to_version"]) == (NEW, NEW)
    assert result["upgrade_pending"] is False and result["caches_purged"] is False
    assert result["diff"]["before"] == result["diff"]["after"] == {"db_version": NEW, "upgrade_pending": False}
    assert fake.scripts() == READ_BEFORE and fake.purged == 0


def test_second_run_changes_nothing(pending, capsys):
    fake, args = pending
    assert run_module(moodle_upgrade, capsys, maintenance=True, **args)["changed"] is True
    fake.calls.clear()
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["changed"] is False and changing_calls(fake) == []


def test_plugin_only_upgrade_keeps_the_core_version(pending, capsys):
    fake, args = pending
    fake.config[("core", "version")] = NEW
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["changed"] is True and (result["from_version"], result["to_version"]) == (NEW, NEW)
    assert changing_calls(fake) == UPGRADE


@pytest.mark.parametrize("maintenance", [False, True])
def test_check_mode_predicts_without_changing(pending, capsys, maintenance):
    fake, args = pending
    result = run_module(moodle_upgrade, capsys, check_mode=True, diff=True, maintenance=maintenance, **args)
    assert result["changed"] is True and (result["from_version"], result["to_version"]) == (OLD, NEW)
    assert result["diff"]["after"] == {"db_version": NEW, "upgrade_pending": False}
    assert result["caches_purged"] is True
    assert result["maintenance"]["switched"] is maintenance
    assert changing_calls(fake) == [] and fake.config[("core", "version")] == OLD and not fake.flag.exists()


def test_check_mode_without_pending_upgrade(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_upgrade, capsys, check_mode=True, maintenance=True, **args)
    assert result["changed"] is False and result["maintenance"] == {"before": False, "after": False, "switched": False}
    assert changing_calls(fake) == []


def test_maintenance_wraps_upgrade_and_purge(pending, capsys):
    fake, args = pending
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["changed"] is True and result["to_version"] == NEW
    assert result["maintenance"] == {"before": False, "after": False, "switched": True}
    assert changing_calls(fake) == [
        ["maintenance.php", "--enable"],
        *UPGRADE,
        ["maintenance.php", "--disable"],
    ]
    assert fake.scripts() == (
        READ_BEFORE
        + MAINTENANCE_STATE
        + [["maintenance.php", "--enable"], *UPGRADE, ["maintenance.php", "--disable"]]
        + MAINTENANCE_STATE
        + READ_AFTER
    )
    assert not fake.flag.exists()


def test_maintenance_already_on_is_left_on(pending, capsys):
    fake, args = pending
    fake.flag.write_text("down")
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["changed"] is True
    assert result["maintenance"] == {"before": True, "after": True, "switched": False}
    assert changing_calls(fake) == UPGRADE and fake.flag.exists()


@pytest.mark.parametrize(("setting", "value"), [("maintenance_enabled", "1"), ("maintenance_later", "1790000000")])
def test_legacy_or_scheduled_maintenance_gives_a_warning(pending, capsys, setting, value):
    fake, args = pending
    fake.config[("core", setting)] = value
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["changed"] is True and result["maintenance"]["switched"] is True
    assert "end the legacy maintenance mode and cancel the scheduled one" in json.dumps(result["warnings"])


def test_maintenance_is_switched_off_when_the_upgrade_fails(pending, capsys):
    fake, args = pending
    fake.fail_on[("upgrade.php", "non-interactive")] = (
        1,
        "",
        "Mixed Moodle versions detected, upgrade cannot continue\nPlease deploy into a fresh directory\n\n",
    )
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True and result["changed"] is True and result["rc"] == 1
    assert "files of an older Moodle are left in dirroot" in result["msg"]
    assert "Maintenance mode was switched off again." in result["msg"]
    assert changing_calls(fake) == [
        ["maintenance.php", "--enable"],
        ["upgrade.php", "--non-interactive"],
        ["maintenance.php", "--disable"],
    ]
    assert not fake.flag.exists() and fake.purged == 0


def test_maintenance_is_switched_off_when_the_purge_fails(pending, capsys):
    fake, args = pending
    fake.fail_on[("purge_caches.php", "")] = (1, "!!! Error writing to database !!!\n", "")
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True
    assert "purge_caches.php failed with exit code 1" in result["msg"]
    assert changing_calls(fake)[-1] == ["maintenance.php", "--disable"] and not fake.flag.exists()


def test_failing_disable_after_a_failed_upgrade_is_reported(pending, capsys):
    fake, args = pending
    fake.fail_on[("upgrade.php", "non-interactive")] = (1, "!!! Error writing to database !!!\n", "")
    fake.fail_on[("maintenance.php", "disable")] = (1, "!!! cannot unlink climaintenance.html !!!\n", "")
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True
    assert "upgrade.php failed with exit code 1: !!! Error writing to database !!!" in result["msg"]
    assert "Switching maintenance mode off failed too, the site is still in maintenance" in result["msg"]
    assert fake.flag.exists()


def test_failing_disable_after_a_good_upgrade_is_reported(pending, capsys):
    fake, args = pending
    fake.fail_on[("maintenance.php", "disable")] = (1, "!!! cannot unlink climaintenance.html !!!\n", "")
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True and result["changed"] is True
    assert "maintenance.php failed with exit code 1" in result["msg"]
    assert fake.config[("core", "version")] == NEW and fake.purged == 1


def test_disable_that_leaves_the_flag_is_reported(pending, capsys, monkeypatch):
    fake, args = pending
    original = fake.maintenance
    monkeypatch.setattr(fake, "maintenance", lambda options: (0, "", "") if "disable" in options else original(options))
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True and "--disable ran but CLI maintenance mode is still on" in result["msg"]


def test_failure_without_maintenance(pending, capsys):
    fake, args = pending
    fake.fail_on[("upgrade.php", "non-interactive")] = (1, "!!! Error writing to database !!!\n", "")
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["failed"] is True and result["changed"] is True
    assert "Maintenance" not in result["msg"] and fake.purged == 0
    assert changing_calls(fake) == [["upgrade.php", "--non-interactive"]]


def test_upgrade_still_pending_afterwards_fails(pending, capsys, monkeypatch):
    fake, args = pending
    original = fake.upgrade

    def stays_pending(options):
        answer = original(options)
        fake.pending = True
        return answer

    monkeypatch.setattr(fake, "upgrade", stays_pending)
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["failed"] is True and "--is-pending still reports an upgrade" in result["msg"]


def test_unstable_code_needs_allow_unstable(tmp_path, monkeypatch, capsys):
    fake = FakeMoodle(tmp_path / "data", pending=True).install(monkeypatch)
    fake.code_maturity = 100
    fake.config[("core", "version")] = OLD
    root = moodle_tree(tmp_path, version_php=VERSION_PHP.replace("MATURITY_STABLE", "MATURITY_BETA"))
    args = {"dirroot": str(root), "php_path": fake_php(tmp_path), "web_user": CURRENT_USER}
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["failed"] is True and result["changed"] is False
    assert "the code in dirroot is MATURITY_BETA" in result["msg"] and "allow_unstable=true" in result["msg"]
    assert changing_calls(fake) == []
    result = run_module(moodle_upgrade, capsys, allow_unstable=True, **args)
    assert result["changed"] is True and result["to_version"] == NEW
    assert ["upgrade.php", "--non-interactive", "--allow-unstable"] in fake.scripts()


def test_older_code_than_database_fails_clearly(moodle, capsys):
    fake, args = moodle
    fake.config[("core", "version")] = "2024100700.00"
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["failed"] is True and "the code in dirroot is older than the installed database" in result["msg"]
    assert changing_calls(fake) == []


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("empty", "Moodle is not installed; install it first (lms.moodle.moodle_install)"),
        ("tables", "Moodle is not installed"),
        ("partial", "the Moodle database is partly installed: the config table holds no version"),
        ("unreachable", "Moodle cannot connect to its database (check config.php)"),
    ],
)
def test_site_problems_fail_clearly(moodle, capsys, state, message):
    fake, args = moodle
    fake.state = state
    result = run_module(moodle_upgrade, capsys, maintenance=True, **args)
    assert result["failed"] is True and message in result["msg"]
    assert changing_calls(fake) == []


def test_unfinished_install_is_refused(moodle, capsys):
    fake, args = moodle
    fake.pending = True
    del fake.config[("core", "rolesactive")]
    result = run_module(moodle_upgrade, capsys, **args)
    assert result["failed"] is True and "the install never finished (rolesactive is not set" in result["msg"]
    assert changing_calls(fake) == []


def test_timeout_of_the_upgrade(pending, capsys):
    fake, args = pending
    fake.timeout_on = "purge_caches.php"
    result = run_module(moodle_upgrade, capsys, maintenance=True, timeout=5, **args)
    assert result["failed"] is True and "purge_caches.php did not finish within 5 seconds" in result["msg"]
    assert changing_calls(fake)[-1] == ["maintenance.php", "--disable"]
