#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out as ansible_collections/lms/moodle
# (ansible-test insists on that path), with the pip bootstrap it would otherwise download.
set -euo pipefail
dest="${1:?usage: sanity.sh DEST}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_python="$root/.venv/bin/python"
py_version="$("$venv_python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"

# ansible-test fetches get-pip.py from a host this network cannot reach; give it a local stand-in
# under the name it looks for, which bootstraps pip with ensurepip and installs with the host CA bundle.
pip_version="$("$venv_python" - <<'PY'
import inspect
from ansible_test._internal import python_requirements as r
source = inspect.getsource(r.get_venv_packages)
print(source.split("pip='", 1)[1].split("'", 1)[0])
PY
)"
mkdir -p "$HOME/.ansible/test/cache"
cat >"$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py" <<'PY'
"""Local stand-in for get-pip.py (written by lms.moodle scripts/sanity.sh)."""
import os
import subprocess
import sys

subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade"], check=True)
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
bundle = "/etc/ssl/certs/ca-certificates.crt"
cert = ["--cert", bundle] if os.path.exists(bundle) else []
subprocess.run([sys.executable, "-m", "pip", "install", *cert, *args], check=True)
PY

rm -rf "$dest"
mkdir -p "$dest"
cd "$root"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  [ -e "$file" ] || continue
  mkdir -p "$dest/$(dirname "$file")"
  cp -P "$file" "$dest/$file"
done
# The collections this one depends on, from the ansible package in the virtualenv.
site="$("$venv_python" -c 'import ansible_collections; print(list(ansible_collections.__path__)[0])')"
for namespace in amazon community; do
  ln -sfn "$site/$namespace" "$dest/../../$namespace"
done
cd "$dest"
# ansible-test lists files with git when it finds a repository; a fresh one keeps the copy self-contained.
git init -q . && git add -A >/dev/null
"$root/.venv/bin/ansible-test" sanity --python "$py_version" --requirements --color no "${@:2}"
