"""Teardown deletes only what carries this collection's owner tags for the environment: decoys under the names the
environment would give its resources (one made by hand with no tags, one of another environment) are reported and
left alone, while another environment's teardown removes its own. Against moto, the database, cache and file_system
roles' absent paths (the resources they find by name)."""

from __future__ import annotations

from .conftest import role_playbook

ENVIRONMENT = "decoy"
SETTINGS = {"moodle_environment": ENVIRONMENT, "lms_moodle_platform": "local", "cache_delete_wait": False}


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
    playbook = role_playbook(tmp_path, ["database", "file_system", "cache"], "absent")
    own_teardown = run_playbook(playbook, {**SETTINGS, "moodle_environment": "own"})
    assert own_teardown.returncode == 0, own_teardown.output
    assert "own-moodle" not in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]
    assert "own-moodle" not in [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]]
    assert [g["Status"] for g in elasticache.describe_replication_groups()["ReplicationGroups"]
            if g["ReplicationGroupId"] == "own-session"] in ([], ["deleting"])  # fmt: skip

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
    cluster = rds.describe_db_clusters(DBClusterIdentifier=f"{ENVIRONMENT}-moodle")["DBClusters"][0]
    assert cluster["Status"] == "available" and cluster["DeletionProtection"] is True, cluster
    output = " ".join(result.output.split())
    for left_alone in (
        f"replication group {ENVIRONMENT}-session left alone: it carries no Environment, no ManagedBy",
        f"cache cluster {ENVIRONMENT}-app left alone: it carries Environment='staging'",
        f"file system {ENVIRONMENT}-moodle left alone: it carries no ManagedBy",
        f"database cluster {ENVIRONMENT}-moodle left alone: it carries no ManagedBy",
    ):
        assert left_alone in output, result.output
    assert result.recap()["changed"] == 0, result.output
