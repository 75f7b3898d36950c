"""Faults injected into a running local platform under a steady load through HAProxy, each measured the same way by
the cluster tests (which assert on the outcome) and by bench/faults.py (which prints it): the number of requests and
failures, how long until full service, the state afterwards, and whether every write Moodle acknowledged (users and
files created through its web services by a writer running alongside the load) is still there."""

from __future__ import annotations

import math
import subprocess
import time
from dataclasses import dataclass, field

import requests

from tests.cluster.loadgen import Load

# Where the local platform mounts the shared volume (EFS's stand-in, holding the dataroot) on every web node.
SHARED_MOUNT = "/srv/moodle-shared"


@dataclass
class Outcome:
    scenario: str
    requests: int
    failed: int
    recovered_seconds: float
    details: dict = field(default_factory=dict)

    def row(self) -> dict:
        return {"scenario": self.scenario, "requests": self.requests, "failed": self.failed,
                "seconds to recover": round(self.recovered_seconds, 1), **self.details}  # fmt: skip


def writes(platform, writer) -> dict:
    """What the writer got through during a scenario, and every acknowledged write of the platform's life that Moodle
    no longer has (on either node)."""
    return {"writes acknowledged": writer.acknowledged, "writes failed": writer.failed,
            "acknowledged writes lost": platform.lost_writes()}  # fmt: skip


def first_200_after(platform, since: float, limit: float = 30) -> float:
    """Seconds from ``since`` until the load balancer serves the login page with 200 (each try bounded)."""
    while time.monotonic() - since < limit:
        try:
            if requests.get(f"{platform.url}/login/index.php", timeout=2).status_code == 200:
                return time.monotonic() - since
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the site did not answer 200 within {limit} s")


# The service each dependency's container runs (systemd units of the local platform's containers).
SERVICES = {"db": "postgresql", "session": "redis-server"}


def freeze(platform, dependency: str, seconds: float, saturate: str | None) -> tuple[float, float, dict, str]:
    """The dependency's container frozen (docker pause) for ``seconds``, optionally with one node's CPU saturated by a
    bounded busy loop (two processes) for as long: when it went away and when it was back, HAProxy's states and the
    readiness check's answer halfway."""
    stress = None
    began = time.monotonic()
    subprocess.run(["docker", "pause", platform.container(dependency)], check=True, capture_output=True)
    paused = time.monotonic()
    try:
        if saturate:
            stress = subprocess.Popen(  # noqa: S603 - a fixed command in a container of this platform
                ["docker", "exec", platform.container(saturate), "timeout", str(int(seconds)), "sh", "-c",
                 "for cpu in 1 2; do (while :; do :; done) & done; wait"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        time.sleep(seconds / 2)
        ready = platform.exec("web-1", "curl", "-s", "-m", "20", "http://127.0.0.1/healthz.php", check=False)
        time.sleep(max(0.0, seconds - (time.monotonic() - paused)))
        states = platform.server_states()
    finally:
        subprocess.run(["docker", "unpause", platform.container(dependency)], check=True, capture_output=True)
        resumed = time.monotonic()
        if stress:
            stress.wait(timeout=seconds + 30)
    return began, resumed, states, ready


def restart(platform, dependency: str) -> tuple[float, float, dict, str]:
    """The dependency's service restarted (systemctl restart: its connections dropped, as a database failover or a
    cache node reboot drops them): when it went away and when it was back, HAProxy's states, and the readiness
    check's answer right after."""
    time.sleep(2)
    began = time.monotonic()
    platform.exec(dependency, "systemctl", "restart", SERVICES[dependency])
    resumed = time.monotonic()
    ready = platform.exec("web-1", "curl", "-s", "-m", "20", "http://127.0.0.1/healthz.php", check=False)
    return began, resumed, platform.server_states(), ready


def dependency_outage(
    platform, dependency: str, seconds: float = 30, saturate: str | None = None, restarted: bool = False
) -> Outcome:
    """A dependency frozen for ``seconds`` (see freeze), or restarted (see restart), under load. Enough clients for
    the requests waiting on the dependency to take every Moodle worker of a node (8 locally)."""
    downs = platform.times_marked_down()
    locks_before = platform.session_lock_ttls()
    with Load(f"{platform.url}/login/index.php", rate=8, workers=48) as load, platform.writer() as writer:
        began, resumed, states, ready = (
            restart(platform, dependency) if restarted else freeze(platform, dependency, seconds, saturate)
        )
        recovered = first_200_after(platform, resumed)
        time.sleep(3)
    summary = load.summary()
    marked = platform.times_marked_down()
    taken_out = {node: count - downs.get(node, 0) for node, count in marked.items() if count != downs.get(node, 0)}
    # With the load stopped, a session lock still in the store belongs to a request the outage cut off between taking
    # it and letting it go; that session's pages wait on it until it expires (Moodle cannot tell its holder is gone).
    orphaned = {key: ttl for key, ttl in platform.session_lock_ttls().items() if key not in locks_before}
    after = load.failures(after=resumed + recovered)

    def waiting(sample) -> bool:
        return bool(sample.session) and any(key.endswith(f"{sample.session}.lock") for key in orphaned)

    def timed_out(sample) -> bool:
        return load.told_session_timed_out(sample, (began, resumed + recovered))

    fault = "restarted" if restarted else f"frozen {seconds:g} s" + (f", {saturate} saturated" if saturate else "")
    return Outcome(
        f"{dependency} {fault}", summary["requests"], summary["failed"], recovered,
        {"nodes taken out": taken_out,
         "states at the end": states, "readiness during": ready.strip(),
         "session locks orphaned": orphaned,
         "failed after recovery": [s.describe(since=resumed) for s in after],
         "waiting on an orphaned lock": [s.describe(since=resumed) for s in after if waiting(s)],
         "told their session timed out": [s.describe(since=resumed) for s in after if timed_out(s)],
         "failed after recovery, unexplained": [
             s.describe(since=resumed) for s in after if not (waiting(s) or timed_out(s))],
         "summary": summary, **writes(platform, writer)},
    )  # fmt: skip


def main_pid(platform, node: str, unit: str) -> str:
    return platform.exec(node, "systemctl", "show", "--property=MainPID", "--value", unit).strip()


def kill_main_process(platform, node: str, unit: str, rate: float = 10) -> Outcome:
    """kill -9 of a unit's main process on a node under load; until systemd has it running again and HAProxy has the
    node in service. The bound: requests fail from the kill until the service is back or HAProxy's check has failed
    fall times (up to one interval more for the check in progress), whichever comes first, plus those in flight."""
    inter, fall, _rise = platform.check_timing()
    killed_pid = main_pid(platform, node, unit)
    restarted = back = math.inf
    with Load(f"{platform.url}/login/index.php", rate=rate) as load, platform.writer() as writer:
        time.sleep(2)
        killed = time.monotonic()
        platform.exec(node, "kill", "-9", killed_pid)
        while time.monotonic() - killed < 20:
            active = platform.exec(node, "systemctl", "is-active", unit, check=False).strip()
            if active == "active" and main_pid(platform, node, unit) not in ("0", killed_pid):
                restarted = time.monotonic() - killed
                break
            time.sleep(0.2)
        if restarted < math.inf:
            platform.wait_for_states({node: "UP"}, timeout=20)
            back = time.monotonic() - killed
        time.sleep(2)
    summary = load.summary()
    bound = math.ceil(rate * min(restarted, (fall + 1) * inter)) + load.workers
    return Outcome(
        f"kill -9 {unit} on {node}", summary["requests"], summary["failed"], back,
        {"running again after": round(restarted, 1), "bound on failures": bound, "summary": summary,
         **writes(platform, writer)},
    )  # fmt: skip


def shared_volume_unavailable(platform, node: str, seconds: float = 10, rate: float = 10) -> Outcome:
    """The shared dataroot made read-only on one node for ``seconds`` (remounted, as an EFS mount gone bad on one
    instance would leave it; the other node keeps it) under load. The node's liveness check fails, HAProxy takes it
    out (the Auto Scaling group would replace it); once the mount is writable again it is back in service. The bound
    on failures is the kill's: requests on the node from the fault until HAProxy's check has failed fall times (and
    one interval more for the check in progress), plus those in flight."""
    inter, fall, rise = platform.check_timing()
    downs = platform.times_marked_down()
    remount = ["mount", "-o", "remount,bind,{}", SHARED_MOUNT]
    with Load(f"{platform.url}/login/index.php", rate=rate) as load, platform.writer() as writer:
        time.sleep(2)
        broken = time.monotonic()
        platform.exec(node, *[part.format("ro") for part in remount])
        try:
            platform.wait_for_states({node: "DOWN"}, timeout=(fall + 2) * inter + 10)
            taken_out_after = time.monotonic() - broken
            time.sleep(max(0.0, seconds - (time.monotonic() - broken)))
            states = platform.server_states()
        finally:
            platform.exec(node, *[part.format("rw") for part in remount])
            mended = time.monotonic()
        platform.wait_for_states({node: "UP"}, timeout=(rise + 2) * inter + 10)
        back = time.monotonic() - mended
        time.sleep(2)
    summary = load.summary()
    marked = platform.times_marked_down()
    others = {name: count - downs.get(name, 0) for name, count in marked.items() if name != node}
    bound = math.ceil(rate * (fall + 1) * inter) + load.workers
    return Outcome(
        f"shared dataroot read-only on {node} {seconds:g} s", summary["requests"], summary["failed"], back,
        {"taken out after": round(taken_out_after, 1), "states while broken": states,
         "other nodes taken out": {name: count for name, count in others.items() if count},
         "bound on failures": bound,
         "failed after it was back": [failure.describe(since=mended) for failure in load.failures(after=mended + back)],
         "summary": summary, **writes(platform, writer)},
    )  # fmt: skip
