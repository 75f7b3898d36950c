"""Pack a collection and the collections it depends on into one reproducible ansible_collections archive.

    bundle.py OUT COLLECTION_DIR COLLECTIONS_PATHS

COLLECTION_DIR is the collection the running playbook uses (its namespace and name come from galaxy.yml or
MANIFEST.json); its dependencies are looked up in COLLECTIONS_PATHS (':'-separated, the controller's configured
collections_path), then where ansible-galaxy finds collections by default (the ansible package's own).

A new web node extracts this archive into its collections path (web_fleet's user data): it needs neither Galaxy
nor the internet at scale-out time, and it runs exactly the collections the controller ran. The collections are
found where ansible-galaxy finds them; a collection that is a source checkout (galaxy.yml) is built first, so its
build_ignore applies. The archive has sorted entries, zero times and owners, so the same collections give the
same bytes: the caller uploads it only when it changed. Prints JSON: changed, path, sha256, collections.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml


def galaxy_env(**extra: str) -> dict[str, str]:
    """The environment for ansible-galaxy: a playbook run at -vvv (ANSIBLE_VERBOSITY=3) would make it print its
    config file and more into the JSON it answers."""
    return dict(os.environ, ANSIBLE_VERBOSITY="0", **extra)


def installed(paths: str) -> dict[str, Path]:
    galaxy = Path(sys.executable).with_name("ansible-galaxy")
    listing = subprocess.run(
        [str(galaxy), "collection", "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=galaxy_env(ANSIBLE_COLLECTIONS_PATH=paths),
    )
    found: dict[str, Path] = {}
    # ansible-galaxy lists the paths in precedence order; the first one holding a collection wins.
    for path, collections in json.loads(listing.stdout).items():
        for fqcn in collections:
            namespace, name = fqcn.split(".")
            found.setdefault(fqcn, Path(path) / namespace / name)
    return found


def identity(path: Path) -> str:
    if (path / "galaxy.yml").is_file():
        meta = yaml.safe_load((path / "galaxy.yml").read_text())
        return f"{meta['namespace']}.{meta['name']}"
    info = json.loads((path / "MANIFEST.json").read_text())["collection_info"]
    return f"{info['namespace']}.{info['name']}"


def dependencies(path: Path) -> list[str]:
    if (path / "galaxy.yml").is_file():
        return list((yaml.safe_load((path / "galaxy.yml").read_text()) or {}).get("dependencies") or {})
    manifest = json.loads((path / "MANIFEST.json").read_text())
    return list(manifest["collection_info"].get("dependencies") or {})


def materialise(fqcn: str, path: Path, work: Path) -> Path:
    """The collection's files as an installed collection has them."""
    if not (path / "galaxy.yml").is_file():
        return path
    galaxy = Path(sys.executable).with_name("ansible-galaxy")
    build = work / "build"
    subprocess.run([str(galaxy), "collection", "build", "--output-path", str(build), str(path)],
                   check=True, capture_output=True, env=galaxy_env())  # fmt: skip
    tarball = next(build.glob("*.tar.gz"))
    target = work / "installed"
    install = [str(galaxy), "collection", "install", "--offline", "--no-deps", "-p", str(target), str(tarball)]
    subprocess.run(install, check=True, capture_output=True, env=galaxy_env(ANSIBLE_COLLECTIONS_PATH=str(target)))
    namespace, name = fqcn.split(".")
    return target / "ansible_collections" / namespace / name


def reset(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if "__pycache__" in info.name.split("/") or info.name.endswith(".pyc"):
        return None
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
    return info


def add_tree(archive: tarfile.TarFile, root: Path, arcname: str) -> None:
    archive.add(root, arcname, recursive=False, filter=reset)
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        name = f"{arcname}/{entry.name}"
        if entry.is_dir() and not entry.is_symlink():
            add_tree(archive, entry, name)
        else:
            archive.add(entry, name, recursive=False, filter=reset)


def main() -> None:
    out, collection, paths = Path(sys.argv[1]), Path(sys.argv[2]).resolve(), sys.argv[3]
    root = identity(collection)
    found = installed(paths)
    found[root] = collection
    order, pending = [], [root]
    while pending:
        fqcn = pending.pop(0)
        if fqcn in order:
            continue
        if fqcn not in found:
            raise SystemExit(f"collection {fqcn} is not installed on the controller (needed by {root})")
        order.append(fqcn)
        pending.extend(dependencies(found[fqcn]))
    with tempfile.TemporaryDirectory() as work:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for fqcn in sorted(order):
                namespace, name = fqcn.split(".")
                add_tree(archive, materialise(fqcn, found[fqcn], Path(work) / fqcn), f"{namespace}/{name}")
        data = io.BytesIO()
        with gzip.GzipFile(fileobj=data, mode="wb", mtime=0) as compressed:
            compressed.write(raw.getvalue())
    content = data.getvalue()
    changed = not out.is_file() or out.read_bytes() != content
    if changed:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_suffix(".partial")
        partial.write_bytes(content)
        shutil.move(partial, out)
    digest = hashlib.sha256(content).hexdigest()
    print(json.dumps({"changed": changed, "path": str(out), "sha256": digest, "collections": sorted(order)}))


if __name__ == "__main__":
    main()
