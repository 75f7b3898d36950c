#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: apt_lists
short_description: Refresh APT's package lists when they are missing, incomplete or stale
version_added: 0.1.0
description:
  - Runs C(apt-get update) when a configured source has no package index on disk, or when the last successful
    refresh is older than O(max_age) seconds or unknown. Otherwise it does nothing.
  - M(ansible.builtin.apt)'s C(cache_valid_time) judges the lists by the modification time of
    C(/var/lib/apt/lists) when no update-success stamp exists. Emptying that directory (as image builds do to keep
    images small) makes it look freshly refreshed, so for an hour nothing is refreshed and no package can be
    found. The modification times of the index files do not help either, since APT gives them the mirror's
    C(Last-Modified) time. This module therefore asks APT which index each source needs
    (C(apt-get indextargets)) and looks for it, and dates the last refresh by the update-success stamp
    C(/var/lib/apt/periodic/update-success-stamp), which it touches after every successful refresh. The stamp is
    the one Ubuntu's APT hook writes and M(ansible.builtin.apt) reads, so both agree afterwards.
  - A refresh that fails (an unreachable mirror, a bad signature) is retried, then fails naming APT's error.
author:
  - lms.moodle maintainers (@lms-moodle)
options:
  max_age:
    description:
      - How old, in seconds, the last successful refresh may be. V(0) refreshes on every run.
    type: int
    default: 3600
  retries:
    description:
      - How many times a failed C(apt-get update) is tried in all, waiting 5, 10, 15... seconds between tries, for
        a mirror or network hiccup or the lists lock held by APT's daily timer on a freshly booted instance.
    type: int
    default: 5
attributes:
  check_mode:
    support: full
    description:
      - Says whether a refresh is due without running it. Roles that must predict package installs in check mode
        run this module with O(ignore:check_mode=false) on the task.
  diff_mode:
    support: none
    description: The package lists are not shown; RV(reason) and RV(missing) say why they were refreshed.
notes:
  - Debian and Ubuntu (APT 1.1 or later, for C(apt-get indextargets)).
seealso:
  - module: ansible.builtin.apt
"""

EXAMPLES = r"""
- name: Refresh the package lists when they are missing, incomplete or older than an hour
  lms.moodle.apt_lists:
    max_age: 3600
  check_mode: false

- name: Install Apache, trusting the lists just checked
  ansible.builtin.apt:
    name: apache2
"""

RETURN = r"""
refreshed:
  description: Whether C(apt-get update) ran (would run, in check mode).
  returned: always
  type: bool
reason:
  description: Why the lists were refreshed, or V(fresh).
  returned: always
  type: str
  sample: "no index on disk for http://deb.debian.org/debian/ bookworm main"
missing:
  description: The sources (repository, suite, component) that had no package index on disk before the run.
  returned: always
  type: list
  elements: str
age:
  description: Seconds since the last successful refresh before the run, or null when unknown.
  returned: always
  type: int
stamp:
  description: The update-success stamp that dates the last refresh.
  returned: always
  type: str
  sample: /var/lib/apt/periodic/update-success-stamp
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

STAMP = "/var/lib/apt/periodic/update-success-stamp"
# The forms APT keeps an index in (Acquire::GzipIndexes and KeepCompressedAs), uncompressed first.
INDEX_SUFFIXES = ("", ".lz4", ".zst", ".gz", ".xz", ".bz2", ".lzma")
FIELDS = "$(FILENAME)\t$(REPO_URI)\t$(RELEASE)\t$(COMPONENT)"
RETRY_DELAY = 5
C_LOCALE = {"LANG": "C", "LC_ALL": "C", "LANGUAGE": "C"}


def expected_indexes(module, apt_get):
    """{source: [index file without compression suffix]}: every package index the configured sources can give.

    Without release information APT lists every index a source might have (binary-all too); a source counts as
    present when any one of them is on disk."""
    rc, out, err = module.run_command(
        [apt_get, "indextargets", "--no-release-info", "--format", FIELDS, "Identifier: Packages"],
        environ_update=C_LOCALE,
    )
    if rc != 0:
        module.fail_json(msg=f"apt-get indextargets failed: {err.strip() or out.strip()}", rc=rc)
    sources = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) != 4:
            continue
        filename, repository, release, component = fields
        source = " ".join(part for part in (repository, release, component) if part)
        sources.setdefault(source, []).append(filename)
    return sources


def missing_sources(sources):
    """The sources none of whose package indexes exists on disk, in any of APT's compressions."""
    return sorted(
        source
        for source, files in sources.items()
        if not any(os.path.exists(name + suffix) for name in files for suffix in INDEX_SUFFIXES)
    )


def refresh_age(now):
    """Seconds since the last successful refresh, or None when no stamp dates it."""
    try:
        return max(0, int(now - os.stat(STAMP).st_mtime))
    except FileNotFoundError:
        return None


def why_refresh(missing, age, max_age):
    """The reason to refresh, or None when the lists are complete and young enough."""
    if missing:
        return "no index on disk for " + ", ".join(missing)
    if age is None:
        return f"no record of a successful refresh ({STAMP} is missing)"
    if age >= max_age:
        return f"the last refresh is {age} s old (max_age {max_age})"
    return None


def update(module, apt_get, retries):
    """apt-get update until it succeeds, at most `retries` times; fails naming APT's last error."""
    for attempt in range(1, retries + 1):
        rc, out, err = module.run_command([apt_get, "update", "-q"], environ_update=C_LOCALE)
        if rc == 0:
            break
        if attempt == retries:
            errors = [line for line in (err + out).splitlines() if line.startswith(("E:", "W:", "Err:"))]
            module.fail_json(
                msg=f"apt-get update failed {retries} times: " + ("; ".join(errors) or err.strip() or out.strip()),
                rc=rc,
                stdout=out,
                stderr=err,
            )
        time.sleep(RETRY_DELAY * attempt)
    os.makedirs(os.path.dirname(STAMP), exist_ok=True)
    with open(STAMP, "a", encoding="utf-8"):
        pass
    os.utime(STAMP, None)


def main():
    module = AnsibleModule(
        argument_spec={
            "max_age": {"type": "int", "default": 3600},
            "retries": {"type": "int", "default": 5},
        },
        supports_check_mode=True,
    )
    max_age, retries = module.params["max_age"], module.params["retries"]
    if max_age < 0:
        module.fail_json(msg=f"max_age must be 0 or more seconds, got {max_age}")
    if retries < 1:
        module.fail_json(msg=f"retries must be 1 or more, got {retries}")
    apt_get = module.get_bin_path("apt-get", required=True)

    sources = expected_indexes(module, apt_get)
    missing = missing_sources(sources)
    age = refresh_age(time.time())
    reason = why_refresh(missing, age, max_age)
    result = {"refreshed": reason is not None, "reason": reason or "fresh", "missing": missing, "age": age}
    result["stamp"] = STAMP
    if reason and not module.check_mode:
        update(module, apt_get, retries)
        still_missing = missing_sources(sources)
        if still_missing:
            module.warn(
                "apt-get update succeeded but these sources give no package index for this machine: "
                + ", ".join(still_missing)
            )
    module.exit_json(changed=reason is not None, **result)


if __name__ == "__main__":
    main()
