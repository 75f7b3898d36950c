"""The collection keeps one owner per concern: playbooks choose hosts, order and batch size, and leave everything
else to the roles' entry points; the catalogue's keys are declared once, by the catalogue role.

These checks read files only; what they guard is described in docs/architecture.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "meta").is_dir())
PLAYBOOKS = sorted((ROOT / "playbooks").rglob("*.yml"))
SCHEMA_FILE = ROOT / "roles" / "catalogue" / "vars" / "main.yml"
SCHEMA = yaml.safe_load(SCHEMA_FILE.read_text())["__catalogue_schema"]
# A catalogue key as the YAML and Jinja of the roles and playbooks spell it: 'db/writer_endpoint'.
KEY = re.compile(r"""['"]((?:site|db|efs|cache|release)/[a-z_]+(?:/[a-z_]+)?)['"]""")


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=relative)
def test_no_playbook_sets_or_reads_a_role_private_variable(playbook):
    private = {name for name in re.findall(r"\b__([a-z0-9_]+)", playbook.read_text())
               if any(name.startswith(role + "_") for role in ROLES)}  # fmt: skip
    assert not private, f"{relative(playbook)} uses role-private variables: {sorted(private)}"


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=relative)
def test_no_playbook_names_a_release_path(playbook):
    """Where a release lives on a node is the moodle role's (moodle_base_dir); playbooks go through its entry points."""
    assert "/var/www/moodle" not in playbook.read_text(), relative(playbook)


@pytest.mark.parametrize("playbook", ["deploy.yml", "upgrade.yml"])
def test_the_lifecycle_playbooks_only_choose_hosts_and_order(playbook):
    lines = (ROOT / "playbooks" / playbook).read_text().splitlines()
    assert len(lines) < 60, f"playbooks/{playbook} has {len(lines)} lines: move the steps into a role's entry point"


def yaml_files():
    return sorted({*(ROOT / "roles").rglob("*.yml"), *PLAYBOOKS})


def test_every_catalogue_key_used_is_declared_in_the_schema():
    undeclared = {
        f"{relative(path)}: {key}"
        for path in yaml_files()
        for key in KEY.findall(path.read_text())
        if key not in SCHEMA and "/" in key
    }
    assert not undeclared, sorted(undeclared)


def lists_of_keys(node):
    """Every YAML list or mapping whose members are all catalogue keys (a declaration of keys)."""
    if isinstance(node, dict):
        if len(node) > 1 and all(isinstance(key, str) and key in SCHEMA for key in node):
            yield sorted(node)
        for value in node.values():
            yield from lists_of_keys(value)
    elif isinstance(node, list):
        if len(node) > 1 and all(isinstance(item, str) and item in SCHEMA for item in node):
            yield sorted(node)
        for item in node:
            yield from lists_of_keys(item)


def test_the_catalogue_keys_are_declared_in_one_file():
    elsewhere = []
    for path in yaml_files():
        if path == SCHEMA_FILE:
            continue
        # Task files are lists of tasks; a task's vars may map a few keys (the release role writes its four).
        document = yaml.safe_load(path.read_text())
        declared = [keys for keys in lists_of_keys(document) if len(keys) > 4]
        if declared:
            elsewhere.append(f"{relative(path)}: {declared}")
    assert not elsewhere, elsewhere


def test_the_schema_says_what_each_key_is():
    for key, spec in SCHEMA.items():
        assert spec.get("type") in {"str", "int", "bool", "url", "list", "json"}, key
        assert spec.get("writer") in {"parameters", "release"}, key
        assert spec.get("description"), key
    secret_arns = sorted(key for key, spec in SCHEMA.items() if spec.get("secret"))
    assert secret_arns == sorted(key for key in SCHEMA if key.endswith("_arn") and key != "efs/arn")


def test_the_architecture_page_shows_the_schema():
    page = (ROOT / "docs" / "architecture.md").read_text()
    table = page.split("## The catalogue", 1)[1].split("\n## ", 1)[0]
    shown = set(re.findall(r"^\| `([a-z_/]+)` \|", table, re.M))
    assert shown == set(SCHEMA), {"missing": sorted(set(SCHEMA) - shown), "unknown": sorted(shown - set(SCHEMA))}


def test_no_role_reads_another_role_private_variable():
    crossing = []
    for role in ROLES:
        for path in (ROOT / "roles" / role).rglob("*"):
            if path.suffix not in {".yml", ".j2"}:
                continue
            for name in re.findall(r"\b__([a-z0-9_]+)", path.read_text()):
                owner = next((other for other in ROLES if name.startswith(other + "_")), role)
                if owner != role:
                    crossing.append(f"{relative(path)}: __{name}")
    assert not crossing, crossing


def code_lines(path: Path):
    """The lines of a role file that do something: YAML and Jinja without the comments."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.lstrip().startswith("#"):
            yield number, line


def role_code():
    for role in ROLES:
        for part in ("tasks", "defaults", "vars", "handlers", "templates"):
            yield from sorted((ROOT / "roles" / role / part).rglob("*.*"))


def test_no_production_role_branches_on_moto_or_haproxy():
    """The local platform's differences sit behind lms_moodle_platform, in *_local.yml files or in defaults."""
    found = [
        f"{relative(path)}:{number}: {line.strip()}"
        for path in role_code()
        if not path.stem.endswith("_local")
        for number, line in code_lines(path)
        if re.search(r"moto|haproxy", line, re.I)
    ]
    assert not found, found


def test_every_place_the_platform_switch_reaches_is_listed():
    page = (ROOT / "docs" / "architecture.md").read_text().split("## The local platform", 1)[1]
    reached = set()
    for path in role_code():
        for _number, line in code_lines(path):
            if "lms_moodle_platform" not in line:
                continue
            if path.parent.name == "defaults":
                reached.add(line.split(":", 1)[0].strip())
            elif relative(path) not in {"roles/load_balancer/tasks/target.yml",
                                        "roles/validation/tasks/platform.yml"}:  # fmt: skip
                reached.add(relative(path))
    assert reached, "the switch reaches nothing: this check reads the wrong files"
    unlisted = sorted(name for name in reached if f"`{name}`" not in page)
    assert not unlisted, f"docs/architecture.md does not list: {unlisted}"
    assert "`tasks/target_local.yml`" in page


def test_only_the_local_inventory_switches_to_the_local_platform():
    for inventory in sorted((ROOT / "inventories").iterdir()):
        sets = any("lms_moodle_platform" in path.read_text() for path in inventory.rglob("*.yml"))
        assert sets == (inventory.name == "local"), inventory.name


APPLIED = sorted(path.parents[1].name for path in ROOT.glob("roles/*/tasks/apply.yml"))


@pytest.mark.parametrize("role", APPLIED)
def test_a_role_checks_its_input_once_whichever_way_it_is_entered(role):
    """main is preflight then apply; preflight shares main's options, so Ansible checks the spec on either entry and
    the role's own tasks never check it again (lms.moodle.validation has no spec-checking task)."""
    main = yaml.safe_load((ROOT / "roles" / role / "tasks" / "main.yml").read_text())
    assert [task.get("ansible.builtin.include_tasks") for task in main] == ["preflight.yml", "apply.yml"], main
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    assert specs["preflight"]["options"] is specs["main"]["options"], "preflight must alias main's options"
    assert "validate_argument_spec" not in (ROOT / "roles" / role / "tasks" / "preflight.yml").read_text()


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=relative)
def test_a_playbook_that_checked_every_role_first_enters_them_through_apply(playbook):
    text = playbook.read_text()
    if any(f"tasks_from: {entry}" in text for entry in ("preflight", "hosts.yml", "roles\n")):
        assert not re.search(r"^  roles:", text, re.M), f"{relative(playbook)}: roles: would check every input again"


def test_the_preflights_are_entered_under_their_entry_point_name():
    """Ansible checks an entry point's spec only when tasks_from names it exactly: `preflight`, not `preflight.yml`."""
    callers = [*PLAYBOOKS, *(ROOT / "roles" / "validation" / "tasks" / name for name in ("hosts.yml", "role.yml"))]
    named = [relative(path) for path in callers if "tasks_from: preflight.yml" in path.read_text()]
    assert not named, f"these skip the spec check of every preflight: {named}"
    assert any(
        re.search(r"tasks_from: (preflight\n|.*'input' if .* else 'preflight')", path.read_text()) for path in callers
    )


@pytest.mark.parametrize("role", ["webserver", "shared_storage", "moodle"])
def test_a_host_role_checks_its_settings_without_a_node_under_a_spec(role):
    """site.yml checks the host roles' settings before provisioning (validation's role.yml enters `input`): the entry
    point exists, has a spec, and is part of the role's preflight, so configure checks the same settings."""
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    assert "input" in specs
    assert (ROOT / "roles" / role / "tasks" / "input.yml").is_file()
    assert "ansible.builtin.include_tasks: input.yml" in (ROOT / "roles" / role / "tasks" / "preflight.yml").read_text()
