"""The bootstrap script of the web nodes (roles/web_fleet/templates/user-data.sh.j2).

It is rendered by the role's own tasks file (tasks/user_data.yml, run by ansible-playbook), checked with
shellcheck, and executed with recorders in place of curl, apt-get, python3, pip, the venv's python, tar and
ansible-playbook: the tests pin down what it runs, in which order, and that it stops on a failed step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = "unit"
BUCKET = "unit-moodle-artifacts-123456789012"
REGION = "eu-west-1"
INSTANCE = "i-0123456789abcdef0"
IMDS = "http://169.254.169.254/latest"
SEPARATOR = "\x1f"
DOWNLOAD = 'import sys, boto3; boto3.client("s3", region_name=sys.argv[1]).download_file(*sys.argv[2:])'

RENDER_PLAYBOOK = """
- name: Render the user data as the web_fleet role does
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Render it
      ansible.builtin.include_role:
        name: lms.moodle.web_fleet
        tasks_from: user_data.yml
    - name: Write it
      ansible.builtin.copy:
        content: "{{ __web_fleet_user_data }}"
        dest: "{{ output }}"
        mode: "0600"
"""

# A recorder: logs its name (relative to the test's base directory) and arguments, then plays its part.
RECORDER = r"""#!/bin/bash
name="$0"
name="${name#"$TEST_BASE"/}"
name="${name#stubs/}"
{ printf '%s' "$name"; printf '\x1f%s' "$@"; printf '\n'; } >>"$TEST_RECORD"
count_file="$TEST_COUNTS/$(printf '%s' "$name $*" | md5sum | cut -c1-16)"
count=$(( $(cat "$count_file" 2>/dev/null || echo 0) + 1 ))
echo "$count" >"$count_file"
if [[ -n "${TEST_FAIL:-}" && "$name $*" == *"$TEST_FAIL"* && $count -le ${TEST_FAIL_TIMES:-99} ]]; then
  exit 1
fi
case "$name" in
  curl)
    case "$*" in
      *api/token*) printf 'TOKEN' ;;
      *placement/region*) printf '%s' "$TEST_REGION" ;;
      *instance-id*) printf '%s' "$TEST_INSTANCE" ;;
    esac ;;
  dpkg)
    if [[ "$1" == "--print-architecture" ]]; then printf 'arm64'; fi ;;
  systemctl)
    if [[ "$1" == "is-enabled" ]]; then exit 1; fi ;;
  python3)
    if [[ "$1 $2" == "-m venv" ]]; then
      mkdir -p "$3/bin"
      for tool in pip python ansible-playbook; do cp "$0" "$3/bin/$tool"; done
    fi ;;
esac
"""


@pytest.fixture(scope="module")
def script(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("user-data")
    playbook = work / "render.yml"
    playbook.write_text(RENDER_PLAYBOOK)
    output = work / "user-data.sh"
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"),
        ANSIBLE_NOCOLOR="1",
    )
    extra = [
        f"moodle_environment={ENVIRONMENT}",
        f"__web_fleet_bucket={BUCKET}",
        f"output={output}",
        "ansible_python_interpreter={{ ansible_playbook_python }}",
    ]
    command = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(playbook)]
    for item in extra:
        command += ["-e", item]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def run(script: Path, tmp_path: Path, **env) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (tmp_path / "counts").mkdir()
    for name in ("curl", "apt-get", "tar", "python3", "dpkg", "systemctl"):
        stub = stubs / name
        stub.write_text(RECORDER)
        stub.chmod(0o755)
    record = tmp_path / "record"
    record.touch()
    environment = {
        "PATH": f"{stubs}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LMS_MOODLE_BASE": str(tmp_path / "base"),
        "LMS_MOODLE_BOOTSTRAP_LOG": str(tmp_path / "bootstrap.log"),
        "LMS_MOODLE_CONSOLE": str(tmp_path / "console"),
        "LMS_MOODLE_RETRY_DELAY": "0",
        "TEST_BASE": str(tmp_path),
        "TEST_RECORD": str(record),
        "TEST_COUNTS": str(tmp_path / "counts"),
        "TEST_REGION": REGION,
        "TEST_INSTANCE": INSTANCE,
        **env,
    }
    result = subprocess.run(
        ["bash", str(script)], env=environment, check=False, capture_output=True, text=True, timeout=60
    )
    commands = [line.split(SEPARATOR) for line in record.read_text().splitlines()]
    return result, commands


def expected_commands() -> list[list[str]]:
    token = ["curl", "-fsS", "-X", "PUT", f"{IMDS}/api/token", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 900"]

    def metadata(path):
        return ["curl", "-fsS", "-H", "X-aws-ec2-metadata-token: TOKEN", f"{IMDS}/meta-data/{path}"]

    return [
        token,
        metadata("placement/region"),
        metadata("instance-id"),
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-q", "-y", "--no-install-recommends", "ca-certificates", "python3-venv"],
        ["systemctl", "is-enabled", "--quiet", "amazon-ssm-agent"],
        ["dpkg", "--print-architecture"],
        ["curl", "-fsSL", "-o", "base/amazon-ssm-agent.deb",
         f"https://s3.{REGION}.amazonaws.com/amazon-ssm-{REGION}/latest/debian_arm64/amazon-ssm-agent.deb"],
        ["dpkg", "-i", "base/amazon-ssm-agent.deb"],
        ["systemctl", "enable", "--now", "amazon-ssm-agent"],
        ["python3", "-m", "venv", "base/venv"],
        ["base/venv/bin/pip", "install", "--quiet", "--disable-pip-version-check", "ansible-core==2.19.4", "boto3"],
        ["base/venv/bin/python", "-c", DOWNLOAD, REGION, BUCKET, "collections/ansible-collections.tar.gz",
         "base/collections.tar.gz"],
        ["tar", "-xzf", "base/collections.tar.gz", "-C", "base/collections/ansible_collections"],
        ["base/venv/bin/ansible-playbook", "lms.moodle.node", "-c", "local", "-i", "localhost,",
         "-e", f"moodle_environment={ENVIRONMENT}", "-e", f"aws_region={REGION}"],
    ]  # fmt: skip


def relative(commands: list[list[str]], tmp_path: Path) -> list[list[str]]:
    return [[arg.replace(f"{tmp_path}/", "") for arg in command] for command in commands]


def test_rendered_script_is_a_strict_bash_script(script):
    text = script.read_text()

    assert text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    assert f"readonly ENVIRONMENT={ENVIRONMENT}\n" in text
    assert f"readonly ARTIFACT_BUCKET={BUCKET}\n" in text
    assert "{{" not in text and "{%" not in text


def test_rendered_script_is_shellcheck_clean(script):
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        pytest.skip("shellcheck is not installed here (.ci/run installs it; apt-get install shellcheck)")
    result = subprocess.run(
        [shellcheck, "--shell=bash", "--severity=style", str(script)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_script_runs_the_bootstrap_steps_in_order(script, tmp_path):
    result, commands = run(script, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert relative(commands, tmp_path) == expected_commands()
    log = (tmp_path / "bootstrap.log").read_text()
    assert f"bootstrapping {INSTANCE} of environment {ENVIRONMENT} in {REGION}" in log
    assert "lms-moodle-bootstrap: done" in (tmp_path / "console").read_text()


def test_network_steps_are_retried(script, tmp_path):
    result, commands = run(script, tmp_path, TEST_FAIL="apt-get update", TEST_FAIL_TIMES="2")

    assert result.returncode == 0, result.stdout + result.stderr
    assert relative(commands, tmp_path)[3:6] == [["apt-get", "update", "-q"]] * 3
    assert relative(commands, tmp_path)[-1][0] == "base/venv/bin/ansible-playbook"


@pytest.mark.parametrize(
    ("failing", "last"),
    [
        ("api/token", 0),
        ("download_file", 12),
        ("apt-get install", 4),
        ("latest/debian_arm64", 7),
        ("tar -xzf", 13),
        ("ansible-playbook lms.moodle.node", 14),
    ],
)
def test_a_failed_step_stops_the_script(script, tmp_path, failing, last):
    result, commands = run(script, tmp_path, TEST_FAIL=failing)

    assert result.returncode != 0
    expected = expected_commands()
    recorded = relative(commands, tmp_path)
    # Network steps are tried 5 times (web_fleet_bootstrap_retries), the playbook once; nothing runs after.
    attempts = 1 if failing.startswith(("ansible-playbook", "tar")) else 5
    assert recorded[-attempts:] == [expected[last]] * attempts
    assert recorded[:-attempts] == expected[:last]
    assert "giving up after 5 attempts" in (tmp_path / "bootstrap.log").read_text() or attempts == 1


def test_endpoint_and_metadata_overrides_reach_every_aws_call(script, tmp_path):
    """AWS_ENDPOINT_URL (VPC endpoints; the local platform's moto) reaches the playbook; boto3 reads it itself."""
    result, commands = run(
        script,
        tmp_path,
        AWS_ENDPOINT_URL="http://moto:5000",
        LMS_MOODLE_IMDS="http://imds:8169/latest",
        LMS_MOODLE_NO_SSM_AGENT="1",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    recorded = relative(commands, tmp_path)
    assert not any("amazon-ssm-agent" in " ".join(command) for command in recorded)
    assert recorded[0][4] == "http://imds:8169/latest/api/token"
    assert recorded[-1][-2:] == ["-e", "aws_endpoint_url=http://moto:5000"]
