"""
Sign-up, confirmation and preferences: the rules of a reader's subscriptions.

Double opt-in protects the list: a sign-up only ever creates or refreshes a
pending subscription and queues a confirmation email, so the sign-up form can
post without a CSRF token (its pages are cacheable and carry no cookie).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsroom.email_addresses import normalise_email

from . import consent, mail, outbound
from .models.newsletters import ConsentEvent, Subscription
from .models.outbound import OutboundEmail
from .models.personal_data import is_suppressed, suppression_lift


def request_subscription(*, email, newsletter, consent_version, source, now=None):
    """
    Record a reader's sign-up and queue a confirmation email.

    The caller answers the reader the same way whatever happens here, so the
    reply reveals nothing about which addresses are on the list:
    - a new address gets a pending subscription and a confirmation email;
    - a pending or unsubscribed one gets its consent record refreshed and,
      at most once per NEWSLETTER_CONFIRMATION_INTERVAL, another email;
    - a confirmed one is left alone.
    The confirmation email is queued in the outbox in the same transaction
    as the subscription, and sent once it commits: neither the rate limit
    nor a mail server outage loses a sign-up or its email.
    """
    now = now or timezone.now()
    given = Subscription.consent_fields(
        consent.wording(consent.NEWSLETTER_SIGN_UP, consent_version), source, now
    )
    with transaction.atomic():
        subscription, created = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("newsletter")
            .get_or_create(
                email=normalise_email(email), newsletter=newsletter, defaults=given
            )
        )
        if subscription.status == Subscription.Status.CONFIRMED:
            return subscription
        if not created:
            for field, value in given.items():
                setattr(subscription, field, value)
            subscription.status = Subscription.Status.PENDING
        # Every sign-up is an act of consent of its own, kept beside earlier
        # ones; the subscription's consent fields hold the latest.
        subscription.record_consent(ConsentEvent.Act.SIGNED_UP, source, now)
        interval = timedelta(seconds=settings.NEWSLETTER_CONFIRMATION_INTERVAL)
        last = subscription.confirmation_requested_at
        send = last is None or now - last >= interval
        if send:
            subscription.confirmation_requested_at = now
        subscription.save()
        if send:
            queue_confirmation(subscription)
    return subscription


def confirm_subscription(subscription, source="confirmation link"):
    """
    The reader pressed the button behind the link in a confirmation email,
    and so proved the address is theirs: confirm the subscription and lift
    any suppression of the address (an erased address is mailed again only
    once its owner signs up anew and confirms). Returns whether it changed.
    """
    with transaction.atomic():
        confirmed = subscription.confirm(source=source)
        if confirmed:
            suppression_lift(subscription.email, subscription.confirmed_at)
    return confirmed


def queue_confirmation(subscription):
    """
    Put the confirmation email in the outbox, to leave once the current
    transaction commits (one that has not left yet is not queued twice).
    Returns the queued email, or None when the address was erased after
    this sign-up: only a sign-up made since then is mailed.
    """
    if is_suppressed(subscription.email, signed_up_at=subscription.consent_given_at):
        return None
    return outbound.email_queue(
        mail.confirmation_message(subscription),
        OutboundEmail.Kind.NEWSLETTER_CONFIRMATION,
        about=subscription,
        sent_field="confirmation_sent_at",
        mailer=settings.NEWSLETTER_MAILER,
        once=True,
    )


def subscriptions_for(email):
    """An address's subscriptions, one per newsletter, newsletters in order."""
    return (
        Subscription.objects.for_email(email)
        .select_related("newsletter")
        .order_by("newsletter__position", "newsletter__name")
    )


def update_preferences(email, wanted, source, now=None):
    """
    Make an address's confirmed newsletters exactly `wanted` (newsletters).
    Unticked ones are unsubscribed at once; newly ticked ones are confirmed
    straight away, since only the owner of the address has the signed link
    to the preferences page. Returns (added, removed) newsletter names.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    wanted = set(wanted)
    added, removed = [], []
    preferences = Subscription.consent_fields(
        consent.wording(consent.NEWSLETTER_PREFERENCES), source, now
    )
    with transaction.atomic():
        current = {
            s.newsletter: s
            for s in subscriptions_for(email).select_for_update(of=("self",))
        }
        for newsletter, subscription in current.items():
            confirmed = subscription.status == Subscription.Status.CONFIRMED
            if confirmed and newsletter not in wanted:
                subscription.unsubscribe(now, source=source)
                removed.append(newsletter.name)
        for newsletter in wanted:
            subscription = current.get(newsletter)
            if subscription and subscription.status == Subscription.Status.CONFIRMED:
                continue
            if subscription is None:
                subscription = Subscription(email=email, newsletter=newsletter)
            for field, value in preferences.items():
                setattr(subscription, field, value)
            subscription.status = Subscription.Status.CONFIRMED
            subscription.confirmed_at = now
            subscription.unsubscribed_at = None
            subscription.save()
            subscription.record_consent(ConsentEvent.Act.CHANGED, source, now)
            added.append(newsletter.name)
    return added, removed
