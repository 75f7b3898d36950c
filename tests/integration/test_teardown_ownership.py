"""Teardown deletes only what carries this collection's owner tags for the environment: decoys under the names the
environment would give its resources (one made by hand with no tags, one of another environment) are reported and
left alone. Against moto, the cache and file_system roles' absent paths (the resources their modules find by name)."""

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

    result = run_playbook(role_playbook(tmp_path, ["file_system", "cache"], "absent"), SETTINGS)

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
    output = " ".join(result.output.split())
    for left_alone in (
        f"replication group {ENVIRONMENT}-session left alone: it carries no Environment, no ManagedBy",
        f"cache cluster {ENVIRONMENT}-app left alone: it carries Environment='staging'",
        f"file system {ENVIRONMENT}-moodle left alone: it carries no ManagedBy",
    ):
        assert left_alone in output, result.output
    assert result.recap()["changed"] == 0, result.output
