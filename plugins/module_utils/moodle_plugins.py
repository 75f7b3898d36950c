# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moodle plugin code on disk: frankenstyle name -> directory, version.php of a plugin, and the files of a plugin
taken from a zip archive or a directory and swapped into dirroot. Nothing here runs PHP.

Moodle facts this relies on (checked against Moodle 4.4.3+):
- lib/classes/component.php normalize_component(): a component is <type>_<name>, split at the first underscore;
  is_valid_plugin_name(): activity modules (mod) match ^[a-z][a-z0-9]*$ and must not be named like a subsystem,
  other plugins match ^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$.
- Plugin types map to directories in lib/components.json (plugintypes); plugins add subplugin types in their
  db/subplugins.json (read by moodle_cli.load_components()).
- A plugin's version.php sets $plugin->version (YYYYMMDDXX, maybe with decimals) and $plugin->component.
- lib/plugins.json lists under "standard" the plugins that ship with Moodle (core_plugin_manager::
  standard_plugins_list()).
- Plugin zips (moodle.org/plugins) hold one top directory named after the plugin with version.php in it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from typing import Any

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    MoodleCLI,
    MoodleCLIError,
    failure,
    load_components,
    marker_json,
    plugin_candidates,
)

TYPE_RE = re.compile(r"^[a-z][a-z0-9]*$")
MOD_NAME_RE = re.compile(r"^[a-z][a-z0-9]*$")
PLUGIN_NAME_RE = re.compile(r"^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$")
TEMP_PREFIX = ".lms-moodle-"
INSTALLED_MARKER = "LMS_MOODLE_PLUGINS_JSON:"
INSTALLED_LABEL = "lms.moodle installed-plugins query"
# Run with `php -r` as the web user: the version recorded for each plugin (config_plugins, name "version").
INSTALLED_PHP = r"""
define('CLI_SCRIPT', true);
require(stream_get_contents(STDIN));
$versions = $DB->get_records_menu('config_plugins', ['name' => 'version'], '', 'plugin, value');
echo "\nLMS_MOODLE_PLUGINS_JSON:" . json_encode((object)$versions) . "\n";
"""


class MoodlePluginError(MoodleCLIError):
    """A plugin name, source or directory that cannot be used."""


def split_component(component: str) -> tuple[str, str]:
    """(type, name) of a frankenstyle plugin name; MoodlePluginError naming the rule it breaks."""
    plugin_type, sep, name = component.partition("_")
    if not sep or not TYPE_RE.match(plugin_type) or not name:
        raise MoodlePluginError(
            f"invalid frankenstyle plugin name {component!r}: expected <type>_<name> in lower case, such as "
            "local_greetings or mod_board"
        )
    pattern = MOD_NAME_RE if plugin_type == "mod" else PLUGIN_NAME_RE
    if not pattern.match(name):
        rule = "letters and digits only" if plugin_type == "mod" else "lower-case letters, digits and single _"
        raise MoodlePluginError(
            f"invalid frankenstyle plugin name {component!r}: the name part {name!r} must be {rule}"
        )
    return plugin_type, name


def plugin_directory(dirroot: str, component: str) -> str:
    """The directory of a plugin in dirroot, by its type in lib/components.json or the subplugins of the tree."""
    plugin_type, name = split_component(component)
    types, subsystems = load_components(dirroot)
    if plugin_type == "mod" and name in subsystems:
        raise MoodlePluginError(f"invalid plugin name {component!r}: activity modules cannot be named like a subsystem")
    if plugin_type not in types:
        raise MoodlePluginError(
            f"unknown plugin type {plugin_type!r} in {component!r}: not in lib/components.json nor a subplugin type of "
            f"an installed plugin (known types: {', '.join(sorted(types))})"
        )
    return os.path.join(dirroot, types[plugin_type], name)


def standard_plugins(dirroot: str) -> set[str]:
    """The components of the plugins that ship with Moodle (lib/plugins.json)."""
    path = os.path.join(dirroot, "lib", "plugins.json")
    try:
        with open(path, encoding="utf-8") as handle:
            standard = json.load(handle)["standard"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise MoodlePluginError(f"cannot read the standard plugins of Moodle from {path}: {e}") from None
    return {f"{plugin_type}_{name}" for plugin_type, names in standard.items() for name in names}


def parse_plugin_version(text: str) -> dict[str, str | None]:
    """$plugin->version and $plugin->component of the text of a plugin's version.php."""

    def assignment(name: str, value: str) -> str | None:
        match = re.search(rf"^\s*\$plugin->{name}\s*=\s*{value}\s*;", text, re.M)
        return match.group(1) if match else None

    version = assignment("version", r"([0-9]+(?:\.[0-9]+)?)")
    if version is None:
        raise ValueError("no $plugin->version assignment found")
    return {"version": version, "component": assignment("component", r"""['"]([a-z0-9_]+)['"]""")}


def read_plugin_version(directory: str) -> dict[str, str | None] | None:
    """version and component of the plugin in directory; None when there is no version.php."""
    path = os.path.join(directory, "version.php")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise MoodlePluginError(f"cannot read {path}: {e.strerror}") from None
    try:
        return parse_plugin_version(text)
    except ValueError as e:
        raise MoodlePluginError(f"{path} is not the version.php of a plugin: {e}") from None


def zip_root(names: list[str]) -> str:
    """The directory of a plugin zip that holds version.php: its single top directory, or the zip root."""
    if "version.php" in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names if name.strip("/")}
    if len(tops) == 1:
        top = tops.pop()
        if f"{top}/version.php" in names:
            return top + "/"
    raise MoodlePluginError("the zip holds no plugin: expected version.php in its root or in its one top directory")


def extract_zip(archive: str, destination: str) -> None:
    """Extract the plugin in archive (its root or its top directory) into destination; refuses unsafe members."""
    try:
        with zipfile.ZipFile(archive) as handle:
            members = handle.infolist()
            root = zip_root([member.filename for member in members])
            for member in members:
                name = member.filename
                if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                    raise MoodlePluginError(f"the zip holds an unsafe path {name!r}")
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise MoodlePluginError(f"the zip holds a symbolic link {name!r}")
                if not name.startswith(root) or name == root:
                    continue
                target = os.path.join(destination, name[len(root) :])
                if name.endswith("/"):
                    os.makedirs(target, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with handle.open(member) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy)
    except (zipfile.BadZipFile, OSError) as e:
        raise MoodlePluginError(f"cannot extract {archive}: {e}") from None


def source_version(source: str, is_zip: bool) -> dict[str, str | None]:
    """version and component of the plugin in a zip or a directory."""
    if not is_zip:
        found = read_plugin_version(source)
        if found is None:
            raise MoodlePluginError(f"{source} holds no plugin: version.php is missing")
        return found
    try:
        with zipfile.ZipFile(source) as handle:
            root = zip_root(handle.namelist())
            text = handle.read(root + "version.php").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        raise MoodlePluginError(f"{source} is not a readable zip: {e}") from None
    try:
        return parse_plugin_version(text)
    except ValueError as e:
        raise MoodlePluginError(f"the version.php in {source} is not the version.php of a plugin: {e}") from None


def make_readable(directory: str) -> None:
    """Directories 0755 and files 0644: the web user reads the code, only the deploying user writes it."""
    os.chmod(directory, 0o755)
    for base, dirs, files in os.walk(directory):
        for name in dirs:
            os.chmod(os.path.join(base, name), 0o755)
        for name in files:
            os.chmod(os.path.join(base, name), 0o644)


def install_files(source: str, is_zip: bool, target: str) -> None:
    """Put the plugin of source at target: unpack or copy next to it, then swap it in with renames."""
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        raise MoodlePluginError(f"the directory {parent} of this plugin type does not exist in dirroot")
    staging = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent)
    new = os.path.join(staging, "new")
    try:
        if is_zip:
            os.mkdir(new)
            extract_zip(source, new)
        else:
            shutil.copytree(source, new, ignore=shutil.ignore_patterns(".git"))
        make_readable(new)
        if os.path.lexists(target):
            os.rename(target, os.path.join(staging, "old"))
        os.rename(new, target)
    except OSError as e:
        raise MoodlePluginError(f"cannot install the plugin files at {target}: {e}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_files(target: str) -> None:
    try:
        shutil.rmtree(target)
    except OSError as e:
        raise MoodlePluginError(f"cannot remove {target}: {e}") from None


def plan(current: dict[str, Any] | None, wanted: dict[str, Any]) -> str:
    """What to do with the files: install (none there), replace (older there), none (same version)."""
    if current is None:
        return "install"
    if current["version"] == wanted["version"]:
        return "none"
    if float(current["version"]) > float(wanted["version"]):
        raise MoodlePluginError(
            f"the source holds version {wanted['version']}, older than the version {current['version']} in dirroot; "
            "Moodle cannot downgrade a plugin"
        )
    return "replace"


def disk_plugins(dirroot: str) -> dict[str, str]:
    """component -> $plugin->version of every plugin (and subplugin) with a version.php in the tree."""
    types, _subsystems = load_components(dirroot)
    found = {}
    for plugin_type, directory in sorted(types.items()):
        for name, path in plugin_candidates(dirroot, directory):
            try:
                version = read_plugin_version(path)
            except MoodlePluginError:
                continue
            if version is not None:
                found[f"{plugin_type}_{name}"] = version["version"]
    return found


def installed_plugins(cli: MoodleCLI) -> dict[str, str]:
    """component -> version recorded in the database of the site (what Moodle installed)."""
    layout = cli.prepare()
    result = cli.run_php_code(INSTALLED_PHP, INSTALLED_LABEL, input_text=layout.config_php)
    data = marker_json(result, INSTALLED_MARKER)
    if not isinstance(data, dict):
        raise failure(result, INSTALLED_LABEL)
    return {str(key): str(value) for key, value in data.items()}


def plugin_report(disk: dict[str, str], installed: dict[str, str]) -> dict[str, Any]:
    """Plugins on disk against plugins installed: what the next upgrade would install, upgrade, or miss."""
    return {
        "disk": disk,
        "installed": {name: version for name, version in installed.items() if name != "core"},
        "not_installed": sorted(set(disk) - set(installed)),
        "upgrade_pending": sorted(name for name in disk if name in installed and installed[name] != disk[name]),
        "missing_from_disk": sorted(name for name in installed if name not in disk and name != "core"),
    }
