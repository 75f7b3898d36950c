"""Teardown deletes only what carries this collection's owner tags for the environment: decoys under the names the
environment would give its resources (one made by hand with no tags, one of another environment) are reported and
left alone, while another environment's teardown removes its own. Against moto, the absent paths of the roles that
find resources by name: network (flow-log role), web_fleet (group, launch template, role, artifact bucket, log
group), load_balancer (load balancer, target group, access-log bucket, secret), database (cluster, parameter group,
subnet group, secret), file_system and cache (groups, clusters, secrets)."""

from __future__ import annotations

from .conftest import role_playbook

ENVIRONMENT = "decoy"
SETTINGS = {"moodle_environment": ENVIRONMENT, "lms_moodle_platform": "local", "cache_delete_wait": False}
ROLES = ["network", "web_fleet", "load_balancer", "database", "file_system", "cache"]
TRUST = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},'
TRUST += ' "Action": "sts:AssumeRole"}]}'
STAGING = {"ManagedBy": "lms.moodle", "Environment": "staging"}
OWN = {"ManagedBy": "lms.moodle", "Environment": "own"}
EDGE_AND_FLEET = ("load_balancer", "target_group", "group", "role", "template")
# What a failed or interrupted run can leave behind without its parent (the Auto Scaling group, the database
# cluster): found by name alone at teardown, so each proves itself by its own tags.
LEFTOVERS = ("flow-log role", "launch template", "parameter group", "subnet group")
PARAMETER_GROUP = "{}-moodle-aurora-postgresql16"  # the database role's name for aurora-postgresql 16


def listed(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def edge_and_fleet(moto, environment: str, tags: dict[str, dict[str, str]]) -> None:
    """A load balancer, target group, Auto Scaling group (no instances) with its launch template, and instance role
    under the environment's names, each with the tags given for it (load_balancer, target_group, group, template,
    role)."""
    ec2, elbv2 = moto.client("ec2"), moto.client("elbv2")
    lists = {kind: listed(kind_tags) for kind, kind_tags in tags.items()}
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(
        Name=f"{environment}-moodle", Subnets=subnets, **_tags(lists, "load_balancer")
    )
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=balancer["LoadBalancers"][0]["LoadBalancerArn"],
        Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}],
    )
    elbv2.create_target_group(
        Name=f"{environment}-moodle-web", Protocol="HTTP", Port=80, VpcId=vpc, **_tags(lists, "target_group")
    )
    _template(ec2, environment, lists.get("template", []))
    moto.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=f"{environment}-moodle-web", MinSize=0, MaxSize=0, VPCZoneIdentifier=subnets[0],
        LaunchTemplate={"LaunchTemplateName": f"{environment}-moodle-web"},
        Tags=[{**tag, "PropagateAtLaunch": True} for tag in lists.get("group", [])],
    )  # fmt: skip
    moto.client("iam").create_role(
        RoleName=f"{environment}-moodle-web", AssumeRolePolicyDocument=TRUST, **_tags(lists, "role")
    )


def _template(ec2, environment: str, tags: list[dict[str, str]]) -> None:
    """Tagged after creation, as the web_fleet role tags its template."""
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{environment}-moodle-web", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    if tags:
        ec2.create_tags(Resources=[template], Tags=tags)


def _tags(lists: dict, kind: str) -> dict:
    return {"Tags": lists[kind]} if lists.get(kind) else {}


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
        "template": _template_left(moto, environment),
    }


def _template_left(moto, environment: str) -> bool:
    templates = moto.client("ec2").describe_launch_templates()["LaunchTemplates"]
    return f"{environment}-moodle-web" in [template["LaunchTemplateName"] for template in templates]


def leftovers(moto, environment: str, tags: dict[str, dict[str, str]], template: bool = False) -> None:
    """Under the environment's names, each with the tags given for its kind in LEFTOVERS (none when absent): the
    flow-log delivery role, the cluster parameter group and the DB subnet group (in a VPC of their own), and with
    ``template`` a launch template with no Auto Scaling group."""
    ec2, rds = moto.client("ec2"), moto.client("rds")
    lists = {kind: listed(kind_tags) for kind, kind_tags in tags.items()}
    moto.client("iam").create_role(
        RoleName=f"{environment}-vpc-flow-logs", AssumeRolePolicyDocument=TRUST, **_tags(lists, "flow-log role")
    )
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=PARAMETER_GROUP.format(environment), DBParameterGroupFamily="aurora-postgresql16",
        Description="decoy or own", **_tags(lists, "parameter group"),
    )  # fmt: skip
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{environment}-moodle", DBSubnetGroupDescription="decoy or own", SubnetIds=subnets,
        **_tags(lists, "subnet group"),
    )  # fmt: skip
    if template:
        _template(ec2, environment, lists.get("launch template", []))


def leftovers_left(moto, environment: str) -> dict[str, bool]:
    """Which of leftovers' resources of the environment are still there."""
    rds = moto.client("rds")
    roles = [role["RoleName"] for role in moto.client("iam").list_roles()["Roles"]]
    parameter_groups = rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
    return {
        "flow-log role": f"{environment}-vpc-flow-logs" in roles,
        "launch template": _template_left(moto, environment),
        "parameter group": PARAMETER_GROUP.format(environment)
        in [group["DBClusterParameterGroupName"] for group in parameter_groups],
        "subnet group": f"{environment}-moodle"
        in [group["DBSubnetGroupName"] for group in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
    }


def secret_deleted(secrets, name: str) -> bool:
    """Deleted at once, or scheduled for deletion."""
    try:
        return "DeletedDate" in secrets.describe_secret(SecretId=name)
    except secrets.exceptions.ResourceNotFoundException:
        return True


DATA_TIER_AND_SECRETS = ("session", "app", "file_system", "database", "database secret", "cache/session",
                         "artifacts", "alb-logs", "log group")  # fmt: skip


def data_tier_and_secrets(moto, environment: str, tags: dict[str, dict[str, str]]) -> None:
    """Under the environment's names, each with the tags given for its kind in DATA_TIER_AND_SECRETS (none when
    absent): the session replication group, the application cache cluster, the file system, the database cluster
    (deletion-protected), the database and session-token secrets, the artifact and access-log buckets (each holding
    keep.txt), the web nodes' log group."""
    elasticache, secrets, s3 = moto.client("elasticache"), moto.client("secretsmanager"), moto.client("s3")
    lists = {kind: listed(kind_tags) for kind, kind_tags in tags.items()}
    elasticache.create_replication_group(
        ReplicationGroupId=f"{environment}-session", ReplicationGroupDescription="decoy or own", Engine="redis",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=1, **_tags(lists, "session"),
    )  # fmt: skip
    elasticache.create_cache_cluster(
        CacheClusterId=f"{environment}-app", Engine="memcached", CacheNodeType="cache.t4g.micro", NumCacheNodes=1,
        **_tags(lists, "app"),
    )  # fmt: skip
    moto.client("efs").create_file_system(
        CreationToken=f"{environment}-moodle",
        Tags=[{"Key": "Name", "Value": f"{environment}-moodle"}, *lists.get("file_system", [])],
    )
    moto.client("rds").create_db_cluster(
        DBClusterIdentifier=f"{environment}-moodle", Engine="aurora-postgresql", MasterUsername="admin",
        MasterUserPassword="decoy-password-1", DeletionProtection=True, **_tags(lists, "database"),
    )  # fmt: skip
    secrets.create_secret(Name=f"{environment}/moodle/database", SecretString="{}", **_tags(lists, "database secret"))
    secrets.create_secret(
        Name=f"{environment}/moodle/cache/session", SecretString="{}", **_tags(lists, "cache/session")
    )
    moto.client("logs").create_log_group(
        logGroupName=f"/{environment}/moodle/web", **({"tags": tags["log group"]} if "log group" in tags else {})
    )
    account = moto.client("sts").get_caller_identity()["Account"]
    for kind in ("artifacts", "alb-logs"):
        bucket = f"{environment}-moodle-{kind}-{account}"
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="keep.txt", Body=b"data")
        if kind in lists:
            s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": lists[kind]})


def data_tier_and_secrets_left(moto, environment: str) -> dict[str, bool]:
    """Which of data_tier_and_secrets' resources of the environment are still there (not deleted or deleting)."""
    elasticache, s3 = moto.client("elasticache"), moto.client("s3")
    account = moto.client("sts").get_caller_identity()["Account"]
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    return {
        "session": f"{environment}-session" in [
            g["ReplicationGroupId"] for g in elasticache.describe_replication_groups()["ReplicationGroups"]
            if g["Status"] != "deleting"],
        "app": f"{environment}-app" in [
            c["CacheClusterId"] for c in elasticache.describe_cache_clusters()["CacheClusters"]
            if c["CacheClusterStatus"] != "deleting"],
        "file_system": f"{environment}-moodle" in [
            f["CreationToken"] for f in moto.client("efs").describe_file_systems()["FileSystems"]],
        "database": [
            (c["Status"], c["DeletionProtection"]) for c in moto.client("rds").describe_db_clusters()["DBClusters"]
            if c["DBClusterIdentifier"] == f"{environment}-moodle"] == [("available", True)],
        "database secret": not secret_deleted(moto.client("secretsmanager"), f"{environment}/moodle/database"),
        "cache/session": not secret_deleted(moto.client("secretsmanager"), f"{environment}/moodle/cache/session"),
        "artifacts": f"{environment}-moodle-artifacts-{account}" in buckets,
        "alb-logs": f"{environment}-moodle-alb-logs-{account}" in buckets,
        "log group": f"/{environment}/moodle/web" in [
            g["logGroupName"] for g in moto.client("logs").describe_log_groups()["logGroups"]],
    }  # fmt: skip


def test_teardown_leaves_resources_under_the_environments_names_without_its_owner_tags(run_playbook, moto, tmp_path):
    """Two environments in one account. "own": every kind under its names with its owner tags, as the roles make
    them. "decoy": the same kinds made by hand (no tags), half-tagged (no ManagedBy, or no Environment), or another
    environment's (Environment=staging). own's teardown removes all of its own and nothing of decoy's; decoy's
    teardown removes nothing, names every resource it leaves alone, and changes nothing; a second teardown of own
    changes nothing."""
    data_tier_and_secrets(moto, "own", dict.fromkeys(DATA_TIER_AND_SECRETS, OWN))
    edge_and_fleet(moto, "own", dict.fromkeys(EDGE_AND_FLEET, OWN))
    leftovers(moto, "own", dict.fromkeys(LEFTOVERS, OWN))
    data_tier_and_secrets(moto, ENVIRONMENT, {
        "app": STAGING, "file_system": {"Environment": ENVIRONMENT}, "database": {"Environment": ENVIRONMENT},
        "cache/session": STAGING, "alb-logs": STAGING,
    })  # fmt: skip
    edge_and_fleet(moto, ENVIRONMENT, {"target_group": STAGING, "role": {"ManagedBy": "lms.moodle"}})
    leftovers(moto, ENVIRONMENT, {"flow-log role": STAGING, "parameter group": OWN, "subnet group": OWN})
    # Deletion protection is lifted only with the environment confirmed, as teardown.yml asks for it on its own: the
    # role run alone stops before it removes anything.
    for roles in (["database"], ["load_balancer"]):
        unconfirmed = run_playbook(role_playbook(tmp_path, roles, "absent"), {**SETTINGS, "moodle_environment": "own"})
        assert unconfirmed.returncode != 0, unconfirmed.output
        assert "-e teardown_confirm=own" in " ".join(unconfirmed.failure().split()), unconfirmed.output
        assert unconfirmed.recap()["changed"] == 0, unconfirmed.output
    assert all(data_tier_and_secrets_left(moto, "own").values()), data_tier_and_secrets_left(moto, "own")
    assert all(edge_and_fleet_left(moto, "own").values()), edge_and_fleet_left(moto, "own")
    playbook = role_playbook(tmp_path, ROLES, "absent")

    own_teardown = run_playbook(playbook, {**SETTINGS, "moodle_environment": "own", "teardown_confirm": "own"})

    assert own_teardown.returncode == 0, own_teardown.output
    assert not any(data_tier_and_secrets_left(moto, "own").values()), data_tier_and_secrets_left(moto, "own")
    assert not any(edge_and_fleet_left(moto, "own").values()), edge_and_fleet_left(moto, "own")
    assert not any(leftovers_left(moto, "own").values()), leftovers_left(moto, "own")
    assert all(data_tier_and_secrets_left(moto, ENVIRONMENT).values()), data_tier_and_secrets_left(moto, ENVIRONMENT)

    result = run_playbook(playbook, SETTINGS)

    assert result.returncode == 0, result.output
    assert all(data_tier_and_secrets_left(moto, ENVIRONMENT).values()), data_tier_and_secrets_left(moto, ENVIRONMENT)
    assert all(edge_and_fleet_left(moto, ENVIRONMENT).values()), edge_and_fleet_left(moto, ENVIRONMENT)
    # The parameter and subnet groups carry the owner tags, but the cluster that uses them is not decoy's own.
    assert all(leftovers_left(moto, ENVIRONMENT).values()), leftovers_left(moto, ENVIRONMENT)
    for bucket in moto.client("s3").list_buckets()["Buckets"]:
        assert moto.client("s3").get_object(Bucket=bucket["Name"], Key="keep.txt")["Body"].read() == b"data"
    output = " ".join(result.output.split()).replace("''", "'")  # as YAML quotes a message
    account = moto.client("sts").get_caller_identity()["Account"]
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
        f"log group /{ENVIRONMENT}/moodle/web left alone: it carries no Environment, no ManagedBy",
        f"launch template {ENVIRONMENT}-moodle-web left alone: it carries no Environment, no ManagedBy",
        f"flow-log role {ENVIRONMENT}-vpc-flow-logs left alone: it carries Environment='staging'",
    ):
        assert left_alone in output, result.output
    assert result.recap()["changed"] == 0, result.output

    again = run_playbook(playbook, {**SETTINGS, "moodle_environment": "own"})
    assert again.returncode == 0 and again.recap()["changed"] == 0, again.output


def test_teardown_leaves_what_a_failed_run_left_without_its_parent_unless_it_carries_the_owner_tags(
    run_playbook, moto, tmp_path
):
    """A run that stopped half-way leaves a launch template without its Auto Scaling group, and a parameter group
    and subnet group without their cluster: found by name alone, each proves itself by its own tags. "orphan": the
    names made by hand (no tags), half-tagged or another environment's; teardown names each and removes none. (With
    the owner tags they go: "own" in the test above, whose parents carry them too, takes the same path.)"""
    leftovers(moto, "orphan", {"parameter group": {"ManagedBy": "lms.moodle"}, "subnet group": STAGING,
                               "launch template": {"Environment": "orphan"}}, template=True)  # fmt: skip
    playbook = role_playbook(tmp_path, ["network", "web_fleet", "database"], "absent")

    orphan = run_playbook(playbook, {**SETTINGS, "moodle_environment": "orphan"})

    assert orphan.returncode == 0, orphan.output
    assert all(leftovers_left(moto, "orphan").values()), leftovers_left(moto, "orphan")
    output = " ".join(orphan.output.split()).replace("''", "'")
    for left_alone in (
        "flow-log role orphan-vpc-flow-logs left alone: it carries no Environment, no ManagedBy",
        "launch template orphan-moodle-web left alone: it carries no ManagedBy",
        "cluster parameter group orphan-moodle-aurora-postgresql16 left alone: it carries no Environment",
        "DB subnet group orphan-moodle left alone: it carries Environment='staging'",
    ):
        assert left_alone in output, orphan.output
    assert orphan.recap()["changed"] == 0, orphan.output
