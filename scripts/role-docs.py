"""Keep the variable table of every role README in sync with its meta/argument_specs.yml.

python scripts/role-docs.py           rewrite the tables
python scripts/role-docs.py --check   fail when a README is out of date (run by `make lint`)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml by scripts/role-docs.py) -->"
END = "<!-- END VARIABLES -->"


def cell(value) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    text = re.sub(r"\b[CIVO]\(([^)]*)\)", r"`\1`", text)  # Ansible doc markup to Markdown
    return text.replace("|", "\\|").replace("\n", " ")


def default_of(spec: dict) -> str:
    if spec.get("required"):
        return "**required**"
    if "default" not in spec:
        return ""
    return f"`{yaml.safe_dump(spec['default'], default_flow_style=True).strip().removesuffix('...').strip()}`"


def table(options: dict) -> str:
    rows = ["| Variable | Type | Default | Description |", "|---|---|---|---|"]
    for name, spec in options.items():
        kind = spec.get("type", "str")
        if kind == "list" and spec.get("elements"):
            kind = f"list of {spec['elements']}"
        if spec.get("choices"):
            kind += " (" + ", ".join(f"`{c}`" for c in spec["choices"]) + ")"
        rows.append(f"| `{name}` | {kind} | {default_of(spec)} | {cell(spec.get('description', ''))} |")
    return "\n".join(rows)


def tables(entry_points: dict) -> str:
    """One table for a role with one entry point; with more, main first, then one per `tasks_from` entry point."""
    if len(entry_points) == 1:
        return table(next(iter(entry_points.values())).get("options", {}))
    sections = []
    main_options = entry_points.get("main", {}).get("options")
    for name in sorted(entry_points, key=lambda name: name != "main"):
        spec = entry_points[name]
        # Ansible checks an entry point's options only when tasks_from names it exactly (no .yml).
        title = "`main`" if name == "main" else f"`tasks_from: {name}`"
        options = spec.get("options", {})
        # An entry point that shares main's options (a YAML alias) is not listed twice.
        body = "The options of `main`." if name != "main" and options is main_options else table(options)
        sections.append(f"#### {title}: {cell(spec.get('short_description', ''))}\n\n{body}")
    return "\n\n".join(sections)


def render(readme: str, entry_points: dict) -> str:
    head, _begin, rest = readme.partition(BEGIN)
    _table, _end, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{tables(entry_points)}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for spec_file in sorted(ROOT.glob("roles/*/meta/argument_specs.yml")):
        role = spec_file.parents[1]
        readme = role / "README.md"
        entry_points = yaml.safe_load(spec_file.read_text())["argument_specs"]
        current = readme.read_text() if readme.exists() else ""
        if BEGIN not in current or END not in current:
            stale.append(f"{readme.relative_to(ROOT)} has no generated variables section")
            continue
        wanted = render(current, entry_points)
        if wanted != current:
            stale.append(str(readme.relative_to(ROOT)))
            if not args.check:
                readme.write_text(wanted)
    if args.check and stale:
        print("Out of date (run `python scripts/role-docs.py`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
