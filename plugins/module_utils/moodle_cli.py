# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one runner of the Moodle CLI that every lms.moodle Moodle module uses, imported from here.

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

The code lives in _moodle_cli/ by concern: layout (dirroot, config.php, version.php, PHP), process (running PHP as
the web user, redaction), cfg (the cfg.php contract), results (results, errors, failure classification) and runner
(MoodleCLI). This module is the stable import path for modules and tests.
"""

from __future__ import annotations

from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.cfg import (
    CFG_FORCED,
    CFG_NOT_SET,
    CFG_OK,
    CFG_USAGE,
    COMPONENT_RE,
    CORE_COMPONENTS,
    SETTING_NAME_RE,
    UPGRADE_NOT_PENDING,
    UPGRADE_PENDING,
    cfg_args,
    check_component,
    check_setting_name,
    is_core,
    normalize_value,
    parse_json_value,
    setting_label,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.layout import (
    PHP_CANDIDATES,
    MoodleLayout,
    component_problem,
    find_php,
    load_components,
    locate_layout,
    parse_version_php,
    plugin_candidates,
    version_number,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.process import (
    REDACTED,
    current_user_name,
    privilege_prefix,
    redact,
    run_process,
    secret_variants,
    unreadable_by,
    user_exists,
    user_groups,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.results import (
    MSG_DB_CONNECT,
    MSG_DB_READ,
    MSG_DOWNGRADE,
    MSG_NO_VERSION,
    MSG_STALE,
    MSG_TABLES_EXIST,
    PARTIAL_ADVICE,
    CLIResult,
    MoodleCLIError,
    MoodleDatabaseError,
    MoodleLayoutError,
    MoodleNotInstalledError,
    MoodlePartialInstallError,
    MoodleSettingForcedError,
    MoodleTimeoutError,
    failure,
    marker_json,
    output_tail,
    partial_install_error,
)
from ansible_collections.lms.moodle.plugins.module_utils._moodle_cli.runner import (
    DEFAULT_TIMEOUT,
    DEFAULT_WEB_USER,
    MoodleCLI,
    check_components,
    cli_from_params,
    moodle_cli_argument_spec,
)

__all__ = [
    "CFG_FORCED",
    "CFG_NOT_SET",
    "CFG_OK",
    "CFG_USAGE",
    "CLIResult",
    "COMPONENT_RE",
    "CORE_COMPONENTS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WEB_USER",
    "MSG_DB_CONNECT",
    "MSG_DB_READ",
    "MSG_DOWNGRADE",
    "MSG_NO_VERSION",
    "MSG_STALE",
    "MSG_TABLES_EXIST",
    "MoodleCLI",
    "MoodleCLIError",
    "MoodleDatabaseError",
    "MoodleLayout",
    "MoodleLayoutError",
    "MoodleNotInstalledError",
    "MoodlePartialInstallError",
    "MoodleSettingForcedError",
    "MoodleTimeoutError",
    "PARTIAL_ADVICE",
    "PHP_CANDIDATES",
    "REDACTED",
    "SETTING_NAME_RE",
    "UPGRADE_NOT_PENDING",
    "UPGRADE_PENDING",
    "cfg_args",
    "check_component",
    "check_components",
    "check_setting_name",
    "cli_from_params",
    "component_problem",
    "current_user_name",
    "failure",
    "find_php",
    "is_core",
    "load_components",
    "locate_layout",
    "marker_json",
    "moodle_cli_argument_spec",
    "normalize_value",
    "output_tail",
    "parse_json_value",
    "parse_version_php",
    "partial_install_error",
    "plugin_candidates",
    "privilege_prefix",
    "redact",
    "run_process",
    "secret_variants",
    "setting_label",
    "unreadable_by",
    "user_exists",
    "user_groups",
    "version_number",
]
