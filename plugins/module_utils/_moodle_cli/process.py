# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starting PHP: as the web user, with argv lists (never a shell), secrets on standard input and never on the
command line, and every secret redacted from what is shown."""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.results import MoodleCLIError

REDACTED = "********"


def secret_variants(secret: str) -> list[str]:
    """The forms a secret can take in Moodle output: raw, JSON-escaped (Python) and PHP json_encode (escapes /)."""
    json_form = json.dumps(secret)[1:-1]
    php_form = json_form.replace("/", "\\/")
    ascii_form = json.dumps(secret, ensure_ascii=False)[1:-1]
    return sorted({secret, json_form, php_form, ascii_form, ascii_form.replace("/", "\\/")}, key=len, reverse=True)


def redact(text: Any, secrets: Iterable[str]) -> Any:
    """text with every secret (in every form of secret_variants) replaced by REDACTED; lists and dicts recursively."""
    if isinstance(text, list):
        return [redact(item, secrets) for item in text]
    if isinstance(text, dict):
        return {key: redact(value, secrets) for key, value in text.items()}
    if not isinstance(text, str):
        return text
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        for variant in secret_variants(secret):
            text = text.replace(variant, REDACTED)
    return text


def current_user_name(euid: int) -> str | None:
    try:
        return pwd.getpwuid(euid).pw_name
    except KeyError:
        return None


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def user_groups(name: str) -> set[int]:
    """The group ids of a user: its primary group and every group that lists it as a member."""
    entry = pwd.getpwnam(name)
    return {entry.pw_gid} | {group.gr_gid for group in grp.getgrall() if name in group.gr_mem}


def unreadable_by(path: str, user: str) -> str | None:
    """Why user cannot read path by its permission bits (owner, group, other), or None when it can.
    root reads everything; ACLs are not considered."""
    entry = pwd.getpwnam(user)
    if entry.pw_uid == 0:
        return None
    info = os.stat(path)
    if info.st_uid == entry.pw_uid:
        bit = 0o400
    elif info.st_gid in user_groups(user):
        bit = 0o040
    else:
        bit = 0o004
    if info.st_mode & bit:
        return None
    owner = current_user_name(info.st_uid) or str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    return f"{path} is mode {info.st_mode & 0o7777:04o} {owner}:{group}"


def privilege_prefix(
    web_user: str,
    euid: int,
    current_user: str | None,
    which: Callable[[str], str | None] = shutil.which,
) -> list[str]:
    """The argv prefix that runs a command as web_user: nothing when already that user, runuser or sudo when root."""
    if current_user == web_user:
        return []
    if euid != 0:
        raise MoodleCLIError(
            f"cannot run the Moodle CLI as web user {web_user}: running as {current_user or euid}, not root "
            "(use become: true)"
        )
    runuser = which("runuser")
    if runuser:
        return [runuser, "-u", web_user, "--"]
    sudo = which("sudo")
    if sudo:
        return [sudo, "-n", "-u", web_user, "--"]
    raise MoodleCLIError(f"cannot run as web user {web_user}: neither runuser nor sudo is installed")


def run_process(
    argv: Sequence[str], timeout: int, cwd: str | None = None, input_text: str | None = None
) -> tuple[int, str, str]:
    """Run argv (no shell) in its own process group; kill the whole group when it runs longer than timeout.
    input_text, when given, is written to the standard input (secrets go there, never into argv)."""
    # Not AnsibleModule.run_command: it has no timeout, and a timed-out PHP must be killed with its children.
    process = subprocess.Popen(  # noqa: S603 # pylint: disable=ansible-bad-function
        list(argv),
        stdin=subprocess.DEVNULL if input_text is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
    )
    data = None if input_text is None else input_text.encode("utf-8")
    try:
        stdout, stderr = process.communicate(input=data, timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return (
        process.returncode,
        stdout.decode("utf-8", errors="replace"),
        stderr.decode("utf-8", errors="replace"),
    )
