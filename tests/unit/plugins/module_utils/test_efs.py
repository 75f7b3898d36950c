"""Unit tests of the pure functions in module_utils/efs.py."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import efs
from ansible_collections.lms.moodle.plugins.module_utils._efs import api as efs_api

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d"


def options(**overrides):
    values = {
        "name": "prod-moodledata",
        "encrypted": True,
        "kms_key_id": None,
        "performance_mode": "generalPurpose",
        "throughput_mode": "elastic",
        "provisioned_throughput_in_mibps": None,
        "lifecycle_policy": None,
        "backup": None,
        "mount_targets": None,
        "purge_mount_targets": True,
        "tags": None,
        "purge_tags": True,
    }
    values.update(overrides)
    return values


def current(**overrides):
    values = {
        "file_system_id": "fs-1",
        "encrypted": True,
        "kms_key_id": KEY_ARN,
        "performance_mode": "generalPurpose",
        "throughput_mode": "elastic",
        "provisioned_throughput_in_mibps": None,
        "tags": {"Name": "prod-moodledata"},
        "name": "prod-moodledata",
        "mount_targets": [],
    }
    values.update(overrides)
    return values


def mount_target(subnet, groups, state="available"):
    return {
        "mount_target_id": f"fsmt-{subnet}",
        "subnet_id": subnet,
        "security_groups": groups,
        "life_cycle_state": state,
    }


@pytest.mark.parametrize(
    ("reported", "wanted", "matches"),
    [
        (KEY_ARN, KEY_ARN, True),
        (KEY_ARN, "0a1b2c3d", True),
        (KEY_ARN, "arn:aws:kms:us-east-1:123456789012:key/other", False),
        (KEY_ARN, "alias/moodledata", True),
        (None, "0a1b2c3d", False),
    ],
)
def test_kms_key_matches(reported, wanted, matches):
    assert efs.kms_key_matches(reported, wanted) is matches


def test_lifecycle_round_trip_uses_one_object_per_transition():
    wanted = {"transition_to_ia": "AFTER_30_DAYS", "transition_to_archive": "AFTER_90_DAYS"}

    policies = efs.lifecycle_to_api(wanted)

    assert policies == [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToArchive": "AFTER_90_DAYS"}]
    assert efs.lifecycle_to_dict(policies) == wanted


def test_wanted_lifecycle_drops_unset_transitions_and_keeps_none_apart_from_empty():
    assert efs.wanted_lifecycle(None) is None
    assert efs.wanted_lifecycle({"transition_to_ia": None, "transition_to_archive": None}) == {}


@pytest.mark.parametrize(
    ("status", "expected"),
    [("ENABLED", "ENABLED"), ("ENABLING", "ENABLED"), ("DISABLING", "DISABLED"), (None, "DISABLED")],
)
def test_backup_status(status, expected):
    assert efs.backup_status(status) == expected


@pytest.mark.parametrize(
    ("reported", "wanted", "update"),
    [
        ({}, {}, {}),
        ({}, {"throughput_mode": "bursting"}, {"ThroughputMode": "bursting"}),
        (
            {},
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 10},
            {"ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 10.0},
        ),
        (
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 10.0},
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 10},
            {},
        ),
        (
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 10.0},
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 20},
            {"ProvisionedThroughputInMibps": 20.0},
        ),
    ],
)
def test_throughput_update(reported, wanted, update):
    assert efs.throughput_update(current(**reported), options(**wanted)) == update


def test_immutable_differences_name_every_option():
    differences = efs.immutable_differences(
        current(encrypted=False, performance_mode="maxIO"), options(kms_key_id="arn:aws:kms:us-east-1:1:key/x")
    )

    assert differences == [
        "encrypted (is false, wanted true)",
        "performance_mode (is maxIO, wanted generalPurpose)",
        f"kms_key_id (is {KEY_ARN}, wanted arn:aws:kms:us-east-1:1:key/x)",
    ]


def test_mount_target_plan():
    reported = [
        mount_target("a", ["sg-1"]),
        mount_target("b", ["sg-1"]),
        mount_target("c", None, state="creating"),
    ]
    wanted = [
        {"subnet_id": "a", "security_groups": ["sg-2", "sg-1"]},
        {"subnet_id": "c", "security_groups": ["sg-9"]},
        {"subnet_id": "d", "security_groups": ["sg-1"]},
    ]

    assert efs.mount_target_plan(reported, wanted, purge=True) == {
        "create": [{"subnet_id": "d", "security_groups": ["sg-1"]}],
        "delete": ["fsmt-b"],
        "modify": [{"mount_target_id": "fsmt-a", "security_groups": ["sg-1", "sg-2"]}],
    }
    assert efs.mount_target_plan(reported, wanted, purge=False)["delete"] == []
    assert efs.mount_target_plan(reported, None, purge=True) == {"create": [], "delete": [], "modify": []}


def test_plan_for_a_new_file_system_creates_everything_in_one_call():
    plan = efs.plan_changes({}, options(backup=True, tags={"Environment": "prod"}, lifecycle_policy={}))

    assert plan["create"] == {
        "CreationToken": "prod-moodledata",
        "Encrypted": True,
        "PerformanceMode": "generalPurpose",
        "ThroughputMode": "elastic",
        "Tags": [{"Key": "Environment", "Value": "prod"}, {"Key": "Name", "Value": "prod-moodledata"}],
        "Backup": True,
    }
    assert plan["backup"] is None
    assert plan["lifecycle"] == {}
    assert efs.has_changes(plan)


def test_plan_for_a_matching_file_system_is_empty():
    reported = current(lifecycle_policies={}, backup_policy="DISABLED", mount_targets=[mount_target("a", ["sg-1"])])
    wanted = options(
        lifecycle_policy={"transition_to_ia": None},
        backup=False,
        mount_targets=[{"subnet_id": "a", "security_groups": ["sg-1"]}],
        tags={},
    )

    assert not efs.has_changes(efs.plan_changes(reported, wanted))


def test_name_tag_is_kept_when_tags_are_purged():
    plan = efs.plan_changes(current(tags={"Name": "prod-moodledata", "Owner": "ops"}), options(tags={}))

    assert plan["tags"] == ({}, ["Owner"])


def test_prediction_applies_the_plan():
    reported = current(mount_targets=[mount_target("a", ["sg-1"]), mount_target("b", ["sg-1"])])
    wanted = options(
        throughput_mode="provisioned",
        provisioned_throughput_in_mibps=5,
        mount_targets=[{"subnet_id": "a", "security_groups": ["sg-2"]}, {"subnet_id": "c", "security_groups": ["x"]}],
        tags={"Environment": "prod"},
        backup=True,
    )

    predicted = efs.predict_file_system(reported, wanted, efs.plan_changes(reported, wanted))

    assert predicted["throughput_mode"] == "provisioned"
    assert predicted["provisioned_throughput_in_mibps"] == 5.0
    assert predicted["tags"] == {"Name": "prod-moodledata", "Environment": "prod"}
    assert predicted["backup_policy"] == "ENABLED"
    assert [(mt["subnet_id"], mt["security_groups"]) for mt in predicted["mount_targets"]] == [
        ("a", ["sg-2"]),
        ("c", ["x"]),
    ]
    assert "lifecycle_policies" not in predicted
    assert reported["mount_targets"][0]["security_groups"] == ["sg-1"], "the current state is not modified"


def test_validate_options_accepts_a_complete_configuration():
    wanted = options(
        throughput_mode="provisioned",
        provisioned_throughput_in_mibps=1.5,
        kms_key_id=KEY_ARN,
        tags={"Name": "prod-moodledata"},
        mount_targets=[{"subnet_id": "a", "security_groups": ["sg-1"]}],
    )

    assert efs.validate_options(wanted) is None


def test_wait_for_polls_until_true_and_times_out(monkeypatch):
    monkeypatch.setattr(efs_api, "POLL_INTERVAL", 0)
    answers = iter([False, False, True])

    efs.wait_for(lambda: next(answers), 60, "something")

    with pytest.raises(efs.AnsibleEFSError, match="Timeout after 0s waiting for something"):
        efs.wait_for(lambda: False, 0, "something")
