"""Unit tests of elasticache_serverless_cache_info with botocore Stubber (no network).

moto 5.2.5 does not implement DescribeServerlessCaches, so these Stubber tests are the only tests of the
module. The stub helpers come from the tests of elasticache_serverless_cache.
"""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.modules import elasticache_serverless_cache_info

from .helpers import run_module
from .test_elasticache_serverless_cache import ARN, NAME, cache, missing, read, tagged


@pytest.fixture
def aws(stub_aws):
    return stub_aws("elasticache")


def test_info_by_name(aws, capsys):
    read(aws, cache())

    result = run_module(elasticache_serverless_cache_info, capsys, name=NAME)

    assert result["changed"] is False
    assert len(result["serverless_caches"]) == 1
    listed = result["serverless_caches"][0]
    assert listed["serverless_cache_name"] == NAME
    assert listed["endpoint"]["port"] == 6379
    assert listed["tls"] is True
    assert listed["tags"] == {"Environment": "prod"}


def test_info_lists_all_caches(aws, capsys):
    other_arn = ARN.replace(NAME, "other")
    aws.add_response(
        "describe_serverless_caches",
        {"ServerlessCaches": [cache(), cache(ServerlessCacheName="other", ARN=other_arn, Engine="redis")]},
        {},
    )
    tagged(aws)
    aws.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": other_arn})

    result = run_module(elasticache_serverless_cache_info, capsys)

    assert [c["serverless_cache_name"] for c in result["serverless_caches"]] == [NAME, "other"]
    assert result["serverless_caches"][1]["engine"] == "redis"
    assert result["serverless_caches"][1]["tags"] == {}


def test_info_missing_cache_is_an_empty_list(aws, capsys):
    missing(aws)

    result = run_module(elasticache_serverless_cache_info, capsys, name=NAME)

    assert result["serverless_caches"] == []


def test_info_api_error_names_the_action(aws, capsys):
    aws.add_client_error("describe_serverless_caches", "AccessDenied", "no", expected_params={})

    result = run_module(elasticache_serverless_cache_info, capsys)

    assert result["failed"] is True
    assert "describe serverless caches" in result["msg"]
