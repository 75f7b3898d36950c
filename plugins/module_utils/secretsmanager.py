# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of secretsmanager_generated_secret: Secrets Manager calls behind amazon.aws error handlers, the
generation of the value, and the pure functions that compare and describe a secret.

The value is generated on this machine with the `secrets` module (no GetRandomPassword round trip, so check
mode and unit tests need no extra call). Nothing here ever puts the value into a message, a description or a
diff: only `generate_value` and `read_value` return it.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

# Character classes of the generated value. Letters and digits are safe in every consumer (HTTP header values,
# URLs, shell words, config files, RDS passwords); urlsafe adds - and _.
CHARACTER_CLASSES = {
    "alphanumeric": string.ascii_letters + string.digits,
    "urlsafe": string.ascii_letters + string.digits + "-_",
    "hex": "0123456789abcdef",
}
MIN_LENGTH = 16
# Secrets Manager stores at most 65536 bytes; anything longer than this is a mistake, not a secret.
MAX_LENGTH = 4096
# DeleteSecret accepts a recovery window of 7 to 30 days, or none at all (ForceDeleteWithoutRecovery).
RECOVERY_WINDOWS = range(7, 31)


class AnsibleSecretsManagerError(AnsibleAWSError):
    pass


class SecretsManagerErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSecretsManagerError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


# ---------------------------------------------------------------------------------------------- AWS calls


@SecretsManagerErrorHandler.list_error_handler("describe secret {name}", None)
@AWSRetry.jittered_backoff()
def describe_secret(client, name: str) -> dict[str, Any] | None:
    """The secret's metadata (never its value); None when there is no secret of that name."""
    return client.describe_secret(SecretId=name)


@SecretsManagerErrorHandler.common_error_handler("read the value of secret {arn}")
@AWSRetry.jittered_backoff()
def read_value(client, arn: str) -> str | None:
    """The current value of the secret (SecretString); None when it holds binary data."""
    return client.get_secret_value(SecretId=arn).get("SecretString")


@SecretsManagerErrorHandler.common_error_handler("create secret {name}")
@AWSRetry.jittered_backoff()
def create_secret(client, name: str, value: str, description: str | None, tags: dict[str, str]) -> str:
    params: dict[str, Any] = {"Name": name, "SecretString": value}
    if description is not None:
        params["Description"] = description
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_secret(**params)["ARN"]


@SecretsManagerErrorHandler.common_error_handler("restore secret {arn}, scheduled for deletion")
@AWSRetry.jittered_backoff()
def restore_secret(client, arn: str) -> None:
    client.restore_secret(SecretId=arn)


@SecretsManagerErrorHandler.common_error_handler("update the description of secret {arn}")
@AWSRetry.jittered_backoff()
def update_description(client, arn: str, description: str) -> None:
    # Without SecretString, UpdateSecret changes only the metadata: the value keeps its version.
    client.update_secret(SecretId=arn, Description=description)


@SecretsManagerErrorHandler.common_error_handler("tag secret {arn}")
@AWSRetry.jittered_backoff()
def tag_secret(client, arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(SecretId=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@SecretsManagerErrorHandler.common_error_handler("untag secret {arn}")
@AWSRetry.jittered_backoff()
def untag_secret(client, arn: str, keys: list[str]) -> None:
    client.untag_resource(SecretId=arn, TagKeys=keys)


@SecretsManagerErrorHandler.deletion_error_handler("delete secret {arn}")
@AWSRetry.jittered_backoff()
def delete_secret(client, arn: str, recovery_window_days: int) -> bool:
    if recovery_window_days == 0:
        client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    else:
        client.delete_secret(SecretId=arn, RecoveryWindowInDays=recovery_window_days)
    return True


# ---------------------------------------------------------------------------------------------- pure functions


def generate_value(length: int, character_class: str) -> str:
    """A new random value from the operating system's CSPRNG."""
    alphabet = CHARACTER_CLASSES[character_class]
    return "".join(secrets.choice(alphabet) for _position in range(length))


def validate_options(options: dict[str, Any]) -> str | None:
    """The first problem with the options, naming the option; None when they are valid."""
    name = options["name"]
    if not name or len(name) > 512:
        return f"name must be 1 to 512 characters (got {len(name or '')})"
    if not MIN_LENGTH <= options["length"] <= MAX_LENGTH:
        return f"length must be between {MIN_LENGTH} and {MAX_LENGTH} (got {options['length']})"
    window = options["recovery_window_days"]
    if window != 0 and window not in RECOVERY_WINDOWS:
        return f"recovery_window_days must be 0 (delete at once) or 7 to 30 (got {window})"
    return None


def is_scheduled_for_deletion(secret: dict[str, Any] | None) -> bool:
    return bool(secret and secret.get("DeletedDate"))


def secret_tags(secret: dict[str, Any] | None) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict((secret or {}).get("Tags") or [])


def description_change(secret: dict[str, Any], wanted: str | None) -> str | None:
    """The description to set, or None when it is not managed or already right."""
    if wanted is None or (secret.get("Description") or "") == wanted:
        return None
    return wanted


def summary(secret: dict[str, Any] | None, created: bool = False) -> dict[str, Any]:
    """The secret as the module returns it and diffs it: metadata only, never the value."""
    if not secret:
        return {}
    return {
        "arn": secret.get("ARN"),
        "name": secret["Name"],
        "description": secret.get("Description") or "",
        "tags": secret_tags(secret),
        "created": created,
    }


def predicted(name: str, description: str | None, tags: dict[str, str]) -> dict[str, Any]:
    """What CreateSecret would create, as DescribeSecret would report it (no ARN yet)."""
    return {"ARN": None, "Name": name, "Description": description or "", "Tags": ansible_dict_to_boto3_tag_list(tags)}
