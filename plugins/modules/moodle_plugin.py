#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_plugin
short_description: Install or remove an additional Moodle plugin in dirroot and upgrade the database for it
version_added: 0.1.0
description:
  - Puts the code of the plugin O(name) (a frankenstyle name such as C(local_greetings)) from a zip archive, a zip
    URL or a local directory into its directory in O(dirroot), found from its plugin type in
    C(lib/components.json) or the C(db/subplugins.json) of the installed plugins (C(local_greetings) goes to
    C(local/greetings), C(assignsubmission_x) to C(mod/assign/submission/x)).
  - Idempotent by C(version.php) (read as text, without running PHP); the files are replaced only when the
    C($plugin->version) of the source differs from the one in O(dirroot); an older source is refused (Moodle
    cannot downgrade a plugin). The C($plugin->component) of the source must be O(name).
  - The new files are unpacked or copied next to the plugin directory and then swapped in with renames, with
    directories 0755 and files 0644, owned by the user the module runs as (the web user only reads the code).
  - Then, unless O(upgrade=false), runs C(admin/cli/upgrade.php --non-interactive) when C(--is-pending) reports an
    upgrade, purges the caches, and checks that Moodle records the plugin at the new version.
  - With O(state=absent) uninstalls the plugin from the database with C(admin/cli/uninstall_plugins.php
    --plugins=NAME --run) when Moodle records it (unless O(upgrade=false)), then removes its directory.
  - Plugins that ship with Moodle (listed as standard in C(lib/plugins.json)) are part of the release and are
    refused for both states; change them by deploying another Moodle release.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  name:
    description: Frankenstyle name of the plugin, C(<type>_<name>), for example C(local_greetings) or C(mod_board).
    type: str
    required: true
  src:
    description:
      - The plugin to install, required with O(state=present); a zip file on the managed host, an C(http://) or
        C(https://) URL of a zip, or a directory on the managed host.
      - A zip holds the plugin in its one top directory (as zips from moodle.org do) or in its root.
    type: str
  checksum:
    description:
      - The SHA-256 of the zip (file or URL) as C(sha256:<64 hex digits>), the format of the collection's other
        checksums (C(release_checksum), C(moodle_source_checksum)); the module fails when it differs.
    type: str
  state:
    description: V(present) installs or upgrades the plugin; V(absent) uninstalls and removes it.
    type: str
    choices: [present, absent]
    default: present
  upgrade:
    description:
      - Whether to bring the database in line with the code, as the O(web_user), through the Moodle CLI (then the
        site must be installed).
      - With V(false) the module only changes files and runs no PHP (for example while building an image).
    type: bool
    default: true
  validate_certs:
    description: Whether to verify the TLS certificate of an C(https) O(src).
    type: bool
    default: true
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_upgrade
  - module: lms.moodle.moodle_info
notes:
  - Files changed without a new C($plugin->version) are not noticed; Moodle itself needs a new version to upgrade.
  - In a cluster, run the module on every node (the code is local to each node) with O(upgrade=false), then once
    with O(upgrade=true), or deploy the plugin into the image.
  - Checked against C(lib/classes/component.php), C(admin/cli/upgrade.php) and C(admin/cli/uninstall_plugins.php)
    of Moodle 4.4.3+.
"""

EXAMPLES = r"""
- name: Install the Redis lock factory plugin from its release zip
  lms.moodle.moodle_plugin:
    dirroot: /var/www/moodle/current
    name: local_redislock
    src: https://github.com/catalyst/moodle-local_redislock/archive/refs/tags/v2.0.zip
    checksum: "sha256:{{ moodle_redislock_sha256 }}"
  become: true
  run_once: true

- name: Put a plugin into the code tree of an image, without a database
  lms.moodle.moodle_plugin:
    dirroot: /var/www/moodle/release
    name: tool_forcedcache
    src: /srv/build/moodle-tool_forcedcache
    upgrade: false

- name: Remove a plugin
  lms.moodle.moodle_plugin:
    dirroot: /var/www/moodle/current
    name: local_greetings
    state: absent
  become: true
"""

RETURN = r"""
component:
  description: The frankenstyle name of the plugin.
  returned: success
  type: str
  sample: local_greetings
directory:
  description: The plugin's directory in dirroot.
  returned: success
  type: str
  sample: /var/www/moodle/current/local/greetings
from_version:
  description: C($plugin->version) in dirroot before the module ran; null when the plugin was not there.
  returned: success
  type: str
  sample: "2024010100"
to_version:
  description: C($plugin->version) in dirroot after the module ran (predicted in check mode); null when removed.
  returned: success
  type: str
  sample: "2024060100"
db_version:
  description: The version Moodle records for the plugin (null when not installed), before and after; null with
    O(upgrade=false).
  returned: success
  type: dict
  sample: {"before": "2024010100", "after": "2024060100"}
files:
  description: What the module did (or would do) with the files, V(install), V(replace), V(remove) or V(none).
  returned: success
  type: str
upgraded:
  description: Whether C(upgrade.php) ran (or would run, in check mode).
  returned: success
  type: bool
uninstalled:
  description: Whether C(uninstall_plugins.php) ran (or would run, in check mode).
  returned: success
  type: bool
diff:
  description: The plugin's directory, code version and recorded version, before and after.
  returned: success
  type: dict
commands:
  description: The CLI commands the module ran, as argument lists.
  returned: always
  type: list
  elements: list
"""

import hashlib
import os
import re
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    MoodleCLIError,
    cli_from_params,
    locate_layout,
    moodle_cli_argument_spec,
    version_number,
)
from ansible_collections.lms.moodle.plugins.module_utils.moodle_plugins import (
    MoodlePluginError,
    install_files,
    plan,
    plugin_directory,
    read_plugin_version,
    remove_files,
    source_version,
    standard_plugins,
)

URL_RE = re.compile(r"^https?://", re.I)
SHA256_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
MUTATING = ("--non-interactive", "--run")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(module, url, workdir):
    """The zip at url, saved into workdir."""
    response, info = fetch_url(module, url, timeout=module.params["timeout"])
    if info["status"] != 200 or response is None:
        raise MoodlePluginError(f"cannot download {url}: HTTP {info['status']} {info.get('msg', '')}".strip())
    path = os.path.join(workdir, "plugin.zip")
    with open(path, "wb") as handle:
        shutil.copyfileobj(response, handle)
    return path


def resolve_source(module, workdir):
    """(path, is_zip) of src; a URL is downloaded; the checksum of a zip is verified."""
    src = module.params["src"]
    if URL_RE.match(src):
        path, is_zip = download(module, src, workdir), True
    elif os.path.isdir(src):
        path, is_zip = src, False
    elif os.path.isfile(src):
        path, is_zip = src, True
    else:
        raise MoodlePluginError(f"src {src} does not exist")
    checksum = module.params["checksum"]
    if checksum:
        if not is_zip:
            raise MoodlePluginError("checksum applies to a zip; src is a directory")
        actual = sha256(path)
        if f"sha256:{actual}" != checksum:
            raise MoodlePluginError(f"the SHA-256 of {src} is sha256:{actual}, not the checksum {checksum}")
    return path, is_zip


def db_version(cli, name):
    return cli.get_config("version", name)


def refuse_standard(dirroot, name):
    if name in standard_plugins(dirroot):
        raise MoodlePluginError(
            f"{name} is a standard plugin that ships with Moodle (lib/plugins.json); it is part of the release and "
            "is not installed or removed by this module"
        )


def upgrade(cli):
    """upgrade.php --non-interactive and purge_caches.php when an upgrade is pending; whether it ran."""
    if not cli.upgrade_pending():
        return False
    cli.run("upgrade.php", ["--non-interactive"])
    cli.run("purge_caches.php")
    return True


def check_db_not_newer(recorded, wanted, name):
    if recorded is not None and version_number(recorded) > version_number(wanted):
        raise MoodlePluginError(
            f"Moodle records {name} at version {recorded}, newer than the source's {wanted}; Moodle cannot downgrade"
        )


def present(module, cli, target, check_mode, progress):
    name, do_upgrade = module.params["name"], module.params["upgrade"]
    current = read_plugin_version(target)
    recorded = db_version(cli, name) if do_upgrade else None
    workdir = tempfile.mkdtemp(prefix="lms-moodle-plugin-")
    try:
        path, is_zip = resolve_source(module, workdir)
        wanted = source_version(path, is_zip)
        if wanted["component"] != name:
            raise MoodlePluginError(
                f"the source is the plugin {wanted['component'] or '(no $plugin->component)'}, not {name}"
            )
        files = plan(current, wanted)
        check_db_not_newer(recorded, wanted["version"], name)
        if files != "none" and not check_mode:
            install_files(path, is_zip, target)
            progress["files"] = True
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    upgraded, after = False, recorded
    if do_upgrade and check_mode:
        upgraded = recorded != wanted["version"]
        after = wanted["version"]
    elif do_upgrade:
        upgraded = upgrade(cli)
        after = db_version(cli, name)
        if after != wanted["version"]:
            raise MoodleCLIError(f"after the upgrade Moodle records {name} at version {after}, not {wanted['version']}")
    return {
        "files": files,
        "from_version": current["version"] if current else None,
        "to_version": wanted["version"],
        "db_version": {"before": recorded, "after": after} if do_upgrade else None,
        "upgraded": upgraded,
        "uninstalled": False,
        "changed": files != "none" or upgraded,
    }


def uninstall(cli, name):
    result = cli.run("uninstall_plugins.php", [f"--plugins={name}", "--run"])
    if "Can not be uninstalled" in result.stdout:
        raise MoodleCLIError(
            f"Moodle refuses to uninstall {name} (another plugin depends on it, or it is required): "
            f"{result.stdout.strip()}",
            result,
        )


def absent(module, cli, target, check_mode, progress):
    name, do_upgrade = module.params["name"], module.params["upgrade"]
    current = read_plugin_version(target)
    exists = os.path.lexists(target)
    recorded = db_version(cli, name) if do_upgrade else None
    if recorded is not None and not check_mode:
        if current is None:
            raise MoodlePluginError(
                f"Moodle records {name} but its code is not in {target}; uninstall it in Moodle (admin/cli/"
                "uninstall_plugins.php --purge-missing) first"
            )
        uninstall(cli, name)
        if db_version(cli, name) is not None:
            raise MoodleCLIError(f"uninstall_plugins.php ran but Moodle still records {name}")
    if exists and not check_mode:
        remove_files(target)
        progress["files"] = True
    # Moodle compares a hash of every plugin version on disk (allversionshash): after an uninstall or a removed
    # directory it reports an upgrade pending until upgrade.php has run.
    upgraded = False
    if do_upgrade and (exists or recorded is not None) and not check_mode and cli.upgrade_pending():
        upgrade(cli)
        upgraded = True
    return {
        "files": "remove" if exists else "none",
        "from_version": current["version"] if current else None,
        "to_version": None,
        "db_version": {"before": recorded, "after": None} if do_upgrade else None,
        "upgraded": upgraded,
        "uninstalled": recorded is not None,
        "changed": exists or recorded is not None,
    }


def ensure(module, cli, check_mode, progress):
    """Install or remove the plugin; progress["files"] tells a failure whether the files were changed."""
    params = module.params
    # Without the upgrade no PHP runs, so neither config.php nor PHP nor the web user are needed.
    dirroot = cli.prepare().dirroot if params["upgrade"] else locate_layout(params["dirroot"]).dirroot
    target = plugin_directory(dirroot, params["name"])
    refuse_standard(dirroot, params["name"])
    if params["state"] == "present":
        result = present(module, cli, target, check_mode, progress)
    else:
        result = absent(module, cli, target, check_mode, progress)
    recorded = result["db_version"] or {}
    result["diff"] = {
        "before": {"directory": target, "version": result["from_version"], "db_version": recorded.get("before")},
        "after": {"directory": target, "version": result["to_version"], "db_version": recorded.get("after")},
    }
    return {"component": params["name"], "directory": target, **result}


def main():
    argument_spec = moodle_cli_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        src=dict(type="str"),
        checksum=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        upgrade=dict(type="bool", default=True),
        validate_certs=dict(type="bool", default=True),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["src"])],
    )
    if module.params["checksum"] and not SHA256_RE.match(module.params["checksum"]):
        module.fail_json(msg="checksum must be sha256:<64 lower-case hex digits>, as the collection's other checksums")
    cli = cli_from_params(module.params)
    progress = {"files": False}
    try:
        result = ensure(module, cli, module.check_mode, progress)
    except MoodleCLIError as e:
        ran = progress["files"] or any(arg in MUTATING for command in cli.commands for arg in command)
        module.fail_json(changed=ran, commands=cli.commands, **e.to_fail_kwargs())
    module.exit_json(commands=cli.commands, **result)


if __name__ == "__main__":
    main()
