"""Fixtures of the module_utils unit tests."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import waiting


class Clock:
    """A monotonic clock that only moves when the polling loop sleeps, and remembers each sleep."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """The fake Clock behind waiting.poll: waits take no time and their sleeps can be checked."""
    fake = Clock()
    monkeypatch.setattr(waiting.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(waiting.time, "sleep", fake.sleep)
    return fake
