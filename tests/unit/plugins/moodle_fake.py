"""A fake Moodle for the unit tests of the Moodle CLI runner and modules (no PHP, no database).

`moodle_tree` lays out a Moodle code tree (classic or 5.1+ public layout) with the files the runner looks at;
`FakeMoodle` answers the argv lists the runner would execute, with the exit codes, streams and messages of the real
Moodle 4.4 scripts (admin/cli/cfg.php, upgrade.php, maintenance.php, install_database.php, purge_caches.php;
lib/clilib.php cli_error() writes to STDERR,
the default exception handler prints "!!! message !!!" to STDOUT and exits 1). Install it with `fake.install()`
(it replaces the run_process of the runner).
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
from pathlib import Path

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli import runner

from .modules.helpers import main_output

VERSION_PHP = """<?php
defined('MOODLE_INTERNAL') || die();

$version  = 2024042203.01;              // 20240422      = branching date YYYYMMDD - do not modify!
$release  = '4.4.3+ (Build: 20240903)'; // Human-friendly version name
$branch   = '404';                     // This version's branch.
$maturity = MATURITY_STABLE;             // This version's maturity level.
"""
COMPONENTS = {
    "plugintypes": {"mod": "mod", "tool": "admin/tool", "cachestore": "cache/stores", "auth": "auth"},
    "subsystems": {"backup": "backup", "admin": "admin", "cache": "cache"},
}
SUBPLUGINS = {"plugintypes": {"assignsubmission": "mod/assign/submission"}}
CURRENT_USER = pwd.getpwuid(os.geteuid()).pw_name


def moodle_tree(
    base: Path,
    layout: str = "classic",
    version_php: str = VERSION_PHP,
    config: bool = True,
    extra_scripts: tuple[str, ...] = (),
) -> Path:
    """A Moodle tree under base; returns the dirroot to give the modules (the top directory). extra_scripts adds
    admin/cli scripts (install_database.php) to the four every tree has; install/lang has en and de."""
    root = base / "moodle"
    code = root / "public" if layout == "public" else root
    for script in ("cfg.php", "upgrade.php", "maintenance.php", "purge_caches.php", *extra_scripts):
        path = code / "admin" / "cli" / script
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<?php // stand-in\n")
    (code / "version.php").write_text(version_php)
    for lang in ("en", "de"):
        (code / "install" / "lang" / lang).mkdir(parents=True, exist_ok=True)
    (code / "lib").mkdir(exist_ok=True)
    (code / "lib" / "components.json").write_text(json.dumps(COMPONENTS))
    for plugin in ("admin/tool/mobile", "mod/assign", "mod/quiz", "cache/stores/redis", "mod/assign/submission/file"):
        (code / plugin).mkdir(parents=True, exist_ok=True)
        (code / plugin / "version.php").write_text("<?php\n$plugin->version = 2024042200;\n")
    (code / "mod" / "assign" / "db").mkdir(exist_ok=True)
    (code / "mod" / "assign" / "db" / "subplugins.json").write_text(json.dumps(SUBPLUGINS))
    if config:
        (root / "config.php").write_text("<?php // config\n")
    return root


def fake_php(base: Path) -> str:
    """An executable file to give as php_path."""
    php = base / "php"
    php.write_text("#!/bin/sh\nexit 99\n")
    php.chmod(0o755)
    return str(php)


def php_json(value: str) -> str:
    """json_encode() of a PHP string (escapes slashes like PHP does)."""
    return json.dumps(value).replace("/", "\\/")


class FakeMoodle:
    """State of a fake Moodle site and the answers of its CLI scripts."""

    def __init__(self, dataroot: Path, state: str = "installed", pending: bool = False):
        # installed, empty, partial (config table without version), tables (tables but no config table), unreachable
        self.state = state
        self.pending = pending
        self.dataroot = dataroot
        dataroot.mkdir(parents=True, exist_ok=True)
        self.code_version = "2024042203.01"  # $version of VERSION_PHP: what install and upgrade record
        self.code_maturity = 200  # MATURITY_STABLE (lib/classes/component.php)
        self.config: dict[tuple[str, str], str] = {
            ("core", "version"): "2024042203.01",
            ("core", "dataroot"): str(dataroot),
            ("core", "rolesactive"): "1",
        }
        self.forced: set[tuple[str, str]] = set()
        self.calls: list[list[str]] = []
        self.timeout_on: str | None = None
        self.fail_with: tuple[int, str, str] | None = None
        # (script, option) -> (rc, stdout, stderr): that script fails when called with that option ("" for any).
        self.fail_on: dict[tuple[str, str], tuple[int, str, str]] = {}
        self.installed_with: dict[str, str | bool] | None = None
        self.purged = 0
        self.inputs: list[str | None] = []  # the standard input of each call (None: none)
        self.command_lines: list[list[str]] = []  # each process's real argv, as the process list shows it
        self.inputs_raw: list[str | None] = []  # and its real standard input
        self.muc = FakeMUC()

    # -- state helpers ------------------------------------------------------------------------------------------

    @property
    def flag(self) -> Path:
        return self.dataroot / "climaintenance.html"

    def install(self, monkeypatch) -> FakeMoodle:
        monkeypatch.setattr(runner, "run_process", self)
        return self

    def scripts(self) -> list[str]:
        """The script (basename) and arguments of each call, without the PHP binary."""
        return [[os.path.basename(call[1]), *call[2:]] for call in self.calls]

    # -- the CLI ------------------------------------------------------------------------------------------------

    def __call__(self, argv, timeout, cwd=None, input_text=None):
        argv = list(argv)
        assert argv[0].endswith("php"), argv  # no runuser prefix when running as the web user
        self.command_lines.append(argv)
        self.inputs_raw.append(input_text)
        if argv[1] == "-d" and argv[2].startswith("auto_prepend_file="):
            # A CLI script with secret arguments on stdin: the script sees them as if they were on its command line.
            assert Path(argv[2].partition("=")[2]).read_text() == runner.SECRET_ARGUMENTS_PHP
            argv, input_text = [argv[0], *argv[3:], *json.loads(input_text)], None
        self.calls.append(argv)
        self.inputs.append(input_text)
        script = "php -r" if argv[1] == "-r" else os.path.basename(argv[1])
        if self.timeout_on == script:
            raise subprocess.TimeoutExpired(argv, timeout)
        if self.fail_with is not None:
            return self.fail_with
        if self.state == "unreachable":
            return (
                1,
                "!!! <p>Error: Database connection failed</p>\n<p>It is possible that it is overloaded</p> !!!\n",
                "",
            )
        if script == "php -r" and "LMS_MOODLE_PLUGINS_JSON" in argv[2]:
            return self.installed_plugins()
        if script == "php -r":
            return self.muc.run(json.loads(input_text))
        options = self.options(argv[2:])
        for (failing, option), answer in self.fail_on.items():
            if failing == script and (not option or option in options):
                return answer
        return getattr(self, script.replace(".php", "").replace("-", "_"))(options)

    @staticmethod
    def options(args):
        options = {}
        for arg in args:
            assert arg.startswith("--"), arg
            key, sep, value = arg[2:].partition("=")
            options[key] = value if sep else True
        assert options.get("component") != "core", "core settings must be run without --component"
        return options

    def cfg(self, options):
        if self.state in ("empty", "tables"):
            return 1, "!!! Error reading from database !!!\n", ""
        key = (options.get("component") or "core", options["name"])
        if "set" in options or "unset" in options:
            if key in self.forced:
                return 4, "", "The configuration variable is hard-set in the config.php, unable to change.\n\n"
            if "unset" in options:
                self.config.pop(key, None)
            else:
                self.config[key] = options["set"]
            return 0, "", ""
        if self.state == "partial" or key not in self.config:
            return 3, "", "No such configuration variable found.\n\n"
        value = self.config[key]
        return 0, (php_json(value) if "json" in options else value) + "\n", ""

    def upgrade(self, options):
        assert options in (
            {"is-pending": True},
            {"non-interactive": True},
            {"non-interactive": True, "allow-unstable": True},
        )
        if self.state in ("empty", "partial", "tables"):
            return 1, "", "Config table does not contain the version. You cannot continue.\n\n"
        if float(self.code_version) < float(self.config[("core", "version")]):
            return 1, "", "ERROR!!!  The code you are using is OLDER than the version that made these databases!\n\n"
        if not self.pending:
            return (
                0,
                "",
                f"No upgrade needed for the installed version 4.4.3+ (Build: 20240903) ({self.code_version}). "
                "Thanks for coming anyway!\n\n",
            )
        if "is-pending" in options:
            return 2, "", "An upgrade is pending\n\n"
        if self.code_maturity < 200 and "allow-unstable" not in options:
            return 1, "", "Hint: You may want to run this script with --allow-unstable option\n\n"
        old = self.config[("core", "version")]
        self.config[("core", "version")] = self.code_version
        self.pending = False
        return (
            0,
            "== Setting new default values ==\nCommand line upgrade from 4.4.2 (Build: 20240812) "
            f"({old}) to 4.4.3+ (Build: 20240903) ({self.code_version}) completed successfully.\n",
            "",
        )

    def install_database(self, options):
        """admin/cli/install_database.php: refuses tables, requires --agree-license and --adminpass."""
        known = {"lang", "adminuser", "adminpass", "adminemail", "fullname", "shortname", "summary", "supportemail"}
        unknown = set(options) - known - {"agree-license"}
        if unknown:
            return (
                1,
                "",
                "Unrecognised options:\n  --" + "\n  --".join(sorted(unknown)) + "\nPlease use --help option.\n\n",
            )
        if self.state != "empty":
            return 1, "", "Database tables already present; CLI installation cannot continue.\n\n"
        if options.get("agree-license") is not True:
            return 1, "", "You have to agree to the license. --help prints out the help\n\n"
        if options.get("adminpass") in (None, True, ""):
            return 1, "", "You have to specify admin password. --help prints out the help\n\n"
        self.state = "installed"
        self.installed_with = dict(options)
        self.config[("core", "version")] = self.code_version
        self.config[("core", "rolesactive")] = "1"
        return 0, "-->System\n++ Success ++\nInstallation completed successfully.\n", ""

    def installed_plugins(self):
        """moodle_plugins.INSTALLED_PHP: the version recorded for each plugin (config_plugins)."""
        if self.state in ("empty", "tables"):
            return 1, "!!! Error reading from database !!!\n", ""
        versions = {plugin: value for (plugin, name), value in self.config.items() if name == "version"}
        versions.pop("core")
        return 0, "LMS_MOODLE_PLUGINS_JSON:" + json.dumps(versions) + "\n", ""

    def purge_caches(self, options):
        assert options == {}, "purge_caches.php is run without options (purge everything)"
        self.purged += 1
        return 0, "", ""

    def maintenance(self, options):
        heading = "== Maintenance mode (https://moodle.example.org) ==\n"
        if options.get("enable"):
            if not self.flag.exists():
                self.flag.write_text("<html>maintenance</html>")
            self.config[("core", "maintenance_enabled")] = "0"
            self.config.pop(("core", "maintenance_later"), None)
            return 0, heading + "Your site is currently in CLI maintenance mode, no web access is allowed.\n", ""
        if options.get("disable"):
            self.config[("core", "maintenance_enabled")] = "0"
            self.config.pop(("core", "maintenance_later"), None)
            if self.flag.exists():
                self.flag.unlink()
            return 0, heading + "Maintenance mode has been disabled and the site is running normally again\n", ""
        raise AssertionError(f"unexpected maintenance.php options {options}")


class FakeMoodleWithPlugins(FakeMoodle):
    """A FakeMoodle whose upgrade.php also installs and upgrades the additional plugins in `plugin_dirs`
    (component -> directory): pending when a version.php there differs from the version recorded in the config
    (component, "version"), as core_plugin_manager compares them; uninstall_plugins.php removes their settings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plugin_dirs: dict[str, Path] = {}
        self.cannot_uninstall: set[str] = set()

    def disk_versions(self):
        versions = {}
        for component, directory in self.plugin_dirs.items():
            version_php = Path(directory) / "version.php"
            if version_php.exists():
                text = version_php.read_text()
                versions[component] = text.split("$plugin->version", 1)[1].split("=", 1)[1].split(";", 1)[0].strip()
        return versions

    def upgrade(self, options):
        changes = {
            component: version
            for component, version in self.disk_versions().items()
            if self.config.get((component, "version")) != version
        }
        if self.state == "installed" and changes:
            self.pending = True
            if "non-interactive" in options:
                for component, version in changes.items():
                    self.config[(component, "version")] = version
        return super().upgrade(options)

    def uninstall_plugins(self, options):
        assert options.get("run") is True and isinstance(options.get("plugins"), str), options
        component = options["plugins"]
        if (component, "version") not in self.config:
            return 0, f"Unknown plugin: {component}\n", ""
        if component in self.cannot_uninstall:
            return 0, f"Can not be uninstalled: {component}\t{component}\n", ""
        for key in [key for key in self.config if key[0] == component]:
            del self.config[key]
        # Real Moodle resets allversionshash: the next upgrade.php --is-pending reports an upgrade.
        self.pending = True
        return 0, f"Uninstalling: {component}\n-->{component}\n++ Success ++\n\n", ""


class FakeMUC:
    """The MUC configuration of the fake site and the answers of module_utils.moodle_muc.MUC_PHP (run with php -r):
    the same request (JSON on stdin) and output (one LMS_MOODLE_MUC_JSON line; exit 0, or 3 with ok=false)."""

    def __init__(self):
        self.stores = {
            "default_application": {"plugin": "file", "default": True, "configuration": {}},
            "default_session": {"plugin": "session", "default": True, "configuration": {}},
            "default_request": {"plugin": "static", "default": True, "configuration": {}},
        }
        self.mappings = {"application": ["default_application"], "session": ["default_session"],
                         "request": ["default_request"]}  # fmt: skip
        self.plugins = ["apcu", "file", "redis", "session", "static"]
        self.requirements_met = True  # the PHP redis extension is loaded
        self.reachable = {"redis.internal:6379", "tls://cache.example.com:6379"}
        self.writer_exception: str | None = None  # an exception the writer throws (read-only forced cache)
        self.requests: list[dict] = []
        self.writes = 0
        self.purged: list[str] = []

    @staticmethod
    def answer(data, rc=0):
        return rc, "++ some bootstrap noise ++\nLMS_MOODLE_MUC_JSON:" + json.dumps(data) + "\n", ""

    def fail(self, kind, error):
        return self.answer({"ok": False, "kind": kind, "error": error}, rc=3)

    def ready(self, configuration):
        server = configuration.get("server", "").split("\n")[0]
        if ":" not in server and not server.startswith("/"):
            server += ":6379"  # cachestore_redis's default port
        if configuration.get("encryption") and not configuration.get("clustermode"):
            server = "tls://" + server
        return server in self.reachable, server

    def check(self, action):
        if action["plugin"] not in self.plugins:
            return self.fail("plugin_missing", f"the cache store plugin cachestore_{action['plugin']} is not installed")
        if not self.requirements_met:
            return self.fail(
                "requirements", "cachestore_redis cannot be used on this host: its requirements are not met"
            )
        ready, server = self.ready(action["configuration"])
        if not ready:
            return self.fail(
                "not_ready",
                f"store {action['name']} cannot be used: Moodle reports: Failed to connect to Redis at {server}, "
                "the error returned was: Connection refused",
            )
        return None

    def state(self, passwords):
        stores = {}
        for name, store in self.stores.items():
            configuration = dict(store["configuration"])
            password = str(configuration.get("password") or "")
            if "password" in configuration:
                configuration["password"] = "********" if password else ""
            stores[name] = {
                **store,
                "configuration": configuration or [],  # json_encode of an empty PHP array
                "password_set": bool(password),
                "password_matches": name in passwords and password == passwords[name],
            }
        return {"stores": stores, "mappings": self.mappings, "plugins": self.plugins}

    def run(self, request):
        self.requests.append(request)
        assert request["writer"] in ("cache_config_writer", "\\core_cache\\config_writer"), request["writer"]
        for action in request["actions"]:
            if action["action"] == "edit":
                action["configuration"] = {**self.stores[action["name"]]["configuration"], **action["configuration"]}
            if action["action"] in ("add", "edit"):
                problem = self.check(action)
                if problem:
                    return problem
        if request["actions"] and self.writer_exception:
            return self.fail("exception", self.writer_exception)
        for action in request["actions"]:
            self.writes += 1
            if action["action"] == "add":
                assert action["name"] not in self.stores, "Duplicate name specificed for cache plugin instance"
                self.stores[action["name"]] = {"plugin": action["plugin"], "default": False,
                                               "configuration": action["configuration"]}  # fmt: skip
            elif action["action"] == "edit":
                self.stores[action["name"]]["configuration"] = action["configuration"]
            else:
                for stores in action["mappings"].values():
                    assert all(store in self.stores for store in stores), "The instance name does not exist"
                self.mappings = {**self.mappings, **action["mappings"]}
        purged = [name for name in request["purge"] if self.ready(self.stores[name]["configuration"])[0]
                  or self.stores[name]["plugin"] != "redis"]  # fmt: skip
        self.purged.extend(purged)
        not_purged = [name for name in request["purge"] if name not in purged]
        return self.answer({"ok": True, "purged": purged, "not_purged": not_purged, **self.state(request["passwords"])})


def installed_site(tmp_path, monkeypatch, extra_scripts=()):
    """An installed fake Moodle site behind a classic tree: (fake, the module arguments that reach it)."""
    fake = FakeMoodle(tmp_path / "moodledata").install(monkeypatch)
    dirroot = moodle_tree(tmp_path, extra_scripts=extra_scripts)
    args = {"dirroot": str(dirroot), "php_path": fake_php(tmp_path), "web_user": CURRENT_USER}
    return fake, args


def run_module(module, capsys, check_mode=False, diff=False, **args):
    """Run module.main() with these arguments: its JSON result, with its exit code as `exit_code`."""
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    out, exit_code = main_output(module, capsys, **args)
    result = json.loads(out)
    result["exit_code"] = exit_code
    result["raw_output"] = out
    return result
