"""A bounded load generator for the local platform: a few threads send GET requests to one URL on 127.0.0.1 at
a steady rate and record every answer (time, status, which node served it, error). Used by the cluster tests
(zero failed requests during a deploy) and by bench/cluster_load.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests


@dataclass
class Sample:
    started: float
    seconds: float
    status: int
    served_by: str
    error: str = ""
    session: str = ""  # the Moodle session id the request carried ("" for a first request)
    location: str = ""  # where a redirect sent it: why Moodle did not serve the page
    issued: str = ""  # the session id the answer set, when it set one the request did not carry

    def describe(self, since: float) -> str:
        """One line for a test's message: when it started (seconds after ``since``), how long it took, the answer."""
        answer = self.error or f"HTTP {self.status}" + (f" to {self.location}" if self.location else "")
        return (f"started {self.started - since:+.1f} s, {self.seconds:.1f} s, {answer} from {self.served_by or '-'}"
                f" (session {self.session[:8] or 'new'})")  # fmt: skip

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error


def moodle_session(session: requests.Session) -> str:
    """The Moodle session id a client holds ("" before its first answer)."""
    return next((c.value for c in session.cookies if c.name.startswith("MoodleSession")), "")


@dataclass
class Load:
    """GET ``url`` ``rate`` times a second from ``workers`` threads until stop(); at most ``limit`` requests."""

    url: str
    rate: float = 8.0
    workers: int = 4
    timeout: float = 15.0
    limit: int = 20000
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        host = urlsplit(self.url).hostname
        if host != "127.0.0.1":
            raise ValueError(f"the load generator only sends traffic to 127.0.0.1, not {host}")
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._next = 0.0

    def _slot(self) -> float | None:
        with self._lock:
            if self._stop.is_set() or self._issued >= self.limit:
                return None
            self._issued += 1
            now = time.monotonic()
            self._next = max(self._next + 1.0 / self.rate, now)
            return self._next

    def _work(self) -> None:
        session = requests.Session()
        while (slot := self._slot()) is not None:
            time.sleep(max(0.0, slot - time.monotonic()))
            carried = moodle_session(session)
            started = time.monotonic()
            try:
                response = session.get(self.url, timeout=self.timeout, allow_redirects=False)
                sample = Sample(started, time.monotonic() - started, response.status_code,
                                response.headers.get("X-Served-By", ""), session=carried,
                                location=urlsplit(response.headers.get("Location", "")).path)  # fmt: skip
            except requests.RequestException as error:
                sample = Sample(started, time.monotonic() - started, 0, "", type(error).__name__, carried)
            if moodle_session(session) != carried:
                sample.issued = moodle_session(session)
            with self._lock:
                self.samples.append(sample)

    def start(self) -> Load:
        self._issued = 0
        self._next = time.monotonic()
        self._threads = [threading.Thread(target=self._work, daemon=True) for _worker in range(self.workers)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> Load:
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)
        return self

    def __enter__(self) -> Load:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def failures(self, after: float = 0.0) -> list[Sample]:
        return [s for s in self.samples if not s.ok and s.started >= after]

    def told_session_timed_out(self, sample: Sample, outage: tuple[float, float]) -> bool:
        """Moodle's answer to a session opened while a dependency was away (the answer that set its cookie came
        between ``outage``'s start and end): the session's record (database) or its data (session store) was never
        written, so Moodle takes the next request with it for a session that has timed out and redirects to the login
        page, which says so (login/index.php; initialise_user_session in lib/classes/session/manager.php). The page
        works; the client lost a session it had only just been given. A session opened before the outage gets no
        such pass: losing it is a failure."""
        began, ended = outage
        return (
            sample.status == 303
            and sample.location.endswith("/login/index.php")
            and bool(sample.session)
            and any(s.issued == sample.session and began <= s.started + s.seconds <= ended for s in self.samples)
        )

    def summary(self) -> dict:
        served: dict[str, int] = {}
        for sample in self.samples:
            served[sample.served_by or "-"] = served.get(sample.served_by or "-", 0) + 1
        latencies = sorted(s.seconds for s in self.samples if s.ok) or [0.0]
        return {
            "requests": len(self.samples),
            "failed": len(self.failures()),
            "served_by": served,
            "p50_ms": round(latencies[len(latencies) // 2] * 1000),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1 if len(latencies) > 1 else 0] * 1000),
        }
