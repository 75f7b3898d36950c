#!/usr/bin/env bash
# `make demo`: the main job on the embedded default (inventories/local), from nothing to a login page.
#   1. playbooks/local/platform.yml  the local stand-in for AWS: moto, PostgreSQL, Redis, HAProxy and two
#                                    Debian 12 web nodes as containers (the images are built on first use)
#   2. playbooks/site.yml            exactly what production runs: provision, release, configure, install
# Then it checks the AWS side against the reference architecture and prints the site's URL.
# `make demo-clean` (this script with "clean") runs teardown.yml and removes the platform.
# Without internet, point MOODLE_SRC at a Moodle tree or release archive on this machine.
# LMS_MOODLE_DEMO_VARS may name a YAML file of overrides (another local_prefix, ports): the tests use it.
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$root/.venv/bin/python"
export ANSIBLE_CONFIG="$root/ansible.cfg"
export ANSIBLE_COLLECTIONS_PATH="$root/.cache/collections"
# moto takes any credentials; the checks below use boto3 with these.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
extra=()
if [ -n "${LMS_MOODLE_DEMO_VARS:-}" ]; then
  extra=(-e "@$LMS_MOODLE_DEMO_VARS")
fi
playbook() { "$root/.venv/bin/ansible-playbook" -i inventories/local "${extra[@]}" "$@"; }
read -r environment http_port moto_port proxy < <("$python" - "${LMS_MOODLE_DEMO_VARS:-}" <<'PY'
import re, sys, yaml
values = yaml.safe_load(open("inventories/local/group_vars/all.yml"))
if sys.argv[1]:
    values.update(yaml.safe_load(open(sys.argv[1])) or {})
# HAProxy's fixed address (local_proxy_address in inventories/local), the one proxy the web nodes trust.
proxy = re.sub(r"\.0/\d+$", ".250", values["local_subnet"]) + "/32"
print(values["moodle_environment"], values["local_http_port"], values["local_moto_port"], proxy)
PY
)
endpoint="http://127.0.0.1:$moto_port"

# Whether moto answers: its configuration, which nothing created in the account can break (the model dump,
# /moto-api/data.json, answers HTTP 500 once an Aurora cluster with a managed master password exists).
moto_answers() { curl -fsS -o /dev/null --max-time 10 "$endpoint/moto-api/config" 2>/dev/null; }
tiers=(network_checks data_checks site_checks edge_checks fleet_checks)

if [ "${1:-}" = "clean" ]; then
  status=0
  if moto_answers; then
    echo "moto answers on $endpoint: removing the AWS side of $environment with teardown.yml"
    if playbook playbooks/teardown.yml -e "teardown_confirm=$environment"; then
      for tier in "${tiers[@]}"; do
        "$python" -m "tests.verify.$tier" --environment "$environment" --endpoint-url "$endpoint" --expect-empty ||
          status=1
      done
    else
      echo "teardown.yml failed for $environment; the platform is removed all the same." >&2
      status=1
    fi
  else
    echo "moto does not answer on $endpoint: no AWS side to tear down."
  fi
  playbook playbooks/local/destroy.yml || status=1
  if [ "$status" -eq 0 ]; then echo "Demo removed."; else echo "Demo removed, with the errors above." >&2; fi
  exit "$status"
fi

# Every step can be run again: a failed or interrupted demo resumes where it stopped.
stopped() { echo >&2; echo "The demo stopped. make demo resumes it; make demo-clean removes everything." >&2; }
trap stopped ERR
trap 'stopped; exit 130' INT TERM

if [ -z "${MOODLE_SRC:-}" ]; then
  echo "MOODLE_SRC is not set: the release is downloaded from download.moodle.org (without internet, set MOODLE_SRC" \
    "to a Moodle tree or .tgz on this machine)."
fi
playbook playbooks/local/platform.yml
playbook playbooks/site.yml

echo
echo "Checked against the reference architecture and the design decisions (moto at $endpoint):"
"$python" -m tests.verify.network_checks --environment "$environment" --endpoint-url "$endpoint" --alb-ingress cdn
"$python" -m tests.verify.data_checks --environment "$environment" --endpoint-url "$endpoint" \
  --session valkey:node:1 --application valkey:node:1 --wwwroot "http://127.0.0.1:$http_port" --proxy-networks "$proxy"
"$python" -m tests.verify.edge_checks --environment "$environment" --endpoint-url "$endpoint" \
  --cdn --moto-attributes-missing
"$python" -m tests.verify.fleet_checks --environment "$environment" --endpoint-url "$endpoint" --plain-http-bucket
echo
echo "Moodle is up behind HAProxy (the ALB): http://127.0.0.1:$http_port/login/index.php"
echo "Administrator: user and password in the Secrets Manager secret $environment/moodle/admin, for example:"
echo "  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing .venv/bin/python -c \"import boto3; print(boto3.client('secretsmanager', endpoint_url='$endpoint', region_name='us-east-1').get_secret_value(SecretId='$environment/moodle/admin')['SecretString'])\""
echo "Scale out by one instance that joins through the launch template's user data:"
echo "  .venv/bin/ansible-playbook -i inventories/local playbooks/local/scale_out.yml"
echo "Remove everything: make demo-clean"
