"""Unit tests of apt_lists against a fake apt-get that answers `indextargets` as APT 2.6 does and writes the index
files on `update` (no network, no root). The lists directory and the stamp live in a temporary directory."""

from __future__ import annotations

import json
import os
import time

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.lms.moodle.plugins.modules import apt_lists

SOURCES = [
    ("http://deb.debian.org/debian/", "bookworm", "main"),
    ("http://deb.debian.org/debian/", "bookworm-updates", "main"),
    ("http://deb.debian.org/debian-security/", "bookworm-security", "main"),
]


def compressed(index, suffix):
    """The index file as APT keeps it compressed (the names hold dots, so no with_suffix)."""
    return index.with_name(index.name + suffix)


class FakeApt:
    """apt-get indextargets --no-release-info and apt-get update over a lists directory of its own."""

    def __init__(self, lists):
        self.lists = lists
        self.calls = []
        self.update_results = []  # (rc, stdout, stderr) per update call; success when empty

    def index(self, repository, release, component, arch):
        site = repository.removeprefix("http://").rstrip("/").replace("/", "_")
        return self.lists / f"{site}_dists_{release}_{component}_binary-{arch}_Packages"

    def indextargets(self):
        rows = []
        for repository, release, component in SOURCES:
            for arch in ("amd64", "all"):
                rows.append(f"{self.index(repository, release, component, arch)}\t{repository}\t{release}\t{component}")
        return 0, "\n".join(rows) + "\n", ""

    def update(self):
        if self.update_results:
            return self.update_results.pop(0)
        for source in SOURCES:
            # Debian's mirror has no separate binary-all index for bookworm; APT keeps them lz4-compressed.
            compressed(self.index(*source, "amd64"), ".lz4").write_bytes(b"")
        return 0, "Reading package lists...\n", ""

    def run_command(self, argv, **_kwargs):
        self.calls.append(argv[1])
        return self.indextargets() if argv[1] == "indextargets" else self.update()


@pytest.fixture
def apt(tmp_path, monkeypatch):
    lists = tmp_path / "lists"
    lists.mkdir()
    fake = FakeApt(lists)
    monkeypatch.setattr(apt_lists, "STAMP", str(tmp_path / "periodic" / "update-success-stamp"))
    monkeypatch.setattr(apt_lists, "RETRY_DELAY", 0)
    monkeypatch.setattr(AnsibleModule, "run_command", lambda _self, argv, **kw: fake.run_command(argv, **kw))
    monkeypatch.setattr(AnsibleModule, "get_bin_path", lambda _self, *_args, **_kw: "/usr/bin/apt-get")
    return fake


def run(capsys, check_mode=False, **args):
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        apt_lists.main()
    result = json.loads(capsys.readouterr().out)
    result["exit_code"] = exit_info.value.code
    return result


def stamp_age(seconds):
    then = time.time() - seconds
    os.makedirs(os.path.dirname(apt_lists.STAMP), exist_ok=True)
    open(apt_lists.STAMP, "w").close()
    os.utime(apt_lists.STAMP, (then, then))


def test_empty_lists_whose_directory_was_just_touched_are_refreshed(apt, capsys):
    """The image-build case: lists deleted (directory mtime now), no stamp."""
    result = run(capsys)

    assert result["changed"] is True and result["refreshed"] is True
    assert result["missing"] == [" ".join(source) for source in sorted(SOURCES)]
    assert result["reason"].startswith("no index on disk for http://deb.debian.org/debian-security/")
    assert apt.calls == ["indextargets", "update"]
    assert os.path.exists(apt_lists.STAMP) and time.time() - os.stat(apt_lists.STAMP).st_mtime < 5


def test_a_second_run_finds_the_lists_fresh_and_changes_nothing(apt, capsys):
    run(capsys)
    apt.calls.clear()

    result = run(capsys)

    assert result["changed"] is False and result["reason"] == "fresh" and result["missing"] == []
    assert apt.calls == ["indextargets"]
    assert 0 <= result["age"] < 5


def test_one_source_missing_is_enough_to_refresh_even_with_a_fresh_stamp(apt, capsys):
    run(capsys)
    compressed(apt.index(*SOURCES[2], "amd64"), ".lz4").unlink()

    result = run(capsys)

    assert result["refreshed"] is True
    assert result["missing"] == ["http://deb.debian.org/debian-security/ bookworm-security main"]


@pytest.mark.parametrize("suffix", ["", ".gz", ".xz", ".zst"])
def test_every_compression_apt_keeps_counts_as_present(apt, capsys, suffix):
    for source in SOURCES:
        compressed(apt.index(*source, "amd64"), suffix).write_bytes(b"")
    stamp_age(10)

    assert run(capsys)["changed"] is False


def test_complete_lists_without_a_stamp_are_refreshed_once(apt, capsys):
    """Lists refreshed by someone else (no stamp): their age is unknown, so they are refreshed and dated."""
    apt.update()

    result = run(capsys)

    assert result["refreshed"] is True and result["age"] is None and "no record" in result["reason"]
    assert run(capsys)["changed"] is False


def test_stale_lists_are_refreshed(apt, capsys):
    apt.update()
    stamp_age(7200)

    result = run(capsys, max_age=3600)

    assert result["refreshed"] is True and result["age"] >= 7200
    assert "s old (max_age 3600)" in result["reason"]


def test_max_age_zero_always_refreshes(apt, capsys):
    apt.update()
    stamp_age(1)

    assert run(capsys, max_age=0)["refreshed"] is True


def test_check_mode_predicts_the_refresh_without_running_it(apt, capsys):
    result = run(capsys, check_mode=True)

    assert result["changed"] is True and result["refreshed"] is True
    assert apt.calls == ["indextargets"]
    assert not os.path.exists(apt_lists.STAMP)


def test_a_failing_mirror_is_retried_then_fails_with_apts_error(apt, capsys):
    error = (
        "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease Could not resolve 'deb.debian.org'"
    )
    apt.update_results = [(100, "", error)] * 3

    result = run(capsys, retries=3)

    assert result["failed"] is True and result["exit_code"] == 1
    assert "apt-get update failed 3 times" in result["msg"] and "Could not resolve" in result["msg"]
    assert apt.calls == ["indextargets", "update", "update", "update"]
    assert not os.path.exists(apt_lists.STAMP), "a failed refresh must not look like a successful one"


def test_a_hiccup_is_retried(apt, capsys):
    apt.update_results = [(100, "", "E: Could not get lock /var/lib/apt/lists/lock")]

    result = run(capsys)

    assert result["changed"] is True and apt.calls == ["indextargets", "update", "update"]


def test_a_source_that_gives_nothing_after_a_good_refresh_is_a_warning(apt, capsys):
    apt.update_results = [(0, "", "")]

    result = run(capsys)

    assert result["changed"] is True
    assert any("give no package index" in str(warning) for warning in result["warnings"]), result["warnings"]


@pytest.mark.parametrize(("args", "message"), [({"max_age": -1}, "max_age"), ({"retries": 0}, "retries")])
def test_bad_arguments_name_the_option(apt, capsys, args, message):
    result = run(capsys, **args)

    assert result["failed"] is True and message in result["msg"]
    assert apt.calls == []
