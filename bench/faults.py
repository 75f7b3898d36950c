"""Faults on a running local cluster (`make demo`), under a steady load through HAProxy, and how the site came through
each: the same scenarios the cluster suite asserts on (tests/cluster/faults.py), printed as a table and written as
JSON.

    .venv/bin/python -m bench.faults [--outage-seconds 30] [--json bench-faults.json] [--short]

Scenarios, in order: kill -9 of PHP-FPM's and of Apache's main process on web-1; the database frozen (docker pause)
with web-2's CPU saturated by a bounded busy loop; the session store frozen; the database's and the session store's
services restarted; the shared dataroot read-only on web-1. Alongside each, a writer creates users and uploads files
through Moodle's web services; the table says how many writes Moodle acknowledged and which acknowledged ones it no
longer has. --short: 5 s outages (CI's smoke run).
Traffic goes to 127.0.0.1 and to the platform's own containers only.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from tests.cluster import faults
from tests.cluster.platform import Platform

COLUMNS = (
    "scenario", "requests", "failed", "seconds to recover", "nodes taken out", "writes acknowledged",
    "acknowledged writes lost",
)  # fmt: skip


def table(rows: list[dict]) -> str:
    cells = [[str(row.get(column, "")) for column in COLUMNS] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(COLUMNS)]
    lines = ["  ".join(column.ljust(width) for column, width in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outage-seconds", type=float, default=30.0)
    parser.add_argument("--short", action="store_true", help="5 s outages")
    parser.add_argument("--json", type=Path, default=Path("bench-faults.json"))
    args = parser.parse_args()
    seconds = 5.0 if args.short else args.outage_seconds
    with tempfile.TemporaryDirectory() as workdir:
        platform = Platform.demo(Path(workdir))
        outcomes = [
            faults.kill_main_process(platform, "web-1", "php8.2-fpm"),
            faults.kill_main_process(platform, "web-1", "apache2"),
            faults.dependency_outage(platform, "db", seconds, saturate="web-2"),
            faults.dependency_outage(platform, "session", seconds),
            faults.dependency_outage(platform, "db", restarted=True),
            faults.dependency_outage(platform, "session", restarted=True),
            faults.shared_volume_unavailable(platform, "web-1", seconds),
        ]
    rows = [outcome.row() for outcome in outcomes]
    print(table(rows))
    args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
