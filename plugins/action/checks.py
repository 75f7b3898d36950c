# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of lms.moodle.checks: a role's input checks in one task, every refusal reported together.

A role's preflight was one assert task per check: on the controller each costs a task's overhead (about 0.06 s),
and a preflight of every role ran a hundred of them before each playbook did anything. Here a role's checks are
evaluated in one task, in order, and all the checks that fail are reported, not only the first.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase

_FIELDS = frozenset(("name", "that", "msg", "when"))


def _listify(value: t.Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class ActionModule(ActionBase):
    """Evaluate a list of {that, msg, when} checks; fail with the message of every check that does not hold."""

    _requires_connection = False
    _VALID_ARGS = frozenset(("checks",))

    @classmethod
    def finalize_task_arg(cls, name: str, value: t.Any, templar: t.Any, context: t.Any) -> t.Any:
        # A check's message is rendered only when the check fails and its condition only when its `when` holds: a
        # message may name what exists only then (a value of the wrong type, a stat result that was skipped).
        if name == "checks" and isinstance(value, list):
            return value
        return super().finalize_task_arg(name, value, templar, context)

    def _check_shapes(self, checks: t.Any) -> list[dict]:
        if not isinstance(checks, list) or not checks:
            raise AnsibleActionFail("checks must be a non-empty list of {that, msg} mappings")
        for index, check in enumerate(checks):
            if not isinstance(check, dict) or "that" not in check or "msg" not in check:
                raise AnsibleActionFail(f"checks[{index}] must be a mapping with 'that' and 'msg'")
            unknown = set(check) - _FIELDS
            if unknown:
                raise AnsibleActionFail(f"checks[{index}] has unknown keys {sorted(unknown)}: use {sorted(_FIELDS)}")
        return checks

    def _holds(self, conditions: list) -> bool:
        return all(self._templar.evaluate_conditional(condition) for condition in conditions)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        checks = self._check_shapes(self._task.args.get("checks"))
        refusals: list[str] = []
        failed_checks: list[str] = []
        for index, check in enumerate(checks):
            label = check.get("name") or f"checks[{index}]"
            try:
                if not self._holds(_listify(check.get("when"))) or self._holds(_listify(check["that"])):
                    continue
                message = str(self._templar.template(check["msg"]))
            except AnsibleError as error:
                # A check that cannot be evaluated after an earlier one failed is about the same mistake (a number
                # given as text, say): the earlier message says what to fix. Alone, the error is the refusal.
                if refusals:
                    continue
                message = f"{label}: {error.message}"
            refusals.append(" ".join(message.split()))
            failed_checks.append(label)
        result["changed"] = False
        result["checked"] = len(checks)
        if refusals:
            result["failed"] = True
            result["failed_checks"] = failed_checks
            result["msg"] = " ".join(refusals)
        else:
            result["msg"] = f"All {len(checks)} checks passed"
        return result
