# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The wait and wait_timeout options, used as lms.moodle.wait; their argument spec is
    # module_utils.arguments.wait_options(). A module with another default timeout documents its own (a fragment
    # holds one default). What a module waits for before it changes an existing resource is said in its notes.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until the resource is available after a creation or modification, or gone after a deletion.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds each wait may take before the module fails.
    type: int
    default: 1800
"""
