#!/usr/bin/env bash
# Start the Docker engine in the background when it is not answering (CI machines have no init system
# that starts it). Waits until `docker info` answers.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
command -v dockerd >/dev/null || { echo "dockerd is missing: apt-get install docker.io" >&2; exit 1; }
mkdir -p /var/log
nohup dockerd >/var/log/lms-moodle-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "dockerd did not start; see /var/log/lms-moodle-dockerd.log" >&2
exit 1
