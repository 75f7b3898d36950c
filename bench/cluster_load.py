"""Load on a running local cluster (`make demo`): steady GET requests through HAProxy, then the numbers.

    .venv/bin/python -m bench.cluster_load [--url http://127.0.0.1:8080/login/index.php] [--rate 8] [--seconds 30]

Prints the request count, failures, median and 95th-percentile latency and how the requests spread over the
web nodes. Traffic goes to 127.0.0.1 only (the load generator refuses anything else).
"""

from __future__ import annotations

import argparse
import json
import time

from tests.cluster.loadgen import Load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080/login/index.php")
    parser.add_argument("--rate", type=float, default=8.0, help="requests per second")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with Load(args.url, rate=args.rate, workers=args.workers) as load:
        time.sleep(args.seconds)
    summary = load.summary()
    summary.update(url=args.url, rate=args.rate, seconds=args.seconds)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
