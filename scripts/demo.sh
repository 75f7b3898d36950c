#!/usr/bin/env bash
# `make demo`: run the main job on the embedded default. AWS is a moto server on 127.0.0.1 that
# this script starts (and leaves running so the result can be inspected); `make demo-clean` tears
# the environment down with teardown.yml and stops the server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$root/.venv/bin/python"
state="${LMS_MOODLE_DEMO_STATE:-$root/.cache/moto/demo}"
export ANSIBLE_CONFIG="$root/ansible.cfg"
export ANSIBLE_COLLECTIONS_PATH="$root/.cache/collections"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
read -r environment wwwroot < <("$python" -c 'import yaml; v = yaml.safe_load(open("inventories/local/group_vars/all.yml")); print(v["moodle_environment"], v["moodle_wwwroot"])')

if [ "${1:-}" = "clean" ]; then
  if AWS_ENDPOINT_URL="$("$python" scripts/moto-server.py url --state "$state" 2>/dev/null)"; then
    export AWS_ENDPOINT_URL
    "$root/.venv/bin/ansible-playbook" -i inventories/local playbooks/teardown.yml -e "teardown_confirm=$environment"
  fi
  "$python" scripts/moto-server.py stop --state "$state"
  echo "Demo removed."
  exit 0
fi

AWS_ENDPOINT_URL="$("$python" scripts/moto-server.py start --state "$state")"
export AWS_ENDPOINT_URL
echo "moto server (stands in for AWS): $AWS_ENDPOINT_URL"
"$root/.venv/bin/ansible-playbook" -i inventories/local playbooks/provision.yml

echo
echo "Resources now in the (moto) account, by type:"
for tier in network_checks data_checks edge_checks fleet_checks; do
  "$python" -m "tests.verify.$tier" --environment "$environment" --endpoint-url "$AWS_ENDPOINT_URL" --list
done
echo
echo "SSM parameter catalogue /$environment/moodle/:"
"$python" - "$AWS_ENDPOINT_URL" "$environment" <<'PY'
import sys
import boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="us-east-1")
for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=f"/{sys.argv[2]}/moodle/", Recursive=True):
    for parameter in page["Parameters"]:
        print(f"  {parameter['Name']} = {parameter['Value']}")
PY
echo
echo "Checked against the reference architecture and the design decisions:"
"$python" -m tests.verify.network_checks --environment "$environment" --endpoint-url "$AWS_ENDPOINT_URL"
"$python" -m tests.verify.data_checks --environment "$environment" --endpoint-url "$AWS_ENDPOINT_URL" \
  --session valkey:node:1 --application valkey:node:1 --wwwroot "$wwwroot"
"$python" -m tests.verify.edge_checks --environment "$environment" --endpoint-url "$AWS_ENDPOINT_URL" \
  --cdn --moto-attributes-missing
"$python" -m tests.verify.fleet_checks --environment "$environment" --endpoint-url "$AWS_ENDPOINT_URL"
echo
echo "The moto server keeps running at $AWS_ENDPOINT_URL. Run 'make demo-clean' to tear down and stop it."
