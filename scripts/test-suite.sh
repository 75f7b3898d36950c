#!/usr/bin/env bash
# make test: the whole suite, in two lanes side by side, because on a 2-core machine neither fills it alone for long:
#   aws    the quick stages (lint, sanity, unit, build), then the AWS side on moto servers, CPU-bound: the molecule
#          aws scenarios, one core each, then integration, which spreads over every core it is given (pytest-xdist)
#          and so goes last, to take the whole machine once the hosts lane is done
#   hosts  containers, much of it waiting on package downloads, boots and health checks: the images, the molecule web
#          scenario, then the cluster suite
# The hosts lane is the longer one, and it waits on containers whose work it cannot hurry: it runs at the normal
# priority and the aws lane at a lower one (nice 10), so the aws lane takes the CPU the hosts lane leaves, instead of
# starving it (at the same priority, molecule web took 2.5 times as long as alone: 812 s against 331 s).
# Each lane writes its output to .cache/lanes/<lane>.log, printed when both have ended; a line marks each stage's
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
    else
      echo "[$name] $stage: FAILED at $(date +%T) (its output is in $lanes/$name.log, printed below)"
      return 1
    fi
  done
}

mkdir -p "$lanes"
: >"$lanes/aws.log"
: >"$lanes/hosts.log"
lane aws 10 lint sanity unit build molecule-aws molecule-aws_3az integration &
aws=$!
lane hosts 0 platform molecule-web cluster &
hosts=$!
status=0
wait "$aws" || status=1
wait "$hosts" || status=1
for name in aws hosts; do
  echo
  echo "=============================== lane $name: $lanes/$name.log ==============================="
  cat "$lanes/$name.log"
done
finish "$status"
