"""The network role alone against moto: a setting that shrinks the tier removes what no longer serves, in the same
run and only after the routes have moved."""

from __future__ import annotations

from .conftest import role_playbook
from .test_check_mode_predicts import changed_tasks

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


def test_a_zone_taken_away_goes_whole_once_nothing_is_left_in_it_and_check_mode_predicts_it(
    run_playbook, moto, tmp_path
):
    """network_az_count 3 then 2, as provision.yml runs it (the tiers, then network's prune_zones.yml): while a network
    interface is left in the third zone (a database node the subnet group has not let go yet, say) the zone is
    reported with it and kept whole; once it is gone, check mode predicts the removal, the run removes the zone's route
    table, then its NAT gateway and elastic IP, then its three subnets, and the next run changes nothing. A subnet
    made by hand in that zone stays."""
    ec2 = moto.client("ec2")
    playbook = role_playbook(tmp_path, ["network"], "present", then=("network", "prune_zones.yml"))
    settings = {**SETTINGS, "moodle_environment": "fewer", "network_nat_gateways": "per_az"}
    three = run_playbook(playbook, {**settings, "network_az_count": 3})
    assert three.returncode == 0, three.output
    assert len(nat_gateways(ec2)) == 3
    vpc = next(iter(nat_gateways(ec2).values()))["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    third = {
        next(t["Value"] for t in s["Tags"] if t["Key"] == "Tier"): s
        for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]
        if s["AvailabilityZone"] == "us-east-1c"
    }
    assert set(third) == {"public", "app", "data"}, third
    holder = ec2.create_network_interface(SubnetId=third["data"]["SubnetId"], Description="RDSNetworkInterface")
    holder_id = holder["NetworkInterface"]["NetworkInterfaceId"]
    by_hand = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.250.0/24", AvailabilityZone="us-east-1c")["Subnet"]

    held = run_playbook(playbook, {**settings, "network_az_count": 2})

    assert held.returncode == 0, held.output
    assert "The zone us-east-1c is no longer in the network" in held.output
    assert holder_id in held.output and "RDSNetworkInterface" in held.output
    assert len(nat_gateways(ec2)) == 3
    assert {s["SubnetId"] for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]} >= {
        s["SubnetId"] for s in third.values()
    }

    ec2.delete_network_interface(NetworkInterfaceId=holder_id)
    predicted = run_playbook(playbook, {**settings, "network_az_count": 2}, "--check", "--diff")
    removed = run_playbook(playbook, {**settings, "network_az_count": 2}, "--diff")

    assert predicted.returncode == 0 and removed.returncode == 0, predicted.output + removed.output
    assert changed_tasks(predicted.output) == changed_tasks(removed.output), (
        changed_tasks(predicted.output), changed_tasks(removed.output),
    )  # fmt: skip
    assert "Would remove the zone us-east-1c" in predicted.output, predicted.output[-3000:]
    assert "Removed the zone us-east-1c" in removed.output
    left = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    assert {s["AvailabilityZone"] for s in left if s["SubnetId"] != by_hand["SubnetId"]} == {"us-east-1a", "us-east-1b"}
    assert by_hand["SubnetId"] in {s["SubnetId"] for s in left}
    kept = nat_gateways(ec2)
    assert len(kept) == 2 and all(
        nat["SubnetId"] not in {s["SubnetId"] for s in third.values()} for nat in kept.values()
    )
    tables = ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]
    names = sorted(t["Value"] for table in tables for t in table.get("Tags", []) if t["Key"] == "Name")
    assert names == ["fewer-data", "fewer-private-us-east-1a", "fewer-private-us-east-1b", "fewer-public"], names
    # No route points at a gateway that is gone.
    routed = {r["NatGatewayId"] for table in tables for r in table["Routes"] if "NatGatewayId" in r}
    assert routed == set(kept), (routed, kept)
    addresses = [
        a
        for a in ec2.describe_addresses()["Addresses"]
        if {"Key": "Environment", "Value": "fewer"} in a.get("Tags", [])
    ]
    assert len(addresses) == 2, addresses

    again = run_playbook(playbook, {**settings, "network_az_count": 2})
    assert again.returncode == 0 and again.recap()["changed"] == 0, again.output
