# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Attributes of the lms.moodle modules, used as lms.moodle.attributes.<variable>. A module that says more
    # about one attribute gives it in its own attributes entry (elasticache_replication_group: diff_mode); the
    # keys the module gives win over the fragment's, the others (support) still come from here.

    # A module that manages a resource, predicts its change in check mode and returns it before and after.
    CHECK_MODE_FULL_DIFF_FULL = r"""
attributes:
  check_mode:
    support: full
    description: Predicts the change without making it.
  diff_mode:
    support: full
    description: Returns the resource before and after the change.
"""

    # An _info module: it only reads, so it runs the same in check mode.
    INFO = r"""
attributes:
  check_mode:
    support: full
    description: Read-only.
"""
