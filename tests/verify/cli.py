"""The command line every check module shares: present checks, --expect-empty, --list, one summary line.

python -m tests.verify.<tier>_checks --environment E [--region R] [--endpoint-url URL] [tier options]
    [--expect-empty | --list]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    passed: int = 0

    def check(self, condition: bool, message: str) -> None:
        if condition:
            self.passed += 1
        else:
            self.failures.append(message)


@dataclass
class Tier:
    """What one check module plugs into the shared command line."""

    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    clients: Callable[[str, str | None], dict]
    check_present: Callable[[dict, argparse.Namespace, Report], None]
    leftovers: Callable[[dict, argparse.Namespace], dict[str, list]]
    # Further assertions of --expect-empty (what teardown must leave, such as a final snapshot).
    check_empty: Callable[[dict, argparse.Namespace, Report], None] | None = None


def run(tier: Tier, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=tier.description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environment", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--endpoint-url")
    tier.add_arguments(parser)
    parser.add_argument("--expect-empty", action="store_true", help="assert that nothing is left")
    parser.add_argument("--list", action="store_true", help="print every resource of the kinds the collection creates")
    args = parser.parse_args(argv)
    api = tier.clients(args.region, args.endpoint_url)
    if args.list:
        print(json.dumps(tier.leftovers(api, args), indent=2))
        return 0
    report = Report()
    if args.expect_empty:
        left = {kind: ids for kind, ids in tier.leftovers(api, args).items() if ids}
        report.check(not left, f"left behind: {json.dumps(left)}")
        if tier.check_empty:
            tier.check_empty(api, args, report)
    else:
        tier.check_present(api, args, report)
    for failure in report.failures:
        print(f"FAIL {failure}")
    print(f"{report.passed} passed, {len(report.failures)} failed")
    return 1 if report.failures else 0
