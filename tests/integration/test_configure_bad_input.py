"""Bad input to configure.yml fails in the preflight of the host roles, before any node is touched, naming the
variable to fix.

The play runs against this machine over the local connection in check mode: every task before the failure must be
a preflight task (asserts and reads), and nothing is reported changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ansible_env import ROOT, ansible_env
from tests.integration.refusals import assert_each_refused, merged, pack

# Input that passes every preflight (the shared mount point is this machine's /tmp).
VALID = {
    "configure_hosts": "all",
    "moodle_source": str(ROOT / "tests" / "moodle" / "standin"),
    "moodle_wwwroot": "https://moodle.example.edu",
    "moodle_db_host": "db.internal",
    "moodle_db_user": "moodle",
    "moodle_db_password": "secret-password",
    "moodle_session_host": "sessions.internal",
    "moodle_admin_password": "Adm1n-password!",
    "shared_storage_mount_point": "/tmp",
}

BAD_INPUTS = [
    pytest.param({"webserver_php_max_input_vars": 1000}, "webserver_php_max_input_vars", id="max-input-vars-1000"),
    pytest.param({"webserver_php_memory_limit": "256"}, "webserver_php_memory_limit", id="memory-limit-no-unit"),
    pytest.param({"webserver_php_timezone": "Mars/Olympus"}, "webserver_php_timezone", id="timezone-unknown"),
    pytest.param({"shared_storage_mount_options": "nfsvers=4.1,hard"}, "shared_storage_mount_options",
                 id="nfs-options-without-netdev"),
    pytest.param({"shared_storage_mount_point": "/nonexistent/shared"}, "shared_storage_mount_point",
                 id="shared-path-missing"),
    pytest.param({"shared_storage_dataroot": "/var/moodledata"}, "shared_storage_mount_point",
                 id="dataroot-not-shared"),
    pytest.param({"moodle_wwwroot": "moodle.example.edu/"}, "moodle_wwwroot", id="wwwroot-not-a-url"),
    pytest.param({"moodle_source": "https://download.moodle.org/moodle.tgz"}, "moodle_source_checksum",
                 id="url-without-checksum"),
    pytest.param({"moodle_source": "/nonexistent/moodle"}, "moodle_source", id="source-missing"),
    pytest.param({"moodle_db_password": ""}, "moodle_db_password", id="db-password-missing"),
    pytest.param({"moodle_db_type": "oracle"}, "moodle_db_type", id="db-type-unknown"),
    pytest.param({"moodle_session_store": "memcached", "moodle_session_tls": True}, "Memcached",
                 id="memcached-with-tls"),
    pytest.param({"moodle_admin_password": "short"}, "moodle_admin_password", id="admin-password-short"),
    pytest.param({"moodle_plugins": [{"name": "Local-Greetings", "src": "/tmp"}]}, "moodle_plugins",
                 id="plugin-name-not-frankenstyle"),
    # One checksum format across the collection: sha256:<hex>, as moodle_source_checksum and release_checksum.
    pytest.param({"moodle_plugins": [{"name": "local_greetings", "src": "/tmp/g.zip", "checksum": "a" * 64}]},
                 "moodle_plugins", id="plugin-checksum-bare-hex"),
    pytest.param({"moodle_plugins": [{"name": "local_greetings", "src": "https://example.org/g.zip"}]},
                 "moodle_plugins", id="plugin-download-without-checksum"),
    pytest.param({"moodle_config_extra": {"dbpass": "x"}}, "moodle_config_extra", id="extra-overrides-dbpass"),
    pytest.param({"moodle_cron_schedule": "*/5 * * * *"}, "moodle_cron_schedule", id="cron-schedule-in-crontab-syntax"),
    pytest.param({"moodle_cron_schedule": "every minute"}, "moodle_cron_schedule", id="cron-schedule-words"),
    pytest.param(
        {"webserver_php_extra_ini": {"memory_limit": "16M"}}, "webserver_php_memory_limit", id="extra-ini-memory-limit"
    ),
    pytest.param(
        {"webserver_php_extra_ini": {"Expose_PHP": "On"}}, "webserver_php_extra_ini", id="extra-ini-expose-php"
    ),
    # A directory is packed on the controller: no checksum given beforehand can describe it.
    pytest.param({"moodle_source_checksum": "sha256:" + "0" * 64}, "moodle_source_checksum",
                 id="directory-with-checksum"),
    pytest.param({"shared_storage_efs_dns_name": "fs-0123456789abcdef0"}, "shared_storage_efs_dns_name",
                 id="efs-id-for-dns-name"),
    # Restarts spread wider than their window never reach the start limit: a crash loop would go on unseen.
    pytest.param({"webserver_start_limit_burst": 100, "webserver_restart_delay": 5}, "webserver_start_limit_burst",
                 id="restart-limit-never-reached"),
    pytest.param({"webserver_hsts_max_age": "1y"}, "webserver_hsts_max_age", id="hsts-max-age-not-seconds"),
    # With no trusted proxy, mod_remoteip would believe any client's X-Forwarded-For.
    pytest.param({"webserver_remoteip_trusted_proxies": []}, "webserver_remoteip_trusted_proxies", id="no-proxy"),
    pytest.param({"webserver_remoteip_public_proxies": ["CDN"]}, "webserver_remoteip_public_proxies", id="cdn-name"),
    pytest.param({"webserver_fpm_health_children": 0}, "webserver_fpm_health_children", id="no-health-worker"),
    pytest.param({"moodle_db_connect_timeout": 0}, "moodle_db_connect_timeout", id="db-connect-timeout-zero"),
    pytest.param({"moodle_readiness_metric_namespace": "AWS/EC2"}, "moodle_readiness_metric_namespace",
                 id="readiness-namespace-of-aws"),
    pytest.param({"webserver_fpm_health_timeout": 0}, "webserver_fpm_health_timeout", id="health-timeout-zero"),
    # The publisher's unit carries these in Environment= lines: a quote or a line break would end one early.
    pytest.param({"moodle_readiness_metric_environment": {"HTTPS_PROXY": 'http://"proxy":3128'}},
                 "moodle_readiness_metric_environment", id="readiness-environment-quote"),
    pytest.param({"moodle_readiness_metric_python": "python3"}, "moodle_readiness_metric_python",
                 id="readiness-python-relative"),
    pytest.param({"moodle_session_tls": True, "moodle_cache_ca_certificates": ["certs/ca.pem"]},
                 "moodle_cache_ca_certificates", id="cache-ca-relative"),
    pytest.param({"moodle_application_cache": {"host": "muc.internal", "tls": True},
                  "moodle_cache_ca_certificates": []}, "moodle_cache_ca_certificates", id="cache-ca-none"),
]  # fmt: skip


def run_configure(extra_vars: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    vars_file = tmp_path / "vars.json"
    vars_file.write_text(json.dumps(extra_vars))
    argv = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", "-c", "local",
            "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"@{vars_file}", "--check",
            str(ROOT / "playbooks" / "configure.yml")]  # fmt: skip
    return subprocess.run(argv, env=ansible_env(), cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_valid_input_passes_every_preflight(tmp_path):
    result = run_configure({**VALID, "configure_preflight_only": True}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"failed=0\b", result.stdout) and re.search(r"changed=0\b", result.stdout), result.stdout


# Several cases to a run, one per host role (tests/integration/refusals.py): configure.yml has no AWS role, so its
# moodle_* variables are the moodle role's own.
HOST_ROLES_ONLY = ("aws_",)


@pytest.mark.parametrize("cases", pack(BAD_INPUTS, shared=HOST_ROLES_ONLY))
def test_bad_input_fails_in_preflight(cases, tmp_path):
    overrides = merged({}, cases)
    if "shared_storage_mount_options" in overrides:
        overrides["shared_storage_efs_dns_name"] = "fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com"
    result = run_configure({**VALID, **overrides}, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert_each_refused(output, cases, shared=HOST_ROLES_ONLY)
    tasks = re.findall(r"^TASK \[([^\]]+)\]", result.stdout, re.M)
    assert tasks, output
    roles_run = {task.split(" : ")[0] for task in tasks if " : " in task}
    assert roles_run <= {"lms.moodle.webserver", "lms.moodle.shared_storage", "lms.moodle.moodle",
                         "lms.moodle.validation", "lms.moodle.catalogue"}, roles_run  # fmt: skip
    assert "Gathering Facts" in tasks[0]
    assert re.search(r"changed=0\b", result.stdout), output
    # Besides the preflight's own tasks, Ansible's check of each role's input against its preflight entry point.
    names = [task.split(" : ", 1)[1] for task in tasks if " : " in task]
    implicit = "Validating arguments against arg spec"
    known = preflight_task_names()
    outside = [name for name in names if not known.fullmatch(name) and not name.startswith(implicit)]
    assert not outside, f"tasks outside the preflight ran: {outside}"


def preflight_task_names() -> re.Pattern:
    """The names of the tasks of the host roles' preflight.yml (and the files it includes) and of the shared
    validation (asserts and reads), as one pattern: a templated part of a name matches any text."""
    roles = ("webserver", "shared_storage", "moodle")
    files = [ROOT / "roles" / role / "tasks" / "preflight.yml" for role in roles]
    files += [
        path.parent / task["ansible.builtin.include_tasks"]
        for path in list(files)
        for task in yaml.safe_load(path.read_text())
        if "ansible.builtin.include_tasks" in task
    ]
    shared = ("platform.yml", "validate.yml", "hosts.yml", "checksum.yml", "plugins.yml", "roles.yml", "role.yml")
    files += [ROOT / "roles" / "validation" / "tasks" / name for name in shared]
    tasks = [task for path in files for task in yaml.safe_load(path.read_text()) or []]
    tasks += [inner for task in tasks for inner in task.get("block", []) + task.get("rescue", [])]
    names = {task["name"] for task in tasks if "name" in task}
    patterns = [".+".join(map(re.escape, re.split(r"\{\{.*?\}\}", name))) for name in names]
    return re.compile("|".join(patterns))


def test_a_local_archive_is_deployed_only_with_the_checksum_given_for_it(tmp_path):
    archive = tmp_path / "moodle.tgz"
    subprocess.run(["tar", "-C", str(VALID["moodle_source"]), "-czf", str(archive), "."], check=True)
    right = "sha256:" + hashlib.sha256(archive.read_bytes()).hexdigest()
    source = {**VALID, "moodle_source": str(archive), "configure_preflight_only": True}

    wrong = run_configure({**source, "moodle_source_checksum": "sha256:" + "0" * 64}, tmp_path)
    matching = run_configure({**source, "moodle_source_checksum": right}, tmp_path)

    assert wrong.returncode != 0 and "moodle_source_checksum" in wrong.stdout + wrong.stderr, wrong.stdout
    assert right.removeprefix("sha256:") in wrong.stdout + wrong.stderr, "the message gives the archive's checksum"
    assert matching.returncode == 0, matching.stdout + matching.stderr
