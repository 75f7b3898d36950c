"""Helpers of the module unit tests: run a module's main() and read its JSON result, write AWS tag lists.

The botocore Stubber that answers the module's AWS calls is the `stub_aws` fixture of conftest.py.
"""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

REGION = "us-east-1"


def main_output(module, capsys, **args):
    """Run module.main() with exactly these arguments: its stdout and its exit code."""
    with patch_module_args(args), pytest.raises(SystemExit) as exit_info:
        module.main()
    return capsys.readouterr().out, exit_info.value.code


def module_output(module, capsys, **args):
    """Run an AWS module's main() with these arguments (in REGION unless one is given): its stdout and exit code."""
    args.setdefault("region", REGION)
    return main_output(module, capsys, **args)


def module_result(out, rc):
    """The module's JSON result, with its exit code as `rc`."""
    result = json.loads(out)
    result["rc"] = rc
    return result


def run_module(module, capsys, **args):
    """Run module.main() with these arguments (in REGION unless one is given): its result, with `rc`."""
    return module_result(*module_output(module, capsys, **args))


def module_args(args, overrides):
    """The arguments `args` with `overrides` applied; an override of None leaves the argument out."""
    merged = {**args, **overrides}
    return {key: value for key, value in merged.items() if value is not None}


def tag_list(tags):
    """Tags as the AWS APIs list them."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]
