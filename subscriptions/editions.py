"""
Editions: deciding when a newsletter is due, composing an edition from the
articles published since the previous one, and starting to send it.

A newsletter is due at each of its regular times (`Newsletter.latest_slot`,
in the newsletter's own time zone). An edition "belongs" to the regular time
at or after its `scheduled_for` and after the previous regular time, so an
editor who prepares an edition for today's 1pm (any time after yesterday's
1pm, up to today's) replaces the automatic one. A draft also holds the slot:
it is the editor's, and is never sent until they mark it scheduled.

Sending is handed to the outbox through subscriptions.edition_sends.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import calendar
from articles.models import Article
from newsroom import formats

from . import edition_sends, mail, outbound
from .models.editions import Edition, EditionArticle, EditionSend
from .models.newsletters import Newsletter, Subscription

logger = logging.getLogger(__name__)

# Editions past these statuses are history: their articles are not repeated.
DISPATCHED = [Edition.Status.SENDING, Edition.Status.SENT]


def previous_edition(newsletter, before):
    """The last edition that went out (or is going out) before `before`."""
    return (
        newsletter.editions.filter(status__in=DISPATCHED, scheduled_for__lt=before)
        .order_by("-scheduled_for", "-pk")
        .first()
    )


def articles_for_edition(newsletter, slot):
    """
    The articles an automatic edition for `slot` lists: live articles
    published after the previous edition's time (or the previous regular
    time, for a first edition) and by the slot, none that the previous
    edition already carried; the most recent `maximum_articles` of them,
    ordered by section position, then latest first.
    """
    previous = previous_edition(newsletter, slot)
    since = previous.scheduled_for if previous else newsletter.previous_slot(slot)
    articles = Article.objects.published().filter(published_at__lte=slot)
    if since is not None:
        articles = articles.filter(published_at__gt=since)
    if previous is not None:
        articles = articles.exclude(
            pk__in=previous.items.values_list("article_id", flat=True)
        )
    latest = list(
        articles.select_related("section").latest_first()[: newsletter.maximum_articles]
    )
    return sorted(
        latest,
        key=lambda a: (a.section.position, a.section.name, -a.published_at.timestamp()),
    )


def default_subject(newsletter, slot):
    # The day in the newsletter's own time zone, not the paper's.
    day = timezone.localtime(slot, newsletter.zone).date()
    return f"{newsletter.name}, {formats.written(day, 'weekday_day')}"


def edition_for_slot(newsletter, slot):
    """The edition (of any status) that holds this regular time, if any."""
    previous_slot = newsletter.previous_slot(slot)
    editions = newsletter.editions.filter(scheduled_for__lte=slot)
    if previous_slot is not None:
        editions = editions.filter(scheduled_for__gt=previous_slot)
    return editions.order_by("-scheduled_for").first()


def compose_edition(newsletter, slot):
    """
    Compose the automatic edition for `slot` unless one already holds it.
    Returns the new scheduled edition, or None. Too few articles makes a
    skipped edition that records (and logs) why, so the slot is not tried
    again on the next run.
    """
    with transaction.atomic():
        # One composer per newsletter at a time.
        Newsletter.objects.select_for_update().filter(pk=newsletter.pk).first()
        if edition_for_slot(newsletter, slot) is not None:
            return None
        articles = articles_for_edition(newsletter, slot)
        edition = Edition(
            newsletter=newsletter,
            subject=default_subject(newsletter, slot),
            scheduled_for=slot,
            status=Edition.Status.SCHEDULED,
        )
        if len(articles) < newsletter.minimum_articles:
            edition.status = Edition.Status.SKIPPED
            edition.skip_reason = (
                f"{len(articles)} new article(s) since the previous edition; "
                f"the minimum is {newsletter.minimum_articles}."
            )
            edition.save()
            logger.info(
                "Skipped the %s edition of %s: %s",
                newsletter,
                slot.isoformat(),
                edition.skip_reason,
            )
            return None
        edition.save()
        EditionArticle.objects.bulk_create(
            EditionArticle(edition=edition, article=article, position=position)
            for position, article in enumerate(articles)
        )
    logger.info("Composed %s with %d articles", edition, len(articles))
    return edition


def start_sending(edition):
    """
    Queue a scheduled edition to every confirmed subscriber: one outbox row
    each (the unique constraint makes a second call harmless), then hand
    over to the worker once committed. Returns the number of rows queued,
    or None when the edition was not (or no longer) scheduled.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.SCHEDULED:
            return None
        recipients = (
            Subscription.objects.confirmed()
            .filter(newsletter_id=edition.newsletter_id)
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        EditionSend.objects.bulk_create(
            (
                EditionSend(edition=edition, subscription_id=pk, next_attempt_at=now)
                for pk in recipients.iterator(chunk_size=2000)
            ),
            batch_size=1000,
            ignore_conflicts=True,
        )
        edition.status = Edition.Status.SENDING
        edition.last_progress_at = now
        edition.save(update_fields=["status", "last_progress_at"])
        queued = edition.sends.count()
        # One delivery chain per worker meant to share the edition.
        for _ in range(settings.NEWSLETTER_CONCURRENCY):
            edition_sends.queue_delivery(edition.pk)
    logger.info("Sending %s to %d subscribers", edition, queued)
    return queued


def send_due_newsletters(now=None):
    """
    Everything a periodic run does (the `send_due_newsletters` command):
    compose what is due, start sending due editions, resume stalled sends,
    and start the outbox's worker for emails due (retries, and whatever a
    stopped worker left). Returns a summary.
    """
    now = now or timezone.now()
    lateness = timedelta(seconds=settings.NEWSLETTER_MAX_LATENESS)
    summary = {"composed": 0, "started": 0, "resumed": 0, "emails": 0}
    for newsletter in Newsletter.objects.active():
        slot = newsletter.latest_slot(now)
        if slot is None or now - slot > lateness:
            continue
        if compose_edition(newsletter, slot) is not None:
            summary["composed"] += 1
    for edition in Edition.objects.due(now).order_by("scheduled_for", "pk"):
        if start_sending(edition) is not None:
            summary["started"] += 1
    summary["resumed"] = edition_sends.resume_stalled(now)
    summary["emails"] = outbound.resume(now)
    return summary


def test_copy_message(edition, address):
    """
    A copy of the edition for an editor, subject marked as a test. Its
    unsubscribe links are real in form but belong to no subscriber.
    """
    stand_in = Subscription(pk=0, email=address, newsletter=edition.newsletter)
    shared = mail.edition_context(edition, edition.ordered_articles())
    message = mail.edition_message(shared, stand_in, to=address)
    message.subject = f"[Test] {edition.subject}"
    return message


def calendar_entries(start, end):
    """
    The planning calendar's edition times: each active newsletter's regular
    times from `start` up to `end`. One query.
    """
    entries = []
    for newsletter in Newsletter.objects.active():
        url = reverse("admin:subscriptions_newsletter_change", args=[newsletter.pk])
        slot = newsletter.latest_slot(end - timedelta(microseconds=1))
        while slot is not None and slot >= start:
            at = timezone.localtime(slot)
            entries.append(
                calendar.Entry(
                    day=at.date(),
                    kind="edition",
                    title=f"{newsletter.name} goes out",
                    at=at,
                    detail=newsletter.rhythm,
                    url=url,
                )
            )
            slot = newsletter.previous_slot(slot)
    return entries
