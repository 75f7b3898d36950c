#!/usr/bin/env bash
# make test: the whole suite, in three lanes side by side, because on a 2-core machine none fills it alone for long:
#   aws    the quick stages (lint, sanity, unit, build), then the AWS side on moto servers, CPU-bound: the molecule
#          aws scenarios, one core each, then integration, which spreads over every core it is given (pytest-xdist)
#          and so goes last, to take the whole machine once the host lanes are done
#   hosts  containers, much of it waiting on package downloads, boots and health checks: the images, then the
#          cluster suite, the longest stage of all
#   web    the molecule web scenario, as soon as the hosts lane has built the images: containers too, mostly waiting
#          (a third of a core on average), so it runs beside the cluster suite's first demos instead of before them
# The host lanes wait on containers whose work they cannot hurry: they run at the normal priority and the aws lane at
# a lower one (nice 10), so the aws lane takes the CPU the host lanes leave, instead of starving them (at the same
# priority, molecule web took 2.5 times as long as alone: 812 s against 331 s).
# Each lane writes its output to .cache/lanes/<lane>.log, printed when all have ended; a line marks each stage's
# start and end. Every stage is timed into TIMINGS (scripts/timed.sh); with --table the table ends the output (.ci/run
# prints it itself). Exit status: 0 only when every stage passed. The virtualenv must exist (make test makes it).
#   scripts/test-suite.sh TIMINGS [--table]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
timings="$1"
table="${2:-}"
started=$SECONDS
lanes=.cache/lanes

finish() {
  if [ "$table" = "--table" ]; then
    printf 'wall clock\t%s\t%s\n' "$((SECONDS - started))" "$1" >>"$timings"
    scripts/timed.sh "$timings" --table
  fi
  exit "$1"
}

# lane NAME NICENESS STAGE...: the stages in order, each timed, stopping at the first that fails.
lane() {
  local name="$1" niceness="$2" stage
  shift 2
  for stage in "$@"; do
    echo "[$name] $stage: started at $(date +%T)"
    if nice -n "$niceness" scripts/timed.sh "$timings" "$stage" -- make --no-print-directory "$stage" >>"$lanes/$name.log" 2>&1; then
      echo "[$name] $stage: passed at $(date +%T)"
      touch "$lanes/$stage.passed"
    else
      echo "[$name] $stage: FAILED at $(date +%T) (its output is in $lanes/$name.log, printed below)"
      touch "$lanes/$stage.failed"
      return 1
    fi
  done
}

# after STAGE: wait until STAGE of another lane has passed; fail if it failed.
after() {
  until [ -e "$lanes/$1.passed" ]; do
    [ -e "$lanes/$1.failed" ] && return 1
    sleep 2
  done
}

mkdir -p "$lanes"
rm -f "$lanes"/*.passed "$lanes"/*.failed
for name in aws hosts web; do : >"$lanes/$name.log"; done
lane aws 10 lint sanity unit build molecule-aws molecule-aws_3az integration &
aws=$!
lane hosts 0 platform cluster &
hosts=$!
{ after platform || { echo "[web] molecule-web: not run, the images were not built"; exit 1; }; lane web 0 molecule-web; } &
web=$!
status=0
wait "$aws" || status=1
wait "$hosts" || status=1
wait "$web" || status=1
for name in aws hosts web; do
  echo
  echo "=============================== lane $name: $lanes/$name.log ==============================="
  cat "$lanes/$name.log"
done
finish "$status"
