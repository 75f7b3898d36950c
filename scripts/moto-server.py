"""Start, stop or locate a moto server that stands in for AWS in tests and the demo.

    moto-server.py start [--state DIR]   start on 127.0.0.1 on a free port, print its URL
    moto-server.py url   [--state DIR]   print the URL of the running server
    moto-server.py stop  [--state DIR]   stop it

The state directory holds the pid, the URL and the server log, so that several scenarios can each run
their own server. The server only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEFAULT_STATE = Path(__file__).resolve().parent.parent / ".cache" / "moto" / "default"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def running_pid(state: Path) -> int | None:
    try:
        pid = int((state / "pid").read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # moto's configuration, not its model dump (data.json), which some resources make answer HTTP 500.
            with urllib.request.urlopen(f"{url}/moto-api/config", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"moto server did not answer on {url} within {timeout}s")


def start(state: Path) -> str:
    state.mkdir(parents=True, exist_ok=True)
    if running_pid(state):
        return (state / "url").read_text()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        MOTO_ACM_VALIDATION_WAIT=os.environ.get("MOTO_ACM_VALIDATION_WAIT", "1"),
        # AWS-managed policies (AmazonSSMManagedInstanceCore for the web nodes) exist in every account.
        MOTO_IAM_LOAD_MANAGED_POLICIES="true",
        # Tests switch recording on to prove that bad input fails before any AWS call.
        MOTO_RECORDER_FILEPATH=str(state / "recording.jsonl"),
    )
    with open(state / "server.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    (state / "pid").write_text(str(process.pid))
    (state / "url").write_text(url)
    wait_ready(url)
    return url


def stop(state: Path) -> None:
    pid = running_pid(state)
    if pid:
        os.killpg(pid, signal.SIGTERM)
        for _attempt in range(50):
            if not running_pid(state):
                break
            time.sleep(0.1)
    for name in ("pid", "url"):
        (state / name).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="state directory (pid, url, log)")
    args = parser.parse_args()
    if args.action == "start":
        print(start(args.state))
    elif args.action == "stop":
        stop(args.state)
    else:
        if not running_pid(args.state):
            raise SystemExit(f"no moto server running for {args.state}")
        print((args.state / "url").read_text())


if __name__ == "__main__":
    main()
