"""Check mode predicts what the real run then does, against a real moto server: on a converged environment, one
setting changed at a time, `--check --diff` reports a set of changed tasks, the real run changes exactly that set
(every predicted change happens, nothing happens that was not predicted), and the run after changes nothing.

The tiers: network, security groups, the load balancer, the web fleet and the database (CASES); the CDN is checked for
no change on a converged account by molecule's aws scenario. Changes: the flow logs' retention, the target group's
health check, the web nodes' group size (a new template version: test_web_fleet.py), a setting of the database, and
a tag on everything (moodle_tags); then teardown, predicted task for task too (where a stock module has no check
mode, the role predicts the removal from what it read)."""

from __future__ import annotations

import re

import pytest

from .conftest import role_playbook

ENV = {"moodle_environment": "predict"}
TASK = re.compile(r"^TASK \[(.+?)\] \*+$")
CHANGED = re.compile(r"^changed: \[localhost\]")

# Tiers, then one setting at a time (each on top of the ones before) with the roles whose tasks it must change (None:
# a tag on everything, any role). The flow-log retention is the case amazon.aws.cloudwatchlogs_log_group got wrong: it
# wrote the retention in check mode, so the real run changed nothing; the target group and the Auto Scaling group, the
# ones whose stock modules do not predict (elb_target_group has no check mode; autoscaling_group sees no new template
# version), so the roles do; the tag, the one that made amazon.aws.ec2_vpc_route_table create a second table beside
# each. Two cases, so that xdist runs them side by side.
CASES = [
    pytest.param(
        ["network", "security_groups", "load_balancer", "web_fleet"],
        # Three settings in one run: each changes its own tasks, so a prediction missed by one still shows.
        [
            (
                {
                    "network_flow_logs_retention_days": 90,
                    "load_balancer_health_check_interval": 30,
                    "web_fleet_max_size": 6,
                },
                ("network", "load_balancer", "web_fleet"),
            ),
        ],
        True,
        id="flow-logs-edge-fleet-then-teardown",
    ),
    pytest.param(
        ["network", "security_groups", "database"],
        [({"database_backup_retention_days": 14}, "database"), ({"moodle_tags": {"CostCenter": "lms"}}, None)],
        False,
        id="database-then-a-tag",
    ),
]

# The network role writes the public and app route tables side by side (async) and waits for them: a real run reports
# their changes on the wait, check mode (which cannot run tasks async) on the tables' own tasks.
ROUTE_TABLES = "lms.moodle.network : Wait for the public and app route tables"
ASYNC = {
    "lms.moodle.network : Route the public subnets to the internet gateway": ROUTE_TABLES,
    "lms.moodle.network : Route the app subnets of each zone through its NAT gateway": ROUTE_TABLES,
}


def changed_tasks(output: str) -> list[str]:
    """The tasks that reported a change (once each, in order), as `TASK [role : name]`'s text; the async route-table
    tasks under the task that waits for them."""
    tasks: list[str] = []
    current = ""
    for line in output.splitlines():
        if match := TASK.match(line):
            current = ASYNC.get(match[1], match[1])
        elif CHANGED.match(line) and current not in tasks:
            tasks.append(current)
    return tasks


def route_tables(moto) -> list[str]:
    filters = [{"Name": "tag:Environment", "Values": [ENV["moodle_environment"]]}]
    return sorted(
        table["RouteTableId"] for table in moto.client("ec2").describe_route_tables(Filters=filters)["RouteTables"]
    )


@pytest.mark.parametrize(("roles", "changes", "teardown"), CASES)
def test_one_changed_setting_is_predicted_by_check_mode_exactly_as_the_real_run_changes_it(
    moto, run_playbook, tmp_path, *, roles, changes, teardown
):
    """teardown: then teardown.yml, in check mode and for real, with the same comparison; nothing is left."""
    playbook = role_playbook(tmp_path, roles, "present")
    settings = dict(ENV)
    first = run_playbook(playbook, settings)
    assert first.returncode == 0, first.output[-6000:]
    tables = route_tables(moto)
    for change, role in changes:
        settings |= change
        predicted = run_playbook(playbook, settings, "--check", "--diff")
        assert predicted.returncode == 0, predicted.output[-6000:]
        real = run_playbook(playbook, settings, "--diff")
        assert real.returncode == 0, real.output[-6000:]
        unpredicted = [task for task in changed_tasks(real.output) if task not in changed_tasks(predicted.output)]
        not_done = [task for task in changed_tasks(predicted.output) if task not in changed_tasks(real.output)]
        assert not unpredicted and not not_done, (
            f"{change}: changed, not predicted: {unpredicted}; predicted, not done: {not_done}"
        )
        assert changed_tasks(real.output), f"{change} changed nothing"
        roles_changed = (role,) if isinstance(role, str) else role
        assert role is None or all(
            task.startswith(tuple(f"lms.moodle.{name} : " for name in roles_changed))
            for task in changed_tasks(real.output)
        ), (change, changed_tasks(real.output))
        # Each setting of a change that names its roles changes something in its role.
        assert role is None or all(
            any(task.startswith(f"lms.moodle.{name} : ") for task in changed_tasks(real.output))
            for name in roles_changed
        ), (change, changed_tasks(real.output))
    after = run_playbook(playbook, settings, "--check", "--diff")
    assert after.returncode == 0 and changed_tasks(after.output) == [], changed_tasks(after.output)
    # A new tag updates every table in place (amazon.aws's lookup by tags would make a second one beside each).
    assert route_tables(moto) == tables
    # moto lacks DeleteLaunchTemplateVersions, which amazon.aws.ec2_launch_template calls before it deletes a template
    # of several versions: the case that tears down keeps one version.
    if teardown:
        confirmed = {**settings, "teardown_confirm": ENV["moodle_environment"]}
        predicted = run_playbook("teardown.yml", confirmed, "--check", "--diff")
        assert predicted.returncode == 0, predicted.output[-6000:]
        real = run_playbook("teardown.yml", confirmed, "--diff")
        assert real.returncode == 0, real.output[-6000:]
        assert changed_tasks(predicted.output) == changed_tasks(real.output), (
            changed_tasks(predicted.output), changed_tasks(real.output),
        )  # fmt: skip
        assert moto.left_behind() == {}
