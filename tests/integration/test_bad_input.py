"""Bad input to provision.yml fails before any AWS call, with a message naming the variable.

Runs the real playbook against a real moto server; moto's request recorder proves that no AWS API
was called at all (test_check_mode_and_teardown shows that it records the calls of a valid run), so the account
stays as empty as it started. The provision cases run several to a playbook run, one per role (refusals.pack): each
role's refusal is reported on its own, and each case is checked against its own role's.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from tests.ansible_env import ROOT
from tests.integration.bad_inputs_aws import MORE_BAD_INPUTS
from tests.integration.refusals import assert_each_refused, merged, pack, refusals

VALID = {"moodle_environment": "validation"}
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
EU_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

BAD_INPUTS = [
    pytest.param({"network_vpc_cidr": "10.0.0.0/33"}, "network_vpc_cidr", id="vpc-cidr-prefix-33"),
    pytest.param({"network_vpc_cidr": "10.0.0.1/16"}, "network_vpc_cidr", id="vpc-cidr-host-bits"),
    pytest.param({"network_vpc_cidr": "10.0.0.0/8"}, "network_vpc_cidr", id="vpc-cidr-too-large"),
    pytest.param({"network_vpc_cidr": "banana"}, "network_vpc_cidr", id="vpc-cidr-not-an-address"),
    pytest.param(
        {"network_app_subnet_cidrs": ["10.0.200.0/22", "10.0.4.0/22"]},
        "network_app_subnet_cidrs[0]",
        id="subnets-overlap",
    ),
    pytest.param(
        {"network_data_subnet_cidrs": ["10.1.100.0/24", "10.0.101.0/24"]},
        "network_data_subnet_cidrs[0]",
        id="subnet-outside-vpc",
    ),
    pytest.param(
        {"network_public_subnet_cidrs": ["10.0.200.0/29", "10.0.201.0/24"]},
        "network_public_subnet_cidrs[0]",
        id="subnet-prefix-29",
    ),
    pytest.param(
        {"network_az_count": 3, "network_public_subnet_cidrs": ["10.0.200.0/24", "10.0.201.0/24"]},
        "network_public_subnet_cidrs",
        id="fewer-subnets-than-zones",
    ),
    pytest.param({"network_az_count": 0}, "network_az_count", id="az-count-0"),
    pytest.param({"network_az_count": 4}, "network_az_count", id="az-count-4"),
    pytest.param({"network_az_count": "two"}, "network_az_count", id="az-count-not-a-number"),
    pytest.param(
        {"network_availability_zones": ["us-east-1a", "us-east-1a"]}, "network_availability_zones", id="zones-repeated"
    ),
    pytest.param({"network_nat_gateways": "two"}, "network_nat_gateways", id="nat-mode-unknown"),
    pytest.param({"network_flow_logs_retention_days": 8}, "network_flow_logs_retention_days", id="retention-8-days"),
    pytest.param({"security_groups_database_engine": "oracle"}, "security_groups_database_engine", id="db-engine"),
    pytest.param(
        {"security_groups_cache_engines": ["redis", "hazelcast"]}, "security_groups_cache_engines", id="cache-engine"
    ),
    pytest.param({"security_groups_cache_engines": []}, "security_groups_cache_engines", id="no-cache-engine"),
    pytest.param(
        {"security_groups_alb_ingress_cidrs": ["0.0.0.0/0", "203.0.113.7/24"]},
        "security_groups_alb_ingress_cidrs[1]",
        id="alb-ingress-host-bits",
    ),
    pytest.param({"moodle_environment": "Prod_1"}, "moodle_environment", id="environment-illegal"),
    pytest.param({"moodle_environment": "a-very-long-environment-name"}, "moodle_environment", id="environment-long"),
    pytest.param({"moodle_environment": "prod-"}, "moodle_environment", id="environment-trailing-hyphen"),
    pytest.param({"moodle_environment": None}, "moodle_environment", id="environment-missing"),
    pytest.param(
        {"network_existing_vpc_id": "vpc-0123456789abcdef0", "network_existing_public_subnet_ids": ["subnet-1"]},
        "network_existing_public_subnet_ids",
        id="existing-vpc-without-subnets",
    ),
    pytest.param({"network_existing_vpc_id": "my-vpc"}, "network_existing_vpc_id", id="existing-vpc-id-malformed"),
    # Data tier
    pytest.param(
        {"database_mode": "serverless", "database_serverless_min_acu": 8, "database_serverless_max_acu": 4},
        "database_serverless_min_acu",
        id="acu-min-above-max",
    ),
    pytest.param(
        {"database_mode": "serverless", "database_serverless_max_acu": 0.7},
        "database_serverless_max_acu",
        id="acu-step",
    ),
    pytest.param({"database_engine": "oracle"}, "database_engine", id="database-engine-unknown"),
    pytest.param({"database_engine_version": "latest"}, "database_engine_version", id="database-version-format"),
    pytest.param(
        {"database_engine_version": "8.0.mysql_aurora.3.08.0"},
        "database_engine_version",
        id="mysql-version-for-postgres",
    ),
    pytest.param({"database_instance_class": "r6g.large"}, "database_instance_class", id="db-instance-class"),
    pytest.param({"database_backup_retention_days": 40}, "database_backup_retention_days", id="db-retention-40"),
    pytest.param({"database_reader_count": 16}, "database_reader_count", id="db-readers-16"),
    pytest.param({"database_master_username": "admin"}, "database_master_username", id="db-user-reserved"),
    pytest.param({"cache_application_engine": "memcached"}, "cache_application_engine", id="memcached-application"),
    pytest.param(
        {"cache_session_engine": "memcached"}, "cache_session_memcached_plaintext", id="memcached-sessions-plain"
    ),
    pytest.param({"cache_session_node_type": "db.r6g.large"}, "cache_session_node_type", id="cache-node-type-db"),
    pytest.param({"cache_session_node_type": "cache.t2.micro"}, "cache_session_node_type", id="valkey-on-t2"),
    pytest.param({"cache_application_nodes": 7}, "cache_application_nodes", id="cache-nodes-7"),
    pytest.param({"cache_engine_versions": {"valkey": "latest"}}, "cache_engine_versions", id="cache-version"),
    pytest.param({"cache_session_mode": "cluster"}, "cache_session_mode", id="cache-mode-unknown"),
    pytest.param(
        {"file_system_throughput_mode": "provisioned"},
        "file_system_provisioned_throughput_mibps",
        id="efs-provisioned-without-throughput",
    ),
    pytest.param({"file_system_transition_to_ia": "AFTER_2_DAYS"}, "file_system_transition_to_ia", id="efs-ia"),
    pytest.param({"file_system_backup": "yes"}, "file_system_backup", id="efs-backup-choice"),
    pytest.param({"moodle_wwwroot": "https://moodle.example.edu/"}, "parameters_wwwroot", id="wwwroot-trailing-slash"),
    pytest.param(
        {"moodle_domain_name": "moodle.example.edu", "moodle_wwwroot": "https://lms.example.edu"},
        "moodle_wwwroot",
        id="wwwroot-of-another-host",
    ),
    pytest.param(
        {"moodle_domain_name": "moodle.example.edu", "moodle_wwwroot": "http://moodle.example.edu"},
        "moodle_wwwroot",
        id="wwwroot-http-with-a-certificate",
    ),
    pytest.param({"parameters_extra": {"flat": "x"}}, "parameters_extra", id="parameter-key-without-group"),
    pytest.param({"parameters_proxy_networks": ["10.0.0.0"]}, "parameters_proxy_networks", id="proxy-no-prefix"),
    pytest.param(
        {"moodle_domain_name": "moodle.example.org", "moodle_hosted_zone": "example.edu"},
        "certificate_domain_name",
        id="domain-outside-hosted-zone",
    ),
    pytest.param({"moodle_domain_name": "moodle_example.edu"}, "certificate_domain_name", id="domain-name-illegal"),
    pytest.param(
        {"moodle_domain_name": "Moodle.Example.edu", "moodle_hosted_zone": "example.edu"},
        "moodle_domain_name",
        id="domain-name-upper-case",
    ),
    pytest.param(
        {
            "moodle_domain_name": "moodle.example.edu",
            "certificate_request": False,
            "certificate_load_balancer_arn": CERT,
        },
        "certificate_cloudfront_arn",
        id="cdn-without-us-east-1-certificate",
    ),
    pytest.param(
        {"moodle_domain_name": "moodle.example.edu", "certificate_cloudfront_arn": EU_CERT},
        "certificate_cloudfront_arn",
        id="cdn-certificate-outside-us-east-1",
    ),
    pytest.param(
        {"moodle_domain_name": "moodle.example.edu", "certificate_load_balancer_arn": EU_CERT},
        "certificate_load_balancer_arn",
        id="alb-certificate-in-another-region",
    ),
    pytest.param({"certificate_load_balancer_arn": CERT}, "certificate_domain_name", id="certificate-without-domain"),
    pytest.param({"moodle_hosted_zone": "example.edu"}, "dns_record_name", id="hosted-zone-without-domain"),
    pytest.param({"cdn_enabled": False, "dns_target": "cdn"}, "dns_target", id="dns-to-disabled-cdn"),
    pytest.param(
        {"cdn_aliases": ["moodle.example.com"], "cdn_certificate_arn": EU_CERT}, "cdn_certificate_arn", id="cdn-cert-eu"
    ),
    pytest.param({"cdn_origin_read_timeout": 180}, "cdn_origin_read_timeout", id="cdn-origin-timeout-180"),
    # On AWS, a CDN without a site name would reach the load balancer over plain HTTP: refused unless accepted.
    pytest.param({"lms_moodle_platform": "aws"}, "cdn_allow_http_origin", id="cdn-plain-http-origin-on-aws"),
    pytest.param({"load_balancer_idle_timeout": 0}, "load_balancer_idle_timeout", id="alb-idle-timeout-0"),
    pytest.param(
        {"load_balancer_health_check_path": "healthz.php"}, "load_balancer_health_check_path", id="health-path-relative"
    ),
    pytest.param(
        {"load_balancer_health_check_interval": 15, "load_balancer_health_check_timeout": 20},
        "load_balancer_health_check_timeout",
        id="health-timeout-above-interval",
    ),
    pytest.param(
        {"load_balancer_origin_verify_header": "X-Amz-Secret"}, "load_balancer_origin_verify_header", id="header-x-amz"
    ),
    pytest.param({"web_fleet_instance_type": "q9z.large"}, "web_fleet_instance_type", id="instance-family-unknown"),
    pytest.param({"web_fleet_instance_type": "c7g"}, "web_fleet_instance_type", id="instance-type-without-size"),
    pytest.param({"web_fleet_alarm_actions": ["moodle-alerts"]}, "web_fleet_alarm_actions", id="alarm-action-not-arn"),
    pytest.param(
        {"web_fleet_min_size": 3, "web_fleet_max_size": 2, "web_fleet_desired_capacity": 2},
        "web_fleet_min_size",
        id="fleet-min-above-max",
    ),
    pytest.param({"web_fleet_desired_capacity": 5}, "web_fleet_desired_capacity", id="fleet-desired-above-max"),
    pytest.param({"web_fleet_root_volume_size": 4}, "web_fleet_root_volume_size", id="root-volume-4-gib"),
    pytest.param({"web_fleet_scale_in_cpu": 80}, "web_fleet_scale_in_cpu", id="scale-in-above-scale-out"),
    pytest.param({"web_fleet_ami_id": "debian-12"}, "web_fleet_ami_id", id="ami-id-malformed"),
    pytest.param({"web_fleet_metadata_hop_limit": 3}, "web_fleet_metadata_hop_limit", id="imds-hop-limit-3"),
    pytest.param({"web_fleet_log_retention_days": "ninety"}, "web_fleet_log_retention_days", id="log-retention-text"),
    # Left to boto3, an empty region is AWS_DEFAULT_REGION's or ~/.aws/config's: the account could be built elsewhere.
    pytest.param({"aws_region": ""}, "aws_region", id="region-empty"),
    pytest.param({"aws_region": "eu-wset1"}, "aws_region", id="region-malformed"),
    # An ALB and an Aurora subnet group need two zones: one would fail after network, EFS and caches existed.
    pytest.param({"network_az_count": 1}, "network_az_count", id="one-zone-for-alb-and-aurora"),
    pytest.param({"database_kms_key_id": "moodle-data"}, "database_kms_key_id", id="kms-key-bare-name"),
    pytest.param({"database_log_exports": ["slowquery"]}, "database_log_exports", id="mysql-logs-on-postgresql"),
    pytest.param({"moodle_tags": {"aws:owner": "it"}}, "moodle_tags", id="tag-key-aws-prefix"),
    pytest.param({"network_tags": {"AWS:cost": "x"}}, "network_tags", id="role-tag-key-aws-prefix"),
    pytest.param({"moodle_tags": "Owner=it"}, "moodle_tags", id="tags-as-a-string"),
    # A list option given as a string passes Ansible's spec check (split at commas) and broke the first loop.
    pytest.param({"cdn_aliases": "moodle.example.edu"}, "cdn_aliases", id="cdn-aliases-as-a-string"),
    pytest.param(
        {"certificate_subject_alternative_names": "www.example.edu"},
        "certificate_subject_alternative_names",
        id="certificate-names-as-a-string",
    ),
    pytest.param(
        {"network_app_subnet_cidrs": "10.0.4.0/22,10.0.8.0/22"}, "network_app_subnet_cidrs", id="cidrs-string"
    ),
    pytest.param({"database_cluster_parameters": ["x=1"]}, "database_cluster_parameters", id="db-parameters-as-a-list"),
    pytest.param({"moodle_tags": {"x" * 130: "it"}}, "moodle_tags", id="tag-key-too-long"),
    pytest.param({"database_tags": {"Owner": "it<dept>"}}, "database_tags", id="tag-value-characters"),
    pytest.param({"web_fleet_ansible_core_version": "latest"}, "web_fleet_ansible_core_version", id="core-latest"),
]


@pytest.mark.parametrize("cases", pack(BAD_INPUTS + MORE_BAD_INPUTS))
def test_bad_input_fails_before_any_aws_call(moto, run_playbook, cases):
    """Each case's mistake is refused by its own role, naming its variable; the cases of a run touch different roles."""
    extra_vars = merged(VALID, cases)
    moto.start_recording()

    result = run_playbook("provision.yml", extra_vars)

    requests = moto.recorded_requests()
    assert result.returncode != 0, result.output
    assert_each_refused(result.failure(), cases)
    # No request at all, on an account reset before the run: nothing can have been created (listing every kind of
    # resource again would cost more than the run itself).
    assert requests == [], f"AWS was called before the input was rejected: {[r.get('url') for r in requests]}"


def release_archive(path: Path) -> Path:
    """A Moodle release archive as the release role checks it: a gzip'd tar with moodle/version.php."""
    with tarfile.open(path, "w:gz") as archive:
        archive.add(ROOT / "tests" / "moodle" / "standin" / "version.php", arcname="moodle/version.php")
    return path


# Every one of these would drain every web node at once (two nodes here), or crash Ansible (abc).
DEPLOY_SERIALS = [0, "0", "0%", "150%", "100%", 2, "abc", "-1"]


@pytest.mark.parametrize("serial", DEPLOY_SERIALS, ids=str)
def test_a_deploy_that_would_drain_every_node_at_once_is_refused_before_any_call(moto, run_playbook, tmp_path, serial):
    archive = release_archive(tmp_path / "release.tgz")
    moto.start_recording()

    result = run_playbook(
        "deploy.yml",
        {**VALID, "deploy_serial": serial, "release_source": str(archive)},
        groups={"moodle_web": ["web-1", "web-2"]},
    )

    assert result.returncode != 0, result.output
    assert "deploy_serial" in result.failure(), result.failure()
    assert moto.recorded_requests() == []


@pytest.mark.parametrize(
    ("source", "checksum"),
    [
        pytest.param("archive", "sha256:" + "0" * 64, id="archive-other-checksum"),
        pytest.param("archive", "sha256:https://example.org/moodle.tgz.sha256", id="archive-checksum-url"),
        pytest.param("directory", "sha256:" + "0" * 64, id="directory-with-checksum"),
    ],
)
def test_a_release_checksum_the_local_source_cannot_match_is_refused(moto, run_playbook, tmp_path, source, checksum):
    archive = release_archive(tmp_path / "release.tgz")
    path = archive if source == "archive" else ROOT / "tests" / "moodle" / "standin"
    moto.start_recording()

    result = run_playbook("release.yml", {**VALID, "release_source": str(path), "release_checksum": checksum})

    assert result.returncode != 0, result.output
    assert "release_checksum" in result.failure(), result.failure()
    assert moto.recorded_requests() == []


# site.yml's input mistakes, packed like provision's (one per role per run): provision's roles, the release and the
# host roles are checked before provisioning, each role's refusal naming its variable.
SITE_INPUT_CASES = [
    pytest.param({"network_vpc_cidr": "banana"}, "network_vpc_cidr", id="site-vpc-cidr"),
    pytest.param({"cache_engine_versions": {"valkey": "latest"}}, "cache_engine_versions", id="site-cache"),
    # The release site.yml publishes after provisioning is checked before it, with every AWS role.
    pytest.param({"release_source": "/nonexistent/moodle.tgz"}, "release_source", id="site-release-missing"),
    pytest.param({"release_bucket": "s3://my-bucket"}, "release_bucket", id="site-release-bucket-url"),
    # The host roles' settings too, before provisioning (the nodes do not exist yet).
    pytest.param({"webserver_php_memory_limit": "12X"}, "webserver_php_memory_limit", id="site-php-size"),
    # Node settings site.yml finds before provisioning, with the controller's time zone database and systemd.
    pytest.param({"webserver_php_timezone": "Europe/Londn"}, "webserver_php_timezone", id="site-tz-typo"),
    pytest.param({"shared_storage_directory_mode": 504}, "shared_storage_directory_mode", id="site-mode-int"),
    # A double quote would end Apache's quoted Header value: found before provisioning, not by apache2ctl on a node.
    pytest.param(
        {"webserver_security_headers": {"Content-Security-Policy": 'default-src "self"'}},
        "webserver_security_headers",
        id="site-header-quote",
    ),
    # YAML reads an unquoted 4.10 as 4.1, a string-shaped list as a string.
    pytest.param({"moodle_release": 4.10}, "moodle_release", id="site-release-name-a-number"),
    pytest.param({"moodle_plugins": "local_greetings"}, "moodle_plugins", id="site-plugins-a-string"),
    pytest.param({"moodle_cron_schedule": "*/5 * * * *"}, "moodle_cron_schedule", id="site-crontab"),
]


@pytest.mark.parametrize("cases", pack(SITE_INPUT_CASES))
def test_site_refuses_bad_input_before_provisioning(moto, run_playbook, cases):
    """Each case's own role refuses it, naming its variable, and no other role refuses anything (a site-wide moodle_*
    variable, which runs alone, is every role's that uses it: moodle_release is the release role's release_name too)."""
    moto.start_recording()

    # A release that exists: site.yml checks it with the AWS roles, before provisioning.
    release = {"moodle_source": str(ROOT / "tests" / "moodle" / "standin")}
    result = run_playbook("site.yml", merged({**VALID, **release}, cases))

    assert result.returncode != 0, result.output
    assert_each_refused(result.failure(), cases)
    failure = " ".join(result.failure().split())
    if not any(variable.startswith("moodle_") for _overrides, variable in cases):
        assert f"{len(cases)} role(s) refused" in failure, failure
    assert moto.mutating_requests() == [], "AWS was changed before the input was refused"


PLAYBOOK_CASES = [
    # site.yml: the account's answers, after every role's input passed; nothing is created either way.
    pytest.param("site.yml", {"aws_region": "eu-wset-1"}, "aws_region", id="site-region-unknown"),
    pytest.param("site.yml", {"web_fleet_instance_type": "c7g.24xlarge"}, "web_fleet_instance_type", id="site-type"),
    # release.yml: the plugins published with a release are checked as the moodle role checks them on the nodes.
    pytest.param(
        "release.yml",
        {"moodle_plugins": [{"name": "local_greetings", "src": "https://example.org/g.zip", "upgrade": False}]},
        "release_plugins (moodle_plugins)",
        id="release-plugin-unknown-key",
    ),
    pytest.param("site.yml", {"release_bucket": "s3://my-bucket"}, "release_bucket", id="site-release-bucket-url"),
    # teardown.yml: the confirmation is the environment's own name; every role's input is checked before a removal.
    pytest.param("teardown.yml", {}, "teardown_confirm", id="teardown-unconfirmed"),
    pytest.param("teardown.yml", {"teardown_confirm": "prod"}, "teardown_confirm", id="teardown-other-environment"),
    pytest.param(
        "teardown.yml",
        {"teardown_confirm": "validation", "database_secret_recovery_window_days": 3},
        "database_secret_recovery_window_days",
        id="teardown-recovery-window",
    ),
    pytest.param(
        "teardown.yml",
        {"moodle_environment": "Prod_1", "teardown_confirm": "Prod_1"},
        "moodle_environment",
        id="teardown-environment-name",
    ),
]


@pytest.mark.parametrize(("playbook", "overrides", "variable"), PLAYBOOK_CASES)
def test_site_and_teardown_refuse_bad_input_before_a_change(moto, run_playbook, playbook, overrides, variable):
    moto.start_recording()

    # A release that exists: site.yml checks it with the AWS roles, before provisioning.
    release = (
        {"moodle_source": str(ROOT / "tests" / "moodle" / "standin")} if playbook in ("site.yml", "release.yml") else {}
    )
    result = run_playbook(playbook, {**VALID, **release, **overrides})

    mutating = moto.mutating_requests()
    assert result.returncode != 0, result.output
    failure = " ".join(result.failure().split())
    assert variable in failure, f"the failure does not name {variable}:\n{result.failure()}"
    # Only the role given the mistake refuses: the others (site.yml's host roles too) accept the defaults. A site-wide
    # moodle_* variable is every role's that uses it (moodle_release is the release role's release_name too).
    single = "role(s) refused" not in failure or "1 role(s) refused" in failure or variable.startswith("moodle_")
    assert single, result.failure()
    assert mutating == [], f"AWS was changed before the input was refused: {mutating}"


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        pytest.param({"release_checksum": "sha256:" + "0" * 64}, "release_checksum", id="upgrade-other-checksum"),
        pytest.param({"release_checksum": "md5:abc"}, "release_checksum", id="upgrade-checksum-format"),
        pytest.param({"release_source": "/nonexistent/moodle.tgz"}, "release_source", id="upgrade-source-missing"),
    ],
)
def test_an_upgrade_with_a_bad_release_is_refused_before_a_change(moto, run_playbook, tmp_path, overrides, variable):
    archive = release_archive(tmp_path / "moodle.tgz")
    moto.start_recording()

    result = run_playbook(
        "upgrade.yml", {**VALID, "release_source": str(archive), **overrides}, groups={"moodle_web": ["web-1"]}
    )

    assert result.returncode != 0, result.output
    assert variable in result.failure(), result.failure()
    assert moto.mutating_requests() == []


def test_site_reports_the_aws_release_and_host_mistakes_together_before_provisioning(moto, run_playbook):
    """The host roles' settings (group_vars/all, a survey's extra vars) are checked before the AWS side is built,
    with the AWS roles and the release: no node exists yet, so only what needs neither a node nor the catalogue.
    A role with several mistakes names every one of them (lms.moodle.checks), not only the first."""
    cases = [
        ({"network_vpc_cidr": "banana"}, "network_vpc_cidr"),
        ({"webserver_remoteip_header": "X Forwarded For"}, "webserver_remoteip_header"),
        (
            {"webserver_remoteip_trusted_proxies": ["192.0.2.0/24", "the load balancer"]},
            "webserver_remoteip_trusted_proxies",
        ),
        ({"release_source": "/nonexistent.tgz"}, "release_source"),
        ({"webserver_php_memory_limit": "12X"}, "webserver_php_memory_limit"),
        ({"shared_storage_mount_options": "nfsvers=3"}, "shared_storage_mount_options"),
        ({"moodle_admin_email": "admin"}, "moodle_admin_email"),
    ]
    moto.start_recording()

    result = run_playbook("site.yml", merged(VALID, cases))

    assert result.returncode != 0, result.output
    assert_each_refused(result.failure(), cases)
    assert "5 role(s) refused their input" in " ".join(result.failure().split()), result.failure()
    webserver = refusals(result.failure())["webserver"]
    for variable in ("webserver_php_memory_limit", "webserver_remoteip_header", "webserver_remoteip_trusted_proxies"):
        assert variable in webserver, f"the webserver role's refusal does not name {variable}: {webserver}"
    assert "the load balancer" in webserver and "192.0.2.0/24" not in webserver, webserver
    assert moto.recorded_requests() == []


@pytest.mark.parametrize("content", [b"<html>Moodle downloads</html>", b""], ids=["saved-page", "empty"])
def test_a_file_named_tgz_that_is_no_moodle_release_is_refused_before_provisioning(
    moto, run_playbook, tmp_path, content
):
    """A saved download page (or an empty file) named .tgz: found before AWS is built, not by the nodes after it."""
    page = tmp_path / "moodle-4.5.tgz"
    page.write_bytes(content)
    moto.start_recording()

    result = run_playbook("site.yml", {**VALID, "moodle_source": str(page)})

    assert result.returncode != 0, result.output
    assert "moodle_source" in result.failure() and "not a Moodle release archive" in result.failure(), result.failure()
    assert moto.mutating_requests() == []
