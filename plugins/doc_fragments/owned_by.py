# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The owned_by option of a module that deletes a resource it finds by name, used as lms.moodle.owned_by; its
    # argument spec is module_utils.arguments.owned_by_option(), its check module_utils.tags.not_owned().
    DOCUMENTATION = r"""
options:
  owned_by:
    description:
      - With O(state=absent), the tags the resource must carry to be deleted, for example C(ManagedBy=lms.moodle) and
        C(Environment=prod) (what the collection's roles pass, from P(lms.moodle.owner_tags#filter)).
      - A resource found by its name that lacks any of them, or carries another value (one made by hand, or another
        environment's), is left alone, with a warning naming the tags it carries; the module reports no change.
      - Omitted, the resource is deleted whatever its tags.
    type: dict
"""
