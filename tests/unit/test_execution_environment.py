"""execution-environment.yml, rendered by ansible-builder as `ansible-builder build` would, without building an image.

`ansible-builder create` validates the definition against ansible-builder's v3 schema and writes the build context:
the Containerfile and the requirement files it copies. The tests run it on a copy of the definition next to a real
build of this collection, and check the result against the collection's own metadata (galaxy.yml, requirements.txt,
meta/runtime.yml) and against what inventories/aws/aws_ec2.yml makes the controller run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import ansible
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "execution-environment.yml"
BIN = Path(sys.executable).parent


def galaxy() -> dict:
    return yaml.safe_load((ROOT / "galaxy.yml").read_text())


def run_create(directory: Path, context: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "ansible-builder"), "create", "-f", str(directory / DEFINITION.name), "--context", str(context)]
        + ["--output-filename", "Containerfile"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_definition(directory: Path, text: str | None = None) -> dict:
    """The definition and the requirement files it names, as they lie in the repository."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / DEFINITION.name).write_text(DEFINITION.read_text() if text is None else text)
    definition = yaml.safe_load(DEFINITION.read_text())
    for value in definition["dependencies"].values():
        if isinstance(value, str):
            shutil.copy(ROOT / value, directory / value)
    return definition


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """The build context of the definition, with this checkout's collection build where the definition expects it."""
    base = tmp_path_factory.mktemp("ee")
    definition = copy_definition(base / "ee")
    for entry in definition.get("additional_build_files", []):
        if "lms-moodle-" in entry["src"]:
            output = base / "ee" / Path(entry["src"]).parent
            subprocess.run(
                [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(output), str(ROOT)],
                check=True,
                capture_output=True,
            )
    result = run_create(base / "ee", base / "context")
    assert result.returncode == 0, result.stdout + result.stderr
    build = base / "context" / "_build"
    return {
        "definition": definition,
        "containerfile": (base / "context" / "Containerfile").read_text(),
        "requirements": yaml.safe_load((build / "requirements.yml").read_text()),
        "python": (build / "requirements.txt").read_text(),
        "build": build,
    }


def requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_ansible_builder_rejects_a_definition_outside_its_schema(tmp_path):
    copy_definition(tmp_path / "ee", DEFINITION.read_text().replace("version: 3\n", "version: 3\nbase_image: x\n"))
    result = run_create(tmp_path / "ee", tmp_path / "context")
    assert result.returncode != 0
    assert "base_image" in result.stdout + result.stderr


def test_the_collection_dependencies_are_installed_with_galaxy_yml_floors(rendered):
    wanted = {name: f"{spec}" for name, spec in galaxy()["dependencies"].items()}
    installed = {item["name"]: item.get("version", "*") for item in rendered["requirements"]["collections"]}
    assert {name: installed.get(name) for name in wanted} == wanted


def test_the_runtime_python_requirements_are_the_collection_s(rendered):
    assert requirement_lines(rendered["python"]) == requirement_lines((ROOT / "requirements.txt").read_text())


def test_this_collection_is_copied_and_installed_from_its_build(rendered):
    version = galaxy()["version"]
    assert [path.name for path in (rendered["build"] / "collections").iterdir()] == [f"lms-moodle-{version}.tar.gz"]
    install = re.search(
        r"^RUN ansible-galaxy collection install (.*)$", rendered["containerfile"].split("FROM base AS galaxy")[1], re.M
    )
    assert install and "--no-deps" in install[1] and "/build/collections/lms-moodle-*.tar.gz" in install[1]


def test_ansible_core_and_python_fit_the_collection(rendered):
    dependencies = rendered["definition"]["dependencies"]
    pinned = Requirement(dependencies["ansible_core"]["package_pip"])
    assert pinned.name == "ansible-core"
    # The version CI tests with is allowed; so is nothing older than meta/runtime.yml's requires_ansible.
    assert pinned.specifier.contains(ansible.__version__)
    floor = next(Version(spec.version) for spec in pinned.specifier if spec.operator == ">=")
    requires = SpecifierSet(yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"])
    assert requires.contains(floor)
    # ansible-core 2.19 and later need Python 3.11+ on the controller.
    python = re.fullmatch(r"/usr/bin/python(\d+)\.(\d+)", dependencies["python_interpreter"]["python_path"])
    assert python and (int(python[1]), int(python[2])) >= (3, 11)
    assert f'ARG PYCMD="{dependencies["python_interpreter"]["python_path"]}"' in rendered["containerfile"]


def test_the_final_image_can_run_the_ssm_connection_of_the_aws_inventory(rendered):
    """aws_ec2.yml makes every web node use an SSM connection: its collection and the plugin binary are in the image."""
    compose = yaml.safe_load((ROOT / "inventories" / "aws" / "aws_ec2.yml").read_text())["compose"]
    connection = compose["ansible_connection"].strip("'\"")
    collection = ".".join(connection.split(".")[:2])
    assert collection in {item["name"] for item in rendered["requirements"]["collections"]}
    final = rendered["containerfile"].split("FROM base AS final")[1]
    installed_as_root = final.split("\nUSER ")[0]
    assert re.search(r"\$PKGMGR install -y \S*session-manager-plugin\.rpm", installed_as_root)
    assert "/usr/local/bin/session-manager-plugin --version" in installed_as_root
