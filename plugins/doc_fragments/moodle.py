# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options of every Moodle module (lms.moodle.moodle); their argument spec is
    # module_utils.moodle_cli.moodle_cli_argument_spec().
    DOCUMENTATION = r"""
options:
  dirroot:
    description:
      - The Moodle code directory.
      - For Moodle 4.4 and 4.5 the directory that holds C(config.php), C(version.php) and C(admin/cli/).
      - For Moodle 5.1 and later either the top directory (which holds C(config.php) and C(public/)) or its
        C(public/) directory; the CLI scripts are then run from C(public/admin/cli/).
    type: path
    required: true
  php_path:
    description:
      - The PHP CLI binary.
      - When omitted, C(php) on the PATH, else the first of C(/usr/bin/php), C(/usr/local/bin/php),
        C(/usr/bin/php8.3), C(/usr/bin/php8.2), C(/usr/bin/php8.1) that exists.
    type: path
  web_user:
    description:
      - The user the Moodle CLI runs as; Moodle requires the user of the web server (PHP-FPM).
      - When the module runs as root it switches with C(runuser) (or C(sudo -n) when runuser is missing); when it
        already runs as this user it runs the scripts directly; any other user is an error (use O(web_user) with
        C(become)).
    type: str
    default: www-data
  timeout:
    description: Seconds a single CLI script may run before it is killed (with its whole process group).
    type: int
    default: 300
notes:
  - The CLI scripts are run with argument lists, never through a shell.
"""
