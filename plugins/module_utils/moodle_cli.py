# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one runner of the Moodle CLI that every lms.moodle Moodle module uses.

It finds PHP, locates the Moodle layout from dirroot (4.4/4.5 with admin/cli at the top; 5.1+ with the code under
public/), reads version.php without executing PHP, runs admin/cli scripts as the web user with argv lists (never a
shell), enforces a timeout, and turns Moodle's exit codes into exceptions that say what went wrong. Every string it
returns or raises has the given secrets replaced by REDACTED.

Moodle facts this relies on (checked against Moodle 4.4.3+, admin/cli/*.php and lib/clilib.php):
- cli_error() writes its message to STDERR and exits with the given code (default 1); uncaught exceptions end in
  default_exception_handler() with exit 1 and "!!! <message> !!!" on STDOUT.
- cfg.php: 0 ok, 3 reading a variable that is not set, 4 setting/unsetting a variable hard-set in config.php,
  2 --set/--unset without --name (or --help), 1 unexpected error. --component=core writes to config_plugins with
  plugin "core" (set_config() only treats an EMPTY component as core), so core settings are run without --component.
- upgrade.php --is-pending: 0 no upgrade needed, 2 upgrade pending, 1 error (an empty or partly installed database
  fails with "Config table does not contain the version").
- An empty database makes cfg.php --name=version fail with "Error reading from database" (exit 1); a partly
  installed one (config table but no version) exits 3; an unreachable one fails with "Database connection failed".
- The initial install sets rolesactive to 0 with the core tables and to 1 only after every plugin and the admin
  account (lib/installlib.php install_cli_database(), admin/index.php; defaults and site names follow);
  during_initial_install() (lib/setuplib.php) is empty($CFG->rolesactive). A database with a version but without
  rolesactive is an install that stopped while installing plugins or the admin account.
- install_database.php refuses a database with tables: cli_error(clitablesexist), exit 1.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

REDACTED = "********"
DEFAULT_WEB_USER = "www-data"
DEFAULT_TIMEOUT = 300
# Where distributions put PHP when it is not on the PATH of the Ansible connection.
PHP_CANDIDATES = (
    "/usr/bin/php",
    "/usr/local/bin/php",
    "/usr/bin/php8.3",
    "/usr/bin/php8.2",
    "/usr/bin/php8.1",
)

# cfg.php exit codes (admin/cli/cfg.php usage text and code).
CFG_OK = 0
CFG_USAGE = 2
CFG_NOT_SET = 3
CFG_FORCED = 4
# upgrade.php --is-pending exit codes (admin/cli/upgrade.php).
UPGRADE_NOT_PENDING = 0
UPGRADE_PENDING = 2

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

CORE_COMPONENTS = ("", "core", "moodle")
COMPONENT_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9_]*[a-z0-9])?$")
SETTING_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]*$")


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


@dataclass
class MoodleLayout:
    """Where things are: root holds config.php; dirroot holds the code (root itself before 5.1, root/public after)."""

    root: str
    dirroot: str
    layout: str  # "classic" (admin/cli at the top, Moodle <= 5.0) or "public" (public/admin/cli, Moodle >= 5.1)

    @property
    def config_php(self) -> str:
        return os.path.join(self.root, "config.php")

    @property
    def version_php(self) -> str:
        return os.path.join(self.dirroot, "version.php")

    def script(self, name: str) -> str:
        """Path of a CLI script given relative to admin/cli (cfg.php) or to dirroot (admin/tool/x/cli/y.php)."""
        relative = name if "/" in name else f"admin/cli/{name}"
        return os.path.join(self.dirroot, relative)


# ---------------------------------------------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------------------------------------------


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


def parse_version_php(text: str) -> dict[str, str | None]:
    """version, release, branch and maturity from the text of a version.php, read without running PHP."""

    def assignment(name: str) -> str | None:
        match = re.search(rf"^\s*\${name}\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|([0-9.]+|[A-Z_]+))\s*;", text, re.M)
        if not match:
            return None
        return next(group for group in match.groups() if group is not None)

    result = {name: assignment(name) for name in ("version", "release", "branch", "maturity")}
    if result["version"] is None:
        raise ValueError("no $version assignment found")
    return result


def version_number(version: str | None) -> float | None:
    """A Moodle version string (2024042203.01) as a number for comparisons, None when there is none."""
    if version in (None, ""):
        return None
    try:
        return float(version)
    except ValueError:
        return None


def locate_layout(dirroot: str, exists: Callable[[str], bool] = os.path.exists) -> MoodleLayout:
    """The layout of the Moodle tree at dirroot; raises MoodleLayoutError naming what is missing."""
    dirroot = dirroot.rstrip("/") or "/"
    if not exists(dirroot):
        raise MoodleLayoutError(f"dirroot {dirroot} does not exist")
    if exists(os.path.join(dirroot, "public", "admin", "cli", "cfg.php")):
        return MoodleLayout(root=dirroot, dirroot=os.path.join(dirroot, "public"), layout="public")
    if exists(os.path.join(dirroot, "admin", "cli", "cfg.php")):
        parent = os.path.dirname(dirroot)
        if os.path.basename(dirroot) == "public" and exists(os.path.join(parent, "config.php")):
            # dirroot given as the public/ directory of a 5.1+ tree.
            return MoodleLayout(root=parent, dirroot=dirroot, layout="public")
        return MoodleLayout(root=dirroot, dirroot=dirroot, layout="classic")
    raise MoodleLayoutError(
        f"dirroot {dirroot} is not a Moodle tree: neither admin/cli/cfg.php nor public/admin/cli/cfg.php exists"
    )


def find_php(
    php_path: str | None,
    which: Callable[[str], str | None] = shutil.which,
    executable: Callable[[str], bool] = lambda path: os.path.isfile(path) and os.access(path, os.X_OK),
) -> str:
    """The PHP binary: php_path when given (must be executable), else php on PATH, else a common location."""
    if php_path:
        if executable(php_path):
            return php_path
        raise MoodleLayoutError(f"php_path {php_path} is not an executable file")
    found = which("php")
    if found:
        return found
    for candidate in PHP_CANDIDATES:
        if executable(candidate):
            return candidate
    raise MoodleLayoutError("PHP CLI not found: no php on PATH nor in " + ", ".join(PHP_CANDIDATES) + "; set php_path")


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


def is_core(component: str | None) -> bool:
    return (component or "") in CORE_COMPONENTS


def check_component(component: str | None) -> None:
    """Raise MoodleCLIError unless component is core or a syntactically valid frankenstyle name."""
    if is_core(component) or COMPONENT_RE.match(component or ""):
        return
    raise MoodleCLIError(f"invalid component {component!r}: expected core or a frankenstyle name such as tool_mobile")


def check_setting_name(name: str) -> None:
    if not name or not SETTING_NAME_RE.match(name):
        raise MoodleCLIError(f"invalid setting name {name!r}")


def plugin_candidates(dirroot: str, directory: str) -> list[tuple[str, str]]:
    """(name, path) of the entries of a plugin type's directory, sorted; none when it does not exist."""
    base = os.path.join(dirroot, directory)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return []
    return [(name, os.path.join(base, name)) for name in names]


def load_components(dirroot: str) -> tuple[dict[str, str], set[str]]:
    """Plugin types (with the subplugin types of installed plugins) and subsystems of the tree, from
    lib/components.json and <plugin>/db/subplugins.json, read without running PHP."""
    try:
        with open(os.path.join(dirroot, "lib", "components.json"), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as e:
        raise MoodleLayoutError(f"cannot read lib/components.json in {dirroot}: {e}") from None
    types = dict(data.get("plugintypes") or {})
    for directory in list(types.values()):
        for _name, path in plugin_candidates(dirroot, directory):
            try:
                with open(os.path.join(path, "db", "subplugins.json"), encoding="utf-8") as handle:
                    types.update(json.load(handle).get("plugintypes") or {})
            except (OSError, ValueError):
                continue
    return types, set(data.get("subsystems") or {})


def component_problem(
    component: str | None,
    types: dict[str, str],
    subsystems: set[str],
    dirroot: str,
    exists: Callable[[str], bool] = os.path.exists,
) -> tuple[str | None, str | None]:
    """(error, warning) about a settings component: an error when it names a plugin of a known type that is not
    in dirroot, a warning when it is neither a plugin, an activity module's legacy name (quiz) nor a subsystem
    (cfg.php still stores such settings: core uses a few, for example backup and moodlecourse)."""
    if is_core(component):
        return None, None
    check_component(component)
    name = component or ""
    if name in subsystems or (name.startswith("core_") and name[5:] in subsystems):
        return None, None
    plugin_type, _sep, plugin = name.partition("_")
    if plugin and plugin_type in types:
        path = os.path.join(dirroot, types[plugin_type], plugin)
        if exists(os.path.join(path, "version.php")):
            return None, None
        return f"unknown component {name}: no plugin at {path} (version.php missing)", None
    if "mod" in types and exists(os.path.join(dirroot, types["mod"], name, "version.php")):
        return None, None
    return None, f"component {name} is neither a plugin nor a subsystem of this Moodle; cfg.php stores it anyway"


def cfg_args(
    name: str | None = None,
    component: str | None = None,
    *,
    value: str | None = None,
    unset: bool = False,
    json_output: bool = False,
) -> list[str]:
    """The arguments of admin/cli/cfg.php; core settings get no --component (see the module docstring)."""
    args = []
    if not is_core(component):
        args.append(f"--component={component}")
    if name is not None:
        args.append(f"--name={name}")
    if unset:
        args.append("--unset")
    elif value is not None:
        args.append(f"--set={value}")
    elif json_output:
        args.append("--json")
    return args


def normalize_value(value: Any) -> str | None:
    """A setting value as Moodle stores it: booleans as 1/0, numbers as text, None stays None (unset)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise MoodleCLIError(f"a setting value must be a string, number or boolean, not {type(value).__name__}")


def parse_json_value(stdout: str) -> str:
    """The value printed by cfg.php --name=X --json (a JSON scalar and a newline), as a string."""
    try:
        value = json.loads(stdout)
    except ValueError as e:
        raise MoodleCLIError(f"cfg.php printed no JSON value: {e}") from None
    if isinstance(value, bool):
        return "1" if value else ""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


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


# ---------------------------------------------------------------------------------------------------------------
# Process layer (the one place that starts processes; unit tests replace run_process)
# ---------------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class MoodleCLI:
    """Runs Moodle CLI scripts of the tree at dirroot as web_user; remembers (redacted) every command it ran."""

    dirroot: str
    php_path: str | None = None
    web_user: str = DEFAULT_WEB_USER
    timeout: int = DEFAULT_TIMEOUT
    secrets: list[str] = field(default_factory=list, repr=False)
    commands: list[list[str]] = field(default_factory=list)
    layout: MoodleLayout | None = None
    php: str | None = None
    prefix: list[str] | None = None

    def add_secret(self, secret: Any) -> None:
        if isinstance(secret, str) and secret and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: Any) -> Any:
        return redact(text, self.secrets)

    def prepare(self, require_config: bool = True) -> MoodleLayout:
        """Locate the tree, config.php, PHP and the way to become the web user (once); raise what is missing."""
        try:
            if self.layout is None:
                self.layout = locate_layout(self.dirroot)
            if require_config and not os.path.isfile(self.layout.config_php):
                raise MoodleLayoutError(f"config.php not found: {self.layout.config_php} does not exist")
            if self.php is None:
                self.php = find_php(self.php_path)
            if self.prefix is None:
                if not user_exists(self.web_user):
                    raise MoodleCLIError(f"web user {self.web_user} does not exist on this host")
                euid = os.geteuid()
                self.prefix = privilege_prefix(self.web_user, euid, current_user_name(euid))
            problem = unreadable_by(self.layout.config_php, self.web_user) if require_config else None
            if problem:
                raise MoodleLayoutError(
                    f"web user {self.web_user} cannot read config.php ({problem}): Moodle runs as the web user; "
                    "give config.php to its group (for example 0640 root:www-data) or set web_user"
                )
        except MoodleCLIError as e:
            raise type(e)(self.redact(e.message)) from None
        return self.layout

    def version_info(self) -> dict[str, str | None]:
        """version, release, branch, maturity of the code in dirroot (version.php)."""
        layout = self.prepare(require_config=False)
        try:
            with open(layout.version_php, encoding="utf-8") as handle:
                return parse_version_php(handle.read())
        except OSError as e:
            raise MoodleLayoutError(f"cannot read {layout.version_php}: {e.strerror}") from None
        except ValueError as e:
            raise MoodleLayoutError(f"{layout.version_php} is not a Moodle version.php: {e}") from None

    def argv(self, script: str, args: Sequence[str]) -> list[str]:
        layout = self.prepare()
        path = layout.script(script)
        return [*(self.prefix or []), self.php or "php", path, *args]

    def run(self, script: str, args: Sequence[str] = (), ok_rcs: Iterable[int] | None = (0,)) -> CLIResult:
        """Run a CLI script; raise (classified, redacted) unless its exit code is in ok_rcs (None: accept any)."""
        argv = self.argv(script, args)
        if not os.path.isfile(argv[len(self.prefix or []) + 1]):
            raise MoodleLayoutError(f"CLI script {script} not found in {self.layout.dirroot}")
        shown = self.redact(argv)
        self.commands.append(shown)
        try:
            rc, stdout, stderr = run_process(argv, self.timeout, cwd=self.layout.root)
        except subprocess.TimeoutExpired:
            raise MoodleTimeoutError(
                f"{script} did not finish within {self.timeout} seconds and was killed",
                CLIResult(shown, -1, "", ""),
            ) from None
        except OSError as e:
            raise MoodleCLIError(f"cannot run {script}: {self.redact(str(e))}") from None
        result = CLIResult(shown, rc, self.redact(stdout), self.redact(stderr), raw_stdout=stdout)
        if ok_rcs is not None and rc not in ok_rcs:
            raise failure(result, script)
        return result

    def run_php_code(
        self, code: str, label: str, input_text: str | None = None, ok_rcs: Iterable[int] | None = (0,)
    ) -> CLIResult:
        """Run PHP code shipped with the collection (php -r) as the web user, with input_text on its standard input.

        The code is not a file of the Moodle tree, so it bootstraps Moodle itself (config.php named in its input).
        The commands returned show `<label>` in place of the code; secrets belong in input_text, which is never
        shown."""
        self.prepare()
        argv = [*(self.prefix or []), self.php or "php", "-r", code]
        shown = self.redact([*argv[:-1], f"<{label}>"])
        self.commands.append(shown)
        try:
            rc, stdout, stderr = run_process(argv, self.timeout, cwd=self.layout.root, input_text=input_text)
        except subprocess.TimeoutExpired:
            raise MoodleTimeoutError(
                f"{label} did not finish within {self.timeout} seconds and was killed", CLIResult(shown, -1, "", "")
            ) from None
        except OSError as e:
            raise MoodleCLIError(f"cannot run {label}: {self.redact(str(e))}") from None
        result = CLIResult(shown, rc, self.redact(stdout), self.redact(stderr), raw_stdout=stdout)
        if ok_rcs is not None and rc not in ok_rcs:
            raise failure(result, label)
        return result

    # -- cfg.php --------------------------------------------------------------------------------------------------

    def get_config(self, name: str, component: str | None = None) -> str | None:
        """The value of a setting, None when it is not set (cfg.php exit 3)."""
        check_setting_name(name)
        check_component(component)
        result = self.run("cfg.php", cfg_args(name, component, json_output=True), ok_rcs=(CFG_OK, CFG_NOT_SET))
        if result.rc == CFG_NOT_SET:
            return None
        return parse_json_value(result.raw_stdout)

    def set_config(self, name: str, value: str | None, component: str | None = None) -> CLIResult:
        """Set (or, with value None, unset) a setting; MoodleSettingForcedError when config.php forces it."""
        check_setting_name(name)
        check_component(component)
        args = cfg_args(name, component, value=value, unset=value is None)
        result = self.run("cfg.php", args, ok_rcs=None)
        if result.rc == CFG_FORCED:
            where = "$CFG->" + name if is_core(component) else f"$CFG->forced_plugin_settings['{component}']['{name}']"
            raise MoodleSettingForcedError(
                f"setting {setting_label(name, component)} is forced in config.php ({where}) and cannot be changed "
                "by cfg.php; change config.php instead",
                result,
            )
        if result.rc != CFG_OK:
            raise failure(result, f"cfg.php for {setting_label(name, component)}")
        return result

    # -- site state -----------------------------------------------------------------------------------------------

    def site_state(self) -> dict[str, Any]:
        """installed (bool), partial (tables without a version) and the version recorded in the database."""
        try:
            result = self.run("cfg.php", cfg_args("version", json_output=True), ok_rcs=(CFG_OK, CFG_NOT_SET))
        except MoodleNotInstalledError:
            return {"installed": False, "partial": False, "db_version": None}
        if result.rc == CFG_NOT_SET:
            return {"installed": False, "partial": True, "db_version": None}
        return {"installed": True, "partial": False, "db_version": parse_json_value(result.raw_stdout)}

    def install_state(self) -> dict[str, Any]:
        """site_state() that also treats an install which stopped after core (a version but no rolesactive) as
        partial; partial states carry the reason as text."""
        state = self.site_state()
        if state["partial"]:
            return {**state, "reason": "the config table holds no version (the install stopped in the core tables)"}
        if state["installed"] and self.get_config("rolesactive") in (None, "", "0"):
            return {
                "installed": False,
                "partial": True,
                "db_version": state["db_version"],
                "reason": f"core version {state['db_version']} is recorded but the install never finished "
                "(rolesactive is not set: it stopped while installing plugins or the admin account)",
            }
        return {**state, "reason": None}

    def upgrade_pending(self) -> bool:
        """upgrade.php --is-pending: exit 2 pending, exit 0 up to date."""
        result = self.run("upgrade.php", ["--is-pending"], ok_rcs=(UPGRADE_NOT_PENDING, UPGRADE_PENDING))
        return result.rc == UPGRADE_PENDING

    def maintenance_state(self) -> dict[str, Any]:
        """CLI maintenance (climaintenance.html in dataroot), legacy maintenance_enabled and maintenance_later."""
        dataroot = self.get_config("dataroot")
        if not dataroot:
            raise MoodleCLIError("cfg.php reports no dataroot")
        flag = os.path.join(dataroot, "climaintenance.html")
        try:
            os.stat(flag)
            cli = True
        except FileNotFoundError:
            cli = False
        except OSError as e:
            raise MoodleCLIError(f"cannot check {flag}: {e.strerror}") from None
        legacy = self.get_config("maintenance_enabled") not in (None, "", "0")
        later = self.get_config("maintenance_later")
        return {
            "enabled": cli,
            "cli": cli,
            "legacy": legacy,
            "scheduled": int(later) if later and later.isdigit() and int(later) > 0 else None,
            "flag_file": flag,
        }


def check_components(cli: MoodleCLI, components: Iterable[str | None], warn: Callable[[str], None]) -> None:
    """Fail (MoodleCLIError) on a component whose plugin is missing from dirroot; warn about unknown ones."""
    wanted = sorted({component for component in components if not is_core(component)})
    if not wanted:
        return
    dirroot = cli.prepare().dirroot
    types, subsystems = load_components(dirroot)
    for component in wanted:
        error, warning = component_problem(component, types, subsystems, dirroot)
        if error:
            raise MoodleCLIError(error)
        if warning:
            warn(warning)


def partial_install_error(state: dict[str, Any]) -> MoodlePartialInstallError:
    """The error for a database that install_state() reports as partly installed."""
    return MoodlePartialInstallError(f"the Moodle database is partly installed: {state['reason']}; {PARTIAL_ADVICE}")


def setting_label(name: str, component: str | None) -> str:
    return name if is_core(component) else f"{component}/{name}"


def cli_from_params(params: dict[str, Any], secrets: Iterable[str] = ()) -> MoodleCLI:
    """A runner from the options of the lms.moodle.moodle doc fragment (moodle_cli_argument_spec)."""
    return MoodleCLI(
        dirroot=params["dirroot"],
        php_path=params.get("php_path"),
        web_user=params.get("web_user") or DEFAULT_WEB_USER,
        timeout=params.get("timeout") or DEFAULT_TIMEOUT,
        secrets=[secret for secret in secrets if secret],
    )


def moodle_cli_argument_spec() -> dict[str, Any]:
    """The options every Moodle module shares, as the lms.moodle.moodle doc fragment documents them."""
    return {
        "dirroot": dict(type="path", required=True),
        "php_path": dict(type="path"),
        "web_user": dict(type="str", default=DEFAULT_WEB_USER),
        "timeout": dict(type="int", default=DEFAULT_TIMEOUT),
    }
