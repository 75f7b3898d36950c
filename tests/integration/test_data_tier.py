"""Secrets of the data tier never reach Ansible's output, even at -vvv, against a real moto server."""

from __future__ import annotations

import json

ENV = {
    "moodle_environment": "secrets",
    "cache_session_engine": "redis",
    "cache_session_node_type": "cache.t4g.micro",
    "cache_application_node_type": "cache.t4g.micro",
}


def secret_values(moto) -> list[str]:
    client = moto.client("secretsmanager")
    values = []
    for name in ("secrets/moodle/database", "secrets/moodle/cache/session", "secrets/moodle/cache/application"):
        document = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
        values.extend(v for k, v in document.items() if k in ("password", "auth_token"))
    return values


def test_generated_secrets_never_appear_in_the_output(moto, run_playbook):
    first = run_playbook("provision.yml", ENV, "-vvv", "--diff")
    second = run_playbook("provision.yml", ENV, "-vvv", "--diff")
    teardown = run_playbook("teardown.yml", {**ENV, "teardown_confirm": "secrets"}, "-vvv")

    assert first.returncode == 0, first.output[-5000:]
    assert second.returncode == 0, second.output[-5000:]
    assert second.recap()["changed"] == 0, second.output[-5000:]
    assert teardown.returncode == 0, teardown.output[-5000:]


def test_secrets_are_stable_across_runs_and_hidden(moto, run_playbook):
    first = run_playbook("provision.yml", ENV, "-vvv", "--diff")
    assert first.returncode == 0, first.output[-5000:]
    values = secret_values(moto)
    second = run_playbook("provision.yml", ENV, "-vvv", "--diff")

    assert len(values) == 3
    assert all(len(value) >= 32 for value in values)
    assert secret_values(moto) == values, "a second run changed a generated secret"
    for value in values:
        assert value not in first.output
        assert value not in second.output
