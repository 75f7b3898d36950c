"""The nodes' readiness publisher (roles/moodle/files/readiness-metric.py, run every minute by moodle-readiness.timer)
against a moto server: what it publishes for each answer of /healthz.php, served here by a small HTTP server with the
answers a node gives (the checks' details, as a request made on the node gets them)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.integration.conftest import ROOT

SCRIPT = ROOT / "roles" / "moodle" / "files" / "readiness-metric.py"
NAMESPACE = "LMS/Moodle"


class Healthz(BaseHTTPRequestHandler):
    status = 200
    body = b""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def healthz():
    server = HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def answer(status: int, checks: dict | None) -> str:
        Healthz.status = status
        body = {"status": "ok" if status == 200 else "fail"}
        if checks is not None:
            body["checks"] = checks
        Healthz.body = json.dumps(body).encode()
        return f"http://127.0.0.1:{server.server_port}/healthz.php"

    yield answer
    server.shutdown()


def publish(moto, url: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_ENDPOINT_URL": moto.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), NAMESPACE, "lmsenv", "us-east-1", url],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def published(moto) -> dict[str, list[float]]:
    """Every DependencyReady value moto holds, by dependency."""
    cloudwatch = moto.client("cloudwatch")
    now = datetime.now(UTC)
    values: dict[str, list[float]] = {}
    for metric in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]:
        dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        assert metric["MetricName"] == "DependencyReady" and dimensions["Environment"] == "lmsenv", metric
        data = cloudwatch.get_metric_data(
            MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Maximum"}}],
            StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=10),
        )["MetricDataResults"][0]  # fmt: skip
        values[dimensions["Dependency"]] = data["Values"]
    return values


@pytest.mark.parametrize(
    ("status", "checks", "expected"),
    [
        pytest.param(200, {"php": "8.2", "db": "ok", "session": "ok"}, {"db": [1.0], "session": [1.0]},
                     id="ready"),
        pytest.param(503, {"db": "unreachable", "session": "ok"}, {"db": [0.0], "session": [1.0]}, id="database-down"),
        pytest.param(503, {"db": "ok", "session": "unreachable"}, {"db": [1.0], "session": [0.0]}, id="session-down"),
        # Sessions kept in the database: nothing else to reach.
        pytest.param(200, {"db": "ok", "session": "database"}, {"db": [1.0], "session": [1.0]}, id="database-sessions"),
    ],
)  # fmt: skip
def test_each_dependency_is_published_ready_or_not(moto, healthz, status, checks, expected):
    run = publish(moto, healthz(status, checks))
    assert run.returncode == 0, run.stderr
    assert published(moto) == expected


@pytest.mark.parametrize(
    ("status", "checks", "reason"),
    [
        pytest.param(200, {"maintenance": "on"}, "maintenance", id="maintenance"),
        pytest.param(200, None, "gave no details", id="no-details"),
    ],
)
def test_nothing_is_published_when_the_check_says_nothing_of_the_dependencies(moto, healthz, status, checks, reason):
    run = publish(moto, healthz(status, checks))
    assert run.returncode == 0 and reason in run.stdout, run.stdout + run.stderr
    assert published(moto) == {}


def test_a_node_whose_web_stack_does_not_answer_publishes_nothing(moto):
    """Its liveness check takes it out and the Auto Scaling group replaces it: no dependency is to blame."""
    run = publish(moto, "http://127.0.0.1:9/healthz.php")
    assert run.returncode == 0 and "did not answer" in run.stdout, run.stdout + run.stderr
    assert published(moto) == {}
