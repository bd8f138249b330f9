"""When a newsletter is due, what its edition holds, and how it is sent."""

import io
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from subscriptions import edition_sends, editions
from subscriptions.models import Edition, EditionArticle, EditionSend, Subscription
from tests.factories import make_article, make_section
from tests.servers import free_port

from .factories import make_due_newsletter, make_newsletter, make_subscription
from .smtp import SMTPSink

pytestmark = pytest.mark.django_db

DUBLIN = ZoneInfo("Europe/Dublin")


def dublin(*args):
    return datetime(*args, tzinfo=DUBLIN)


def test_daily_newsletter_is_due_at_its_time_in_its_own_time_zone():
    """1pm Dublin is 12:00 UTC in summer and 13:00 UTC in winter."""
    newsletter = make_newsletter(
        send_time=time(13, 0),
        send_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )

    assert newsletter.latest_slot(dublin(2026, 7, 1, 12, 59)) == dublin(
        2026, 6, 30, 13, 0
    )
    summer = newsletter.latest_slot(dublin(2026, 7, 1, 13, 0))
    assert summer == dublin(2026, 7, 1, 13, 0)
    assert summer.astimezone(ZoneInfo("UTC")).hour == 12
    winter = newsletter.latest_slot(dublin(2026, 12, 1, 15, 0))
    assert winter.astimezone(ZoneInfo("UTC")).hour == 13


def test_weekly_newsletter_is_due_on_its_day_only():
    """A Monday newsletter seen on a Wednesday was last due on Monday."""
    newsletter = make_newsletter(send_time=time(7, 0), send_days=["mon"])

    wednesday = dublin(2026, 11, 25, 9, 0)

    assert newsletter.latest_slot(wednesday) == dublin(2026, 11, 23, 7, 0)
    assert newsletter.previous_slot(dublin(2026, 11, 23, 7, 0)) == dublin(
        2026, 11, 16, 7, 0
    )


def test_edition_lists_articles_published_since_the_previous_one_in_order():
    """
    Live articles since the previous edition, by section position then
    latest first; no drafts, no scheduled pieces, nothing from last time.
    """
    newsletter = make_newsletter(minimum_articles=1)
    now = timezone.now()
    news = make_section(position=1)
    sport = make_section(position=2)
    previous = Edition.objects.create(
        newsletter=newsletter,
        subject="Before",
        status=Edition.Status.SENT,
        scheduled_for=now - timedelta(hours=24),
    )
    repeated = make_article(section=news, published_at=now - timedelta(hours=2))
    EditionArticle.objects.create(edition=previous, article=repeated)
    make_article(section=news, published_at=now - timedelta(hours=30))  # too old
    sport_new = make_article(section=sport, published_at=now - timedelta(hours=1))
    news_old = make_article(section=news, published_at=now - timedelta(hours=5))
    news_new = make_article(section=news, published_at=now - timedelta(hours=3))
    make_article(section=news, status=Article.Status.DRAFT)
    make_article(section=news, published_at=now + timedelta(hours=1))

    articles = editions.articles_for_edition(newsletter, now)

    assert articles == [news_new, news_old, sport_new]


def test_edition_keeps_only_the_most_recent_maximum_articles():
    """An edition lists at most the newsletter's maximum, the newest ones."""
    newsletter = make_newsletter(minimum_articles=1, maximum_articles=2)
    now = newsletter.latest_slot()
    section = make_section()
    newest = [
        make_article(section=section, published_at=now - timedelta(minutes=m))
        for m in (10, 20, 30)
    ]

    assert editions.articles_for_edition(newsletter, now) == newest[:2]


def test_due_newsletter_is_composed_once_with_the_right_articles():
    """The periodic run composes one scheduled edition per regular time."""
    newsletter = make_newsletter(minimum_articles=2)
    slot = newsletter.latest_slot()
    articles = [make_article(published_at=slot - timedelta(minutes=m)) for m in (5, 10)]

    first = editions.compose_edition(newsletter, slot)
    again = editions.compose_edition(newsletter, slot)

    assert again is None
    assert first.status == Edition.Status.SCHEDULED
    assert first.scheduled_for == slot
    assert first.subject.startswith(newsletter.name)
    assert set(first.ordered_articles()) == set(articles)
    assert Edition.objects.count() == 1


def test_edition_with_too_few_articles_is_skipped_with_a_logged_reason(caplog):
    """Below the minimum nothing is sent, the reason is kept and logged."""
    newsletter = make_newsletter(minimum_articles=3)
    slot = newsletter.latest_slot()
    make_article(published_at=slot - timedelta(minutes=5))

    with caplog.at_level(logging.INFO, logger="subscriptions.editions"):
        assert editions.compose_edition(newsletter, slot) is None

    skipped = Edition.objects.get()
    assert skipped.status == Edition.Status.SKIPPED
    assert "1 new article(s)" in skipped.skip_reason
    assert "minimum is 3" in skipped.skip_reason
    assert "minimum is 3" in caplog.text
    # The slot is settled: the next run does not try again.
    assert editions.compose_edition(newsletter, slot) is None
    assert Edition.objects.count() == 1


def test_editors_edition_replaces_the_automatic_one_and_goes_out(
    django_capture_on_commit_callbacks,
):
    """An edition prepared for the regular time is sent instead of a composed one."""
    newsletter = make_due_newsletter(minimum_articles=1)
    slot = newsletter.latest_slot()
    make_article(published_at=slot - timedelta(minutes=5))
    picked = make_article(published_at=slot - timedelta(days=3))
    prepared = Edition.objects.create(
        newsletter=newsletter,
        subject="Our pick",
        intro="A special edition.",
        status=Edition.Status.SCHEDULED,
        scheduled_for=slot,
    )
    EditionArticle.objects.create(edition=prepared, article=picked)
    make_subscription(newsletter=newsletter, email="reader@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        summary = editions.send_due_newsletters()

    assert summary["composed"] == 0 and summary["started"] == 1
    assert Edition.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Our pick"]
    assert picked.title in mail.outbox[0].body


def test_a_draft_holds_its_slot_and_is_never_sent(django_capture_on_commit_callbacks):
    """An editor's unfinished draft stops the automatic edition and stays unsent."""
    newsletter = make_due_newsletter(minimum_articles=1)
    slot = newsletter.latest_slot()
    make_article(published_at=slot - timedelta(minutes=5))
    Edition.objects.create(newsletter=newsletter, subject="Draft", scheduled_for=slot)
    make_subscription(newsletter=newsletter)

    with django_capture_on_commit_callbacks(execute=True):
        editions.send_due_newsletters()

    assert Edition.objects.get().status == Edition.Status.DRAFT
    assert mail.outbox == []


def test_edition_goes_to_confirmed_subscribers_only_with_headers_and_both_parts(
    settings, django_capture_on_commit_callbacks
):
    """
    Pending and unsubscribed readers get nothing; every email has an HTML and
    a text part, absolute links and the List-Unsubscribe headers.
    """
    settings.SITE_URL = "https://news.example.org"
    newsletter = make_due_newsletter(minimum_articles=1)
    slot = newsletter.latest_slot()
    article = make_article(published_at=slot - timedelta(minutes=5))
    confirmed = [
        make_subscription(newsletter=newsletter, email=f"c{n}@example.com")
        for n in range(3)
    ]
    make_subscription(newsletter=newsletter, status=Subscription.Status.PENDING)
    make_subscription(newsletter=newsletter, status=Subscription.Status.UNSUBSCRIBED)
    # Another newsletter, never due here: the factory's default 1pm would
    # make it compose an edition of its own when the test runs just after 1pm.
    make_subscription(
        email="c0@example.com", newsletter=make_newsletter(is_active=False)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_newsletters", stdout=io.StringIO())

    edition = Edition.objects.get()
    assert edition.status == Edition.Status.SENT
    assert edition.sent_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in confirmed)
    for message in mail.outbox:
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        url = f"https://news.example.org{article.get_absolute_url()}"
        assert url in message.body and url in html
        subscription = Subscription.objects.get(
            email=message.to[0], newsletter=newsletter
        )
        unsubscribe = f"https://news.example.org{subscription.get_unsubscribe_url()}"
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == (
            "List-Unsubscribe=One-Click"
        )
        assert unsubscribe in message.body and unsubscribe in html
        assert message.from_email == settings.NEWSLETTER_FROM_EMAIL
    assert set(EditionSend.objects.values_list("status", flat=True)) == {
        EditionSend.Status.SENT
    }


def test_reader_who_unsubscribes_after_queueing_is_not_sent_the_edition(
    django_capture_on_commit_callbacks,
):
    """Unsubscribing is immediate, even for an edition already queued."""
    newsletter = make_newsletter(minimum_articles=1)
    slot = newsletter.latest_slot()
    make_article(published_at=slot - timedelta(minutes=5))
    leaving = make_subscription(newsletter=newsletter)
    staying = make_subscription(newsletter=newsletter)
    edition = editions.compose_edition(newsletter, slot)
    with django_capture_on_commit_callbacks(execute=False):
        editions.start_sending(edition)
    leaving.unsubscribe()

    edition_sends.deliver_batch(edition.pk)

    assert [m.to[0] for m in mail.outbox] == [staying.email]
    assert EditionSend.objects.get(subscription=leaving).status == (
        EditionSend.Status.CANCELLED
    )


def sending_edition(newsletter, *emails):
    make_article(published_at=newsletter.latest_slot() - timedelta(minutes=5))
    for email in emails:
        make_subscription(newsletter=newsletter, email=email)
    edition = editions.compose_edition(newsletter, newsletter.latest_slot())
    editions.start_sending(edition)
    # Queued a while ago, so claims "in the past" find the rows due.
    EditionSend.objects.update(next_attempt_at=timezone.now() - timedelta(days=1))
    return edition


def test_temporary_refusal_is_retried_with_backoff_and_delivered_once(settings):
    """A 4xx refusal re-queues the row for later; the retry delivers it once."""
    settings.MAIL_RETRY_SECONDS = 60
    with SMTPSink(refuse_once={"busy@example.com"}) as sink:
        settings.MAILERS = sink.mailers_setting()
        edition = sending_edition(
            make_newsletter(), "busy@example.com", "fine@example.com"
        )

        before = timezone.now()
        edition_sends.deliver_batch(edition.pk)
        row = EditionSend.objects.get(subscription__email="busy@example.com")
        assert row.status == EditionSend.Status.QUEUED
        assert row.attempts == 1
        assert "451" in row.last_error
        assert row.next_attempt_at >= before + timedelta(seconds=60)
        assert edition_sends.continue_delivery(edition.pk) == "waiting"

        EditionSend.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        edition_sends.deliver_batch(edition.pk)
        assert edition_sends.continue_delivery(edition.pk) == "finished"

    assert sorted(sink.handler.recipients()) == ["busy@example.com", "fine@example.com"]
    row.refresh_from_db()
    assert row.status == EditionSend.Status.SENT and row.attempts == 2
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_permanent_refusal_fails_at_once_and_is_not_retried(settings):
    """A 5xx refusal of a recipient is final."""
    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()

        async def refuse(server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such user"

        sink.handler.handle_RCPT = refuse
        edition = sending_edition(make_newsletter(), "gone@example.com")

        edition_sends.deliver_batch(edition.pk)

    row = EditionSend.objects.get()
    assert row.status == EditionSend.Status.FAILED
    assert "550" in row.last_error
    assert edition_sends.continue_delivery(edition.pk) == "finished"


def test_an_unreachable_mail_server_is_retried_until_the_retry_window_closes(
    settings,
):
    """
    With no mail server listening the sends wait, the batch stopping at the
    first connection refused; once a row has waited MAIL_RETRY_FOR_SECONDS
    the next refusal fails it, saying why.
    """
    settings.MAIL_RETRY_FOR_SECONDS = 3600
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    edition = sending_edition(make_newsletter(), "a@example.com", "b@example.com")

    assert edition_sends.deliver_batch(edition.pk) == {"unreachable": 1}
    rows = EditionSend.objects.order_by("pk")
    assert [(r.status, r.attempts) for r in rows] == [
        (EditionSend.Status.QUEUED, 1),
        (EditionSend.Status.QUEUED, 0),
    ]
    assert len({r.next_attempt_at for r in rows}) == 1
    assert rows[1].last_error.startswith("Not tried: the mail server could not")
    assert edition_sends.continue_delivery(edition.pk) == "waiting"

    # 59 minutes on: still retried.
    EditionSend.objects.update(
        queued_at=timezone.now() - timedelta(minutes=59),
        next_attempt_at=timezone.now(),
    )
    edition_sends.deliver_batch(edition.pk)
    assert EditionSend.objects.filter(status=EditionSend.Status.FAILED).count() == 0

    # An hour on: failed for good, one by one, with the reason.
    EditionSend.objects.update(
        queued_at=timezone.now() - timedelta(hours=1),
        next_attempt_at=timezone.now(),
    )
    edition_sends.deliver_batch(edition.pk)
    EditionSend.objects.update(next_attempt_at=timezone.now())
    edition_sends.deliver_batch(edition.pk)
    assert set(rows.values_list("status", flat=True)) == {EditionSend.Status.FAILED}
    reason = EditionSend.objects.first().last_error
    assert "retry window is 1.0 h" in reason
    assert "ConnectionRefusedError" in reason
    assert edition_sends.continue_delivery(edition.pk) == "finished"


def test_abandoned_claims_are_resent_but_an_interrupted_hand_over_is_not(settings):
    """
    A killed worker's claimed rows go back to the queue after the lease; the
    row it was handing to the mail server is failed as "in doubt".
    """
    settings.MAIL_CLAIM_SECONDS = 60
    edition = sending_edition(
        make_newsletter(), "a@example.com", "b@example.com", "c@example.com"
    )
    long_ago = timezone.now() - timedelta(minutes=5)
    assert len(edition_sends.claim_batch(edition.pk, "deadworker", long_ago)) == 3
    EditionSend.objects.filter(subscription__email="a@example.com").update(
        status=EditionSend.Status.SENDING
    )

    edition_sends.deliver_batch(edition.pk)

    statuses = dict(EditionSend.objects.values_list("subscription__email", "status"))
    assert statuses == {
        "a@example.com": EditionSend.Status.FAILED,
        "b@example.com": EditionSend.Status.SENT,
        "c@example.com": EditionSend.Status.SENT,
    }
    assert (
        "may have been delivered"
        in EditionSend.objects.get(subscription__email="a@example.com").last_error
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.com", "c@example.com"]


def test_a_worker_whose_lease_ran_out_does_not_send_a_row_taken_over():
    """The hand-over only matches the claim token, so two workers never both send."""
    edition = sending_edition(make_newsletter(), "a@example.com")
    [slow_row] = edition_sends.claim_batch(
        edition.pk, "slowworker", timezone.now() - timedelta(hours=1)
    )
    [fast_row] = edition_sends.claim_batch(edition.pk, "fastworker", timezone.now())
    shared = {"edition": edition, "newsletter": edition.newsletter, "articles": []}
    slow = edition_sends.Courier("slowworker", shared)
    fast = edition_sends.Courier("fastworker", shared)

    assert slow.send(slow_row) == "lost"
    assert fast.send(fast_row) == "sent"
    slow.close()
    fast.close()

    assert len(mail.outbox) == 1
    assert EditionSend.objects.get().status == EditionSend.Status.SENT


def test_send_due_newsletters_command_reports_what_it_did(capsys):
    """The command prints one summary line."""
    call_command("send_due_newsletters")

    assert "Editions composed: 0" in capsys.readouterr().out
