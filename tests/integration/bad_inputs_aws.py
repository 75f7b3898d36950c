"""More bad input to the AWS roles, refused by their preflight before any AWS call (the form of BAD_INPUTS)."""

import pytest

MORE_BAD_INPUTS = [
    pytest.param({"file_system_performance_mode": "maxIO"}, "file_system_performance_mode", id="efs-maxio-elastic"),
    pytest.param(
        {"file_system_performance_mode": "maxIO", "file_system_throughput_mode": "elastic"},
        "file_system_throughput_mode",
        id="efs-elastic-maxio",
    ),
    pytest.param({"file_system_kms_key_id": "alias/aws/rds"}, "file_system_kms_key_id", id="efs-kms-rds-alias"),
    pytest.param({"database_kms_key_id": "alias/aws/elasticfilesystem"}, "database_kms_key_id", id="db-kms-efs-alias"),
    pytest.param(
        {"database_kms_key_id": "arn:aws:kms:us-east-1:123456789012:alias/aws/s3"},
        "database_kms_key_id",
        id="db-kms-s3-alias-arn",
    ),
    pytest.param(
        {"web_fleet_scale_out_cpu": 0.75, "web_fleet_scale_in_cpu": 0.25, "web_fleet_target_cpu": 0.5},
        "web_fleet_scale_out_cpu",
        id="cpu-fractions",
    ),
    pytest.param({"web_fleet_target_cpu": 0.5}, "web_fleet_target_cpu", id="cpu-target-fraction"),
    pytest.param({"web_fleet_ansible_core_version": "2.21.5"}, "web_fleet_ansible_core_version", id="core-2-21"),
    pytest.param({"web_fleet_ansible_core_version": "2.20.0"}, "web_fleet_ansible_core_version", id="core-2-20"),
    pytest.param(
        {"web_fleet_artifacts": [{"src": "/nonexistent/x.tgz", "key": "extra/x.tgz"}]},
        "web_fleet_artifacts",
        id="artifact-src-missing",
    ),
    pytest.param(
        {"parameters_extra": {"site/wwwroot": "https://evil.example.org"}}, "parameters_extra", id="extra-wwwroot"
    ),
    pytest.param(
        {"parameters_extra": {"db/writer_endpoint": "db.evil.example.org"}}, "parameters_extra", id="extra-db-endpoint"
    ),
]
