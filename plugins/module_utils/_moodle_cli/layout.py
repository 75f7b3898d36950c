# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a Moodle tree keeps things: dirroot and config.php (4.x and 5.1+ layouts), version.php, the PHP binary and
the plugin types of lib/components.json, all found without running PHP."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.cfg import check_component, is_core
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.results import MoodleLayoutError

# Where distributions put PHP when it is not on the PATH of the Ansible connection.
PHP_CANDIDATES = (
    "/usr/bin/php",
    "/usr/local/bin/php",
    "/usr/bin/php8.3",
    "/usr/bin/php8.2",
    "/usr/bin/php8.1",
)


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
