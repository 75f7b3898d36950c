"""The cluster suite runs against one local platform, created once for the module by `scripts/demo.sh` (what
`make demo` runs) under its own names and ports, and removed by `scripts/demo.sh clean` at the end."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cluster.platform import ROOT, Platform


@pytest.fixture(scope="session")
def platform():
    if (
        shutil.which("docker") is None
        or subprocess.run(["docker", "info"], check=False, capture_output=True).returncode != 0
    ):
        pytest.fail("the cluster suite needs a running docker engine (make platform starts one)")
    workdir = ROOT / ".cache" / "cluster"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    platform = Platform(workdir)
    # A platform left behind by an interrupted run would be reused half-configured.
    platform.run("bash", "scripts/demo.sh", "clean")
    platform.demo = platform.run("bash", "scripts/demo.sh")
    yield platform
    clean = platform.run("bash", "scripts/demo.sh", "clean")
    assert clean.returncode == 0, clean.output[-3000:]
