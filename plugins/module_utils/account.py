# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the AWS account answers about the values of a run, before anything is created (account_preflight).

Only describe, list and get calls. Every check names the variable the user set and, where the account can say, the
values that would be valid. A call the account refuses (no permission) or the endpoint cannot answer (moto lacks
DescribeCacheEngineVersions) leaves the value unconfirmed, which is reported, not fatal: the check is a service, and
a missing read permission must not stop a run that has the write permissions it needs.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import Any

try:
    import botocore.exceptions
    import botocore.parsers
    from botocore import xform_name

    HAS_BOTOCORE = True
except ImportError:  # amazon.aws's AnsibleAWSModule reports the missing botocore.
    HAS_BOTOCORE = False

SHOWN = 12
NOT_PERMITTED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
NOT_ANSWERED = {"InternalFailure", "InternalError", "NotImplemented", "InvalidAction", "UnknownOperationException"}
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):")


def arn_region(value: str) -> str:
    """The region of an ARN (a key's, a certificate's), or '' for a name, an ID or a global ARN."""
    match = ARN_REGION.match(value or "")
    return match.group(1) if match else ""


def shown(values) -> str:
    """A short, sorted list for a message: a user reads the first few valid values, not hundreds."""
    values = sorted(set(values), key=_natural)
    more = f" (and {len(values) - SHOWN} more)" if len(values) > SHOWN else ""
    return ", ".join(values[:SHOWN]) + more if values else "none"


def _natural(value: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", value)]


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse this bucket name, or None (the general purpose bucket naming rules)."""
    if not BUCKET_NAME.match(name):
        return "3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return "no two dots in a row and no dot next to a hyphen"
    try:
        ipaddress.IPv4Address(name)
        return "not formatted as an IP address"
    except ValueError:
        pass
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3", "--x-s3")):
        return "no prefix xn-- or sthree- and no suffix -s3alias, --ol-s3 or --x-s3 (S3 reserves them)"
    return None


class Unanswered(Exception):
    """The account did not answer a read call (no permission, or an endpoint without the API)."""


class Account:
    """The read calls of one preflight, with what they found."""

    def __init__(self, client: Callable[..., Any], region: str):
        self._client_factory = client
        self._clients: dict[tuple[str, str], Any] = {}
        self.region = region
        self.findings: list[dict] = []
        self.unconfirmed: list[dict] = []
        self.calls: list[str] = []
        self.zones: list[str] | None = None
        self._account_id: str | None = None

    def client(self, service: str, region: str | None = None):
        key = (service, region or self.region)
        if key not in self._clients:
            self._clients[key] = self._client_factory(service, region or self.region)
        return self._clients[key]

    def call(self, service: str, operation: str, region: str | None = None, **kwargs) -> dict:
        """One read call; Unanswered when the account refuses it or cannot answer it."""
        self.calls.append(f"{service}:{operation}")
        method = getattr(self.client(service, region), xform_name(operation))
        return _answered(operation, lambda: method(**kwargs))

    def pages(self, service: str, operation: str, key: str, **kwargs) -> list:
        """Every item of a paginated read call."""
        items = self._items(service, operation, key, kwargs)
        return _answered(operation, lambda: list(items))

    def first(self, service: str, operation: str, key: str, match: Callable[[dict], bool], **kwargs) -> dict | None:
        """The first item of a paginated read call that `match` accepts; the pages after it are not read."""
        items = self._items(service, operation, key, kwargs)
        return _answered(operation, lambda: next((item for item in items if match(item)), None))

    def _items(self, service: str, operation: str, key: str, kwargs: dict) -> Iterator[dict]:
        """The items of a paginated read call, page by page as they are consumed (recorded as one call)."""
        self.calls.append(f"{service}:{operation}")
        paginator = self.client(service).get_paginator(xform_name(operation))
        return (item for page in paginator.paginate(**kwargs) for item in page.get(key, []))

    def answered(self, service: str, operation: str, read: Callable[[], Any]) -> Any:
        """What a read made through a shared helper (one that takes a client) answered, recorded as one call."""
        self.calls.append(f"{service}:{operation}")
        return _answered(operation, read)

    def refuse(self, variable: str, value: Any, message: str) -> None:
        self.findings.append({"variable": variable, "value": value, "message": f"{variable} {message}"})

    def leave_unconfirmed(self, variable: str, value: Any, reason: str) -> None:
        self.unconfirmed.append({"variable": variable, "value": value, "reason": reason})

    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = self.call("sts", "GetCallerIdentity")["Account"]
        return self._account_id


def _answered(operation: str, read: Callable[[], Any]) -> Any:
    try:
        return read()
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in NOT_PERMITTED:
            raise Unanswered(f"{operation} is not permitted to these credentials ({code})") from error
        if code in NOT_ANSWERED or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 501:
            raise Unanswered(f"the endpoint does not answer {operation} ({code})") from error
        raise
    except (botocore.parsers.ResponseParserError, botocore.exceptions.EndpointConnectionError) as error:
        raise Unanswered(f"the endpoint does not answer {operation} ({type(error).__name__})") from error
