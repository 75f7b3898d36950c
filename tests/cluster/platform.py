"""The local platform of inventories/local as the cluster tests drive it: a copy of the embedded default under its
own names and ports (so a running `make demo` is left alone), the playbooks run exactly as a user runs them, and
small helpers to look at the containers, HAProxy and Moodle's pages."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests
import yaml

from tests.moodle import acknowledged

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
STANDIN = ROOT / "tests" / "moodle" / "standin"
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
LOGGED_IN = "login/logout.php?sesskey="
CONFIG_PHP = "/var/www/moodle/current/config.php"
WEB = ("web-1", "web-2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float

    @property
    def recap(self) -> dict[str, dict[str, int]]:
        """Per host, the counts of every play recap in the output added up (demo.sh runs two playbooks)."""
        keys = ("ok", "changed", "unreachable", "failed")
        totals: dict[str, dict[str, int]] = {}
        for match in RECAP.findall(self.output):
            counts = totals.setdefault(match[0], dict.fromkeys(keys, 0))
            for key, value in zip(keys, map(int, match[1:]), strict=True):
                counts[key] += value
        return totals

    def changed(self) -> dict[str, int]:
        return {host: counts["changed"] for host, counts in self.recap.items() if counts["changed"]}


class Platform:
    def __init__(
        self,
        workdir: Path,
        prefix: str = "lms-ci",
        environment: str = "lmsci",
        ports: tuple[int, int] | None = None,
        subnet: str = "172.29.214.0/24",
    ) -> None:
        """A platform of its own (the cluster suite's: its names, free ports), or with ``ports`` (HTTP, moto) one that
        runs already under ``prefix`` (``Platform.demo()``)."""
        self.prefix = prefix
        self.environment = environment
        self.http_port, self.moto_port = ports or (free_port(), free_port())
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.source = Path(os.environ.get("MOODLE_SRC") or STANDIN)
        # The load balancer's fixed address on the platform's network (inventories/local: local_proxy_address).
        self.local_proxy_address = re.sub(r"\.0/\d+$", ".250", subnet)
        self.workdir = workdir
        self.vars_file = workdir / "platform.yml"
        self.vars_file.write_text(
            yaml.safe_dump(
                {
                    "local_prefix": self.prefix,
                    "moodle_environment": self.environment,
                    "local_http_port": self.http_port,
                    "local_moto_port": self.moto_port,
                    "local_subnet": subnet,
                }
            )
        )
        # What Moodle acknowledged to the writers of this platform's tests, checked after every fault.
        self.ledger = acknowledged.Ledger()
        self._token = ""
        self.env = dict(
            os.environ,
            MOODLE_SRC=str(self.source),
            LMS_MOODLE_DEMO_VARS=str(self.vars_file),
            ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
            ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            PATH=f"{VENV_BIN}:{os.environ['PATH']}",
        )

    @classmethod
    def demo(cls, workdir: Path) -> Platform:
        """The platform `make demo` runs, with the names and ports of inventories/local."""
        settings = yaml.safe_load((ROOT / "inventories" / "local" / "group_vars" / "all.yml").read_text())
        return cls(
            workdir, settings["local_prefix"], settings["moodle_environment"],
            (int(settings["local_http_port"]), int(settings["local_moto_port"])), settings["local_subnet"],
        )  # fmt: skip

    def run(self, *command: str, timeout: int = 1800, env: dict[str, str] | None = None) -> Run:
        started = time.monotonic()
        result = subprocess.run(
            list(command), cwd=ROOT, env={**self.env, **(env or {})}, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        return Run(result.returncode, result.stdout + result.stderr, time.monotonic() - started)

    def interrupt(self, pattern: str, *command: str, timeout: int = 1800) -> Run:
        """Run a command and interrupt it as Ctrl-C in a terminal does (SIGINT to its process group) as soon as a
        line of its output matches `pattern`. The command starts with SIGINT's default action, as in a terminal: a
        suite run in the background (make test's lanes) would otherwise hand down an ignored SIGINT.

        Ctrl-C is pressed again, as an operator would, for every task the run still starts after it: ansible-playbook
        once let a Ctrl-C that arrived as it queued a task go unnoticed and ran site.yml to the end (CI, cluster lane,
        a saturated machine). Its handler falls back to the default action after the first signal, so the second
        stops it. How many presses it took is part of the result."""
        started = time.monotonic()
        inherited = signal.signal(signal.SIGINT, signal.SIG_DFL)  # what the child starts with
        try:
            process = subprocess.Popen(
                list(command), cwd=ROOT, env={**self.env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True, start_new_session=True,
            )  # fmt: skip
        finally:
            signal.signal(signal.SIGINT, inherited)
        lines, presses = [], 0
        for line in process.stdout:
            lines.append(line)
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                break
            if re.search(pattern, line) or (presses and line.startswith("TASK [")):
                if presses == 3:
                    os.killpg(process.pid, signal.SIGTERM)
                    break
                os.killpg(process.pid, signal.SIGINT)
                presses += 1
                lines.append(f"[Ctrl-C pressed: {presses}]\n")
        lines.extend(process.stdout)
        process.wait(timeout=300)
        return Run(process.returncode, "".join(lines), time.monotonic() - started)

    def leftovers(self) -> dict[str, list[str]]:
        """Every container, network and volume of this platform docker still knows, by its label or its name."""
        listings = {
            "containers": ["ps", "-a", "--format", "{{.Names}}"],
            "networks": ["network", "ls", "--format", "{{.Name}}"],
            "volumes": ["volume", "ls", "--format", "{{.Name}}"],
        }
        label, name = f"label=lms.moodle.platform={self.prefix}", f"name={self.prefix}"
        found = {}
        for kind, listing in listings.items():
            names = set()
            for selector in (label, name):
                out = subprocess.run(
                    ["docker", *listing, "--filter", selector], capture_output=True, text=True, check=True
                ).stdout
                names.update(n for n in out.split() if n == self.prefix or n.startswith(f"{self.prefix}-"))
            found[kind] = sorted(names)
        return found

    def playbook(self, playbook: str, *extra: str) -> Run:
        return self.run(
            str(VENV_BIN / "ansible-playbook"), "-i", "inventories/local", "-e", f"@{self.vars_file}",
            f"playbooks/{playbook}", *extra,
        )  # fmt: skip

    def playbook_until(self, pattern: str, then, playbook: str, *extra: str) -> Run:
        """Run a playbook as playbook() does and call ``then()`` once, as soon as a line of its output matches
        ``pattern`` (the run goes on meanwhile); its output says where that happened."""
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - this repository's ansible-playbook
            [str(VENV_BIN / "ansible-playbook"), "-i", "inventories/local", "-e", f"@{self.vars_file}",
             f"playbooks/{playbook}", *extra],
            cwd=ROOT, env={**self.env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        lines, done = [], False
        for line in process.stdout:
            lines.append(line)
            if not done and re.search(pattern, line):
                done = True
                then()
                lines.append(f"[{pattern!r} seen, {then.__name__} done]\n")
        process.wait(timeout=300)
        return Run(process.returncode, "".join(lines), time.monotonic() - started)

    def module(self, host: str, module: str, args: str) -> dict:
        """Run a module on a host of the platform as a task would; its JSON result."""
        result = self.run(
            str(VENV_BIN / "ansible"), host, "-i", "inventories/local", "-e", f"@{self.vars_file}", "-b",
            "-m", module, "-a", args, "-o",
        )  # fmt: skip
        assert result.returncode == 0, result.output[-3000:]
        return json.JSONDecoder().raw_decode(result.output.split(" => ", 1)[1])[0]

    def container(self, node: str) -> str:
        return f"{self.prefix}-{node}"

    def exec(self, node: str, *command: str, check: bool = True, user: str = "root", stdin: str | None = None) -> str:
        result = subprocess.run(
            ["docker", "exec", *(["-i"] if stdin is not None else []), "-u", user, self.container(node), *command],
            input=stdin, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def haproxy(self, command: str) -> str:
        return self.exec("lb", "sh", "-c", f"echo '{command}' | socat stdio /run/haproxy/admin.sock")

    def web_servers(self) -> dict[str, dict[str, str]]:
        """HAProxy's statistics of each server of the web backend, by name (show stat's columns)."""
        lines = self.haproxy("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {r["svname"]: r for r in rows if r["pxname"] == "web" and r["svname"] != "BACKEND"}

    def server_states(self) -> dict[str, str]:
        """The web backend's servers and their state in HAProxy (UP, DOWN, MAINT, DRAIN...)."""
        return {name: row["status"] for name, row in self.web_servers().items()}

    def times_marked_down(self) -> dict[str, int]:
        """How often HAProxy's check has taken each node out of service (UP to DOWN) since HAProxy started."""
        return {name: int(row["chkdown"] or 0) for name, row in self.web_servers().items()}

    def check_timing(self) -> tuple[float, int, int]:
        """HAProxy's node check as configured: the interval in seconds, fall and rise (checks to go down, up)."""
        config = self.exec("lb", "cat", "/etc/haproxy/haproxy.cfg")
        match = re.search(r"default-server inter (\d+)(ms|s) fall (\d+) rise (\d+)", config)
        assert match, "no default-server line with inter, fall and rise in haproxy.cfg"
        return int(match[1]) / (1000 if match[2] == "ms" else 1), int(match[3]), int(match[4])

    def wait_for_states(self, wanted: dict[str, str], timeout: float = 120) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        states = {}
        while time.monotonic() < deadline:
            states = self.server_states()
            if all(states.get(node, "").startswith(state) for node, state in wanted.items()):
                return states
            time.sleep(0.5)
        raise AssertionError(f"HAProxy never reached {wanted}: {states}")

    def writer(self, rate: float = 2.0) -> acknowledged.Writer:
        """A writer of Moodle data through the load balancer (users and files by Moodle's web services), recording
        what Moodle acknowledged in the platform's ledger; the service and token are made on web-1 the first time."""
        if not self._token:
            setup = acknowledged.setup_script(CONFIG_PHP)
            self._token = acknowledged.token_from(self.exec("web-1", "php", user="www-data", stdin=setup, check=False))
        return acknowledged.Writer(acknowledged.Client(self.url, self._token, self.ledger), rate)

    def lost_writes(self, nodes: tuple[str, ...] = WEB) -> list[str]:
        """Every write of the ledger Moodle does not have, as each web node sees Moodle (the database, its own
        mount of the shared dataroot)."""
        return [
            f"{node}: {item}"
            for node in nodes
            for item in self.ledger.lost(
                lambda script, node=node: self.exec(node, "php", user="www-data", stdin=script, check=False), CONFIG_PHP
            )
        ]

    def longest_request(self, node: str = "web-1") -> int:
        """PHP-FPM's max_execution_time on a node, in seconds: the longest a request may run there."""
        fpm = self.exec(node, "php-fpm8.2", "-i")
        return int(re.search(r"^max_execution_time => (\d+)", fpm, re.M)[1])

    def session_lock_ttls(self) -> dict[str, int]:
        """The session locks in the session store (Redis keys ``*.lock``) and the seconds each has left. The AUTH token
        is read inside the container into redis-cli's environment, never put on a command line."""
        script = (
            'export REDISCLI_AUTH="$(sed -n \'s/^requirepass "\\(.*\\)"$/\\1/p\' /etc/redis/lms.conf)"; '
            'cli() { redis-cli --tls --cacert /etc/redis/ca.crt -h 127.0.0.1 -p "$PORT" --no-auth-warning "$@"; }; '
            "PORT=$(sed -n 's/^tls-port //p' /etc/redis/lms.conf); "
            'cli --scan --pattern \'*.lock\' | while read -r key; do echo "$key $(cli TTL "$key")"; done'
        )
        output = self.exec("session", "sh", "-c", script)
        return {key: int(ttl) for key, ttl in (line.rsplit(" ", 1) for line in output.splitlines() if line.strip())}

    def secret_values(self) -> set[str]:
        """Every value kept in the environment's Secrets Manager secrets: each whole secret string and, for JSON
        secrets, their password and auth_token values."""
        client = boto3.client(
            "secretsmanager", endpoint_url=self.moto_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        values = set()
        for page in client.get_paginator("list_secrets").paginate():
            for entry in page["SecretList"]:
                text = client.get_secret_value(SecretId=entry["ARN"])["SecretString"]
                values.add(text)
                try:
                    fields = json.loads(text)
                except ValueError:
                    continue
                if isinstance(fields, dict):
                    values.update(
                        v for k, v in fields.items() if k in ("password", "auth_token") and isinstance(v, str)
                    )
        return {value for value in values if len(value) >= 12}

    def admin(self) -> tuple[str, str]:
        client = boto3.client(
            "secretsmanager", endpoint_url=self.moto_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        secret = json.loads(client.get_secret_value(SecretId=f"{self.environment}/moodle/admin")["SecretString"])
        return secret["username"], secret["password"]

    def catalogue(self, key: str) -> str:
        """One value of the environment's SSM catalogue, such as ``site/wwwroot``."""
        client = boto3.client(
            "ssm", endpoint_url=self.moto_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        return client.get_parameter(Name=f"/{self.environment}/moodle/{key}")["Parameter"]["Value"]

    def login(self, headers: dict[str, str] | None = None) -> requests.Session:
        """A session logged in as the administrator; ``headers`` go with every request of it."""
        user, password = self.admin()
        session = requests.Session()
        session.headers.update(headers or {})
        page = session.get(f"{self.url}/login/index.php", timeout=60)
        token = re.search(r'name="logintoken" value="([^"]*)"', page.text)
        assert token, page.text[:2000]
        session.post(
            f"{self.url}/login/index.php",
            data={"username": user, "password": password, "logintoken": token.group(1)},
            timeout=60,
        )
        return session

    def dashboard(self, session: requests.Session) -> requests.Response:
        return session.get(f"{self.url}/my/", timeout=60)

    def release(self, name: str, change=None) -> Path:
        """A copy of the Moodle source (hard links) with a marker file; change(path) may alter it further."""
        target = self.workdir / name
        if subprocess.run(["cp", "-al", str(self.source), str(target)], check=False).returncode != 0:
            subprocess.run(["rm", "-rf", str(target)], check=True)
            subprocess.run(["cp", "-a", str(self.source), str(target)], check=True)  # another file system
        (target / "lmsprobe-release.txt").write_text(f"{name}\n")
        if change:
            change(target)
        return target


def replace(path: Path, text: str) -> None:
    """Write a file of a hard-linked copy without touching the original."""
    path.unlink()
    path.write_text(text)
