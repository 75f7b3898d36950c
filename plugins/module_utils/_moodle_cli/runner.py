# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner every Moodle module uses: MoodleCLI runs CLI scripts (run) and PHP code of the collection
(run_php_code) through one execution path, and reads the site's state with them."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.cfg import (
    CFG_FORCED,
    CFG_NOT_SET,
    CFG_OK,
    UPGRADE_NOT_PENDING,
    UPGRADE_PENDING,
    cfg_args,
    check_component,
    check_setting_name,
    is_core,
    parse_json_value,
    setting_label,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.layout import (
    MoodleLayout,
    component_problem,
    find_php,
    load_components,
    locate_layout,
    parse_version_php,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.process import (
    current_user_name,
    privilege_prefix,
    redact,
    run_process,
    unreadable_by,
    user_exists,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.results import (
    CLIResult,
    MoodleCLIError,
    MoodleLayoutError,
    MoodleNotInstalledError,
    MoodleSettingForcedError,
    MoodleTimeoutError,
    failure,
)

DEFAULT_WEB_USER = "www-data"
DEFAULT_TIMEOUT = 300

# Prepended to a CLI script (php -d auto_prepend_file): appends the secret arguments read from stdin (a JSON list) to
# its argv, as if they were on its command line (Moodle's scripts read $_SERVER['argv'], cli_get_params). A password
# so reaches the script without being in the process list, the journal (runuser, sudo) or the commands the module
# returns. Prepended, not wrapping: the script stays the top file, which Moodle's setup inspects.
SECRET_ARGUMENTS_PHP = """<?php
$lms_moodle_secret_arguments = json_decode(stream_get_contents(STDIN), true);
if (!is_array($lms_moodle_secret_arguments)) {
    fwrite(STDERR, "lms.moodle: no secret arguments on standard input\\n");
    exit(2);
}
$_SERVER['argv'] = $argv = array_merge($_SERVER['argv'], $lms_moodle_secret_arguments);
$_SERVER['argc'] = $argc = count($argv);
unset($lms_moodle_secret_arguments);
"""


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

    def php_argv(self, *args: str) -> list[str]:
        """PHP with args, run as the web user (once prepare() found both)."""
        return [*(self.prefix or []), self.php or "php", *args]

    def run(
        self,
        script: str,
        args: Sequence[str] = (),
        ok_rcs: Iterable[int] | None = (0,),
        secret_args: Sequence[str] = (),
    ) -> CLIResult:
        """Run a CLI script; raise (classified, redacted) unless its exit code is in ok_rcs (None: accept any).

        secret_args (--adminpass=...) reach the script on its standard input (SECRET_ARGUMENTS_PHP), never on a
        command line."""
        path = self.prepare().script(script)
        if not os.path.isfile(path):
            raise MoodleLayoutError(f"CLI script {script} not found in {self.layout.dirroot}")
        if not secret_args:
            argv = self.php_argv(path, *args)
            return self.execute(argv, self.redact(argv), script, ok_rcs)
        for secret in secret_args:
            self.add_secret(secret.partition("=")[2] or secret)
        # The code is no secret; the web user reads it. Removed once the script has run.
        with tempfile.NamedTemporaryFile("w", prefix="lms-moodle-arguments-", suffix=".php", delete=False) as handle:
            handle.write(SECRET_ARGUMENTS_PHP)
        try:
            os.chmod(handle.name, 0o644)
            argv = self.php_argv("-d", f"auto_prepend_file={handle.name}", path, *args)
            shown = self.redact([*self.php_argv(path, *args), "<secret arguments on standard input>"])
            return self.execute(argv, shown, script, ok_rcs, json.dumps(list(secret_args)))
        finally:
            os.unlink(handle.name)

    def run_php_code(
        self, code: str, label: str, input_text: str | None = None, ok_rcs: Iterable[int] | None = (0,)
    ) -> CLIResult:
        """Run PHP code shipped with the collection (php -r) as the web user, with input_text on its standard input.

        The code is not a file of the Moodle tree, so it bootstraps Moodle itself (config.php named in its input).
        The commands returned show `<label>` in place of the code; secrets belong in input_text, which is never
        shown."""
        self.prepare()
        argv = self.php_argv("-r", code)
        shown = self.redact([*argv[:-1], f"<{label}>"])
        return self.execute(argv, shown, label, ok_rcs, input_text)

    def execute(
        self,
        argv: list[str],
        shown: list[str],
        what: str,
        ok_rcs: Iterable[int] | None,
        input_text: str | None = None,
    ) -> CLIResult:
        """The one way the runner starts PHP: record `shown` (argv as it may be returned), run argv in the site's
        root, redact the output and raise unless the exit code is in ok_rcs (None: accept any)."""
        self.commands.append(shown)
        try:
            rc, stdout, stderr = run_process(argv, self.timeout, cwd=self.layout.root, input_text=input_text)
        except subprocess.TimeoutExpired:
            raise MoodleTimeoutError(
                f"{what} did not finish within {self.timeout} seconds and was killed", CLIResult(shown, -1, "", "")
            ) from None
        except OSError as e:
            raise MoodleCLIError(f"cannot run {what}: {self.redact(str(e))}") from None
        result = CLIResult(shown, rc, self.redact(stdout), self.redact(stderr), raw_stdout=stdout)
        if ok_rcs is not None and rc not in ok_rcs:
            raise failure(result, what)
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
