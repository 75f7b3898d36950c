# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for module_utils/waiting.py: the one polling loop."""

from __future__ import annotations

import pytest

from ansible_collections.lms.moodle.plugins.module_utils import waiting


def sequence(*values):
    answers = iter(values)
    return lambda: next(answers)


def test_returns_the_first_value_that_is_done_without_sleeping_after_it(clock):
    assert waiting.poll(sequence("creating", "creating", "available"), lambda s: s == "available", 60, 5) == "available"
    assert clock.sleeps == [5, 5]


def test_done_at_once_never_sleeps(clock):
    assert waiting.poll(sequence("available"), lambda s: s == "available", 60, 5) == "available"
    assert clock.sleeps == []


def test_timeout_carries_the_last_value_and_the_timeout(clock):
    polls = iter(range(100))
    with pytest.raises(waiting.WaitTimeout) as error:
        waiting.poll(lambda: next(polls), lambda _value: False, 12, 5)
    # Polls at 0, 5, 10 and 15 seconds: the deadline is checked after each poll.
    assert error.value.last == 3
    assert error.value.timeout == 12
    assert clock.sleeps == [5, 5, 5]
    assert str(error.value) == "Timeout after 12s"


def test_a_zero_timeout_still_polls_once(clock):
    with pytest.raises(waiting.WaitTimeout) as error:
        waiting.poll(sequence("creating"), lambda s: s == "available", 0, 5)
    assert error.value.last == "creating"
    assert clock.sleeps == []


def test_done_may_stop_the_wait_early(clock):
    def done(status):
        if status == "failed":
            raise RuntimeError("will never be available")
        return status == "available"

    with pytest.raises(RuntimeError, match="will never be available"):
        waiting.poll(sequence("creating", "failed", "available"), done, 60, 5)
    assert clock.sleeps == [5]


def test_fetch_errors_propagate(clock):
    def fetch():
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        waiting.poll(fetch, bool, 60, 5)
