"""Unit tests of moodle_cache_store against the fake Moodle of moodle_fake (no PHP, no database, no Redis)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import moodle_muc
from ansible_collections.lms.moodle.plugins.modules import moodle_cache_store

from ..moodle_fake import VERSION_PHP, installed_site, moodle_tree, run_module

SECRET = 's3cr/et-Auth"token'
REDIS = {"name": "redis", "server": ["redis.internal:6379"], "password": SECRET, "prefix": "mdl_"}
STORED = {
    "server": "redis.internal:6379",
    "prefix": "mdl_",
    "password": SECRET,
    "serializer": 1,
    "compressor": 0,
    "encryption": 0,
    "cafile": "",
    "clustermode": 0,
}
MAPPINGS = {"application": ["redis"], "session": ["redis"]}


@pytest.fixture
def configured(moodle):
    """A site whose MUC already has the redis store of REDIS mapped to application and session."""
    fake, args = moodle
    fake.muc.stores["redis"] = {"plugin": "redis", "default": False, "configuration": dict(STORED)}
    fake.muc.mappings = {**fake.muc.mappings, **MAPPINGS}
    return fake, args


def assert_secret_hidden(fake, result):
    assert SECRET not in result["raw_output"]
    assert all(SECRET not in json.dumps(call) for call in fake.calls), "the password must not be in argv"


def test_adds_store_maps_modes_and_purges(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_cache_store, capsys, diff=True, stores=[REDIS], mappings=MAPPINGS, **args)
    assert result["changed"] is True and result["exit_code"] == 0
    assert result["changes"] == ["add store redis", "map application to redis", "map session to redis"]
    assert fake.muc.stores["redis"]["configuration"] == STORED
    assert fake.muc.mappings == {**MAPPINGS, "request": ["default_request"]}
    assert result["mappings"] == {**MAPPINGS, "request": ["default_request"]}
    assert result["purged"] == ["redis"] and fake.muc.purged == ["redis"] and result["not_purged"] == []
    assert result["stores"]["redis"]["configuration"]["password"] == "********"
    assert "redis" not in result["diff"]["before"]["stores"] and "redis" in result["diff"]["after"]["stores"]
    assert result["diff"]["before"]["mappings"]["application"] == ["default_application"]
    assert result["writer"] == "cache_config_writer"
    # One read, one apply; the PHP is shown by name, the request goes to stdin.
    assert [command[-2:] for command in result["commands"]] == [["-r", "<lms.moodle MUC script>"]] * 2
    request = fake.muc.requests[-1]
    assert request["config"] == args["dirroot"] + "/config.php" and request["locallib"] is True
    assert [action["action"] for action in request["actions"]] == ["add", "mappings"]
    assert request["purge"] == ["redis"]
    assert_secret_hidden(fake, result)


def test_declared_state_is_unchanged(configured, capsys):
    fake, args = configured
    result = run_module(moodle_cache_store, capsys, diff=True, stores=[REDIS], mappings=MAPPINGS, **args)
    assert result["changed"] is False and result["changes"] == [] and result["purged"] == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert fake.muc.writes == 0 and len(fake.calls) == 1 and fake.muc.requests[0]["actions"] == []
    assert_secret_hidden(fake, result)


def test_second_run_is_idempotent(moodle, capsys):
    fake, args = moodle
    options = {"stores": [{**REDIS, "encryption": True, "server": ["cache.example.com"]}], "mappings": MAPPINGS}
    assert run_module(moodle_cache_store, capsys, **options, **args)["changed"] is True
    writes = fake.muc.writes
    result = run_module(moodle_cache_store, capsys, **options, **args)
    assert result["changed"] is False and fake.muc.writes == writes


def test_values_stored_as_text_by_the_admin_form_are_equal(configured, capsys):
    fake, args = configured
    fake.muc.stores["redis"]["configuration"].update(serializer="1", compressor="0", encryption="0", clustermode=False)
    del fake.muc.stores["redis"]["configuration"]["cafile"]
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["changed"] is False


@pytest.mark.parametrize(
    ("change", "changed_keys", "stored"),
    [
        ({"prefix": "new_"}, "prefix", {"prefix": "new_"}),
        ({"encryption": True, "ca_file": "/etc/ssl/ca.pem", "server": ["cache.example.com:6379"]},
         "server, encryption, cafile", {"encryption": 1, "cafile": "/etc/ssl/ca.pem"}),
        ({"serializer": "igbinary", "compressor": "zstd"}, "serializer, compressor",
         {"serializer": 2, "compressor": 2}),
        ({"password": "other-password"}, "password", {"password": "other-password"}),
    ],
)  # fmt: skip
def test_edits_only_what_differs(configured, capsys, change, changed_keys, stored):
    fake, args = configured
    result = run_module(moodle_cache_store, capsys, diff=True, stores=[{**REDIS, **change}], mappings=MAPPINGS, **args)
    assert result["changed"] is True and result["changes"] == [f"edit store redis: {changed_keys}"]
    configuration = fake.muc.stores["redis"]["configuration"]
    assert {key: configuration[key] for key in stored} == stored
    assert [action["action"] for action in fake.muc.requests[-1]["actions"]] == ["edit"]
    assert result["purged"] == ["redis"]
    assert "other-password" not in result["raw_output"] and SECRET not in result["raw_output"]


def test_edit_keeps_keys_the_module_does_not_manage(configured, capsys):
    fake, args = configured
    fake.muc.stores["redis"]["configuration"]["lockwait"] = 30
    run_module(moodle_cache_store, capsys, stores=[{**REDIS, "prefix": "x_"}], **args)
    assert fake.muc.stores["redis"]["configuration"]["lockwait"] == 30


def test_mapping_change_only(configured, capsys):
    fake, args = configured
    fake.muc.stores["redis2"] = {"plugin": "redis", "default": False, "configuration": {"server": "redis.internal"}}
    result = run_module(moodle_cache_store, capsys, diff=True, mappings={"session": ["redis2"]}, **args)
    assert result["changed"] is True and result["changes"] == ["map session to redis2"]
    assert fake.muc.mappings["session"] == ["redis2"] and fake.muc.mappings["application"] == ["redis"]
    assert result["diff"]["before"]["mappings"]["session"] == ["redis"]
    assert result["diff"]["after"]["mappings"]["session"] == ["redis2"]
    assert fake.muc.requests[-1]["actions"] == [{"action": "mappings", "mappings": {"session": ["redis2"]}}]
    assert result["purged"] == ["redis2"]


def test_no_purge_when_disabled(moodle, capsys):
    fake, args = moodle
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], purge=False, **args)
    assert result["changed"] is True and result["purged"] == [] and fake.muc.purged == []


def test_store_that_is_not_ready_any_more_is_not_purged(configured, capsys):
    fake, args = configured
    fake.muc.stores["down"] = {"plugin": "redis", "default": False, "configuration": {"server": "redis.down:6379"}}
    result = run_module(moodle_cache_store, capsys, mappings={"session": ["down"]}, **args)
    assert result["changed"] is True and result["purged"] == [] and result["not_purged"] == ["down"]


def test_check_mode_predicts_without_writing(moodle, capsys):
    fake, args = moodle
    result = run_module(
        moodle_cache_store, capsys, check_mode=True, diff=True, stores=[REDIS], mappings=MAPPINGS, **args
    )
    assert result["changed"] is True
    assert result["changes"] == ["add store redis", "map application to redis", "map session to redis"]
    assert result["diff"]["after"]["stores"]["redis"]["configuration"] == {**STORED, "password": "********"}
    assert result["diff"]["after"]["mappings"]["application"] == ["redis"]
    assert result["purged"] == ["redis"]
    assert fake.muc.writes == 0 and "redis" not in fake.muc.stores and len(fake.calls) == 1
    assert fake.muc.requests[0]["actions"] == [] and fake.muc.purged == []
    assert_secret_hidden(fake, result)


def test_check_mode_on_declared_state(configured, capsys):
    fake, args = configured
    result = run_module(moodle_cache_store, capsys, check_mode=True, stores=[REDIS], mappings=MAPPINGS, **args)
    assert result["changed"] is False and result["purged"] == []


def test_password_goes_to_stdin_only_and_is_compared_by_the_script(configured, capsys):
    fake, args = configured
    run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert fake.muc.requests[0]["passwords"] == {"redis": SECRET}
    assert json.loads(fake.inputs[0])["passwords"] == {"redis": SECRET}
    assert all(SECRET not in " ".join(call) for call in fake.calls)


def test_unreachable_redis_is_reported_and_nothing_written(moodle, capsys):
    fake, args = moodle
    store = {**REDIS, "server": ["redis.down:6379"]}
    result = run_module(moodle_cache_store, capsys, stores=[store], mappings=MAPPINGS, **args)
    assert result["failed"] is True and result["changed"] is False
    assert "store redis cannot be used: Moodle reports: Failed to connect to Redis at redis.down:6379" in result["msg"]
    assert fake.muc.writes == 0 and "redis" not in fake.muc.stores
    assert_secret_hidden(fake, result)


def test_missing_store_plugin_is_reported(moodle, capsys):
    fake, args = moodle
    fake.muc.plugins.remove("redis")
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and result["changed"] is False
    assert "cachestore_redis is not installed" in result["msg"] and fake.muc.writes == 0


def test_missing_php_redis_extension_is_reported(moodle, capsys):
    fake, args = moodle
    fake.muc.requirements_met = False
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and "its requirements are not met" in result["msg"]


def test_writer_exception_is_reported(moodle, capsys):
    fake, args = moodle
    fake.muc.writer_exception = "cache_exception: ex_configcannotsave"
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and result["changed"] is True
    assert "ex_configcannotsave" in result["msg"]


def test_store_of_another_plugin_is_refused(moodle, capsys):
    fake, args = moodle
    fake.muc.stores["redis"] = {"plugin": "apcu", "default": False, "configuration": {}}
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and "exists with the apcu plugin" in result["msg"]
    assert fake.muc.writes == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mappings": {"application": ["nosuch"]}}, "mappings.application: no store nosuch"),
        ({"mappings": {"session": ["default_session", "default_session"]}}, "a store is listed twice"),
        ({"stores": [{**REDIS, "name": "bad name"}]}, "invalid store name 'bad name'"),
        ({"stores": [{**REDIS, "prefix": "a b"}]}, "stores[redis].prefix"),
        ({"stores": [{**REDIS, "server": [" "]}]}, "give at least one server"),
        ({"stores": [REDIS, REDIS]}, "store redis is declared more than once"),
    ],
)
def test_bad_input_is_named(moodle, capsys, options, message):
    fake, args = moodle
    result = run_module(moodle_cache_store, capsys, **options, **args)
    assert result["failed"] is True and message in result["msg"]
    assert fake.muc.writes == 0


def test_unreachable_database(moodle, capsys):
    fake, args = moodle
    fake.state = "unreachable"
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and "Moodle cannot connect to its database" in result["msg"]


def test_script_without_output_fails_with_its_output(moodle, capsys):
    fake, args = moodle
    fake.fail_with = (255, "", f"PHP Fatal error: Uncaught Error: {SECRET} in Command line code\n")
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["failed"] is True and "lms.moodle MUC script failed with exit code 255" in result["msg"]
    assert SECRET not in result["raw_output"]


def test_timeout(moodle, capsys):
    fake, args = moodle
    fake.timeout_on = "php -r"
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], timeout=7, **args)
    assert result["failed"] is True and "lms.moodle MUC script did not finish within 7 seconds" in result["msg"]


def test_moodle_45_uses_the_core_cache_writer(tmp_path, monkeypatch, capsys):
    fake, args = installed_site(tmp_path, monkeypatch)
    moodle_tree(tmp_path, version_php=VERSION_PHP.replace("'404'", "'405'"))
    result = run_module(moodle_cache_store, capsys, stores=[REDIS], **args)
    assert result["writer"] == "\\core_cache\\config_writer"
    assert fake.muc.requests[0]["helper"] == "\\core_cache\\helper" and fake.muc.requests[0]["locallib"] is False


@pytest.mark.parametrize(
    ("branch", "writer"),
    [("404", "cache_config_writer"), ("405", "\\core_cache\\config_writer"), ("500", "\\core_cache\\config_writer"),
     (None, "cache_config_writer")],
)  # fmt: skip
def test_writer_classes(branch, writer):
    assert moodle_muc.writer_classes(branch)["writer"] == writer


def test_php_script_never_prints_the_password():
    # The stored password leaves the script only masked or as a comparison result.
    assert "'password_matches'" in moodle_muc.MUC_PHP and "'********'" in moodle_muc.MUC_PHP
    assert "<?php" not in moodle_muc.MUC_PHP  # php -r takes code without the opening tag
