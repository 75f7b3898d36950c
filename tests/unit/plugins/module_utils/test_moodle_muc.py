"""Unit tests of the MUC helpers (module_utils.moodle_muc) and of the runner's standard-input path
(run_process(input_text=...), MoodleCLI.run_php_code)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import moodle_cli, moodle_muc

from ..moodle_fake import CURRENT_USER, FakeMoodle, fake_php, moodle_tree

SECRET = "pa$$/word"


def test_run_process_writes_input_text_to_stdin():
    rc, out, err = moodle_cli.run_process(["/bin/cat"], timeout=10, input_text='{"password": "x"}')
    assert (rc, out, err) == (0, '{"password": "x"}', "")


def test_run_process_without_input_text_gives_no_stdin():
    rc, out, _err = moodle_cli.run_process(["/bin/cat"], timeout=10)
    assert (rc, out) == (0, "")


@pytest.fixture
def cli(tmp_path, monkeypatch):
    fake = FakeMoodle(tmp_path / "data").install(monkeypatch)
    root = moodle_tree(tmp_path)
    runner = moodle_cli.MoodleCLI(str(root), php_path=fake_php(tmp_path), web_user=CURRENT_USER, secrets=[SECRET])
    return fake, runner


def test_run_php_code_shows_a_label_and_sends_the_input_on_stdin(cli):
    fake, runner = cli
    fake.muc.stores["redis"] = {"plugin": "redis", "default": False, "configuration": {"password": SECRET}}
    state = moodle_muc.run_muc(runner, passwords={"redis": SECRET})
    assert runner.commands == [[runner.php, "-r", "<lms.moodle MUC script>"]]
    assert fake.calls[0][2] == moodle_muc.MUC_PHP
    assert json.loads(fake.inputs[0])["passwords"] == {"redis": SECRET}
    assert state["stores"]["redis"]["password_matches"] is True
    assert state["stores"]["default_application"]["configuration"] == {}
    assert SECRET not in json.dumps(state)


def test_failed_php_code_is_redacted_and_classified(cli):
    fake, runner = cli
    fake.fail_with = (255, f"PHP Fatal error: {SECRET}\n", "")
    with pytest.raises(moodle_cli.MoodleCLIError) as error:
        moodle_muc.run_muc(runner)
    assert "lms.moodle MUC script failed with exit code 255" in error.value.message
    assert SECRET not in error.value.message and SECRET not in error.value.result.stdout


def test_reported_error_keeps_its_kind(cli):
    fake, runner = cli
    fake.muc.plugins.remove("redis")
    with pytest.raises(moodle_muc.MoodleCacheStoreError) as error:
        moodle_muc.run_muc(
            runner, actions=[{"action": "add", "name": "r", "plugin": "redis", "configuration": {"server": "x"}}]
        )
    assert error.value.kind == "plugin_missing"


def test_timeout_of_php_code(cli):
    fake, runner = cli
    runner.timeout = 3
    fake.timeout_on = "php -r"
    with pytest.raises(moodle_cli.MoodleTimeoutError, match="MUC script did not finish within 3 seconds"):
        moodle_muc.run_muc(runner)


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ('noise\nLMS_MOODLE_MUC_JSON:{"ok": true}\n', {"ok": True}),
        ("LMS_MOODLE_MUC_JSON:{broken\n", None),
        ("!!! Error reading from database !!!\n", None),
    ],
)
def test_parse_output(stdout, expected):
    result = moodle_cli.CLIResult(["php"], 0, stdout, "", raw_stdout=stdout)
    assert moodle_muc.parse_output(result) == expected


def test_normalize_state_turns_php_empty_arrays_into_dicts():
    state = moodle_muc.normalize_state({"stores": [], "mappings": {"application": ["a"]}})
    assert state["stores"] == {} and state["mappings"] == {"application": ["a"], "session": [], "request": []}
