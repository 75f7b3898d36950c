# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The state option of a module that creates or deletes one resource, used as lms.moodle.state; its argument
    # spec is module_utils.arguments.state_option(). A module whose state does more than that (efs_file_system
    # deletes mount targets first) documents its own.
    DOCUMENTATION = r"""
options:
  state:
    description: Whether the resource should exist.
    type: str
    choices: [present, absent]
    default: present
"""
