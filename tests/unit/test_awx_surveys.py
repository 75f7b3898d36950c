"""The AWX job templates of docs/awx.md and their surveys (docs/awx/surveys/*.json).

Each survey must be one that AWX's API accepts (the checks of its survey_spec endpoint), ask only for variables that
exist - a role variable as its role's meta/argument_specs.yml declares it (type, choices, default), a playbook
variable from an explicit list - and every one of them must reach something the template's playbook runs. Every
template row of docs/awx.md names a playbook of playbooks/ and its survey file.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "awx.md"
SURVEYS = ROOT / "docs" / "awx" / "surveys"
PLAYBOOKS = ROOT / "playbooks"
ROLES = ROOT / "roles"

# The templates docs/awx.md must describe, each with its playbook.
TEMPLATES = {
    "provision": "playbooks/provision.yml",
    "configure": "playbooks/configure.yml",
    "deploy": "playbooks/deploy.yml",
    "upgrade": "playbooks/upgrade.yml",
    "teardown": "playbooks/teardown.yml",
    "site": "playbooks/site.yml",
}

# Variables that no role declares: the playbooks read them (each must occur in its template's playbook tree).
PLAYBOOK_VARIABLES = {
    "aws_region": "the region of every AWS call (also declared by web_fleet)",
    "moodle_environment": "the environment (also declared by every role)",
    "configure_preflight_only": "configure.yml stops after the checks",
    "deploy_serial": "deploy.yml's serial: a number or a percentage",
    "upgrade_snapshot": "upgrade.yml snapshots the database first",
    "teardown_confirm": "teardown.yml's confirmation",
}

# AWX's survey_spec endpoint: question types and the Python type of their default.
AWX_TYPES = {
    "text": str,
    "textarea": str,
    "password": str,
    "multiplechoice": str,
    "multiselect": str,
    "integer": int,
    "float": float,
}
TEMPLATE_ROW = re.compile(
    r"^\|\s*`lms\.moodle (?P<name>[a-z]+)`\s*\|\s*`(?P<playbook>[^`]+)`\s*\|.*`(?P<survey>docs/awx/surveys/[^`]+)`"
)
REFERENCE = re.compile(r"lms\.moodle\.([a-z_]+)\b")
IMPORTED = re.compile(r"import_playbook:\s*['\"]?([^\s'\"]+)")
# Task files a playbook imports (playbooks/tasks/), and roles included in a loop over their names.
TASK_FILES = re.compile(r"import_tasks:\s*['\"]?([^\s'\"]+)")
LOOPED = re.compile(r'name: "lms\.moodle\.\{\{ *\w+ *\}\}"[^\n]*\n(?:[^\n]*\n){0,3}? *loop: \[([^\]]*)\]')
# Role lists the playbooks loop over by name (playbooks/vars/aws.yml) or hand to lms.moodle.validation's roles.
ROLE_LIST = re.compile(r"_roles:\s*\[([^\]]*)\]")


def survey_files() -> list[Path]:
    return sorted(SURVEYS.glob("*.json"))


@cache
def load_survey(path: Path) -> dict:
    return json.loads(path.read_text())


@cache
def role_options() -> dict[str, list[tuple[str, dict]]]:
    """Variable name -> [(role, option spec)] over every entry point of every role."""
    options: dict[str, list[tuple[str, dict]]] = {}
    for spec_file in sorted(ROLES.glob("*/meta/argument_specs.yml")):
        role = spec_file.parts[-3]
        for entry in (yaml.safe_load(spec_file.read_text())["argument_specs"] or {}).values():
            for name, option in (entry.get("options") or {}).items():
                options.setdefault(name, []).append((role, option))
    return options


def role_prefixed(variable: str) -> bool:
    return any(variable.startswith(f"{role.name}_") for role in ROLES.iterdir() if role.is_dir())


# --- what AWX accepts -------------------------------------------------------------------------------------------


def awx_errors(survey: dict) -> list[str]:
    """The checks of AWX's survey_spec endpoint (awx/api/views: JobTemplateSurveySpec._validate_spec_data)."""
    errors = [
        f"'{field}' must be a {kind.__name__}"
        for field, kind in (("name", str), ("description", str), ("spec", list))
        if not isinstance(survey.get(field), kind)
    ]
    if errors or not survey["spec"]:
        return errors or ["'spec' has no question"]
    seen: set[str] = set()
    for index, item in enumerate(survey["spec"]):
        errors.extend(f"question {index}: {error}" for error in question_errors(item, seen))
    return errors


def question_errors(item: dict, seen: set[str]) -> list[str]:
    if not isinstance(item, dict):
        return ["not an object"]
    errors = [
        f"'{field}' missing or not a string"
        for field in ("type", "question_name", "variable")
        if not isinstance(item.get(field), str)
    ]
    if not isinstance(item.get("required"), bool):
        errors.append("'required' missing or not a boolean")
    if errors:
        return errors
    if item["variable"] in seen:
        errors.append(f"variable {item['variable']} asked twice")
    seen.add(item["variable"])
    kind = item["type"]
    if kind not in AWX_TYPES:
        return [*errors, f"type {kind} is not one of {sorted(AWX_TYPES)}"]
    default = item.get("default", "")
    # A JSON true is no integer to AWX, though Python's bool is an int.
    if default != "" and (not isinstance(default, AWX_TYPES[kind]) or isinstance(default, bool)):
        errors.append(f"default {default!r} is not a {AWX_TYPES[kind].__name__}")
    errors.extend(
        f"{key} must be an integer" for key in ("min", "max") if key in item and not isinstance(item[key], int | None)
    )
    if kind in ("multiplechoice", "multiselect"):
        errors.extend(choice_errors(item))
    if kind == "password" and default != "":
        errors.append("a password question must not carry a default (no secret in a file)")
    if isinstance(default, str) and default.startswith("$encrypted$"):
        errors.append("$encrypted$ is reserved for defaults AWX itself encrypted")
    errors.extend(range_errors(item))
    return errors


def choice_errors(item: dict) -> list[str]:
    choices = item.get("choices")
    if not isinstance(choices, list) or not choices or not all(isinstance(choice, str) for choice in choices):
        return ["choices must be a non-empty list of strings"]
    defaults = item.get("default", "")
    defaults = [line for line in defaults.splitlines() if line.strip()] if isinstance(defaults, str) else defaults
    if item["type"] == "multiplechoice" and len(defaults) > 1:
        return ["a multiple choice has one default"]
    return [f"default {value!r} is not one of the choices" for value in defaults if value not in choices]


def range_errors(item: dict) -> list[str]:
    """The default must pass the question's bounds (length of a text, value of a number) or AWX rejects a launch."""
    default = item.get("default")
    if default is None or (default == "" and not item["required"]) or item["type"] in ("multiplechoice", "multiselect"):
        return []
    measure = len(default) if isinstance(default, str) else default
    low, high = item.get("min"), item.get("max")
    if (low is not None and measure < low) or (high is not None and measure > high):
        return [f"default {default!r} is outside min {low} / max {high}"]
    return []


# --- what the roles declare -------------------------------------------------------------------------------------


def as_survey_default(option: dict):
    """An argument_spec default as the survey question would carry it."""
    default = option["default"]
    if option.get("type", "str") == "bool":
        return "true" if default else "false"
    if option.get("choices") and option.get("type") in ("int", "float"):
        return str(default)
    return default


def spec_errors(item: dict, role: str, option: dict) -> list[str]:
    """Is the question a faithful way of setting this option? Type, choices, secrecy and default."""
    where = f"{item['variable']} ({role})"
    errors = [f"{where}: {error}" for error in type_errors(item, option)]
    if option.get("no_log") and item["type"] != "password":
        errors.append(f"{where}: the option is no_log, so the question must be a password")
    if "default" in option and item["type"] != "password":
        if "default" not in item:
            errors.append(f"{where}: the role's default {option['default']!r} is missing from the question")
        elif item["default"] != as_survey_default(option):
            errors.append(f"{where}: default {item['default']!r} differs from the role's {option['default']!r}")
    return errors


def type_errors(item: dict, option: dict) -> list[str]:
    kind, wanted, choices = item["type"], option.get("type", "str"), option.get("choices")
    asked = sorted(item.get("choices") or [])
    if wanted == "bool":
        ok = kind == "multiplechoice" and asked == ["false", "true"]
        return [] if ok else [f"a bool is a multiplechoice of true/false, got {kind} {asked}"]
    if choices:
        wanted_kind = "multiselect" if wanted == "list" else "multiplechoice"
        ok = kind == wanted_kind and asked == sorted(str(choice) for choice in choices)
        return [] if ok else [f"needs a {wanted_kind} of exactly {choices}, got {kind} {asked}"]
    accepted = {"int": ("integer",), "float": ("float", "integer"), "str": ("text", "textarea", "password")}
    accepted |= {"path": accepted["str"], "raw": accepted["str"]}
    if wanted not in accepted:
        return [f"a {wanted} cannot be asked by a survey"]
    return [] if kind in accepted[wanted] else [f"a {wanted} is asked as {' or '.join(accepted[wanted])}, got {kind}"]


# --- what the playbooks run -------------------------------------------------------------------------------------


def playbook_tree(playbook: Path, seen: set[Path] | None = None) -> tuple[str, set[str]]:
    """The text of a playbook, the playbooks it imports and the settings files it names; and the roles it uses."""
    seen = set() if seen is None else seen
    if playbook in seen or not playbook.is_file():
        return "", set()
    seen.add(playbook)
    text = playbook.read_text()
    texts, roles = [text], set()
    for settings in sorted([*(playbook.parent / "settings").glob("*.yml"), *(playbook.parent / "vars").glob("*.yml")]):
        if f"{settings.parent.name}/{settings.name}" in text:
            texts.append(settings.read_text())
    for target in IMPORTED.findall(text):
        name = target.removeprefix("lms.moodle.")
        path = playbook.parent / (name if name.endswith((".yml", ".yaml")) else f"{name}.yml")
        sub_text, sub_roles = playbook_tree(path.resolve(), seen)
        texts.append(sub_text)
        roles |= sub_roles
    for target in TASK_FILES.findall(text):
        if (playbook.parent / target).is_file():
            texts.append((playbook.parent / target).read_text())
    whole = "\n".join(texts)
    roles |= {name for name in REFERENCE.findall(whole) if (ROLES / name).is_dir()}
    lists = LOOPED.findall(whole) + ROLE_LIST.findall(whole)
    looped = {name.strip() for names in lists for name in names.split(",")}
    roles |= {name for name in looped if (ROLES / name).is_dir()}
    return whole, roles


@cache
def role_text(role: str) -> tuple[str, frozenset[str]]:
    """Every text file of a role, and the roles it includes in turn."""
    text = "\n".join(
        path.read_text()
        for path in sorted((ROLES / role).rglob("*"))
        if path.is_file() and path.suffix in (".yml", ".j2", ".md")
    )
    return text, frozenset(name for name in REFERENCE.findall(text) if (ROLES / name).is_dir() and name != role)


def consumers_text(playbook: Path) -> str:
    text, roles = playbook_tree(playbook.resolve())
    pending, done = list(roles), set()
    while pending:
        role = pending.pop()
        if role in done:
            continue
        done.add(role)
        role_body, included = role_text(role)
        text += "\n" + role_body
        pending.extend(included - done)
    return text


@cache
def documented_templates() -> dict[str, tuple[str, str]]:
    """docs/awx.md's template table: name -> (playbook, survey file)."""
    rows = (TEMPLATE_ROW.match(line) for line in DOC.read_text().splitlines())
    return {row["name"]: (row["playbook"], row["survey"]) for row in rows if row}


# --- the tests --------------------------------------------------------------------------------------------------


def test_every_template_is_documented_with_its_playbook_and_survey():
    assert documented_templates() == {
        name: (playbook, f"docs/awx/surveys/{name}.json") for name, playbook in TEMPLATES.items()
    }
    assert {path.stem for path in survey_files()} == set(TEMPLATES)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_the_template_names_a_playbook_of_the_collection(template):
    playbook = ROOT / TEMPLATES[template]
    assert playbook.is_file(), (
        f"docs/awx.md: template lms.moodle {template} runs {TEMPLATES[template]}, which does not exist"
    )
    assert isinstance(yaml.safe_load(playbook.read_text()), list), f"{TEMPLATES[template]} is not a playbook"


@pytest.mark.parametrize("path", survey_files(), ids=lambda path: path.stem)
def test_awx_accepts_the_survey(path):
    survey = load_survey(path)
    assert awx_errors(survey) == []
    assert survey["name"] == f"lms.moodle {path.stem}"


@pytest.mark.parametrize("path", survey_files(), ids=lambda path: path.stem)
def test_every_question_sets_a_declared_variable_faithfully(path):
    errors = []
    for item in load_survey(path)["spec"]:
        variable = item["variable"]
        declared = role_options().get(variable, [])
        if not declared and (role_prefixed(variable) or variable not in PLAYBOOK_VARIABLES):
            errors.append(f"{variable}: no role declares it and it is not a known playbook variable")
        for role, option in declared:
            errors.extend(spec_errors(item, role, option))
    assert errors == []


@pytest.mark.parametrize("path", survey_files(), ids=lambda path: path.stem)
def test_every_question_reaches_what_the_playbook_runs(path):
    playbook = ROOT / TEMPLATES[path.stem]
    if not playbook.is_file():
        pytest.fail(f"{TEMPLATES[path.stem]} does not exist (see test_the_template_names_a_playbook_of_the_collection)")
    text = consumers_text(playbook)
    unread = [item["variable"] for item in load_survey(path)["spec"] if not re.search(rf"\b{item['variable']}\b", text)]
    assert unread == [], f"{TEMPLATES[path.stem]}, its imports and its roles never read {unread}"


def test_the_survey_rules_catch_what_awx_or_the_roles_would_reject():
    """The checks above can fail: each broken question is caught."""
    engine = role_options()["database_engine"][0][1]
    good = {"question_name": "q", "required": True, "type": "multiplechoice", "variable": "database_engine"}
    good |= {"choices": ["aurora-postgresql", "aurora-mysql"], "default": "aurora-postgresql"}
    assert question_errors(good, set()) == [] and spec_errors(good, "database", engine) == []
    assert spec_errors(good | {"choices": ["aurora-postgresql"]}, "database", engine)
    assert spec_errors(good | {"default": "aurora-mysql"}, "database", engine)
    assert question_errors(good | {"default": "mysql"}, set())
    assert question_errors(good, {"database_engine"})
    count = role_options()["network_az_count"][0][1]
    assert spec_errors({"variable": "network_az_count", "type": "text", "default": 2}, "network", count)
    assert question_errors({**good, "type": "integer", "default": "2", "choices": None}, set())
    assert question_errors(
        {"question_name": "p", "required": True, "type": "password", "variable": "x", "default": "s3cret"}, set()
    )
    assert question_errors(
        {"question_name": "t", "required": True, "type": "text", "variable": "y", "min": 3, "default": "ab"}, set()
    )
    flag = role_options()["cdn_enabled"][0][1]
    assert (
        spec_errors(
            {"variable": "cdn_enabled", "type": "multiplechoice", "choices": ["true", "false"], "default": "true"},
            "cdn",
            flag,
        )
        == []
    )
    assert spec_errors({"variable": "cdn_enabled", "type": "text", "default": "true"}, "cdn", flag)
    assert awx_errors({"name": "n", "description": "d", "spec": []})
