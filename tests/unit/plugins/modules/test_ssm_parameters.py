"""Unit tests of ssm_parameters with botocore Stubber (no network): one read, then only what differs."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.lms.moodle.plugins.modules import ssm_parameters

from .helpers import run_module, tag_list

PREFIX = "/lms-moodle/prod"
TAGS = {"Project": "moodle"}


@pytest.fixture
def ssm(stub_aws):
    return stub_aws("ssm")


run = functools.partial(run_module, ssm_parameters)


def stored(ssm, names, values):
    ssm.add_response(
        "get_parameters",
        {"Parameters": [{"Name": n, "Value": v, "Type": "String"} for n, v in values.items()]},
        {"Names": names},
    )


def test_only_new_and_changed_values_are_written_and_emptied_ones_deleted(ssm, capsys):
    names = [f"{PREFIX}/new", f"{PREFIX}/same", f"{PREFIX}/changed", f"{PREFIX}/gone", f"{PREFIX}/never"]
    stored(ssm, names, {f"{PREFIX}/same": "a", f"{PREFIX}/changed": "old", f"{PREFIX}/gone": "x"})
    common = {"Type": "String", "Tier": "Standard", "Description": ""}
    ssm.add_response(
        "put_parameter", {"Version": 1}, {"Name": f"{PREFIX}/new", "Value": "n", **common, "Tags": tag_list(TAGS)}
    )
    ssm.add_response(
        "put_parameter", {"Version": 2}, {"Name": f"{PREFIX}/changed", "Value": "new", **common, "Overwrite": True}
    )
    ssm.add_response(
        "add_tags_to_resource",
        {},
        {"ResourceType": "Parameter", "ResourceId": f"{PREFIX}/changed", "Tags": tag_list(TAGS)},
    )
    ssm.add_response("delete_parameters", {"DeletedParameters": [f"{PREFIX}/gone"]}, {"Names": [f"{PREFIX}/gone"]})

    result = run(
        capsys,
        parameters=[
            {"name": f"{PREFIX}/new", "value": "n"},
            {"name": f"{PREFIX}/same", "value": "a"},
            {"name": f"{PREFIX}/changed", "value": "new"},
            {"name": f"{PREFIX}/gone", "value": ""},
            {"name": f"{PREFIX}/never", "value": ""},
        ],
        tags=TAGS,
    )

    assert result["rc"] == 0 and result["changed"]
    assert result["written"] == [f"{PREFIX}/new", f"{PREFIX}/changed"]
    assert result["removed"] == [f"{PREFIX}/gone"]
    assert result["diff"]["before"] == {f"{PREFIX}/changed": "old", f"{PREFIX}/gone": "x"}


def test_nothing_differs_nothing_is_written_and_check_mode_writes_nothing(ssm, capsys):
    stored(ssm, [f"{PREFIX}/a"], {f"{PREFIX}/a": "1"})
    assert run(capsys, parameters=[{"name": f"{PREFIX}/a", "value": "1"}])["changed"] is False

    stored(ssm, [f"{PREFIX}/a"], {})
    result = run(capsys, parameters=[{"name": f"{PREFIX}/a", "value": "1"}], _ansible_check_mode=True)
    assert result["changed"] and result["written"] == [f"{PREFIX}/a"]


def test_reads_and_deletes_ten_names_a_call(ssm, capsys):
    names = [f"{PREFIX}/k{i:02d}" for i in range(12)]
    stored(ssm, names[:10], {name: "v" for name in names[:10]})
    stored(ssm, names[10:], {name: "v" for name in names[10:]})
    ssm.add_response("delete_parameters", {"DeletedParameters": names[:10]}, {"Names": names[:10]})
    ssm.add_response("delete_parameters", {"DeletedParameters": names[10:]}, {"Names": names[10:]})

    result = run(capsys, parameters=[{"name": name, "value": ""} for name in names])

    assert result["removed"] == names


def test_a_name_given_twice_or_an_error_fails(ssm, capsys):
    twice = run(capsys, parameters=[{"name": "/a", "value": "1"}, {"name": "/a", "value": "2"}])
    assert twice["rc"] == 1 and "/a more than once" in twice["msg"]
    ssm.add_client_error("get_parameters", service_error_code="AccessDeniedException")
    denied = run(capsys, parameters=[{"name": "/a", "value": "1"}])
    assert denied["rc"] == 1 and "Could not read the SSM parameters" in denied["msg"]
