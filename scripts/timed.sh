#!/usr/bin/env bash
# Time the stages of a run and print them as a table (make test and .ci/run use it).
#   timed.sh FILE NAME -- COMMAND...   run COMMAND, append "NAME<TAB>SECONDS<TAB>EXIT STATUS" to FILE, exit with
#                                      COMMAND's status
#   timed.sh FILE --table              print FILE as a table, with the total of the top-level stages (names without
#                                      a colon; "molecule:web" is a part of "molecule")
set -uo pipefail
file="$1"
shift

if [ "${1:-}" = "--table" ]; then
  [ -s "$file" ] || exit 0
  awk -F'\t' '
    function clock(s) { return sprintf("%d:%02d", s / 60, s % 60) }
    BEGIN { printf "\n%-28s %9s  %s\n", "stage", "time", "result"; printf "%-28s %9s  %s\n", "-----", "----", "------" }
    {
      name = $1; if (index(name, ":")) { sub(/:/, " ", name); name = "  " name } else { total += $2 }
      printf "%-28s %9s  %s\n", name, clock($2), ($3 == 0 ? "ok" : "FAILED (" $3 ")")
    }
    END { printf "%-28s %9s\n", "total", clock(total) }
  ' "$file"
  exit 0
fi

name="$1"
shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$(dirname "$file")"
start=$(date +%s)
"$@"
status=$?
printf '%s\t%s\t%s\n' "$name" "$(($(date +%s) - start))" "$status" >>"$file"
exit "$status"
