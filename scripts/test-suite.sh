#!/usr/bin/env bash
# make test: the whole suite, in two lanes side by side, because on a 2-core machine neither fills it alone for long:
#   aws    the quick stages (lint, sanity, unit, build), then the AWS side on moto servers, CPU-bound: the molecule
#          aws scenarios, one core each, then integration, which spreads over every core it is given (pytest-xdist)
#          and so goes last, to take the whole machine once the hosts lane is done
#   hosts  containers, much of it waiting on package downloads, boots and health checks: the images, the molecule web
#          scenario, then the cluster suite
# The hosts lane is the longer one, and it waits on containers whose work it cannot hurry: it runs at the normal
# priority and the aws lane at a lower one (nice 10, and a CPU cgroup of a tenth of the default weight where the machine
# allows: low_cpu_weight), so the aws lane takes the CPU the hosts lane leaves, instead of starving it (at the same
# priority, molecule web took 2.5 times as long as alone: 812 s against 331 s).
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
  # The aws lane's CPU cgroup (low_cpu_weight), empty once the lane has ended.
  rmdir /sys/fs/cgroup/cpu/lms-moodle-aws /sys/fs/cgroup/lms-moodle-aws 2>/dev/null
  if [ "$table" = "--table" ]; then
    printf 'wall clock\t%s\t%s\n' "$((SECONDS - started))" "$1" >>"$timings"
    scripts/timed.sh "$timings" --table
  fi
  exit "$1"
}

# low_cpu_weight NAME: move this (sub)shell, and so every process it starts, into a CPU cgroup of its own with a tenth
# of the default weight, where the machine lets us (root, cgroup v1's cpu controller or cgroup v2 at the root).
# nice alone is not enough: it weighs only against processes of the same cgroup, and what the hosts lane waits on
# runs in docker's cgroup, which counts as one process (moto, PHP-FPM, the nodes' Python: the cluster's second demo
# took 475 s in CI against 168 s alone). Nothing happens where the cgroup cannot be made.
low_cpu_weight() {
  local group="" weight
  if [ -w /sys/fs/cgroup/cpu/cgroup.procs ] && [ -f /sys/fs/cgroup/cpu/cpu.shares ]; then
    group="/sys/fs/cgroup/cpu/lms-moodle-$1" weight=cpu.shares=102
  elif [ -w /sys/fs/cgroup/cgroup.procs ] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
    group="/sys/fs/cgroup/lms-moodle-$1" weight=cpu.weight=10
  fi
  if [ -n "$group" ] && { mkdir -p "$group" && echo "${weight#*=}" >"$group/${weight%=*}" &&
    echo "$BASHPID" >"$group/cgroup.procs"; } 2>/dev/null; then
    echo "[$1] runs in the CPU cgroup $group (${weight%=*} ${weight#*=}, a tenth of the default)"
  fi
  return 0
}

# lane NAME NICENESS STAGE...: the stages in order, each timed, stopping at the first that fails.
lane() {
  local name="$1" niceness="$2" stage
  shift 2
  if [ "$niceness" -gt 0 ]; then
    low_cpu_weight "$name"
  fi
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
# CI may keep only the end of the output, and a lane's log ends with molecule's or pytest's recap, which names the
# failed step but not the task or the assertion: repeat each failure, with the task before it, last.
failures() {
  local name
  for name in aws hosts; do
    sed 's/\x1b\[[0-9;]*m//g' "$lanes/$name.log" |
      grep -E -B8 -A25 '^[^A-Za-z]*(fatal: \[|failed: \[|ERROR!|E   |FAILED tests/|Traceback )' |
      tail -n 150 | sed "s/^/[$name] /"
  done
}
if [ "$status" -ne 0 ]; then
  echo
  echo "=============================== what failed (repeated from the logs above) ==============================="
  failures
fi
finish "$status"
