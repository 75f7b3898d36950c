"""Unit tests of efs_file_system and efs_file_system_info with botocore Stubber (no network).

The Stubber fails on any call that is not queued, so every test also proves which EFS APIs are NOT called (for
example no backup-policy API when the backup option is omitted, nothing mutating in check mode). moto covers the
happy path except UpdateFileSystem and PutBackupPolicy, which it does not implement.
"""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.lms.moodle.plugins.modules import efs_file_system, efs_file_system_info

from .helpers import module_args, run_module, tag_list

NAME = "prod-moodledata"
FS_ID = "fs-0123456789abcdef0"
ARN = f"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{FS_ID}"
KMS = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"
SUBNET_A, SUBNET_B, SUBNET_C = "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"
SG1, SG2 = "sg-01111111111111111", "sg-02222222222222222"
LIFECYCLE = {"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"}
LIFECYCLE_API = [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
BY_ID = {"FileSystemId": FS_ID}


def file_system(
    *, state="available", mode="elastic", mibps=None, encrypted=True, tags=None, performance="generalPurpose"
):
    tags = {"Name": NAME, "Environment": "prod"} if tags is None else tags
    description = {
        "OwnerId": "123456789012",
        "CreationToken": NAME,
        "FileSystemId": FS_ID,
        "FileSystemArn": ARN,
        "CreationTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "LifeCycleState": state,
        "NumberOfMountTargets": 0,
        "SizeInBytes": {"Value": 6144},
        "PerformanceMode": performance,
        "Encrypted": encrypted,
        "ThroughputMode": mode,
        "Tags": tag_list(tags),
    }
    if "Name" in tags:
        description["Name"] = tags["Name"]
    if encrypted:
        description["KmsKeyId"] = KMS
    if mibps is not None:
        description["ProvisionedThroughputInMibps"] = mibps
    return description


def mount_target(subnet=SUBNET_A, state="available", zone="us-east-1a"):
    return {
        "MountTargetId": f"fsmt-{subnet[-8:]}",
        "FileSystemId": FS_ID,
        "SubnetId": subnet,
        "LifeCycleState": state,
        "IpAddress": "10.0.1.25",
        "AvailabilityZoneName": zone,
    }


def mt_id(subnet):
    return f"fsmt-{subnet[-8:]}"


@pytest.fixture
def stub(stub_aws):
    return stub_aws("efs")


def present(**overrides):
    args = {
        "name": NAME,
        "backup": True,
        "lifecycle_policy": dict(LIFECYCLE),
        "mount_targets": [
            {"subnet_id": SUBNET_A, "security_groups": [SG1]},
            {"subnet_id": SUBNET_B, "security_groups": [SG1]},
        ],
        "tags": {"Environment": "prod"},
    }
    return module_args(args, overrides)


def expect_find(stub, found=None):
    stub.add_response("describe_file_systems", {"FileSystems": [found] if found else []}, {"CreationToken": NAME})


def expect_describe_by_id(stub, found):
    stub.add_response("describe_file_systems", {"FileSystems": [found]}, BY_ID)


def expect_mount_targets(stub, mount_targets):
    stub.add_response("describe_mount_targets", {"MountTargets": mount_targets}, BY_ID)


def expect_read(stub, mount_targets=(), groups=None, lifecycle=None, backup=None):
    """The reads of read_file_system after the file system itself; groups maps subnet to security groups."""
    expect_mount_targets(stub, list(mount_targets))
    for item in mount_targets:
        if item["LifeCycleState"] == "available":
            security_groups = (groups or {}).get(item["SubnetId"], [SG1])
            stub.add_response(
                "describe_mount_target_security_groups",
                {"SecurityGroups": security_groups},
                {"MountTargetId": item["MountTargetId"]},
            )
    if lifecycle is not None:
        stub.add_response("describe_lifecycle_configuration", {"LifecyclePolicies": lifecycle}, BY_ID)
    if backup == "missing":
        stub.add_client_error("describe_backup_policy", "PolicyNotFound", "None", 404, expected_params=BY_ID)
    elif backup is not None:
        stub.add_response("describe_backup_policy", {"BackupPolicy": {"Status": backup}}, BY_ID)


def expect_existing(stub, found=None, **read):
    """Find the file system and read it with both mount targets, the lifecycle and the backup policy."""
    expect_find(stub, found or file_system())
    read.setdefault("mount_targets", [mount_target(SUBNET_A), mount_target(SUBNET_B, zone="us-east-1b")])
    read.setdefault("lifecycle", LIFECYCLE_API)
    read.setdefault("backup", "ENABLED")
    expect_read(stub, **read)


# ---------------------------------------------------------------------------------------------- creation


def test_creates_file_system_with_mount_targets_backup_and_lifecycle(stub, capsys):
    expect_find(stub)
    stub.add_response(
        "create_file_system",
        file_system(state="creating"),
        {
            "CreationToken": NAME,
            "Encrypted": True,
            "PerformanceMode": "generalPurpose",
            "ThroughputMode": "elastic",
            "Tags": [{"Key": "Environment", "Value": "prod"}, {"Key": "Name", "Value": NAME}],
            "Backup": True,
        },
    )
    expect_describe_by_id(stub, file_system(state="creating"))
    expect_describe_by_id(stub, file_system())
    stub.add_response(
        "put_lifecycle_configuration",
        {"LifecyclePolicies": LIFECYCLE_API},
        {"FileSystemId": FS_ID, "LifecyclePolicies": LIFECYCLE_API},
    )
    for subnet in (SUBNET_A, SUBNET_B):
        stub.add_response(
            "create_mount_target",
            mount_target(subnet, state="creating"),
            {"FileSystemId": FS_ID, "SubnetId": subnet, "SecurityGroups": [SG1]},
        )
    expect_mount_targets(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B, state="creating")])
    expect_mount_targets(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B)])
    expect_describe_by_id(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B)], lifecycle=LIFECYCLE_API, backup="ENABLED")

    result = run_module(efs_file_system, capsys, **present())

    assert result["changed"] is True
    created = result["file_system"]
    assert created["file_system_id"] == FS_ID
    assert created["throughput_mode"] == "elastic"
    assert created["tags"] == {"Name": NAME, "Environment": "prod"}
    assert created["name"] == NAME
    assert created["backup_policy"] == "ENABLED"
    assert created["lifecycle_policies"] == LIFECYCLE
    assert [item["subnet_id"] for item in created["mount_targets"]] == [SUBNET_A, SUBNET_B]
    assert created["mount_targets"][0]["security_groups"] == [SG1]
    assert result["diff"] == {"before": {}, "after": created}


def test_creates_provisioned_without_backup_or_mount_targets_and_without_waiting(stub, capsys):
    expect_find(stub)
    stub.add_response(
        "create_file_system",
        file_system(state="creating", mode="provisioned", mibps=64.0),
        {
            "CreationToken": NAME,
            "Encrypted": True,
            "PerformanceMode": "maxIO",
            "ThroughputMode": "provisioned",
            "ProvisionedThroughputInMibps": 64.0,
            "KmsKeyId": "alias/moodledata",
            "Tags": [{"Key": "Name", "Value": NAME}],
        },
    )
    expect_describe_by_id(stub, file_system(state="creating", mode="provisioned", mibps=64.0))
    expect_read(stub)

    result = run_module(
        efs_file_system,
        capsys,
        name=NAME,
        throughput_mode="provisioned",
        provisioned_throughput_in_mibps=64,
        performance_mode="maxIO",
        kms_key_id="alias/moodledata",
        wait=False,
    )

    assert result["changed"] is True
    assert result["file_system"]["life_cycle_state"] == "creating"
    assert result["file_system"]["provisioned_throughput_in_mibps"] == 64.0
    assert "backup_policy" not in result["file_system"]
    assert "lifecycle_policies" not in result["file_system"]


def test_check_mode_on_missing_predicts_without_id(stub, capsys):
    expect_find(stub)

    result = run_module(efs_file_system, capsys, _ansible_check_mode=True, **present())

    assert result["changed"] is True
    predicted = result["file_system"]
    assert "file_system_id" not in predicted
    assert predicted["creation_token"] == NAME
    assert predicted["throughput_mode"] == "elastic"
    assert predicted["encrypted"] is True
    assert predicted["tags"] == {"Environment": "prod", "Name": NAME}
    assert predicted["backup_policy"] == "ENABLED"
    assert predicted["lifecycle_policies"] == LIFECYCLE
    assert predicted["mount_targets"] == [
        {"subnet_id": SUBNET_A, "security_groups": [SG1]},
        {"subnet_id": SUBNET_B, "security_groups": [SG1]},
    ]
    assert result["diff"]["before"] == {}


# ---------------------------------------------------------------------------------------------- idempotence


def test_rerun_is_unchanged(stub, capsys):
    expect_existing(stub)

    result = run_module(efs_file_system, capsys, **present())

    assert result["changed"] is False
    assert result["file_system"]["file_system_id"] == FS_ID
    assert result["diff"]["before"] == result["diff"]["after"]


def test_backup_and_lifecycle_omitted_call_neither_api(stub, capsys):
    """Stubber fails on unqueued calls: no DescribeBackupPolicy, no lifecycle call, no mount target change."""
    expect_find(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A)])

    result = run_module(efs_file_system, capsys, name=NAME, tags={"Environment": "prod"})

    assert result["changed"] is False
    assert "backup_policy" not in result["file_system"]
    assert "lifecycle_policies" not in result["file_system"]


@pytest.mark.parametrize(("reported", "wanted"), [([SG2, SG1], [SG1, SG2]), ([SG1, SG2], [SG2, SG1])])
def test_security_groups_are_compared_in_any_order(stub, capsys, reported, wanted):
    expect_existing(stub, groups={SUBNET_A: reported, SUBNET_B: [SG1]})

    mount_targets = [
        {"subnet_id": SUBNET_A, "security_groups": wanted},
        {"subnet_id": SUBNET_B, "security_groups": [SG1]},
    ]
    result = run_module(efs_file_system, capsys, **present(mount_targets=mount_targets))

    assert result["changed"] is False


def test_kms_key_id_matches_the_reported_key_arn(stub, capsys):
    expect_existing(stub)

    result = run_module(efs_file_system, capsys, **present(kms_key_id=KMS.rsplit("/", 1)[-1]))

    assert result["changed"] is False


# ---------------------------------------------------------------------------------------------- changes


def test_check_mode_on_existing_predicts_every_difference(stub, capsys):
    expect_existing(stub)

    args = present(
        throughput_mode="provisioned",
        provisioned_throughput_in_mibps=128,
        backup=False,
        lifecycle_policy={"transition_to_ia": "AFTER_7_DAYS"},
        mount_targets=[
            {"subnet_id": SUBNET_A, "security_groups": [SG2]},
            {"subnet_id": SUBNET_C, "security_groups": [SG1]},
        ],
        tags={"Environment": "staging"},
    )
    result = run_module(efs_file_system, capsys, _ansible_check_mode=True, **args)

    assert result["changed"] is True
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert after == result["file_system"]
    assert before["throughput_mode"] == "elastic"
    assert after["throughput_mode"] == "provisioned"
    assert after["provisioned_throughput_in_mibps"] == 128.0
    assert after["backup_policy"] == "DISABLED"
    assert after["lifecycle_policies"] == {"transition_to_ia": "AFTER_7_DAYS"}
    assert after["tags"] == {"Name": NAME, "Environment": "staging"}
    assert [(item["subnet_id"], item["security_groups"]) for item in after["mount_targets"]] == [
        (SUBNET_A, [SG2]),
        (SUBNET_C, [SG1]),
    ]
    assert after["mount_targets"][0]["mount_target_id"] == mt_id(SUBNET_A)


@pytest.mark.parametrize(
    ("current", "args", "update"),
    [
        (
            file_system(),
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 128},
            {"ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 128.0},
        ),
        (
            file_system(mode="provisioned", mibps=64.0),
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 128},
            {"ProvisionedThroughputInMibps": 128.0},
        ),
        (file_system(mode="provisioned", mibps=64.0), {"throughput_mode": "elastic"}, {"ThroughputMode": "elastic"}),
    ],
)
def test_throughput_change_updates_the_file_system(stub, capsys, current, args, update):
    expect_find(stub, current)
    expect_read(stub)
    stub.add_response("update_file_system", file_system(state="updating"), {"FileSystemId": FS_ID, **update})
    expect_describe_by_id(stub, file_system(state="updating"))
    expect_describe_by_id(stub, file_system())
    expect_describe_by_id(stub, file_system())
    expect_read(stub)

    result = run_module(efs_file_system, capsys, name=NAME, **args)

    assert result["changed"] is True
    assert result["diff"]["before"]["throughput_mode"] == current["ThroughputMode"]


def test_mount_targets_added_removed_and_resecured(stub, capsys):
    expect_existing(stub)
    expect_describe_by_id(stub, file_system())
    stub.add_response("delete_mount_target", {}, {"MountTargetId": mt_id(SUBNET_B)})
    expect_mount_targets(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B, state="deleting")])
    expect_mount_targets(stub, [mount_target(SUBNET_A)])
    stub.add_response(
        "modify_mount_target_security_groups", {}, {"MountTargetId": mt_id(SUBNET_A), "SecurityGroups": [SG1, SG2]}
    )
    stub.add_response(
        "create_mount_target",
        mount_target(SUBNET_C, state="creating"),
        {"FileSystemId": FS_ID, "SubnetId": SUBNET_C, "SecurityGroups": [SG1]},
    )
    expect_mount_targets(stub, [mount_target(SUBNET_A), mount_target(SUBNET_C)])
    expect_describe_by_id(stub, file_system())
    expect_read(
        stub,
        [mount_target(SUBNET_A), mount_target(SUBNET_C)],
        groups={SUBNET_A: [SG1, SG2]},
        lifecycle=LIFECYCLE_API,
        backup="ENABLED",
    )

    mount_targets = [
        {"subnet_id": SUBNET_A, "security_groups": [SG2, SG1]},
        {"subnet_id": SUBNET_C, "security_groups": [SG1]},
    ]
    result = run_module(efs_file_system, capsys, **present(mount_targets=mount_targets))

    assert result["changed"] is True
    assert [item["subnet_id"] for item in result["diff"]["before"]["mount_targets"]] == [SUBNET_A, SUBNET_B]
    assert [item["subnet_id"] for item in result["file_system"]["mount_targets"]] == [SUBNET_A, SUBNET_C]
    assert result["file_system"]["mount_targets"][0]["security_groups"] == [SG1, SG2]


def test_purge_mount_targets_false_keeps_other_subnets(stub, capsys):
    expect_existing(stub)

    mount_targets = [{"subnet_id": SUBNET_A, "security_groups": [SG1]}]
    result = run_module(efs_file_system, capsys, **present(mount_targets=mount_targets, purge_mount_targets=False))

    assert result["changed"] is False


def test_mount_target_not_yet_available_is_left_alone(stub, capsys):
    expect_existing(stub, mount_targets=[mount_target(SUBNET_A), mount_target(SUBNET_B, state="creating")])

    mount_targets = [
        {"subnet_id": SUBNET_A, "security_groups": [SG1]},
        {"subnet_id": SUBNET_B, "security_groups": [SG2]},
    ]
    result = run_module(efs_file_system, capsys, **present(mount_targets=mount_targets))

    assert result["changed"] is False
    assert result["file_system"]["mount_targets"][1]["security_groups"] is None


def test_tags_changed_and_purged(stub, capsys):
    current = file_system(tags={"Name": NAME, "Environment": "prod", "Owner": "ops"})
    expect_existing(stub, current)
    stub.add_response("untag_resource", {}, {"ResourceId": FS_ID, "TagKeys": ["Owner"]})
    stub.add_response("tag_resource", {}, {"ResourceId": FS_ID, "Tags": [{"Key": "Environment", "Value": "staging"}]})
    expect_describe_by_id(stub, file_system(tags={"Name": NAME, "Environment": "staging"}))
    expect_read(
        stub,
        [mount_target(SUBNET_A), mount_target(SUBNET_B, zone="us-east-1b")],
        lifecycle=LIFECYCLE_API,
        backup="ENABLED",
    )

    result = run_module(efs_file_system, capsys, **present(tags={"Environment": "staging"}))

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Name": NAME, "Environment": "prod", "Owner": "ops"}
    assert result["file_system"]["tags"] == {"Name": NAME, "Environment": "staging"}


def test_tags_omitted_still_ensures_the_name_tag_only(stub, capsys):
    expect_find(stub, file_system(tags={"Owner": "ops"}))
    expect_read(stub)
    stub.add_response("tag_resource", {}, {"ResourceId": FS_ID, "Tags": [{"Key": "Name", "Value": NAME}]})
    expect_describe_by_id(stub, file_system(tags={"Owner": "ops", "Name": NAME}))
    expect_read(stub)

    result = run_module(efs_file_system, capsys, name=NAME)

    assert result["changed"] is True
    assert result["diff"]["before"]["name"] is None
    assert result["file_system"]["tags"] == {"Owner": "ops", "Name": NAME}


def test_backup_and_lifecycle_changes_use_the_put_apis(stub, capsys):
    expect_existing(stub, backup="missing")
    expect_describe_by_id(stub, file_system())
    stub.add_response("put_lifecycle_configuration", {"LifecyclePolicies": []}, {**BY_ID, "LifecyclePolicies": []})
    stub.add_response(
        "put_backup_policy", {"BackupPolicy": {"Status": "ENABLING"}}, {**BY_ID, "BackupPolicy": {"Status": "ENABLED"}}
    )
    expect_describe_by_id(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B)], lifecycle=[], backup="ENABLING")

    result = run_module(efs_file_system, capsys, **present(lifecycle_policy={}))

    assert result["changed"] is True
    assert result["diff"]["before"]["backup_policy"] == "DISABLED"
    assert result["diff"]["before"]["lifecycle_policies"] == LIFECYCLE
    assert result["file_system"]["backup_policy"] == "ENABLED"
    assert result["file_system"]["lifecycle_policies"] == {}


@pytest.mark.parametrize(
    ("current", "args", "message"),
    [
        (file_system(encrypted=False), {}, "cannot change encrypted (is false, wanted true)"),
        (file_system(performance="maxIO"), {}, "cannot change performance_mode (is maxIO, wanted generalPurpose)"),
        (file_system(), {"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/other"}, "cannot change kms_key_id"),
    ],
)
def test_immutable_attribute_mismatch_fails_clearly(stub, capsys, current, args, message):
    expect_find(stub, current)
    expect_read(stub)

    result = run_module(efs_file_system, capsys, name=NAME, **args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert "set at creation only" in result["msg"]


# ---------------------------------------------------------------------------------------------- deletion


def test_absent_deletes_mount_targets_then_the_file_system(stub, capsys):
    expect_find(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B, state="deleting")])
    stub.add_response("delete_mount_target", {}, {"MountTargetId": mt_id(SUBNET_A)})
    expect_mount_targets(stub, [mount_target(SUBNET_A, state="deleting")])
    expect_mount_targets(stub, [])
    stub.add_response("delete_file_system", {}, BY_ID)
    expect_describe_by_id(stub, file_system(state="deleting"))
    stub.add_client_error("describe_file_systems", "FileSystemNotFound", "gone", 404, expected_params=BY_ID)

    result = run_module(efs_file_system, capsys, name=NAME, state="absent")

    assert result["changed"] is True
    assert result["file_system"] == {}
    assert result["diff"]["before"]["file_system_id"] == FS_ID
    assert result["diff"]["after"] == {}


def test_absent_in_check_mode_and_when_missing(stub, capsys):
    expect_find(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A)])
    result = run_module(efs_file_system, capsys, _ansible_check_mode=True, name=NAME, state="absent")
    assert result["changed"] is True
    assert result["file_system"] == {}

    expect_find(stub)
    result = run_module(efs_file_system, capsys, name=NAME, state="absent")
    assert result["changed"] is False


def test_absent_leaves_a_file_system_without_the_owner_tags_alone(stub, capsys):
    """Found by its name, made by hand (no ManagedBy): no mount target or file system deleted, a warning instead."""
    expect_find(stub, file_system(tags={"Name": NAME, "Environment": "prod"}))
    expect_read(stub, [mount_target(SUBNET_A)])  # and no delete call: the stubber fails on an unexpected one

    owned_by = {"ManagedBy": "lms.moodle", "Environment": "prod"}
    result = run_module(efs_file_system, capsys, name=NAME, state="absent", owned_by=owned_by)

    assert result["changed"] is False
    assert result["file_system"]["file_system_id"] == FS_ID
    assert f"file system {NAME} left alone: it carries no ManagedBy" in str(result["warnings"]), result


# ---------------------------------------------------------------------------------------------- failures


def test_api_error_names_the_action(stub, capsys):
    expect_find(stub)
    stub.add_client_error("create_file_system", "FileSystemLimitExceeded", "too many file systems", 403)

    result = run_module(efs_file_system, capsys, name=NAME)

    assert result["failed"] is True
    assert f"Failed to create EFS file system {NAME}" in result["msg"]
    assert "too many file systems" in result["msg"]


def test_describe_error_names_the_action(stub, capsys):
    stub.add_client_error("describe_file_systems", "AccessDeniedException", "not allowed", 403)

    result = run_module(efs_file_system, capsys, name=NAME)

    assert result["failed"] is True
    assert "Failed to describe EFS file systems" in result["msg"]


def test_wait_timeout_fails_with_what_it_waited_for(stub, capsys):
    expect_find(stub)
    stub.add_response("create_file_system", file_system(state="creating"), None)
    expect_describe_by_id(stub, file_system(state="creating"))

    result = run_module(efs_file_system, capsys, name=NAME, wait_timeout=0)

    assert result["failed"] is True
    assert f"Timeout after 0s waiting for EFS file system {FS_ID} to be available" in result["msg"]


def test_mount_target_in_error_state_fails(stub, capsys):
    expect_find(stub, file_system())
    expect_read(stub, [mount_target(SUBNET_A)])
    expect_describe_by_id(stub, file_system())
    stub.add_response("create_mount_target", mount_target(SUBNET_B, state="creating"), None)
    expect_mount_targets(stub, [mount_target(SUBNET_A), mount_target(SUBNET_B, state="error")])

    mount_targets = [
        {"subnet_id": SUBNET_A, "security_groups": [SG1]},
        {"subnet_id": SUBNET_B, "security_groups": [SG1]},
    ]
    result = run_module(efs_file_system, capsys, name=NAME, tags={"Environment": "prod"}, mount_targets=mount_targets)

    assert result["failed"] is True
    assert f"Mount target went into the error state: {mt_id(SUBNET_B)}" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"provisioned_throughput_in_mibps": 64},
            "provisioned_throughput_in_mibps is only valid with throughput_mode=provisioned",
        ),
        ({"throughput_mode": "provisioned"}, "provisioned_throughput_in_mibps"),
        (
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 0},
            "provisioned_throughput_in_mibps must be greater than 0",
        ),
        ({"encrypted": False, "kms_key_id": KMS}, "kms_key_id requires encrypted=true"),
        ({"tags": {"Name": "other"}}, "tags.Name must equal name"),
        ({"name": "x" * 65}, "name must have 1 to 64 characters"),
        (
            {
                "mount_targets": [
                    {"subnet_id": SUBNET_A, "security_groups": [SG1]},
                    {"subnet_id": SUBNET_A, "security_groups": [SG2]},
                ]
            },
            f"mount_targets[1].subnet_id {SUBNET_A} is listed more than once",
        ),
        (
            {"mount_targets": [{"subnet_id": SUBNET_A, "security_groups": []}]},
            "mount_targets[0].security_groups must list at least one security group",
        ),
        (
            {"mount_targets": [{"subnet_id": SUBNET_A, "security_groups": [f"sg-{i}" for i in range(6)]}]},
            "mount_targets[0].security_groups may list at most 5",
        ),
        ({"mount_targets": [{"subnet_id": SUBNET_A}]}, "security_groups"),
        ({"lifecycle_policy": {"transition_to_ia": "AFTER_2_DAYS"}}, "transition_to_ia"),
        ({"throughput_mode": "fast"}, "throughput_mode"),
    ],
)
def test_invalid_arguments_fail_before_any_call(stub, capsys, args, message):
    result = run_module(efs_file_system, capsys, **{"name": NAME, **args})

    assert result["failed"] is True
    assert message in result["msg"]


# ---------------------------------------------------------------------------------------------- info


def test_info_lists_all_without_backup_policy(stub, capsys):
    stub.add_response("describe_file_systems", {"FileSystems": [file_system()]}, {})
    expect_read(stub, [mount_target(SUBNET_A)], lifecycle=LIFECYCLE_API)

    result = run_module(efs_file_system_info, capsys)

    assert result["changed"] is False
    [found] = result["file_systems"]
    assert found["file_system_id"] == FS_ID
    assert found["lifecycle_policies"] == LIFECYCLE
    assert found["mount_targets"][0]["security_groups"] == [SG1]
    assert "backup_policy" not in found


def test_info_by_name_with_backup_policy(stub, capsys):
    expect_find(stub, file_system())
    expect_read(stub, lifecycle=[], backup="missing")

    result = run_module(efs_file_system_info, capsys, name=NAME, include_backup_policy=True)

    assert result["file_systems"][0]["backup_policy"] == "DISABLED"


def test_info_unknown_id_is_empty(stub, capsys):
    stub.add_client_error(
        "describe_file_systems", "FileSystemNotFound", "no such file system", 404, expected_params=BY_ID
    )

    result = run_module(efs_file_system_info, capsys, file_system_id=FS_ID)

    assert result["file_systems"] == []


def test_info_name_and_id_are_exclusive(stub, capsys):
    result = run_module(efs_file_system_info, capsys, name=NAME, file_system_id=FS_ID)

    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]
