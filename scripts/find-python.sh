#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter (ansible-core 2.21 needs it), or fail saying so.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for candidate in python3.12 python3.13 python3.14 python3; do
  path="$(command -v "$candidate" 2>/dev/null || true)"
  # pyenv shims exist for versions that are installed but not active; they fail when run.
  if [ -n "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -V); do
    path="$(pyenv root)/versions/$version/bin/python3"
    if ok "$path"; then echo "$path"; exit 0; fi
  done
fi
echo "Python >= 3.12 is required (ansible-core 2.21); install python3.12 and retry" >&2
exit 1
