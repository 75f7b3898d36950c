"""Publish this web node's readiness to CloudWatch, once (moodle-readiness.timer runs it every minute).

The node asks its own /healthz.php (a request made on the node gets the checks' details) and puts one data point per
shared dependency, DependencyReady 1 or 0, under the site's Environment: the web_fleet role's alarms fire when no
node reaches a dependency for three minutes. A dependency outage is reported there, never acted on: the load balancer
and the Auto Scaling group look at the liveness check alone (docs/health-checks.md). Nothing is published while the
site is in maintenance (the checks are skipped then) or when the node's own web stack does not answer (its liveness
check takes care of that node).

    readiness-metric.py NAMESPACE ENVIRONMENT REGION [URL]

boto3 honours AWS_ENDPOINT_URL (VPC endpoints, the local platform) and finds the instance role's credentials.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

import boto3

# The dependencies every node shares, and the states of /healthz.php that mean the node reaches them.
DEPENDENCIES = {"db": ("ok",), "session": ("ok", "database")}


def read_checks(url: str) -> dict | None:
    """The checks' details from the node's readiness check, or None when they are not there to read."""
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:  # noqa: S310 - the node's own check
            body = answer.read()
    except urllib.error.HTTPError as error:  # 503: a check failed, and the details say which
        body = error.read()
    except OSError as error:
        print(f"no readiness published: {url} did not answer ({error})")
        return None
    checks = json.loads(body).get("checks")
    if not isinstance(checks, dict):
        print(f"no readiness published: {url} gave no details (is the request made on the node?)")
        return None
    if "maintenance" in checks:
        print("no readiness published: the site is in maintenance")
        return None
    return checks


def metric_data(environment: str, checks: dict) -> list[dict]:
    return [
        {
            "MetricName": "DependencyReady",
            "Dimensions": [{"Name": "Environment", "Value": environment}, {"Name": "Dependency", "Value": name}],
            "Value": 1.0 if checks.get(name) in fine else 0.0,
            "Unit": "Count",
        }
        for name, fine in DEPENDENCIES.items()
    ]


def main(argv: list[str]) -> int:
    if len(argv) not in (4, 5):
        print("usage: readiness-metric.py NAMESPACE ENVIRONMENT REGION [URL]", file=sys.stderr)
        return 2
    namespace, environment, region = argv[1:4]
    checks = read_checks(argv[4] if len(argv) == 5 else "http://127.0.0.1/healthz.php")
    if checks is None:
        return 0
    data = metric_data(environment, checks)
    boto3.client("cloudwatch", region_name=region).put_metric_data(Namespace=namespace, MetricData=data)
    print(" ".join(f"{name}={checks.get(name, 'missing')}" for name in DEPENDENCIES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
