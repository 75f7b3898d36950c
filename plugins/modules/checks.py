#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: checks
short_description: Check a role's input in one task and report every check that fails
version_added: 0.1.0
description:
  - Evaluates a list of checks on the controller, in order. A check holds when every condition of O(checks[].that)
    is true; a check whose O(checks[].when) is false is skipped.
  - Fails with the message of B(every) check that does not hold, joined in order, so the user sees all of a role's
    mistakes in one run. M(ansible.builtin.assert) stops at the first.
  - A check's message is rendered only when the check fails, and its conditions only when its O(checks[].when)
    holds. A check that raises an error after an earlier check failed is not reported, since the earlier message
    names the mistake. A check that raises an error when no check before it failed is reported with the error.
  - One task instead of one M(ansible.builtin.assert) per check. Every playbook validates the input of every role
    before it changes anything, and each task costs time on the controller.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  checks:
    description:
      - The checks, in the order they are evaluated.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What the check is for; it names the check in RV(failed_checks).
        type: str
      that:
        description: A condition or a list of conditions, as in M(ansible.builtin.assert); all must be true.
        type: raw
        required: true
      msg:
        description: What to tell the user when the check fails. Name the variable they set and the value they gave.
        type: str
        required: true
      when:
        description: A condition or a list of conditions; when one is false the check is skipped.
        type: raw
attributes:
  check_mode:
    support: full
    description: Nothing is changed in any mode.
  diff_mode:
    support: none
    description: Nothing is changed.
notes:
  - Runs on the controller only, as an action plugin. Needs ansible-core 2.19 or later.
seealso:
  - module: ansible.builtin.assert
"""

EXAMPLES = r"""
- name: Check the PHP settings
  lms.moodle.checks:
    checks:
      - name: Moodle's minimum of input variables
        that: webserver_php_max_input_vars | int >= 5000
        msg: webserver_php_max_input_vars must be at least 5000 (got {{ webserver_php_max_input_vars }}).
      - name: The request time limits agree
        that: webserver_fpm_request_terminate_timeout | int >= webserver_php_max_execution_time | int
        msg: >-
          webserver_fpm_request_terminate_timeout must be at least webserver_php_max_execution_time.
        when: webserver_fpm_request_terminate_timeout | int != 0
"""

RETURN = r"""
msg:
  description: The messages of the checks that failed, in order, or how many checks passed.
  returned: always
  type: str
checked:
  description: How many checks were given.
  returned: always
  type: int
failed_checks:
  description: The names (or positions) of the checks that failed.
  returned: failed
  type: list
  elements: str
"""
