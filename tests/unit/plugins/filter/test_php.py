"""php_literal against the PHP interpreter itself when one is installed: every literal must evaluate back to the
value (the test that would catch an escape that lets a password end the string)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lms.moodle.plugins.filter.php import php_literal

VALUES = [
    "plain",
    "it's",
    "back\\slash",
    "trailing\\",
    "\\'",
    "?> <?php echo 1; ?>",
    "dollar $CFG->x {$y}",
    'double "quotes"',
    "new\nline",
    "ünïcödé ✓",
    "",
    0,
    -3,
    2.5,
    True,
    False,
    None,
    ["a", 1, True],
    {"dbport": 5432, "readonly": {"instance": ["reader.example"], "connecttimeout": 2}},
]


@pytest.mark.parametrize("value", VALUES)
def test_literals(value):
    literal = php_literal(value)
    assert isinstance(literal, str)
    if isinstance(value, str):
        assert literal.startswith("'") and literal.endswith("'")


@pytest.mark.skipif(shutil.which("php") is None, reason="PHP CLI not installed")
@pytest.mark.parametrize("value", VALUES)
def test_php_reads_back_the_value(value):
    code = f"echo json_encode({php_literal(value)});"
    out = subprocess.run(["php", "-r", code], capture_output=True, text=True, check=True).stdout
    decoded = json.loads(out)
    if isinstance(value, list | dict) and not value:
        assert decoded == []
    else:
        assert decoded == value


def test_octal_modes():
    assert php_literal(0o2777, octal=True) == "02777"
    assert php_literal(0o750, octal=True) == "0750"


@pytest.mark.parametrize("value", [float("nan"), object(), "nul\x00byte", {(1, 2): "x"}])
def test_refused(value):
    with pytest.raises(AnsibleFilterError):
        php_literal(value)
