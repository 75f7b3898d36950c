# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Questions for the controller's systemd, asked while a task is templated: no module process for a yes or no."""

from __future__ import annotations

import shutil
import subprocess

from ansible.errors import AnsibleFilterError


def calendar_problem(expression) -> str:
    """Why the controller's systemd cannot parse `expression` as an OnCalendar= value; empty when it can, or when the
    controller has no systemd-analyze to ask (the node's systemd decides later, in the role's preflight)."""
    if not isinstance(expression, str):
        raise AnsibleFilterError(f"calendar_problem takes a string, got {type(expression).__name__}")
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return ""
    # An argument vector, never a shell: the expression is the user's text.
    result = subprocess.run(
        [analyze, "calendar", "--", expression], capture_output=True, text=True, check=False, timeout=30
    )  # fmt: skip
    if result.returncode == 0:
        return ""
    return result.stderr.strip() or f"systemd-analyze calendar exited with {result.returncode}"


class FilterModule:
    def filters(self):
        return {"calendar_problem": calendar_problem}
