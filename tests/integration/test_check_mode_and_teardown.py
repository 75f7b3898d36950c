"""Check mode on an empty account, teardown's validation and the adoption of an existing VPC, against a real moto
server. Check mode and teardown's guards on a provisioned account are in molecule's aws scenario (verify)."""

from __future__ import annotations

import re

from .conftest import role_playbook

ENV = {"moodle_environment": "checkmode"}
# The tiers an adopted VPC holds directly: its subnets, routes and NAT gateways, and the security groups; and the
# catalogue, whose proxy networks come from the adopted public subnets.
TIERS = ["network", "security_groups", "parameters"]
PROVISION_ROLES = ["network", "security_groups", "file_system", "database", "cache", "certificate", "load_balancer",
                   "cdn", "dns", "parameters", "web_fleet"]  # fmt: skip


def test_check_mode_on_an_empty_account_reports_changes_and_creates_nothing(moto, run_playbook):
    """Also the guard of test_bad_input: the recorder sees the calls of a valid run, so an empty recording there
    means that no call was made. Check mode on a provisioned account is verified by molecule's aws scenario."""
    moto.start_recording()

    result = run_playbook("provision.yml", ENV, "--check", "--diff")

    assert result.returncode == 0, result.output
    assert moto.recorded_requests() != []
    assert result.recap()["changed"] > 0
    assert "would be created" in result.output
    assert moto.left_behind() == {}
    # Each role's input is checked once in the play: its spec as its preflight is entered, its own checks there.
    for role in PROVISION_ROLES:
        implicit = rf"TASK \[lms\.moodle\.{role} : Validating arguments against arg spec '?(\w+)"
        specs = re.findall(implicit, result.output)
        assert specs == ["preflight"], (role, specs)
    # What every role shares (environment name, region, tag keys, platform) is checked once for all of them.
    assert (
        result.output.count("TASK [lms.moodle.validation : Check the environment name, the region and the tags]") == 1
    )


def test_existing_vpc_is_adopted_and_never_removed(moto, run_playbook, tmp_path):
    ec2 = moto.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    zones = ["us-east-1a", "us-east-1b"]
    subnets = {
        tier: [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"172.20.{base + i}.0/24", AvailabilityZone=zone)["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate(zones)
        ]
        for tier, base in (("public", 0), ("app", 10), ("data", 20))
    }
    adopt = {
        **ENV,
        "network_existing_vpc_id": vpc_id,
        "network_existing_public_subnet_ids": subnets["public"],
        "network_existing_app_subnet_ids": subnets["app"],
        "network_existing_data_subnet_ids": subnets["data"],
    }

    # Adoption is the network role's alone: every other tier takes the subnets and groups from network_outputs and
    # security_groups_outputs whether they were adopted or created (molecule's aws scenarios run the whole stack).
    first = run_playbook(role_playbook(tmp_path, TIERS, "present"), adopt)
    catalogue = moto.client("ssm").get_parameters_by_path(Path="/checkmode/moodle/", Recursive=True)["Parameters"]
    second = run_playbook(role_playbook(tmp_path, TIERS, "present"), adopt)
    teardown = run_playbook(role_playbook(tmp_path, TIERS, "absent"), adopt)

    assert first.returncode == 0, first.output
    assert second.recap()["changed"] == 0, second.output
    # The load balancer goes into the adopted public subnets: the web nodes trust those networks alone as proxies.
    assert {p["Name"]: p["Value"] for p in catalogue} == {
        "/checkmode/moodle/site/proxy_networks": "172.20.0.0/24,172.20.1.0/24"
    }, catalogue
    assert teardown.returncode == 0, teardown.output
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == [vpc_id]
    remaining = {
        s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    }
    assert remaining == {s for ids in subnets.values() for s in ids}
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"], "teardown left the adopted VPC's groups behind"
    assert ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"] == []


def test_existing_vpc_with_foreign_subnet_is_rejected(moto, run_playbook):
    ec2 = moto.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_vpc(CidrBlock="172.21.0.0/16")["Vpc"]["VpcId"]

    def subnet(vpc: str, cidr: str, zone: str) -> str:
        return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]

    # Two zones, as the load balancer and the database need; one app subnet belongs to another VPC.
    public = [subnet(vpc_id, "172.20.0.0/24", "us-east-1a"), subnet(vpc_id, "172.20.1.0/24", "us-east-1b")]
    foreign = subnet(other, "172.21.0.0/24", "us-east-1a")
    app = [foreign, subnet(vpc_id, "172.20.11.0/24", "us-east-1b")]
    data = [subnet(vpc_id, "172.20.20.0/24", "us-east-1a"), subnet(vpc_id, "172.20.21.0/24", "us-east-1b")]

    result = run_playbook(
        "provision.yml",
        {
            **ENV,
            "network_existing_vpc_id": vpc_id,
            "network_existing_public_subnet_ids": public,
            "network_existing_app_subnet_ids": app,
            "network_existing_data_subnet_ids": data,
        },
    )

    assert result.returncode != 0
    assert foreign in result.failure()
    assert (
        ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"][0]["GroupName"]
        == "default"
    )


def test_teardown_validates_every_role_before_removing_anything(moto, run_playbook):
    moto.start_recording()

    result = run_playbook(
        "teardown.yml", {**ENV, "teardown_confirm": "checkmode", "database_secret_recovery_window_days": 3}
    )

    assert result.returncode != 0
    assert "database_secret_recovery_window_days" in result.failure()
    assert moto.recorded_requests() == []
