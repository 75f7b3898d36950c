# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one polling loop of the collection, for the AWS resources that botocore has no waiter for (or none that
reports why it gave up).

Each caller keeps its own messages: it catches WaitTimeout and raises its own error from the last value seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class WaitTimeout(Exception):
    """The timeout passed before done() held; `last` is the value of the last poll."""

    def __init__(self, last: Any, timeout: float):
        super().__init__(f"Timeout after {timeout}s")
        self.last = last
        self.timeout = timeout


def poll(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float, delay: float) -> Any:
    """fetch() now and every delay seconds until done(value) holds, then that value; WaitTimeout once timeout
    seconds have passed. fetch or done may raise to stop early on a state that will never get there."""
    # The deadline is checked after a poll, never before: a timeout of 0 still reads the resource once.
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(value, timeout)
        time.sleep(delay)
