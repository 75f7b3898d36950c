"""Bad-input cases run several to a playbook run, and the assertions every refused run shares.

Every playbook reports each role's refusal at once (lms.moodle.validation, entry point roles): one run can carry one
mistake per role and still show that each mistake, alone, is refused with its own variable named. Packing the cases
that way keeps each case's proof (its role's refusal names the variable the user set) while the suite runs a fraction
of the playbooks, one run costing several seconds of CPU. A case whose variable no single role owns (the environment,
the region, the common tags, the site name every edge role derives from) runs alone.
"""

from __future__ import annotations

import re

import pytest

# The roles whose refusals the runs report, by the prefix of their variables (security_groups before the others).
ROLES = (
    "security_groups",
    "load_balancer",
    "file_system",
    "web_fleet",
    "certificate",
    "parameters",
    "database",
    "network",
    "release",
    "cache",
    "cdn",
    "dns",
    "webserver",
    "shared_storage",
    "moodle",
)
# moodle_* variables are the whole site's (environment, domain, tags, URL) as often as the moodle role's.
SHARED_PREFIXES = ("moodle_", "aws_")

# Variables other roles check as well, through their defaults or their needs (an ALB and an Aurora subnet group need
# two zones): their cases share no run with a case of those roles, whose refusal would otherwise be about them.
ALSO_CHECKED_BY = {
    "network_az_count": {"database", "load_balancer"},
    "network_availability_zones": {"database", "load_balancer"},
    "network_existing_": {"database", "load_balancer"},
    # security_groups follows the engines and modes chosen for the database and the caches (its defaults).
    "database_engine": {"security_groups"},
    "cache_session_engine": {"security_groups"},
    "cache_application_": {"security_groups"},
    "cache_session_mode": {"security_groups"},
}

ACCOUNT_REFUSALS = re.compile(r"The AWS account refuses \d+ value\(s\), before anything is created: (.*?) Origin: ")
REFUSALS = re.compile(r"role\(s\) refused their input, before anything was changed:\s*(.*)", re.S)


def role_of(variable: str, shared: tuple[str, ...] = SHARED_PREFIXES) -> str | None:
    """The role that owns a variable, or None for the site-wide ones (prefixes ``shared``) that must run alone."""
    # Every role's tag keys are checked together, once per run, with the environment and the region.
    if variable.startswith(shared) or variable.endswith("_tags"):
        return None
    return next((role for role in ROLES if variable.startswith(role + "_")), None)


def pack(cases: list, shared: tuple[str, ...] = SHARED_PREFIXES) -> list:
    """pytest.param((overrides, variable)) cases packed into runs that touch each role once, as pytest parameters.
    ``shared``: the prefixes of site-wide variables (configure.yml, without the AWS roles, has only the host roles'
    own: its moodle_* variables are the moodle role's)."""
    runs: list[tuple[set | None, list]] = []
    for case in cases:
        overrides, variable = case.values
        owners = {role_of(name, shared) for name in [*overrides, variable]}
        owners |= {
            role
            for name in overrides
            for key, roles in ALSO_CHECKED_BY.items()
            if name.startswith(key)
            for role in roles
        }
        if None in owners:
            runs.append((None, [case]))
            continue
        for owned, batch in runs:
            if owned is not None and not owners & owned:
                owned.update(owners)
                batch.append(case)
                break
        else:
            runs.append((set(owners), [case]))
    return [pytest.param([c.values for c in batch], id="+".join(c.id for c in batch)) for _owners, batch in runs]


def refusals(failure: str) -> dict[str, str]:
    """Each role's refusal in the report of lms.moodle.validation's roles entry point, by role."""
    match = REFUSALS.search(" ".join(failure.split()))
    assert match, f"no report of refused roles in:\n{failure}"
    parts = re.split(r"(?:^| \| )(" + "|".join(ROLES) + r"|every role): ", match.group(1))
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def assert_each_refused(failure: str, cases: list[tuple[dict, str]], shared: tuple[str, ...] = SHARED_PREFIXES) -> None:
    """Each case's own role refused, naming the case's variable (a single-role case must not lean on another's)."""
    report = refusals(failure)
    for overrides, variable in cases:
        role = role_of(variable, shared)
        text = report.get(role, "") if role and len(cases) > 1 else failure
        assert variable in text, f"{overrides}: the refusal of {role} does not name {variable}:\n{failure}"


def account_refusals(failure: str) -> list[set[str]]:
    """The variables each finding of the account preflight names first: the role's variable, and in parentheses the
    site-wide one it follows by default (certificate_hosted_zone (moodle_hosted_zone))."""
    match = ACCOUNT_REFUSALS.search(" ".join(failure.split()))
    assert match, f"no account refusal in:\n{failure}"
    return [
        set(re.match(r"(\w+)(?: \((\w+)\))?", finding).groups()) - {None} for finding in match.group(1).split(" | ")
    ]


def assert_account_refused(failure: str, variables: set[str]) -> None:
    """Every variable was refused by the account, and nothing else was."""
    findings = account_refusals(failure)
    assert all(names & variables for names in findings), f"a finding names none of {variables}:\n{failure}"
    assert all(any(v in names for names in findings) for v in variables), f"not every one of {variables}:\n{failure}"


def merged(base: dict, cases: list[tuple[dict, str]]) -> dict:
    """The extra vars of one run: base with every case's overrides (None: the variable left unset)."""
    extra_vars = dict(base)
    for overrides, _variable in cases:
        extra_vars.update(overrides)
    return {key: value for key, value in extra_vars.items() if value is not None}
