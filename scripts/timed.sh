#!/usr/bin/env bash
# Time the stages of a run and print them as a table (make test and .ci/run use it).
#   timed.sh FILE NAME -- COMMAND...   run COMMAND, append "NAME<TAB>SECONDS<TAB>EXIT STATUS" to FILE, exit with
#                                      COMMAND's status
#   timed.sh FILE --table              print FILE as a table: the stages in the order they ended (a name with a colon,
#                                      such as "molecule:web", is a part of the stage before the colon), the sum of
#                                      the whole stages and, when a row "wall clock" was recorded, the time the run
#                                      really took (stages run side by side)
set -uo pipefail
file="$1"
shift

if [ "${1:-}" = "--table" ]; then
  [ -s "$file" ] || exit 0
  awk -F'\t' '
    function clock(s) { return sprintf("%d:%02d", s / 60, s % 60) }
    function result(code) { return code == 0 ? "ok" : "FAILED (" code ")" }
    BEGIN { printf "\n%-28s %9s  %s\n", "stage", "time", "result"; printf "%-28s %9s  %s\n", "-----", "----", "------" }
    $1 == "wall clock" { wall = $2; wall_result = $3; next }
    {
      name = $1; if (index(name, ":")) { sub(/:/, " ", name); name = "  " name } else { total += $2 }
      printf "%-28s %9s  %s\n", name, clock($2), result($3)
    }
    END {
      printf "%-28s %9s\n", "sum of stages", clock(total)
      if (wall != "") printf "%-28s %9s  %s\n", "wall clock", clock(wall), result(wall_result)
    }
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
