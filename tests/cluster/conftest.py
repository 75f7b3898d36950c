"""The cluster suite runs against one local platform, created for the module by `scripts/demo.sh` (what `make demo`
runs) under its own names and ports: a first demo is interrupted part-way as Ctrl-C would, a second resumes it. The
last test removes it with `scripts/demo.sh clean`; the finalizer does the same after a failure."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cluster.platform import ROOT, Platform

# Interrupt the first demo once the database role is done and the cache role begins to build (not in the preflight
# of every role, which comes first): Aurora exists with its credentials, and half of the AWS side does not yet.
INTERRUPT_AT = r"^TASK \[lms\.moodle\.cache : Create the cache subnet group"


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
    platform.interrupted = platform.interrupt(INTERRUPT_AT, "bash", "scripts/demo.sh")
    platform.demo = platform.run("bash", "scripts/demo.sh")
    yield platform
    platform.run("bash", "scripts/demo.sh", "clean")
