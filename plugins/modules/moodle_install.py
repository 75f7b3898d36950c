#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: moodle_install
short_description: Install the database of a Moodle site through admin/cli/install_database.php
version_added: 0.1.0
description:
  - Installs the Moodle database of the site in O(dirroot) with C(admin/cli/install_database.php), against the
    C(config.php) that already exists there (template it first, for example with M(ansible.builtin.template)).
  - Reads the state first. A site that is installed is left alone (C(changed=false)); the options are only used
    when installing and never change an installed site (use M(lms.moodle.moodle_config) for settings).
  - Refuses a partly installed database with an error that names what is left over, because Moodle cannot install
    over existing tables. Partly installed means a C(config) table without a version, or a recorded core version
    without C(rolesactive) (the install stopped while installing plugins or the admin account); tables without a
    C(config) table are found when C(install_database.php) refuses them, so check mode cannot predict that case.
  - Runs the install on one host only; use C(run_once) when several web nodes share the database.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  admin_password:
    description:
      - Password of the admin account (C(--adminpass)).
      - Never returned; it is masked in the commands, the output, errors and warnings.
    type: str
    required: true
  admin_user:
    description:
      - Username of the admin account (C(--adminuser)); lower case, as Moodle stores usernames. Not V(guest).
    type: str
    default: admin
  admin_email:
    description: Email address of the admin account (C(--adminemail)).
    type: str
  fullname:
    description: Full name of the site (C(--fullname)).
    type: str
  shortname:
    description: Short name of the site (C(--shortname)).
    type: str
  summary:
    description: Summary shown on the front page (C(--summary)).
    type: str
  support_email:
    description:
      - Email address for support and help (C(--supportemail)); Moodle uses O(admin_email) when it is omitted.
    type: str
  lang:
    description:
      - Installation and default site language (C(--lang)).
      - Must exist in C(install/lang/) of O(dirroot). Any language other than V(en) makes Moodle download its
        language pack from C(download.moodle.org); a failed download is returned as a warning.
    type: str
    default: en
  agree_license:
    description:
      - Agreement with the license of Moodle (GNU GPL v3 or later), which C(install_database.php) requires
        (C(--agree-license)). Must be V(true).
    type: bool
    default: false
extends_documentation_fragment:
  - lms.moodle.moodle
  - lms.moodle.attributes.check_mode_full_diff_full
seealso:
  - module: lms.moodle.moodle_info
  - module: lms.moodle.moodle_config
  - module: lms.moodle.moodle_upgrade
notes:
  - C(install_database.php) reads the admin password from its command line only, so it is visible in the process
    list of the host while the install runs.
  - Checked against C(admin/cli/install_database.php) of Moodle 4.4.3+.
"""

EXAMPLES = r"""
- name: Install the Moodle database against the templated config.php
  lms.moodle.moodle_install:
    dirroot: /var/www/moodle/current
    web_user: www-data
    fullname: Example University
    shortname: EXU
    admin_user: admin
    admin_password: "{{ moodle_admin_password }}"
    admin_email: moodle-admin@example.org
    support_email: support@example.org
    agree_license: true
  become: true
  run_once: true
"""

RETURN = r"""
installed:
  description: Whether the site is installed after the module ran (predicted in check mode).
  returned: success
  type: bool
  sample: true
db_version:
  description: The version recorded in the database after the module ran (predicted in check mode).
  returned: success
  type: str
  sample: "2024042203.01"
code:
  description: The version of the code in dirroot, from C(version.php).
  returned: success
  type: dict
  contains:
    version:
      description: C($version).
      type: str
      sample: "2024042203.01"
    release:
      description: C($release).
      type: str
      sample: 4.4.3+ (Build 20240903)
    branch:
      description: C($branch).
      type: str
      sample: "404"
    maturity:
      description: C($maturity) (the constant name).
      type: str
      sample: MATURITY_STABLE
diff:
  description: Whether the site was installed and its database version, before and after.
  returned: success
  type: dict
  sample: {"before": {"installed": false, "db_version": null},
           "after": {"installed": true, "db_version": "2024042203.01"}}
commands:
  description: The commands the module ran, as argument lists, with the admin password masked.
  returned: always
  type: list
  elements: list
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lms.moodle.plugins.module_utils.moodle_cli import (
    PARTIAL_ADVICE,
    MoodleCLIError,
    MoodleDatabaseError,
    MoodlePartialInstallError,
    cli_from_params,
    failure,
    moodle_cli_argument_spec,
    output_tail,
    partial_install_error,
)

INSTALLER = "install_database.php"

# clean_param(PARAM_SAFEDIR) of install_database.php keeps only these characters.
LANG_RE = re.compile(r"^[A-Za-z0-9_-]+$")
# The option of the module -> the option of install_database.php (only those given are passed).
CLI_OPTIONS = (
    ("lang", "lang"),
    ("admin_user", "adminuser"),
    ("admin_password", "adminpass"),
    ("admin_email", "adminemail"),
    ("fullname", "fullname"),
    ("shortname", "shortname"),
    ("summary", "summary"),
    ("support_email", "supportemail"),
)


def validate(params):
    """Raise MoodleCLIError naming the option that install_database.php would refuse or silently ignore."""
    if not params["agree_license"]:
        raise MoodleCLIError("agree_license must be true: install_database.php installs only with --agree-license")
    if not params["admin_password"]:
        raise MoodleCLIError("admin_password must not be empty")
    user = params["admin_user"]
    if not user or user != user.strip().lower() or user == "guest":
        raise MoodleCLIError(f"admin_user {user!r} is not usable: it must be a lower-case username other than guest")
    if not LANG_RE.match(params["lang"] or ""):
        raise MoodleCLIError(f"lang {params['lang']!r} is not a language code such as en or de")


def check_lang(cli, lang):
    """install_database.php silently installs in English when install/lang/<lang> is missing; fail instead."""
    path = os.path.join(cli.prepare().dirroot, "install", "lang", lang)
    if not os.path.isdir(path):
        raise MoodleCLIError(f"lang {lang}: this Moodle has no installer language {lang} ({path} does not exist)")


def install_args(params):
    """The arguments of install_database.php, in a fixed order: (public ones, secret ones). The password goes to
    the script on its standard input, not on its command line."""
    args = [f"--{cli_name}={params[name]}" for name, cli_name in CLI_OPTIONS if params[name] is not None]
    args.append("--agree-license")
    secret = [arg for arg in args if arg.startswith("--adminpass=")]
    return [arg for arg in args if arg not in secret], secret


def install_failure(result):
    """The error of a failed install_database.php: tables present and an unreachable database as the runner
    classifies them; anything else (environment, plugin dependencies, a failure half-way) with the advice for the
    tables it may have left."""
    error = failure(result, INSTALLER)
    if isinstance(error, (MoodlePartialInstallError, MoodleDatabaseError)):
        return error
    return MoodleCLIError(
        f"{INSTALLER} failed with exit code {result.rc}: {output_tail(result)}\n"
        f"If it created tables before it stopped, {PARTIAL_ADVICE}",
        result,
    )


def summary(state):
    return {"installed": state["installed"], "db_version": state["db_version"]}


def ensure(cli, params, check_mode, warn):
    """Read, install when the database is empty, re-read: (changed, code, before, after)."""
    check_lang(cli, params["lang"])
    code = cli.version_info()
    state = cli.install_state()
    if state["partial"]:
        raise partial_install_error(state)
    before = summary(state)
    if state["installed"]:
        return False, code, before, before
    if check_mode:
        return True, code, before, {"installed": True, "db_version": code["version"]}
    public, secret = install_args(params)
    result = cli.run(INSTALLER, public, ok_rcs=None, secret_args=secret)
    if result.rc != 0:
        raise install_failure(result)
    if result.stderr.strip():
        # cli_problem(): a language pack that could not be downloaded does not stop the install.
        warn(f"{INSTALLER} reported: " + result.stderr.strip())
    state = cli.install_state()
    if not state["installed"]:
        raise MoodleCLIError(
            f"{INSTALLER} finished but the site does not read as installed"
            + (f": {state['reason']}" if state["reason"] else ""),
            result,
        )
    return True, code, before, summary(state)


def main():
    argument_spec = moodle_cli_argument_spec()
    argument_spec.update(
        admin_password=dict(type="str", required=True, no_log=True),
        admin_user=dict(type="str", default="admin"),
        admin_email=dict(type="str"),
        fullname=dict(type="str"),
        shortname=dict(type="str"),
        summary=dict(type="str"),
        support_email=dict(type="str"),
        lang=dict(type="str", default="en"),
        agree_license=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    cli = cli_from_params(module.params, secrets=[module.params["admin_password"]])
    try:
        validate(module.params)
        changed, code, before, after = ensure(
            cli, module.params, module.check_mode, lambda text: module.warn(cli.redact(text))
        )
    except MoodleCLIError as e:
        kwargs = e.to_fail_kwargs()
        kwargs["msg"] = cli.redact(kwargs["msg"])
        ran = any("--agree-license" in command for command in cli.commands)
        module.fail_json(changed=ran, commands=cli.commands, **kwargs)
    module.exit_json(
        changed=changed,
        installed=after["installed"],
        db_version=after["db_version"],
        code=code,
        commands=cli.commands,
        diff={"before": before, "after": after},
    )


if __name__ == "__main__":
    main()
