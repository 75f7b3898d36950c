"""lms.moodle.checks, run by ansible-playbook on the controller as the roles run it (no network)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def play(tmp_path: Path, checks: str, task_vars: str = "{}") -> subprocess.CompletedProcess:
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        textwrap.dedent(
            """\
            - hosts: localhost
              connection: local
              gather_facts: false
              vars: {task_vars}
              tasks:
                - name: Check the input
                  lms.moodle.checks:
                    checks:
            """
        ).format(task_vars=task_vars)
        + textwrap.indent(textwrap.dedent(checks), " " * 10)
    )
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache" / "collections"),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        "ANSIBLE_NOCOLOR": "1",
    }
    command = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(playbook)]
    return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, check=False)


def test_every_failing_check_is_reported_in_order_and_the_passing_ones_are_not(tmp_path):
    result = play(
        tmp_path,
        """\
        - {name: size, that: size | int >= 5, msg: "size must be at least 5 (got {{ size }})."}
        - {name: kept, that: size is string, msg: "never shown"}
        - {name: name, that: [name | length > 0, name is lower], msg: "name must be lower-case (got '{{ name }}')."}
        """,
        "{size: '3', name: Moodle}",
    )

    assert result.returncode == 2, result.stdout
    assert "size must be at least 5 (got 3). name must be lower-case (got 'Moodle')." in result.stdout
    assert "never shown" not in result.stdout
    assert "- size\n" in result.stdout and "- name\n" in result.stdout


def test_a_check_whose_when_is_false_is_neither_evaluated_nor_its_message_rendered(tmp_path):
    result = play(
        tmp_path,
        """\
        - {that: missing.value == 1, msg: "{{ missing.other }}", when: false}
        - {that: [1 == 1, true], msg: "never shown", when: [true, 2 > 1]}
        """,
    )

    assert result.returncode == 0, result.stdout
    assert "All 2 checks passed" in result.stdout or "ok: [localhost]" in result.stdout


def test_an_error_after_a_failed_check_is_left_to_that_check_s_message(tmp_path):
    """A number given as text fails its own check; a later check that breaks on the same value says nothing."""
    result = play(
        tmp_path,
        """\
        - {name: shape, that: limits is mapping, msg: "limits must be a mapping (got {{ limits }})."}
        - {name: upper, that: limits.upper > 1, msg: "limits.upper must be above 1."}
        """,
        "{limits: 'high'}",
    )

    assert result.returncode == 2, result.stdout
    assert "limits must be a mapping (got high)." in result.stdout
    assert "upper" not in result.stdout.split("msg:")[-1]


def test_an_error_alone_is_the_refusal_and_names_the_check(tmp_path):
    result = play(tmp_path, '- {name: the upper limit, that: limits.upper > 1, msg: "limits.upper must be above 1."}\n')

    assert result.returncode == 2, result.stdout
    assert "the upper limit:" in result.stdout and "limits" in result.stdout


@pytest.mark.parametrize(
    "checks, error",
    [
        ("- {that: true}\n", "checks[0] must be a mapping with 'that' and 'msg'"),
        ("- {that: true, msg: x, fail_msg: y}\n", "checks[0] has unknown keys ['fail_msg']"),
    ],
    ids=["no-message", "unknown-key"],
)
def test_a_misshapen_check_is_refused(tmp_path, checks, error):
    result = play(tmp_path, checks)

    assert result.returncode == 2, result.stdout
    assert error in result.stdout
