# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors of the ElastiCache calls, as amazon.aws error handlers raise them."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class AnsibleElastiCacheError(AnsibleAWSError):
    pass


class ElastiCacheErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleElastiCacheError


class ReplicationGroupErrorHandler(ElastiCacheErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ReplicationGroupNotFoundFault")


class CacheClusterErrorHandler(ElastiCacheErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("CacheClusterNotFound")
