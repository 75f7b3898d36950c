# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run of a Moodle CLI script gives back: the redacted result, the errors, and how a failure is told apart
by the Moodle messages in its output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Messages of Moodle (lang/en) that the runner recognises in the output of a failed script.
MSG_DB_READ = "Error reading from database"  # lang/en/error.php dmlreadexception
MSG_DB_CONNECT = "Database connection failed"  # lang/en/error.php dbconnectionfailed
MSG_NO_VERSION = "Config table does not contain the version"  # lang/en/debug.php missingconfigversion
MSG_DOWNGRADE = "OLDER than the version that made these databases"  # lang/en/error.php downgradedcore
MSG_STALE = "Mixed Moodle versions detected"  # lang/en/admin.php upgradestalefiles
MSG_TABLES_EXIST = "Database tables already present"  # lang/en/install.php clitablesexist

PARTIAL_ADVICE = (
    "drop and recreate the database (or its tables with the prefix of config.php) and empty dataroot, then install "
    "again; Moodle cannot install over existing tables"
)


class MoodleCLIError(Exception):
    """A Moodle CLI step that failed; `result` is the redacted CLIResult when a script ran."""

    def __init__(self, message: str, result: CLIResult | None = None):
        super().__init__(message)
        self.message = message
        self.result = result

    def to_fail_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of module.fail_json for this error."""
        kwargs: dict[str, Any] = {"msg": self.message}
        if self.result is not None:
            kwargs.update(rc=self.result.rc, stdout=self.result.stdout, stderr=self.result.stderr, cmd=self.result.argv)
        return kwargs


class MoodleLayoutError(MoodleCLIError):
    """dirroot, config.php, version.php or PHP are missing or wrong."""


class MoodleNotInstalledError(MoodleCLIError):
    """The database of the site is not installed (empty)."""


class MoodlePartialInstallError(MoodleCLIError):
    """The database holds Moodle tables of an install that did not finish."""


class MoodleDatabaseError(MoodleCLIError):
    """Moodle cannot reach its database."""


class MoodleSettingForcedError(MoodleCLIError):
    """cfg.php exit 4: the setting is hard-set in config.php."""


class MoodleTimeoutError(MoodleCLIError):
    """A script ran longer than the timeout."""


@dataclass
class CLIResult:
    """One run of a CLI script: argv as executed (redacted), exit code and output (redacted)."""

    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    # The unredacted stdout, only for parsing values (cfg.php may print a secret); never returned nor raised.
    raw_stdout: str = field(default="", repr=False, compare=False)


def marker_json(result: CLIResult, marker: str) -> Any:
    """The JSON a collection PHP script printed on its last line starting with marker (from the unredacted stdout),
    None when there is none or it is not JSON."""
    for line in reversed(result.raw_stdout.splitlines()):
        if line.startswith(marker):
            try:
                return json.loads(line[len(marker) :])
            except ValueError:
                return None
    return None


def output_tail(result: CLIResult, lines: int = 5) -> str:
    """The last lines of the output of a failed script, for an error message."""
    text = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
    return "\n".join(text.splitlines()[-lines:])


def failure(result: CLIResult, what: str) -> MoodleCLIError:
    """The error of a failed script, classified by the Moodle messages in its output."""
    output = result.stdout + result.stderr
    tail = output_tail(result)
    if MSG_DB_CONNECT in output:
        return MoodleDatabaseError(f"{what}: Moodle cannot connect to its database (check config.php): {tail}", result)
    if MSG_TABLES_EXIST in output:
        return MoodlePartialInstallError(
            f"{what}: the database already holds tables (Moodle: {MSG_TABLES_EXIST}); {PARTIAL_ADVICE}", result
        )
    if MSG_DB_READ in output or MSG_NO_VERSION in output:
        return MoodleNotInstalledError(f"{what}: the Moodle database is not installed", result)
    if MSG_DOWNGRADE in output:
        return MoodleCLIError(f"{what}: the code in dirroot is older than the installed database", result)
    if MSG_STALE in output:
        return MoodleCLIError(
            f"{what}: files of an older Moodle are left in dirroot; deploy into a fresh directory", result
        )
    return MoodleCLIError(f"{what} failed with exit code {result.rc}: {tail}", result)


def partial_install_error(state: dict[str, Any]) -> MoodlePartialInstallError:
    """The error for a database that install_state() reports as partly installed."""
    return MoodlePartialInstallError(f"the Moodle database is partly installed: {state['reason']}; {PARTIAL_ADVICE}")
