"""
The one retry policy of the workers. Django's tasks framework has no
retries, so work that may fail for a while (an email the mail server refuses
for now, an embed whose provider is down, a picture's renditions) carries its
attempts and when it is next due on its own row:

- `claim_due(rows, field, due_at, now, lease)` takes a due row for one worker;
- after a failure, `next_attempt_at(now, attempts, …)` says when it is due
  again: `first` seconds after the first failure, doubling with each one up
  to `longest`, or never once `most` attempts are used up (`backoff`).

Each user names its own settings: subscriptions.outbox (MAIL_RETRY_*, and a
window of time instead of a number of attempts), articles.embeds
(EMBED_RETRY_*) and articles.renditions (RENDITION_*).
"""

from datetime import timedelta


def backoff(attempts, first, longest):
    """
    The wait after `attempts` failed attempts (1 after the first): `first`
    seconds, twice that after the second, four times after the third… never
    more than `longest` seconds.
    """
    # Bounded: a row retried for years still doubles a small number.
    doubling = first * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(doubling, longest))


def next_attempt_at(now, attempts, *, first, longest, most=None):
    """
    When work that failed its attempt number `attempts` is due again (see
    `backoff`), or None when that was the last of `most` attempts.
    """
    if most is not None and attempts >= most:
        return None
    return now + backoff(attempts, first, longest)


def claim_due(rows, field, due_at, now, lease):
    """
    Take the due row of `rows` for this worker: its `field` moves from
    `due_at` (as the worker read it) to `now + lease` in one UPDATE, so a
    worker that read it at the same time finds it taken, and should this one
    stop, the row is due again after the lease. Whether it was taken.
    """
    return rows.filter(**{field: due_at}).update(**{field: now + lease}) == 1
