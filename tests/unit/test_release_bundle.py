"""roles/release/files/bundle.py: the collection bundle new web nodes extract (lms.moodle and what it depends on).

Runs the script as the release role does, on this checkout and the collections of the venv's ansible package."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "roles" / "release" / "files" / "bundle.py"


def bundle(out: Path, collection: Path = ROOT, paths: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), str(collection), paths or str(ROOT / ".cache" / "collections")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "ansible-collections.tar.gz"
    return out, bundle(out)


def test_the_bundle_holds_the_collection_and_its_dependencies(first):
    out, report = first

    assert report["changed"] is True
    assert report["collections"] == ["amazon.aws", "ansible.posix", "community.aws", "lms.moodle"]
    with tarfile.open(out) as archive:
        names = archive.getnames()
        members = archive.getmembers()
    assert "lms/moodle/MANIFEST.json" in names and "lms/moodle/roles/moodle/tasks/main.yml" in names
    assert "amazon/aws/plugins/lookup/ssm_parameter.py" in names
    # build_ignore applies: no virtualenv, caches, molecule or test suites of the checkout.
    ignored = ("lms/moodle/.venv", "lms/moodle/.cache", "lms/moodle/molecule", "lms/moodle/tests/cluster",
               "lms/moodle/tests/integration", "lms/moodle/tests/moodle")  # fmt: skip
    assert not [n for n in names if n.startswith(ignored)]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert {(m.uid, m.gid, m.mtime) for m in members} == {(0, 0, 0)}


def test_the_same_collections_give_the_same_bytes(first, tmp_path):
    out, report = first
    again = bundle(out)
    elsewhere = tmp_path / "copy.tar.gz"

    assert again["changed"] is False and again["sha256"] == report["sha256"]
    assert bundle(elsewhere)["sha256"] == report["sha256"]


def test_a_missing_dependency_is_named(tmp_path):
    fake = tmp_path / "collection"
    fake.mkdir()
    (fake / "galaxy.yml").write_text(
        "namespace: lms\nname: probe\nversion: 1.0.0\ndependencies:\n  nowhere.none: '*'\n"
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "out.tgz"), str(fake), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "nowhere.none is not installed on the controller (needed by lms.probe)" in result.stderr
