"""What the Moodle modules that read the whole site (moodle_info, moodle_install, moodle_upgrade) do with a dirroot,
config.php, web user or PHP that is wrong: the runner's message, before any script runs."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import moodle_info, moodle_install, moodle_upgrade

from ..moodle_fake import CURRENT_USER, FakeMoodle, fake_php, moodle_tree, run_module

# The options each module needs besides the runner's.
MODULES = {
    moodle_info: {},
    moodle_install: {"admin_password": "Adm1n/P@ss w0rd", "agree_license": True},
    moodle_upgrade: {},
}
module_params = pytest.mark.parametrize("module", list(MODULES), ids=lambda module: module.__name__.rsplit(".", 1)[-1])


@module_params
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dirroot": "/nonexistent/moodle"}, "dirroot /nonexistent/moodle does not exist"),
        ({"dirroot": "/tmp"}, "dirroot /tmp is not a Moodle tree"),
        ({"web_user": "no-such-user-x"}, "web user no-such-user-x does not exist"),
        ({"php_path": "/nonexistent/php"}, "php_path /nonexistent/php is not an executable file"),
    ],
)
def test_bad_input_is_named(moodle, capsys, module, change, message):
    fake, args = moodle
    result = run_module(module, capsys, **{**args, **MODULES[module], **change})
    assert result["failed"] is True and message in result["msg"]
    assert fake.calls == []


@module_params
def test_missing_config_php(tmp_path, monkeypatch, capsys, module):
    fake = FakeMoodle(tmp_path / "data").install(monkeypatch)
    root = moodle_tree(tmp_path, config=False, extra_scripts=("install_database.php",))
    args = {"dirroot": str(root), "php_path": fake_php(tmp_path), "web_user": CURRENT_USER}
    result = run_module(module, capsys, **args, **MODULES[module])
    assert result["failed"] is True and f"config.php not found: {root}/config.php does not exist" in result["msg"]
    assert fake.calls == []
