"""Fixtures for tests that run the collection's playbooks against a real moto server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.ansible_env import ansible_env
from tests.verify import data_checks, edge_checks, fleet_checks, network_checks, site_checks

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"

# These tests only ever talk to their own moto server: never let a developer's real credentials or
# profile be picked up by boto3 or by the playbooks.
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(variable, None)


READ = re.compile(r"^(GET|HEAD) |^(Describe|List|Get|Head)[A-Z]")

# The modules whose tests take minutes each (several runs of whole tiers, NAT gateway and route-table waits), longest
# first. make test runs pytest-xdist with --maxschedchunk 1: each worker holds the test it runs and one more, and takes
# the next of the list when it ends one. The long tests alternate with short ones, so that no worker is handed two long
# ones in a row while another runs out of work, and they all start early, so that the workers end together instead of
# one finishing a long test alone at the end (in CI, where the first long tests were handed to one worker, it ran
# 20 minutes alone after the others had ended).
LONG_FIRST = ("test_check_mode_predicts", "test_edge", "test_network_shrink", "test_site_names",
              "test_teardown_ownership", "test_web_fleet", "test_aws_inventory",
              "test_check_mode_and_teardown")  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)

    ordered = sorted(items, key=rank)
    long = [item for item in ordered if rank(item) < len(LONG_FIRST)]
    short = [item for item in ordered if rank(item) == len(LONG_FIRST)]
    interleaved = [item for pair in zip(long, short, strict=False) for item in pair]
    items[:] = interleaved + long[len(interleaved) // 2 :] + short[len(interleaved) // 2 :]


def operation(request: dict) -> str:
    """The API operation of a recorded request: the query Action, the JSON target, or the REST method and path."""
    body = request.get("body") or ""
    if request.get("body_encoded") in (True, "True"):
        body = base64.b64decode(body).decode(errors="replace")
    target = {key.lower(): value for key, value in (request.get("headers") or {}).items()}.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    action = urllib.parse.parse_qs(body).get("Action")
    if action:
        return action[0]
    return f"{request.get('method')} {urllib.parse.urlsplit(request.get('url', '')).path}"


# moto's reset rebuilds every backend: on CI's saturated two cores (this lane at a tenth of the CPU weight) it once
# took more than 10 s. A slow answer is not a failure here; a dead server still fails the test.
MOTO_API_TIMEOUT = 120


@dataclass
class Moto:
    url: str

    def post(self, path: str) -> bytes:
        request = urllib.request.Request(f"{self.url}{path}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=MOTO_API_TIMEOUT) as response:
            return response.read()

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=MOTO_API_TIMEOUT) as response:
            return response.read()

    def reset(self) -> None:
        self.post("/moto-api/reset")

    def start_recording(self) -> None:
        self.post("/moto-api/recorder/reset-recording")
        self.post("/moto-api/recorder/start-recording")

    def recorded_requests(self) -> list[dict]:
        self.post("/moto-api/recorder/stop-recording")
        lines = self.get("/moto-api/recorder/download-recording").decode().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def mutating_requests(self) -> list[str]:
        """The recorded requests that are not reads (Describe, List, Get, Head; GET and HEAD), as operation names."""
        return [name for name in map(operation, self.recorded_requests()) if not READ.match(name)]

    def resources(self) -> dict[str, list]:
        """Every resource of every kind the collection creates, by kind (empty kinds included)."""
        return {
            **network_checks.leftovers(network_checks.clients(REGION, self.url)),
            **data_checks.leftovers(data_checks.clients(REGION, self.url)),
            **site_checks.leftovers(site_checks.clients(REGION, self.url)),
            **fleet_checks.leftovers(fleet_checks.clients(REGION, self.url)),
            **edge_checks.leftovers(edge_checks.clients(REGION, self.url)),
        }

    def left_behind(self) -> dict[str, list]:
        return {kind: ids for kind, ids in self.resources().items() if ids}

    def client(self, service: str):
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


# moto is the local platform's AWS (docs/architecture.md, "The local platform": deletes that never finish, no
# DeleteCacheSubnetGroup, load balancer attributes left out until set); one node per replication group (moto
# creates only the primary); secrets deleted at once. The artifact bucket keeps its TLS-only policy, which the
# fleet checks verify (nothing is uploaded to it over moto's plain HTTP here).
MOTO_SETTINGS = {
    "lms_moodle_platform": "local",
    "web_fleet_bucket_require_tls": True,
    "cache_session_nodes": 1,
    "cache_application_nodes": 1,
    "database_secret_recovery_window_days": 0,
    "cache_secret_recovery_window_days": 0,
    "database_final_snapshot": False,
    "load_balancer_secret_recovery_window_days": 0,
}


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory) -> Moto:
    state = tmp_path_factory.mktemp("moto")
    script = ROOT / "scripts" / "moto-server.py"
    url = subprocess.run(
        [sys.executable, str(script), "start", "--state", str(state)], check=True, capture_output=True, text=True
    ).stdout.strip()
    yield Moto(url)
    subprocess.run([sys.executable, str(script), "stop", "--state", str(state)], check=False)


@pytest.fixture
def moto(moto_server: Moto) -> Moto:
    """A moto server with an empty account for this test."""
    moto_server.reset()
    return moto_server


@dataclass
class PlaybookRun:
    returncode: int
    output: str

    def failure(self) -> str:
        """The output from the first failed task on: what the operator reads as the error."""
        lines = self.output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(("fatal:", "failed:", "[ERROR]"))), None)
        assert start is not None, f"no failed task in output:\n{self.output}"
        return "\n".join(lines[start:])

    def recap(self) -> dict[str, int]:
        for line in self.output.splitlines():
            if line.startswith("localhost") and "ok=" in line:
                return {key: int(value) for key, value in (pair.split("=") for pair in line.split()[2:])}
        raise AssertionError(f"no play recap in output:\n{self.output}")


def role_playbook(directory: Path, roles: list[str], state: str, then: tuple[str, str] | None = None) -> str:
    """A playbook of some of the AWS roles, in provision order for present and reversed for absent: a tier alone.
    then: a role and task file to include after them, as provision.yml does after the tiers."""
    ordered = roles if state == "present" else list(reversed(roles))
    entries = "".join(f"    - role: lms.moodle.{role}\n      vars: {{{role}_state: {state}}}\n" for role in ordered)
    if then:
        entries += (
            f"  tasks:\n    - name: Then\n      ansible.builtin.include_role:\n"
            f"        name: lms.moodle.{then[0]}\n        tasks_from: {then[1]}\n"
        )
    text = textwrap.dedent(
        """\
        - name: Some tiers
          hosts: localhost
          connection: local
          gather_facts: false
          module_defaults:
            group/lms.moodle.aws:
              region: "{{ aws_region }}"
              endpoint_url: "{{ aws_endpoint_url }}"
              access_key: "{{ aws_access_key }}"
              secret_key: "{{ aws_secret_key }}"
          roles:
        """
    )
    path = directory / f"{'-'.join(roles)}-{state}{'-then' if then else ''}.yml"
    path.write_text(text + entries)
    return str(path)


@pytest.fixture
def run_playbook(moto: Moto, tmp_path: Path):
    """Run one of the collection's playbooks as a user would, with the given extra vars."""

    def run(playbook: str, extra_vars: dict, *args: str, groups: dict[str, list[str]] | None = None) -> PlaybookRun:
        """groups: more inventory groups and their hosts (never reached unless the playbook gets that far)."""
        vars_file = tmp_path / "extra_vars.json"
        vars_file.write_text(json.dumps({**MOTO_SETTINGS, **extra_vars}))
        inventory = tmp_path / "inventory.yml"
        children = "".join(
            f"    {group}:\n      hosts:\n" + "".join(f"        {host}: {{}}\n" for host in hosts)
            for group, hosts in (groups or {}).items()
        )
        inventory.write_text(
            "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
            "      ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
            f"  vars:\n    aws_region: {REGION}\n    aws_endpoint_url: {moto.url}\n"
            "    aws_access_key: testing\n    aws_secret_key: testing\n"
            + (f"  children:\n{children}" if children else "")
        )
        env = ansible_env()
        command = [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "-i",
            str(inventory),
            str(ROOT / "playbooks" / playbook),
            "-e",
            f"@{vars_file}",
            *args,
        ]
        started = time.monotonic()
        result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        # LMS_MOODLE_RUN_LOG=<file>: a line per playbook run (seconds, test, playbook, options), to see where the
        # suite's time goes.
        if log := os.environ.get("LMS_MOODLE_RUN_LOG"):
            with open(log, "a", encoding="utf-8") as runs:
                test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
                runs.write(f"{time.monotonic() - started:.1f}\t{test}\t{Path(playbook).name}\t{' '.join(args)}\n")
        return PlaybookRun(result.returncode, result.stdout + result.stderr)

    return run
