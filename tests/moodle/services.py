"""Real PostgreSQL and Redis servers for the Moodle integration tests, each in its own temporary directory on a free
127.0.0.1 port, stopped (and their data removed) when the test session ends. Needs root (the servers run as the
postgres and redis users, the Moodle CLI as www-data) and the Debian packages listed in the README."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def shared_tempdir(prefix: str) -> Path:
    """A directory other users (postgres, www-data) can traverse: pytest's own temporary directories are 0700."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def as_user(user: str, *argv: str) -> list[str]:
    return ["runuser", "-u", user, "--", *argv]


@dataclass
class Postgres:
    """A PostgreSQL cluster of its own; databases are created per site."""

    port: int
    datadir: Path
    bin: str

    def psql(self, sql: str, database: str = "postgres") -> str:
        argv = [f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
        result = subprocess.run(
            [*argv, "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql], capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    def create_database(self, name: str, owner: str, password: str) -> None:
        self.psql(f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'")
        self.psql(f"CREATE DATABASE {name} OWNER {owner} ENCODING 'UTF8' TEMPLATE template0")

    def tables(self, database: str) -> list[str]:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        return [line for line in self.psql(sql, database).splitlines() if line]


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    if not PG_BIN:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    base = shared_tempdir("lms-pg-")
    datadir = base / "data"
    datadir.mkdir()
    shutil.chown(datadir, "postgres", "postgres")
    server = Postgres(free_port(), datadir, PG_BIN[-1])
    subprocess.run(
        as_user("postgres", f"{server.bin}/initdb", "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
        check=True,
        capture_output=True,
    )
    options = f"-p {server.port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_user(
            "postgres",
            f"{server.bin}/pg_ctl",
            "-D",
            str(datadir),
            "-w",
            "-l",
            str(datadir / "log"),
            "-o",
            options,
            "start",
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield server
    finally:
        subprocess.run(
            as_user("postgres", f"{server.bin}/pg_ctl", "-D", str(datadir), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Redis:
    """One Redis with a password, on a plain port and a TLS port (certificate for 127.0.0.1 signed by ca_file)."""

    port: int
    tls_port: int
    password: str
    ca_file: str

    def cli(self, *args: str) -> str:
        argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "--no-auth-warning", "-a", self.password]
        return subprocess.run([*argv, *args], capture_output=True, text=True, check=True).stdout


def tls_files(directory: Path) -> dict[str, str]:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it (what ElastiCache's TLS looks like)."""
    files = {name: str(directory / f"{name}.pem") for name in ("ca", "ca-key", "cert", "key")}
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    subprocess.run(
        [*openssl, "-keyout", files["ca-key"], "-out", files["ca"], "-subj", "/CN=lms-test-ca"],
        check=True,
        capture_output=True,
    )
    csr = str(directory / "server.csr")
    subprocess.run(
        [
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            files["key"],
            "-out",
            csr,
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    extensions = directory / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    subprocess.run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            files["ca"],
            "-CAkey",
            files["ca-key"],
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            files["cert"],
            "-extfile",
            str(extensions),
        ],
        check=True,
        capture_output=True,
    )
    for path in directory.iterdir():
        shutil.chown(path, "redis", "redis")
        path.chmod(0o644)
    return files


@contextlib.contextmanager
def redis(password: str) -> Iterator[Redis]:
    if not shutil.which("redis-server"):
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    base = shared_tempdir("lms-redis-")
    tls = tls_files(base)
    shutil.chown(base, "redis", "redis")
    server = Redis(free_port(), free_port(), password, tls["ca"])
    options = {
        "port": server.port,
        "bind": "127.0.0.1",
        "save": "",
        "appendonly": "no",
        "dir": base,
        "requirepass": password,
        "tls-port": server.tls_port,
        "tls-cert-file": tls["cert"],
        "tls-key-file": tls["key"],
        "tls-ca-cert-file": tls["ca"],
        "tls-auth-clients": "no",
    }
    argv = [item for name, value in options.items() for item in (f"--{name}", str(value))]
    process = subprocess.Popen(
        as_user("redis", "redis-server", *argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(server.port)
        wait_for_port(server.tls_port)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def not_root() -> str | None:
    """Why these tests cannot run here, or None. Missing packages are failures, not skips: CI installs them."""
    if os.geteuid() != 0:
        return "the Moodle integration tests run as root (servers as postgres/redis, the Moodle CLI as www-data)"
    return None
