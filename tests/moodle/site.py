"""A Moodle site for the integration tests of the lms.moodle Moodle modules: a copy of a Moodle code tree (the
project's stand-in in tests/moodle/standin, or the real Moodle named by MOODLE_SRC), its config.php, a dataroot owned
by the web user and a database of its own; plus the two ways the tests act on it: an Ansible module run exactly as a
playbook task runs it, and PHP run as the web user to ask Moodle itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.ansible_env import ROOT, ansible_env
from tests.moodle.services import Postgres, as_user, shared_tempdir

STANDIN = Path(__file__).resolve().parent / "standin"
WEB_USER = "www-data"
ANSIBLE = str(Path(sys.executable).with_name("ansible"))


def source_tree() -> tuple[Path, bool]:
    """The Moodle tree under test and whether it is real Moodle (MOODLE_SRC) rather than the stand-in."""
    if os.environ.get("MOODLE_SRC"):
        source = Path(os.environ["MOODLE_SRC"]).resolve()
        if not (source / "version.php").is_file():
            raise RuntimeError(f"MOODLE_SRC={source} is not a Moodle tree (no version.php)")
        return source, True
    return STANDIN, False


def copy_tree(source: Path, destination: Path) -> None:
    """A private copy of the code: hard links when possible (a real Moodle tree has 28,000 files); the tests only add
    files (a plugin), never rewrite the linked ones."""
    linked = subprocess.run(["cp", "-al", str(source), str(destination)], capture_output=True, check=False)
    if linked.returncode != 0:
        shutil.rmtree(destination, ignore_errors=True)
        subprocess.run(["cp", "-a", str(source), str(destination)], check=True)
    subprocess.run(["chmod", "-R", "a+rX", str(destination)], check=True)


def php_literal(name: str, value: object) -> str:
    if name == "directorypermissions":
        return f"0{value:o}"  # Moodle's installer writes it in octal
    if isinstance(value, dict):
        return "[" + ", ".join(f"{json.dumps(k)} => {php_literal(k, v)}" for k, v in value.items()) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def config_php(settings: dict[str, object]) -> str:
    """config.php as Moodle's installer writes it; settings are $CFG properties."""
    lines = [
        "<?php  // Moodle configuration file (lms.moodle integration test)",
        "unset($CFG);",
        "global $CFG;",
        "$CFG = new stdClass();",
    ]
    lines += [f"$CFG->{name} = {php_literal(name, value)};" for name, value in settings.items()]
    lines += ["require_once(__DIR__ . '/lib/setup.php');", ""]
    return "\n".join(lines)


@dataclass
class ModuleRun:
    """The result of one module run, as the task's registered variable would hold it, and the raw output."""

    result: dict
    output: str

    @property
    def failed(self) -> bool:
        return bool(self.result.get("failed"))

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))


@dataclass
class MoodleSite:
    base: Path
    source: Path
    real: bool
    db: Postgres
    dbname: str
    dbuser: str
    dbpass: str
    dirroot: Path = field(init=False)
    dataroot: Path = field(init=False)

    def __post_init__(self) -> None:
        self.dirroot = self.base / "moodle"
        self.dataroot = self.base / "moodledata"

    @property
    def env(self) -> dict[str, str]:
        """The environment of every PHP run: PHP's own ini files plus the site's (PHP_INI_SCAN_DIR, leading colon),
        which is how a web node sets max_input_vars for the CLI (Moodle's installer requires 5000)."""
        return dict(os.environ, PHP_INI_SCAN_DIR=f":{self.base / 'php'}")

    # -- set-up ---------------------------------------------------------------------------------------------------

    @classmethod
    def create(cls, db: Postgres, name: str, extra_config: dict | None = None, config: bool = True) -> MoodleSite:
        source, real = source_tree()
        site = cls(shared_tempdir(f"lms-{name}-"), source, real, db, name, f"{name}_user", f"Db/{name}'s pass$1")
        copy_tree(source, site.dirroot)
        site.dataroot.mkdir()
        (site.base / "php").mkdir()
        (site.base / "php" / "90-lms-moodle-tests.ini").write_text("max_input_vars = 5000\n")
        shutil.chown(site.dataroot, WEB_USER, WEB_USER)
        site.dataroot.chmod(0o2770)
        db.create_database(site.dbname, site.dbuser, site.dbpass.replace("'", "''"))
        if config:
            site.write_config(extra_config or {})
        return site

    def settings(self, **overrides: object) -> dict[str, object]:
        return {
            "dbtype": "pgsql",
            "dblibrary": "native",
            "dbhost": "127.0.0.1",
            "dbname": self.dbname,
            "dbuser": self.dbuser,
            "dbpass": self.dbpass,
            "prefix": "mdl_",
            "dboptions": {"dbport": self.db.port, "dbpersist": 0},
            "wwwroot": "http://localhost",
            "dataroot": str(self.dataroot),
            "admin": "admin",
            "directorypermissions": 0o2777,
            **overrides,
        }

    def write_config(self, extra: dict, **overrides: object) -> None:
        path = self.dirroot / "config.php"
        path.write_text(config_php({**self.settings(**overrides), **extra}))
        path.chmod(0o640)
        shutil.chown(path, "root", WEB_USER)

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    # -- acting on it ---------------------------------------------------------------------------------------------

    def module(self, module_name: str, /, *flags: str, **args: object) -> ModuleRun:
        """Run lms.moodle.<name> on localhost as a playbook task does (AnsiballZ, the collection's own code), with
        dirroot set unless given; flags are ansible options such as --check and --diff."""
        args.setdefault("dirroot", str(self.dirroot))
        env = ansible_env(self.env, ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")
        argv = [
            ANSIBLE,
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-m",
            f"lms.moodle.{module_name}",
            "-a",
            json.dumps(args),
            *flags,
        ]
        completed = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        output = completed.stdout + completed.stderr
        try:
            start = completed.stdout.index("{")
            data = json.loads(completed.stdout[start:])
            result = data["plays"][0]["tasks"][0]["hosts"]["localhost"]
        except (ValueError, KeyError, IndexError) as e:
            raise AssertionError(f"no module result ({e}) in:\n{output}") from None
        return ModuleRun(result, output)

    def php(self, code: str, check: bool = True) -> subprocess.CompletedProcess:
        """PHP code run as the web user after Moodle's bootstrap (config.php), as a CLI script."""
        script = f"define('CLI_SCRIPT', true); require('{self.dirroot}/config.php'); {code}"
        return subprocess.run(
            as_user(WEB_USER, "php", "-r", script),
            cwd=self.dirroot,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
        )

    def cli(self, script: str, *args: str) -> subprocess.CompletedProcess:
        """An admin/cli script run as the web user, as an operator would."""
        argv = as_user(WEB_USER, "php", str(self.dirroot / "admin" / "cli" / script), *args)
        return subprocess.run(argv, cwd=self.dirroot, env=self.env, capture_output=True, text=True, check=False)
