"""
The one retry policy of the outbox, embeds and renditions
(newsroom.retries): a wait that doubles after each failure up to a ceiling,
and no next attempt once the attempts allowed are used up.
"""

from datetime import UTC, datetime, timedelta

from newsroom.retries import backoff, next_attempt_at

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_the_wait_doubles_after_each_failure_up_to_the_longest():
    """60 s, 120 s, 240 s… and never more than the longest wait."""
    waits = [backoff(attempts, first=60, longest=600) for attempts in range(1, 7)]

    assert [wait.total_seconds() for wait in waits] == [60, 120, 240, 480, 600, 600]


def test_the_wait_stays_at_the_longest_after_very_many_failures():
    """A row retried for years waits the longest wait, not an endless number."""
    assert backoff(10_000, first=60, longest=3600) == timedelta(hours=1)


def test_the_next_attempt_comes_after_the_wait_while_attempts_remain():
    """With three attempts allowed, two failures are retried, the third not."""
    due = [
        next_attempt_at(NOW, attempts, first=60, longest=3600, most=3)
        for attempts in (1, 2, 3)
    ]

    assert due == [NOW + timedelta(minutes=1), NOW + timedelta(minutes=2), None]


def test_without_a_number_of_attempts_there_is_always_a_next_one():
    """The outbox gives up by time, not by count: every failure gets a next attempt."""
    assert next_attempt_at(NOW, 500, first=60, longest=3600) == NOW + timedelta(hours=1)
