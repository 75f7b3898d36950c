"""The README's quick start is what runs: its prerequisites are the packages `.ci/run` installs on a bare machine,
its commands are the Makefile's targets, `make demo` and `make demo-clean` run `scripts/demo.sh`, the two playbooks
it names are the ones `scripts/demo.sh` runs, in that order, and `.ci/run` ends on the README's test command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()
DEMO = (ROOT / "scripts" / "demo.sh").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def quick_start() -> str:
    return README.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def code_blocks(text: str) -> list[list[str]]:
    """The commands of each ```sh block, comments and blank lines left out."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [[line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]
            for block in blocks]  # fmt: skip


def readme_packages(target: str) -> list[str]:
    """The packages of the prerequisite line for `make <target>`: "- for `make demo`: `apt-get install ...`"."""
    match = re.search(rf"^- for `make {target}`[^:]*: `apt-get install ([^`]+)`", quick_start(), re.M)
    assert match, f"the quick start has no prerequisite line for make {target}"
    return match.group(1).split()


def ci_array(name: str) -> list[str]:
    match = re.search(rf"^{name}=\(([^)]*)\)", CI, re.M)
    assert match, f".ci/run has no {name}"
    return [entry.split(":", 1)[0] for entry in shlex.split(match.group(1))]


def make_recipe(target: str) -> tuple[list[str], list[str]]:
    """(prerequisites, recipe lines) of a Makefile target."""
    match = re.search(rf"^{re.escape(target)}:([^#\n]*)(?:##[^\n]*)?\n((?:\t[^\n]*\n)*)", MAKEFILE, re.M)
    assert match, f"the Makefile has no target {target}"
    return match.group(1).split(), [line.strip() for line in match.group(2).splitlines()]


@pytest.mark.parametrize(("target", "array"), [("demo", "DEMO_PACKAGES"), ("test", "TEST_PACKAGES")])
def test_the_prerequisites_are_the_packages_ci_installs(target, array):
    assert readme_packages(target) == ci_array(array)


def test_python_312_is_a_prerequisite_and_what_the_venv_is_made_with():
    assert "Python ≥ 3.12" in quick_start()
    finder = (ROOT / "scripts" / "find-python.sh").read_text()
    assert "sys.version_info < (3, 12)" in finder
    assert "scripts/find-python.sh" in MAKEFILE


def test_the_quick_start_commands_are_make_targets_that_run_the_demo_script():
    commands = code_blocks(quick_start())[0]
    assert commands == ["make demo", "make test", "make demo-clean"]
    prerequisites, recipe = make_recipe("demo")
    assert {"venv", "platform"} <= set(prerequisites) and recipe[-1] == "scripts/demo.sh"
    assert make_recipe("demo-clean")[1][-1] == "scripts/demo.sh clean"
    assert make_recipe("platform")[1] == ["scripts/ensure-dockerd.sh", "scripts/build-base-image.sh"]


def test_the_demo_runs_the_playbooks_the_readme_names_in_that_order():
    readme = [shlex.split(command) for command in code_blocks(quick_start())[1]]
    assert all(command[:3] == ["ansible-playbook", "-i", "inventories/local"] for command in readme)
    # What demo.sh runs when it is not cleaning: its `playbook <file>` lines after the clean branch.
    building = DEMO.split('if [ "${1:-}" = "clean" ]; then', 1)[1].split("\nfi\n", 1)[1]
    ran = re.findall(r"^playbook (\S+)$", building, re.M)
    assert [command[3] for command in readme] == ran == ["playbooks/local/platform.yml", "playbooks/site.yml"]


def test_ci_runs_exactly_the_readme_test_command_last():
    commands = [line.strip() for line in CI.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == "make test"
    assert "make test" in code_blocks(quick_start())[0]


def test_ci_builds_every_image_from_scratch():
    assert "docker image rm" in CI and "'^lms-moodle/'" in CI
    assert re.search(r"^timed fresh-images remove_images$", CI, re.M)
