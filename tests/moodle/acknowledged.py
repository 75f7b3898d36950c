"""Writes Moodle acknowledged, and the proof that none was lost.

A client of Moodle's own web services (the REST server and webservice/upload.php, with a permanent token of a service
made for it) creates users and uploads files into its draft area through whatever stands in front of Moodle (HAProxy
in the cluster suite), and records in a ledger each write Moodle acknowledged: HTTP 200 with the created user's id,
or the stored file's item id. A write that failed or timed out is not acknowledged and may or may not exist. The
ledger is checked through Moodle's own bootstrap on a node (config.php, $DB, the dataroot it sees): every
acknowledged user is there, every acknowledged file has its record, and the content in the file pool hashes to what
was sent. The same code runs against the stand-in and a real Moodle (MOODLE_SRC).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

SERVICE = "lms_acknowledged_writes"

# Web services and REST on, a service with user creation and file uploads, and a permanent token of the admin for it
# (the same one on every call). Run as a CLI script of the web user; the token comes back on a marked line.
SETUP = """<?php
define('CLI_SCRIPT', true);
require '{config}';
set_config('enablewebservices', 1);
set_config('webserviceprotocols', 'rest');
$admin = get_admin();
if (!$service = $DB->get_record('external_services', ['shortname' => '{service}'])) {{
    $service = (object)['name' => 'lms.moodle acknowledged writes', 'shortname' => '{service}', 'enabled' => 1,
        'requiredcapability' => '', 'restrictedusers' => 0, 'uploadfiles' => 1, 'downloadfiles' => 0,
        'timecreated' => time(), 'timemodified' => time()];
    $service->id = $DB->insert_record('external_services', $service);
    $DB->insert_record('external_services_functions',
        (object)['externalserviceid' => $service->id, 'functionname' => 'core_user_create_users']);
}}
$token = $DB->get_field('external_tokens', 'token', ['externalserviceid' => $service->id, 'userid' => $admin->id]);
if (!$token) {{
    $token = \\core_external\\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $admin->id,
        context_system::instance());
}}
echo "LMS-TOKEN:$token\\n";
"""

# What of the ledger (base64 JSON) Moodle does not have, as the node running it sees Moodle: one line per item.
VERIFY = """<?php
define('CLI_SCRIPT', true);
require '{config}';
$ledger = json_decode(base64_decode('{ledger}'), true);
$lost = [];
foreach ($ledger['users'] as $username) {{
    if (!$DB->record_exists('user', ['username' => $username, 'deleted' => 0])) {{
        $lost[] = "user $username: no account";
    }}
}}
$filedir = $CFG->filedir ?? "$CFG->dataroot/filedir";
foreach ($ledger['files'] as $file) {{
    $records = $DB->get_records('files', ['component' => 'user', 'filearea' => 'draft', 'itemid' => $file['itemid'],
        'filepath' => '/', 'filename' => $file['filename']]);
    $record = reset($records);
    if (!$record) {{
        $lost[] = "file {{$file['itemid']}}/{{$file['filename']}}: no record";
        continue;
    }}
    $hash = $record->contenthash;
    $path = "$filedir/" . substr($hash, 0, 2) . '/' . substr($hash, 2, 2) . "/$hash";
    if ($hash !== $file['sha1']) {{
        $lost[] = "file {{$file['itemid']}}/{{$file['filename']}}: recorded as $hash, sent {{$file['sha1']}}";
    }} else if (!is_readable($path) || sha1_file($path) !== $hash) {{
        $lost[] = "file {{$file['itemid']}}/{{$file['filename']}}: content missing or changed in the file pool";
    }}
}}
echo 'LMS-LOST:' . json_encode($lost) . "\\n";
"""


def setup_script(config: str) -> str:
    return SETUP.format(config=config, service=SERVICE)


def token_from(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("LMS-TOKEN:"):
            return line.removeprefix("LMS-TOKEN:").strip()
    raise AssertionError(f"no web service token in:\n{output[-2000:]}")


@dataclass
class Ledger:
    """Every write Moodle acknowledged, kept for as long as the site lives (a suite, a benchmark)."""

    users: list[str] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_user(self, username: str) -> None:
        with self._lock:
            self.users.append(username)

    def add_file(self, itemid: int, filename: str, sha1: str) -> None:
        with self._lock:
            self.files.append({"itemid": itemid, "filename": filename, "sha1": sha1})

    def __len__(self) -> int:
        return len(self.users) + len(self.files)

    def verify_script(self, config: str) -> str:
        with self._lock:
            ledger = json.dumps({"users": list(self.users), "files": list(self.files)})
        return VERIFY.format(config=config, ledger=base64.b64encode(ledger.encode()).decode())

    def lost(self, run_php: Callable[[str], str], config: str) -> list[str]:
        """What Moodle does not have of the ledger; ``run_php`` runs a PHP script as the web user, returns stdout."""
        output = run_php(self.verify_script(config))
        for line in output.splitlines():
            if line.startswith("LMS-LOST:"):
                return json.loads(line.removeprefix("LMS-LOST:"))
        raise AssertionError(f"the check of acknowledged writes did not finish:\n{output[-2000:]}")


@dataclass
class Client:
    """A web service client of one Moodle site; each call True when Moodle acknowledged the write."""

    url: str
    token: str
    ledger: Ledger
    timeout: float = 15.0
    run: str = field(default_factory=lambda: secrets.token_hex(3))
    _count: int = 0
    last_answer: str = ""  # what the last call got, for a test's message

    def __post_init__(self) -> None:
        host = urlsplit(self.url).hostname
        if host != "127.0.0.1":
            raise ValueError(f"the writer only sends traffic to 127.0.0.1, not {host}")
        self.session = requests.Session()

    def _next(self) -> str:
        self._count += 1
        return f"ack{self.run}n{self._count}"

    def create_user(self) -> bool:
        name = self._next()
        data = {
            "wstoken": self.token,
            "wsfunction": "core_user_create_users",
            "moodlewsrestformat": "json",
            "users[0][username]": name,
            "users[0][password]": f"Ack-{secrets.token_hex(6)}-9x!",
            "users[0][firstname]": "Acknowledged",
            "users[0][lastname]": name,
            "users[0][email]": f"{name}@example.com",
        }
        answer = self._post("/webservice/rest/server.php", data=data)
        if isinstance(answer, list) and len(answer) == 1 and answer[0].get("username") == name and answer[0].get("id"):
            self.ledger.add_user(name)
            return True
        return False

    def upload_file(self) -> bool:
        name = f"{self._next()}.bin"
        content = os.urandom(2048 + secrets.randbelow(62 * 1024))
        answer = self._post("/webservice/upload.php", data={"token": self.token}, files={"file_1": (name, content)})
        if (
            isinstance(answer, list)
            and len(answer) == 1
            and answer[0].get("filename") == name
            and int(answer[0].get("itemid") or 0) > 0
            and "error" not in answer[0]
        ):
            self.ledger.add_file(int(answer[0]["itemid"]), name, hashlib.sha1(content).hexdigest())  # noqa: S324 - Moodle's content hash
            return True
        return False

    def _post(self, path: str, **kwargs) -> object:
        try:
            response = self.session.post(f"{self.url}{path}", timeout=self.timeout, allow_redirects=False, **kwargs)
            self.last_answer = f"HTTP {response.status_code}: {response.text[:500]}"
            return response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError) as error:
            self.last_answer = f"{type(error).__name__}: {error}"
            return None


class Writer:
    """Writes through ``client`` at ``rate`` a second (users and files in turn) from one thread until stopped."""

    def __init__(self, client: Client, rate: float = 2.0) -> None:
        self.client, self.rate = client, rate
        self.acknowledged = self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, daemon=True)

    def _work(self) -> None:
        write = 0
        while not self._stop.is_set():
            started = time.monotonic()
            ok = (self.client.create_user if write % 2 == 0 else self.client.upload_file)()
            write += 1
            if ok:
                self.acknowledged += 1
            else:
                self.failed += 1
            self._stop.wait(max(0.0, 1.0 / self.rate - (time.monotonic() - started)))

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(self.client.timeout + 5)

    def summary(self) -> dict:
        return {"acknowledged": self.acknowledged, "failed": self.failed}
