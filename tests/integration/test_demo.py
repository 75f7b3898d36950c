"""`make demo` / `make demo-clean` as a user runs them: the embedded default against its own moto server."""

from __future__ import annotations

import os
import re
import subprocess

from tests.integration.conftest import ROOT


def run_demo(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LMS_MOODLE_DEMO_STATE=str(tmp_path / "moto"))
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_demo_provisions_reports_and_cleans_up(tmp_path):
    demo = run_demo(tmp_path)
    clean = run_demo(tmp_path, "clean")

    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-4000:]
    lines = demo.stdout.splitlines()
    summaries = [line for line in lines if re.fullmatch(r"\d+ passed, \d+ failed", line)]
    assert summaries[0] == "53 passed, 0 failed", "the network tier does not match the reference"
    assert len(summaries) == 4 and all(line.endswith(" passed, 0 failed") for line in summaries), summaries
    assert "  /demo/moodle/site/wwwroot = http://127.0.0.1:8080" in lines
    assert any(line.startswith("  /demo/moodle/db/writer_endpoint = demo-moodle.cluster-") for line in lines)
    assert clean.returncode == 0, clean.stdout[-4000:] + clean.stderr[-4000:]
    assert "Demo removed." in clean.stdout
