"""Unit tests of moodle_plugin against trees under tmp_path and the fake Moodle of moodle_fake (no PHP, no DB)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import moodle_plugins
from ansible_collections.lms.moodle.plugins.modules import moodle_plugin

from ..moodle_fake import CURRENT_USER, FakeMoodleWithPlugins, fake_php, moodle_tree, run_module

STANDARD = {"standard": {"tool": ["mobile"], "mod": ["assign", "quiz"], "assignsubmission": ["file"]}, "deleted": {}}
V1, V2 = "2025010100", "2025060100"


def plugin_source(base: Path, component="tool_hello", version=V1, folder="hello") -> Path:
    """A plugin directory as a developer has it (with a .git directory that must not be copied)."""
    directory = base / "src" / f"{component}-{version}" / folder
    (directory / "lang" / "en").mkdir(parents=True)
    (directory / ".git").mkdir()
    (directory / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (directory / "version.php").write_text(
        "<?php\ndefined('MOODLE_INTERNAL') || die();\n\n"
        f"$plugin->version   = {version};      // YYYYMMDDXX.\n"
        "$plugin->requires  = 2024041600;\n"
        f"$plugin->component = '{component}';\n"
    )
    (directory / "lang" / "en" / f"{component}.php").write_text("<?php\n$string['pluginname'] = 'Hello';\n")
    return directory


def zip_of(directory: Path, path: Path, top: bool = True) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(directory.rglob("*")):
            if ".git" in file.parts or file.is_dir():
                continue
            relative = file.relative_to(directory.parent if top else directory)
            archive.write(file, str(relative))
    return path


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An installed site (FakeMoodleWithPlugins) with uninstall_plugins.php and lib/plugins.json; tool_hello is
    tracked by the fake's upgrade.php at admin/tool/hello."""
    fake = FakeMoodleWithPlugins(tmp_path / "moodledata").install(monkeypatch)
    root = moodle_tree(tmp_path, extra_scripts=("uninstall_plugins.php",))
    (root / "lib" / "plugins.json").write_text(json.dumps(STANDARD))
    fake.plugin_dirs["tool_hello"] = root / "admin" / "tool" / "hello"
    fake.plugin_dirs["assignsubmission_hello"] = root / "mod" / "assign" / "submission" / "hello"
    args = {"dirroot": str(root), "php_path": fake_php(tmp_path), "web_user": CURRENT_USER}
    return fake, args, root


def mutating(fake):
    return [
        call
        for call in fake.scripts()
        if "--non-interactive" in call or "--run" in call or call[0] == "purge_caches.php"
    ]


def test_installs_from_a_directory_and_upgrades(site, tmp_path, capsys):
    fake, args, root = site
    source = plugin_source(tmp_path)
    result = run_module(moodle_plugin, capsys, diff=True, name="tool_hello", src=str(source), **args)
    assert result["changed"] is True and result["exit_code"] == 0
    target = root / "admin" / "tool" / "hello"
    assert result["directory"] == str(target) and result["files"] == "install"
    assert (result["from_version"], result["to_version"]) == (None, V1)
    assert result["db_version"] == {"before": None, "after": V1} and result["upgraded"] is True
    assert fake.config[("tool_hello", "version")] == V1
    assert (target / "version.php").exists() and (target / "lang" / "en" / "tool_hello.php").exists()
    assert not (target / ".git").exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert stat.S_IMODE((target / "version.php").stat().st_mode) == 0o644
    assert mutating(fake) == [["upgrade.php", "--non-interactive"], ["purge_caches.php"]]
    assert result["diff"]["before"]["version"] is None and result["diff"]["after"]["version"] == V1
    assert not [name for name in os.listdir(target.parent) if name.startswith(".lms-moodle-")]


def test_second_run_changes_nothing(site, tmp_path, capsys):
    fake, args, root = site
    source = plugin_source(tmp_path)
    assert run_module(moodle_plugin, capsys, name="tool_hello", src=str(source), **args)["changed"] is True
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, diff=True, name="tool_hello", src=str(source), **args)
    assert result["changed"] is False and result["files"] == "none" and result["upgraded"] is False
    assert (result["from_version"], result["to_version"]) == (V1, V1)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert mutating(fake) == []


def test_newer_source_replaces_and_upgrades(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    (root / "admin" / "tool" / "hello" / "stale.php").write_text("<?php\n")
    newer = plugin_source(tmp_path, version=V2)
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(newer), **args)
    assert result["changed"] is True and result["files"] == "replace"
    assert (result["from_version"], result["to_version"]) == (V1, V2)
    assert result["db_version"] == {"before": V1, "after": V2}
    assert not (root / "admin" / "tool" / "hello" / "stale.php").exists()


def test_older_source_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path, version=V2)), **args)
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and "older than the version 2025060100 in dirroot" in result["msg"]
    assert result["changed"] is False and mutating(fake) == []


def test_database_newer_than_source_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    fake.config[("tool_hello", "version")] = V2
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and "Moodle records tool_hello at version 2025060100" in result["msg"]
    assert not (root / "admin" / "tool" / "hello").exists()


@pytest.mark.parametrize("top", [True, False])
def test_installs_from_a_zip(site, tmp_path, capsys, top):
    fake, args, root = site
    archive = zip_of(plugin_source(tmp_path), tmp_path / "hello.zip", top=top)
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(archive), **args)
    assert result["changed"] is True and result["to_version"] == V1
    assert (root / "admin" / "tool" / "hello" / "lang" / "en" / "tool_hello.php").exists()
    assert not (root / "admin" / "tool" / "hello" / "hello").exists()


class FakeResponse(io.BytesIO):
    pass


@pytest.fixture
def url(site, tmp_path, monkeypatch):
    """fetch_url answering with the zip of tool_hello V1; returns the zip's bytes and the requested URLs."""
    data = zip_of(plugin_source(tmp_path), tmp_path / "served.zip").read_bytes()
    requested = []

    def fetch_url(module, address, timeout=10):
        requested.append(address)
        if address.endswith("/missing.zip"):
            return None, {"status": 404, "msg": "HTTP Error 404: Not Found"}
        return FakeResponse(data), {"status": 200, "msg": "OK"}

    monkeypatch.setattr(moodle_plugin, "fetch_url", fetch_url)
    return data, requested


def test_installs_from_a_url_with_checksum(site, url, capsys):
    fake, args, root = site
    data, requested = url
    checksum = "sha256:" + hashlib.sha256(data).hexdigest()
    address = "https://plugins.example.org/hello.zip"
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=address, checksum=checksum, **args)
    assert result["changed"] is True and requested == [address]
    assert (root / "admin" / "tool" / "hello" / "version.php").exists()


def test_wrong_checksum_is_refused(site, url, capsys):
    fake, args, root = site
    result = run_module(
        moodle_plugin,
        capsys,
        name="tool_hello",
        src="https://plugins.example.org/hello.zip",
        checksum="sha256:" + "0" * 64,
        **args,
    )
    assert result["failed"] is True and ", not the checksum sha256:0000" in result["msg"] and result["changed"] is False
    assert not (root / "admin" / "tool" / "hello").exists()


def test_download_error_is_named(site, url, capsys):
    fake, args, root = site
    result = run_module(moodle_plugin, capsys, name="tool_hello", src="https://plugins.example.org/missing.zip", **args)
    assert (
        result["failed"] is True
        and "cannot download https://plugins.example.org/missing.zip: HTTP 404" in result["msg"]
    )


@pytest.mark.parametrize("checksum", ["abc", "a" * 64, "sha256:" + "A" * 64, "md5:" + "a" * 32])
def test_malformed_checksum(site, tmp_path, capsys, checksum):
    """One format across the collection: sha256:<hex>, as release_checksum and moodle_source_checksum."""
    fake, args, root = site
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(tmp_path), checksum=checksum, **args)
    assert result["failed"] is True and "sha256:<64 lower-case hex digits>" in result["msg"]


def test_checksum_of_a_directory_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    result = run_module(
        moodle_plugin,
        capsys,
        name="tool_hello",
        src=str(plugin_source(tmp_path)),
        checksum="sha256:" + "a" * 64,
        **args,
    )
    assert result["failed"] is True and "checksum applies to a zip" in result["msg"]


def test_subplugin_goes_below_its_parent(site, tmp_path, capsys):
    fake, args, root = site
    source = plugin_source(tmp_path, component="assignsubmission_hello")
    result = run_module(moodle_plugin, capsys, name="assignsubmission_hello", src=str(source), **args)
    assert result["directory"] == str(root / "mod" / "assign" / "submission" / "hello")
    assert result["changed"] is True and fake.config[("assignsubmission_hello", "version")] == V1


def test_check_mode_predicts_the_install(site, tmp_path, capsys):
    fake, args, root = site
    result = run_module(
        moodle_plugin, capsys, check_mode=True, diff=True, name="tool_hello", src=str(plugin_source(tmp_path)), **args
    )
    assert result["changed"] is True and result["files"] == "install" and result["upgraded"] is True
    assert result["db_version"] == {"before": None, "after": V1}
    assert not (root / "admin" / "tool" / "hello").exists() and mutating(fake) == []


def test_check_mode_of_a_replace(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    fake.calls.clear()
    newer = plugin_source(tmp_path, version=V2)
    result = run_module(moodle_plugin, capsys, check_mode=True, name="tool_hello", src=str(newer), **args)
    assert result["changed"] is True and result["files"] == "replace"
    assert (result["from_version"], result["to_version"]) == (V1, V2)
    assert "2025010100" in (root / "admin" / "tool" / "hello" / "version.php").read_text() and mutating(fake) == []


def test_absent_uninstalls_then_removes(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, diff=True, name="tool_hello", state="absent", **args)
    assert result["changed"] is True and result["files"] == "remove" and result["uninstalled"] is True
    assert result["db_version"] == {"before": V1, "after": None}
    assert (result["from_version"], result["to_version"]) == (V1, None)
    # Moodle reports an upgrade pending after an uninstall (allversionshash): the module runs it.
    assert mutating(fake) == [
        ["uninstall_plugins.php", "--plugins=tool_hello", "--run"],
        ["upgrade.php", "--non-interactive"],
        ["purge_caches.php"],
    ]
    assert result["upgraded"] is True and fake.pending is False
    assert not (root / "admin" / "tool" / "hello").exists() and ("tool_hello", "version") not in fake.config
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, name="tool_hello", state="absent", **args)
    assert result["changed"] is False and result["files"] == "none" and result["upgraded"] is False
    assert mutating(fake) == []


def test_check_mode_of_absent(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, check_mode=True, name="tool_hello", state="absent", **args)
    assert result["changed"] is True and result["uninstalled"] is True
    assert (root / "admin" / "tool" / "hello").exists() and mutating(fake) == []


def test_absent_that_moodle_refuses_to_uninstall(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    fake.cannot_uninstall.add("tool_hello")
    result = run_module(moodle_plugin, capsys, name="tool_hello", state="absent", **args)
    assert result["failed"] is True and "Moodle refuses to uninstall tool_hello" in result["msg"]
    assert (root / "admin" / "tool" / "hello").exists()


def test_absent_recorded_without_code_is_refused(site, capsys):
    fake, args, root = site
    fake.config[("tool_hello", "version")] = V1
    result = run_module(moodle_plugin, capsys, name="tool_hello", state="absent", **args)
    assert result["failed"] is True and "--purge-missing" in result["msg"] and mutating(fake) == []


def test_absent_without_upgrade_only_removes_files(site, tmp_path, capsys):
    fake, args, root = site
    run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    fake.calls.clear()
    result = run_module(moodle_plugin, capsys, name="tool_hello", state="absent", upgrade=False, **args)
    assert result["changed"] is True and result["uninstalled"] is False and result["db_version"] is None
    assert fake.calls == [] and not (root / "admin" / "tool" / "hello").exists()


def test_without_upgrade_no_php_runs_and_no_config_is_needed(tmp_path, monkeypatch, capsys):
    fake = FakeMoodleWithPlugins(tmp_path / "data").install(monkeypatch)
    root = moodle_tree(tmp_path, config=False)
    (root / "lib" / "plugins.json").write_text(json.dumps(STANDARD))
    source = plugin_source(tmp_path)
    result = run_module(
        moodle_plugin, capsys, dirroot=str(root), web_user="no-such-user-x", name="tool_hello", src=str(source),
        upgrade=False,
    )  # fmt: skip
    assert result["changed"] is True and result["upgraded"] is False and result["db_version"] is None
    assert fake.calls == [] and result["commands"] == []
    assert (root / "admin" / "tool" / "hello" / "version.php").exists()


def test_upgrade_failure_after_new_files_reports_changed(site, tmp_path, capsys):
    fake, args, root = site
    fake.fail_on[("upgrade.php", "non-interactive")] = (1, "!!! Error writing to database !!!\n", "")
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and result["changed"] is True
    assert "upgrade.php failed with exit code 1" in result["msg"]


def test_upgrade_that_does_not_record_the_plugin_fails(site, tmp_path, capsys):
    fake, args, root = site
    fake.plugin_dirs.clear()  # upgrade.php sees nothing to do
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and "Moodle records tool_hello at version None, not 2025010100" in result["msg"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("hello", "invalid frankenstyle plugin name 'hello'"),
        ("Tool_hello", "invalid frankenstyle plugin name 'Tool_hello'"),
        ("mod_my_board", "the name part 'my_board' must be letters and digits only"),
        ("tool_bad__name", "the name part 'bad__name' must be"),
        ("tool_", "invalid frankenstyle plugin name 'tool_'"),
        ("mod_backup", "activity modules cannot be named like a subsystem"),
        ("nosuchtype_hello", "unknown plugin type 'nosuchtype' in 'nosuchtype_hello'"),
    ],
)
def test_invalid_names_are_named(site, tmp_path, capsys, name, message):
    fake, args, root = site
    result = run_module(moodle_plugin, capsys, name=name, src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and message in result["msg"]
    assert mutating(fake) == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_standard_plugins_are_refused(site, tmp_path, capsys, state):
    fake, args, root = site
    options = {"src": str(plugin_source(tmp_path, component="tool_mobile"))} if state == "present" else {}
    result = run_module(moodle_plugin, capsys, name="tool_mobile", state=state, **options, **args)
    assert result["failed"] is True and "tool_mobile is a standard plugin that ships with Moodle" in result["msg"]
    assert (root / "admin" / "tool" / "mobile" / "version.php").exists()


def test_missing_plugins_json_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    (root / "lib" / "plugins.json").unlink()
    result = run_module(moodle_plugin, capsys, name="tool_hello", state="absent", **args)
    assert result["failed"] is True and "cannot read the standard plugins of Moodle" in result["msg"]


def test_source_of_another_plugin_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    result = run_module(
        moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path, component="tool_other")), **args
    )
    assert result["failed"] is True and "the source is the plugin tool_other, not tool_hello" in result["msg"]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"hello/readme.txt": "x"}, "the zip holds no plugin"),
        ({"hello/version.php": "<?php\n$plugin->version = 2025010100;\n$plugin->component = 'tool_hello';\n",
          "hello/../../evil.php": "x"}, "unsafe path"),
        ({"hello/version.php": "<?php\n// no version\n"}, "is not the version.php of a plugin"),
    ],
)  # fmt: skip
def test_bad_zips_are_refused(site, tmp_path, capsys, members, message):
    fake, args, root = site
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for name, text in members.items():
            handle.writestr(name, text)
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(archive), **args)
    assert result["failed"] is True and message in result["msg"]
    assert not (root / "admin" / "tool" / "hello").exists() and not (tmp_path / "evil.php").exists()


def test_zip_with_a_symlink_is_refused(site, tmp_path, capsys):
    fake, args, root = site
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(
            "hello/version.php", "<?php\n$plugin->version = 2025010100;\n$plugin->component = 'tool_hello';\n"
        )
        link = zipfile.ZipInfo("hello/passwd")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(link, "/etc/passwd")
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(archive), **args)
    assert result["failed"] is True and "symbolic link" in result["msg"]


def test_not_a_zip_is_named(site, tmp_path, capsys):
    fake, args, root = site
    bogus = tmp_path / "plugin.zip"
    bogus.write_text("not a zip")
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(bogus), **args)
    assert result["failed"] is True and "is not a readable zip" in result["msg"]


def test_missing_src_and_required_src(site, capsys):
    fake, args, root = site
    result = run_module(moodle_plugin, capsys, name="tool_hello", src="/nonexistent/hello", **args)
    assert result["failed"] is True and "src /nonexistent/hello does not exist" in result["msg"]
    result = run_module(moodle_plugin, capsys, name="tool_hello", **args)
    assert result["failed"] is True and "src" in result["msg"]


def test_directory_without_version_php(site, tmp_path, capsys):
    fake, args, root = site
    (tmp_path / "empty").mkdir()
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(tmp_path / "empty"), **args)
    assert result["failed"] is True and "holds no plugin: version.php is missing" in result["msg"]


def test_site_problems_fail_clearly(site, tmp_path, capsys):
    fake, args, root = site
    fake.state = "unreachable"
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=str(plugin_source(tmp_path)), **args)
    assert result["failed"] is True and "Moodle cannot connect to its database" in result["msg"]
    assert not (root / "admin" / "tool" / "hello").exists()


VERSION_TEXTS = [
    ("$plugin->version = 2024042200;\n$plugin->component = 'tool_x';",
     {"version": "2024042200", "component": "tool_x"}),
    ('  $plugin->version=2024042200.01 ; // c\n$plugin->component="mod_y";',
     {"version": "2024042200.01", "component": "mod_y"}),
    ("$plugin->version = 2024042200;", {"version": "2024042200", "component": None}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), VERSION_TEXTS)
def test_parse_plugin_version(text, expected):
    assert moodle_plugins.parse_plugin_version(text) == expected


def test_files_put_without_upgrade_are_upgraded_by_the_next_run(site, tmp_path, capsys):
    fake, args, root = site
    source = str(plugin_source(tmp_path))
    assert run_module(moodle_plugin, capsys, name="tool_hello", src=source, upgrade=False, **args)["changed"] is True
    assert fake.calls == []
    result = run_module(moodle_plugin, capsys, name="tool_hello", src=source, **args)
    assert result["changed"] is True and result["files"] == "none" and result["upgraded"] is True
    assert result["db_version"] == {"before": None, "after": V1}
    assert mutating(fake) == [["upgrade.php", "--non-interactive"], ["purge_caches.php"]]
