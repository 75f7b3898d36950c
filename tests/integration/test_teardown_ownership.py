"""Teardown deletes only what carries this collection's owner tags for the environment: decoys under the names the
environment would give its resources (one made by hand with no tags, one of another environment) are reported and
left alone, while another environment's teardown removes its own. Against moto, the absent paths of the roles that
find resources by name: web_fleet (group, role), load_balancer (load balancer, target group), database, file_system
and cache."""

from __future__ import annotations

from .conftest import role_playbook

ENVIRONMENT = "decoy"
SETTINGS = {"moodle_environment": ENVIRONMENT, "lms_moodle_platform": "local", "cache_delete_wait": False}


ROLES = ["web_fleet", "load_balancer", "database", "file_system", "cache"]
TRUST = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},'
TRUST += ' "Action": "sts:AssumeRole"}]}'


def edge_and_fleet(moto, environment: str, tags: dict[str, dict[str, str]]) -> None:
    """A load balancer, target group, Auto Scaling group (no instances) and instance role under the environment's
    names, each with the tags given for it (load_balancer, target_group, group, role)."""
    ec2, elbv2 = moto.client("ec2"), moto.client("elbv2")
    listed = {kind: [{"Key": k, "Value": v} for k, v in kind_tags.items()] for kind, kind_tags in tags.items()}
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    elbv2.create_load_balancer(Name=f"{environment}-moodle", Subnets=subnets, **_tags(listed, "load_balancer"))
    elbv2.create_target_group(
        Name=f"{environment}-moodle-web", Protocol="HTTP", Port=80, VpcId=vpc, **_tags(listed, "target_group")
    )
    ec2.create_launch_template(
        LaunchTemplateName=f"{environment}-moodle-web", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )
    moto.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=f"{environment}-moodle-web", MinSize=0, MaxSize=0, VPCZoneIdentifier=subnets[0],
        LaunchTemplate={"LaunchTemplateName": f"{environment}-moodle-web"},
        Tags=[{**tag, "PropagateAtLaunch": True} for tag in listed.get("group", [])],
    )  # fmt: skip
    moto.client("iam").create_role(
        RoleName=f"{environment}-moodle-web", AssumeRolePolicyDocument=TRUST, **_tags(listed, "role")
    )


def _tags(listed: dict, kind: str) -> dict:
    return {"Tags": listed[kind]} if listed.get(kind) else {}


def edge_and_fleet_left(moto, environment: str) -> dict[str, bool]:
    """Which of edge_and_fleet's resources of the environment still exist."""
    elbv2, name = moto.client("elbv2"), f"{environment}-moodle-web"
    groups = moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    return {
        "load_balancer": f"{environment}-moodle"
        in [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]],
        "target_group": name in [tg["TargetGroupName"] for tg in elbv2.describe_target_groups()["TargetGroups"]],
        "group": name in [g["AutoScalingGroupName"] for g in groups],
        "role": name in [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]],
    }


def secret_deleted(secrets, name: str) -> bool:
    """Deleted at once, or scheduled for deletion."""
    try:
        return "DeletedDate" in secrets.describe_secret(SecretId=name)
    except secrets.exceptions.ResourceNotFoundException:
        return True


def test_teardown_leaves_resources_under_the_environments_names_without_its_owner_tags(run_playbook, moto, tmp_path):
    elasticache, efs = moto.client("elasticache"), moto.client("efs")
    # Made by hand: the session cache's name, no tags at all.
    elasticache.create_replication_group(
        ReplicationGroupId=f"{ENVIRONMENT}-session", ReplicationGroupDescription="made by hand",
        Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheClusters=1,
    )  # fmt: skip
    # Another environment's, under the application cache's name: this collection's tag, not this environment.
    elasticache.create_cache_cluster(
        CacheClusterId=f"{ENVIRONMENT}-app", Engine="memcached", CacheNodeType="cache.t4g.micro", NumCacheNodes=1,
        Tags=[{"Key": "ManagedBy", "Value": "lms.moodle"}, {"Key": "Environment", "Value": "staging"}],
    )  # fmt: skip
    # The file system's creation token and Name, no ManagedBy.
    efs.create_file_system(
        CreationToken=f"{ENVIRONMENT}-moodle",
        Tags=[{"Key": "Name", "Value": f"{ENVIRONMENT}-moodle"}, {"Key": "Environment", "Value": ENVIRONMENT}],
    )

    # Made by hand under the database cluster's name, protected from deletion, tagged for the environment only.
    rds = moto.client("rds")
    rds.create_db_cluster(
        DBClusterIdentifier=f"{ENVIRONMENT}-moodle", Engine="aurora-postgresql", MasterUsername="admin",
        MasterUserPassword="decoy-password-1", DeletionProtection=True,
        Tags=[{"Key": "Environment", "Value": ENVIRONMENT}],
    )  # fmt: skip

    # The environment "own": the same kinds under its names, with its owner tags and the database protected, as
    # the roles make them. Its teardown removes every one of them and nothing of the decoys.
    own = {"ManagedBy": "lms.moodle", "Environment": "own"}
    own_tags = [{"Key": key, "Value": value} for key, value in own.items()]
    elasticache.create_replication_group(
        ReplicationGroupId="own-session", ReplicationGroupDescription="own", Engine="redis",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=1, Tags=own_tags,
    )  # fmt: skip
    efs.create_file_system(CreationToken="own-moodle", Tags=[{"Key": "Name", "Value": "own-moodle"}, *own_tags])
    rds.create_db_cluster(
        DBClusterIdentifier="own-moodle", Engine="aurora-postgresql", MasterUsername="admin",
        MasterUserPassword="own-password-1", DeletionProtection=True, Tags=own_tags,
    )  # fmt: skip
    edge_and_fleet(moto, "own", dict.fromkeys(("load_balancer", "target_group", "group", "role"), own))
    # Under the decoy environment's names: made by hand (no tags), another environment's, or half-tagged.
    edge_and_fleet(moto, ENVIRONMENT, {
        "target_group": {"ManagedBy": "lms.moodle", "Environment": "staging"},
        "role": {"ManagedBy": "lms.moodle"},
    })  # fmt: skip
    secrets = moto.client("secretsmanager")
    secrets.create_secret(Name="own/moodle/database", SecretString="{}", Tags=own_tags)
    secrets.create_secret(Name=f"{ENVIRONMENT}/moodle/database", SecretString="made by hand")
    secrets.create_secret(
        Name=f"{ENVIRONMENT}/moodle/cache/session", SecretString="{}",
        Tags=[{"Key": "ManagedBy", "Value": "lms.moodle"}, {"Key": "Environment", "Value": "staging"}],
    )  # fmt: skip
    s3 = moto.client("s3")
    account = moto.client("sts").get_caller_identity()["Account"]
    for bucket, tags in (
        (f"own-moodle-artifacts-{account}", own),
        (f"{ENVIRONMENT}-moodle-artifacts-{account}", {}),  # made by hand
        (f"{ENVIRONMENT}-moodle-alb-logs-{account}", {"ManagedBy": "lms.moodle", "Environment": "staging"}),
    ):
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="keep.txt", Body=b"data")
        if tags:
            s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    playbook = role_playbook(tmp_path, ROLES, "absent")
    own_teardown = run_playbook(playbook, {**SETTINGS, "moodle_environment": "own"})
    assert own_teardown.returncode == 0, own_teardown.output
    assert "own-moodle" not in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]
    assert "own-moodle" not in [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]]
    assert [g["Status"] for g in elasticache.describe_replication_groups()["ReplicationGroups"]
            if g["ReplicationGroupId"] == "own-session"] in ([], ["deleting"])  # fmt: skip
    assert edge_and_fleet_left(moto, "own") == dict.fromkeys(("load_balancer", "target_group", "group", "role"), False)
    assert secret_deleted(secrets, "own/moodle/database")
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert f"own-moodle-artifacts-{account}" not in buckets, buckets

    result = run_playbook(playbook, SETTINGS)

    assert result.returncode == 0, result.output
    groups = [
        g["ReplicationGroupId"]
        for g in elasticache.describe_replication_groups()["ReplicationGroups"]
        if g["Status"] != "deleting"
    ]
    clusters = [
        c["CacheClusterId"]
        for c in elasticache.describe_cache_clusters()["CacheClusters"]
        if c["CacheClusterStatus"] != "deleting"
    ]
    file_systems = [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]]
    assert f"{ENVIRONMENT}-session" in groups, "a replication group made by hand was deleted"
    assert f"{ENVIRONMENT}-app" in clusters, "another environment's cache cluster was deleted"
    assert f"{ENVIRONMENT}-moodle" in file_systems, "a file system without the ManagedBy tag was deleted"
    assert all(edge_and_fleet_left(moto, ENVIRONMENT).values()), edge_and_fleet_left(moto, ENVIRONMENT)
    for bucket in (f"{ENVIRONMENT}-moodle-artifacts-{account}", f"{ENVIRONMENT}-moodle-alb-logs-{account}"):
        assert s3.get_object(Bucket=bucket, Key="keep.txt")["Body"].read() == b"data", bucket
    for name in (f"{ENVIRONMENT}/moodle/database", f"{ENVIRONMENT}/moodle/cache/session"):
        assert not secret_deleted(secrets, name), f"the secret {name} was deleted"
    cluster = rds.describe_db_clusters(DBClusterIdentifier=f"{ENVIRONMENT}-moodle")["DBClusters"][0]
    assert cluster["Status"] == "available" and cluster["DeletionProtection"] is True, cluster
    output = " ".join(result.output.split()).replace("''", "'")  # as YAML quotes a message
    for left_alone in (
        f"replication group {ENVIRONMENT}-session left alone: it carries no Environment, no ManagedBy",
        f"cache cluster {ENVIRONMENT}-app left alone: it carries Environment='staging'",
        f"file system {ENVIRONMENT}-moodle left alone: it carries no ManagedBy",
        f"database cluster {ENVIRONMENT}-moodle left alone: it carries no ManagedBy",
        f"load balancer {ENVIRONMENT}-moodle left alone: it carries no Environment, no ManagedBy",
        f"target group {ENVIRONMENT}-moodle-web left alone: it carries Environment='staging'",
        f"Auto Scaling group {ENVIRONMENT}-moodle-web left alone: it carries no Environment, no ManagedBy",
        f"instance role {ENVIRONMENT}-moodle-web left alone: it carries no Environment, not",
        f"secret {ENVIRONMENT}/moodle/cache/session left alone: it carries Environment='staging'",
        f"bucket {ENVIRONMENT}-moodle-artifacts-{account} left alone: it carries no Environment, no ManagedBy",
        f"bucket {ENVIRONMENT}-moodle-alb-logs-{account} left alone: it carries Environment='staging'",
    ):
        assert left_alone in output, result.output
    assert result.recap()["changed"] == 0, result.output

    # A second teardown of "own", with nothing of it left, goes through and changes nothing.
    again = run_playbook(playbook, {**SETTINGS, "moodle_environment": "own"})
    assert again.returncode == 0 and again.recap()["changed"] == 0, again.output
