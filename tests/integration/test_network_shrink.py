"""The network role alone against moto: a setting that shrinks the tier removes what no longer serves, in the same
run and only after the routes have moved."""

from __future__ import annotations

from .conftest import role_playbook

SETTINGS = {
    "moodle_environment": "shrink",
    "network_az_count": 2,
    "lms_moodle_platform": "local",
}


def nat_gateways(ec2) -> dict[str, dict]:
    """The NAT gateways not deleted, by id."""
    return {
        nat["NatGatewayId"]: nat
        for nat in ec2.describe_nat_gateways()["NatGateways"]
        if nat["State"] in ("pending", "available")
    }


def test_per_zone_nat_gateways_turned_single_leave_one_and_release_the_others_elastic_ips(run_playbook, moto, tmp_path):
    """network_nat_gateways per_az, then single: the second run routes both app subnets through the first zone's
    gateway and removes the second gateway and its elastic IP (which cost money until teardown before). A gateway an
    administrator made by hand in the VPC, untagged, is left alone."""
    ec2 = moto.client("ec2")
    playbook = role_playbook(tmp_path, ["network"], "present")
    per_zone = run_playbook(playbook, {**SETTINGS, "network_nat_gateways": "per_az"})
    assert per_zone.returncode == 0, per_zone.output
    built = nat_gateways(ec2)
    assert len(built) == 2, built
    vpc = next(iter(built.values()))["VpcId"]
    public = next(iter(built.values()))["SubnetId"]
    by_hand = ec2.create_nat_gateway(SubnetId=public, AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    by_hand_id = by_hand["NatGateway"]["NatGatewayId"]

    single = run_playbook(playbook, {**SETTINGS, "network_nat_gateways": "single"})

    assert single.returncode == 0, single.output
    left = nat_gateways(ec2)
    ours = {nat_id: nat for nat_id, nat in left.items() if nat_id != by_hand_id}
    assert len(ours) == 1 and by_hand_id in left, left
    kept = next(iter(ours))
    assert "Remove the NAT gateways no route uses any more" in single.output
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    app_routes = [
        route.get("NatGatewayId")
        for table in tables
        if any(tag["Key"] == "Name" and "-private-" in tag["Value"] for tag in table.get("Tags", []))
        for route in table["Routes"]
        if route.get("DestinationCidrBlock") == "0.0.0.0/0"
    ]
    assert app_routes == [kept, kept], tables
    addresses = ec2.describe_addresses()["Addresses"]
    tagged = [a for a in addresses if {"Key": "Environment", "Value": "shrink"} in a.get("Tags", [])]
    assert len(tagged) == 1, addresses
    assert len(addresses) == 2, "the gateway made by hand lost its elastic IP"

    again = run_playbook(playbook, {**SETTINGS, "network_nat_gateways": "single"})
    assert again.returncode == 0 and again.recap()["changed"] == 0, again.output
