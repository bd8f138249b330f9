"""
Readers' data rights: everything the paper holds about one email address,
as a JSON document (the right of access), and its erasure (the right to be
forgotten). The `export_personal_data` and `erase_personal_data` commands and
the admin's "Personal data" page are thin wrappers around these functions.

What an address has: newsletter subscriptions with their consent ledgers and
the editions and confirmation emails sent to them, and home delivery
requests with their consents, history and emails. Addresses match whatever
their case or surrounding spaces.

Erasure happens in one transaction: subscriptions are deleted with their
consent ledgers and edition sends; delivery requests are anonymised, as the
retention period does, keeping what circulation statistics need (open ones
are closed first, so no newsagent is left with a delivery and no address);
and the address goes on the suppression list as a keyed hash, so it is never
mailed again unless its owner signs up anew and confirms
(subscriptions.models.personal_data explains). Every export and erasure is
recorded (PersonalDataRequest) and logged with the address's hash, never the
address.
"""

import json
import logging

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from newsroom.email_addresses import normalise_email

from . import delivery
from .models.delivery import DeliveryRequest, DeliveryRequestEvent
from .models.newsletters import Subscription
from .models.outbound import OutboundEmail
from .models.personal_data import (
    PersonalDataRequest,
    Suppression,
    address_hash,
)

logger = logging.getLogger(__name__)

INVALID_ADDRESS = (
    "That is not an email address: expected something like name@example.ie."
)
ERASED_NOTE = "Closed: the reader asked for their personal data to be erased."


def personal_data_address(email):
    """The address as stored and compared, or ValidationError if it is none."""
    address = normalise_email(email)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(INVALID_ADDRESS, code="invalid") from None
    return address


def _subscriptions(address):
    return Subscription.objects.filter(email=address)


def _delivery_requests(address):
    return DeliveryRequest.objects.filter(email=address)


def _outbound_emails(address):
    return OutboundEmail.objects.alias(address=Lower("recipient")).filter(
        address=address
    )


def _outbound_document(email):
    return {
        "kind": email.get_kind_display(),
        "subject": email.subject,
        "status": email.status,
        "attempts": email.attempts,
        "created_at": email.created_at,
        "sent_at": email.sent_at,
        "last_error": email.last_error,
    }


def _consent_document(record, **what):
    """One row of either consent ledger (`models.consent.ConsentRecord`)."""
    return {
        **what,
        "wording_key": record.wording_key,
        "wording": record.wording,
        "wording_version": record.wording_version,
        "source": record.source,
        "at": record.at,
    }


def _subscription_document(subscription):
    return {
        "newsletter": subscription.newsletter.name,
        "email": subscription.email,
        "status": subscription.status,
        "created_at": subscription.created_at,
        "confirmed_at": subscription.confirmed_at,
        "unsubscribed_at": subscription.unsubscribed_at,
        "consent": {
            "wording": subscription.consent_text,
            "wording_key": subscription.consent_key,
            "wording_version": subscription.consent_version,
            "source": subscription.consent_source,
            "given_at": subscription.consent_given_at,
        },
        "consent_ledger": [
            _consent_document(event, act=event.act)
            for event in subscription.consent_events.all()
        ],
        "confirmation_email": {
            "last_requested_at": subscription.confirmation_requested_at,
            "last_sent_at": subscription.confirmation_sent_at,
        },
        "editions_sent": [
            {
                "subject": send.edition.subject,
                "scheduled_for": send.edition.scheduled_for,
                "status": send.status,
                "attempts": send.attempts,
                "sent_at": send.sent_at,
                "last_error": send.last_error,
            }
            for send in subscription.sends.all()
        ],
    }


def _history_by(event):
    # Staff are named by their role, not their name: it is the reader's data.
    if event.actor_id is not None:
        return "circulation desk"
    if event.kind == DeliveryRequestEvent.Kind.SUBMITTED:
        return "reader"
    return "system"


def _delivery_document(delivery_request):
    reader = {
        field: getattr(delivery_request, field)
        for field in DeliveryRequest.READER_FIELDS
    }
    return {
        "reference": delivery_request.reference,
        **reader,
        "delivery_days": list(delivery_request.delivery_days),
        "start_date": delivery_request.start_date,
        "stop_date": delivery_request.stop_date,
        "leave_at": delivery_request.leave_at,
        "notes": delivery_request.notes,
        "status": delivery_request.status,
        "area": delivery_request.area.name if delivery_request.area else None,
        "created_at": delivery_request.created_at,
        "updated_at": delivery_request.updated_at,
        "closed_at": delivery_request.closed_at,
        "terms_accepted_at": delivery_request.terms_accepted_at,
        "marketing_consent_at": delivery_request.marketing_consent_at,
        "consent_ledger": [
            _consent_document(consent, kind=consent.kind)
            for consent in delivery_request.consents.all()
        ],
        "history": [
            {
                "at": event.created_at,
                "what": event.get_kind_display(),
                "by": _history_by(event),
                "summary": event.summary,
                "note": event.note,
            }
            for event in delivery_request.events.all()
        ],
        "emails": {
            "confirmation_sent_at": delivery_request.confirmation_sent_at,
            "desk_notified_at": delivery_request.desk_notified_at,
        },
    }


def personal_data_document(address):
    """Every row about `address` (already validated), as a JSON-ready dict."""
    subscriptions = (
        _subscriptions(address)
        .select_related("newsletter")
        .prefetch_related("consent_events", "sends__edition")
        .order_by("created_at", "pk")
    )
    requests = (
        _delivery_requests(address)
        .select_related("area")
        .prefetch_related("consents", "events")
        .order_by("created_at", "pk")
    )
    suppression = Suppression.objects.for_email(address).first()
    return {
        "address": address,
        "exported_at": timezone.now(),
        "newsletter_subscriptions": [_subscription_document(s) for s in subscriptions],
        "delivery_requests": [_delivery_document(r) for r in requests],
        "emails_to_the_address": [
            _outbound_document(e) for e in _outbound_emails(address).order_by("pk")
        ],
        "suppression": suppression
        and {
            "reason": suppression.get_reason_display(),
            "suppressed_at": suppression.suppressed_at,
            "lifted_at": suppression.lifted_at,
        },
    }


def personal_data_counts(document):
    """How many rows of each kind a document holds."""
    subscriptions = document["newsletter_subscriptions"]
    requests = document["delivery_requests"]
    return {
        "subscriptions": len(subscriptions),
        "consent_events": sum(len(s["consent_ledger"]) for s in subscriptions),
        "edition_sends": sum(len(s["editions_sent"]) for s in subscriptions),
        "delivery_requests": len(requests),
        "delivery_consents": sum(len(r["consent_ledger"]) for r in requests),
        "delivery_history": sum(len(r["history"]) for r in requests),
        "outbound_emails": len(document["emails_to_the_address"]),
    }


def personal_data_json(document):
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _record(action, address, *, actor, actor_name, channel, counts, suppression=None):
    return PersonalDataRequest.objects.create(
        action=action,
        channel=channel,
        actor=actor,
        actor_name=actor_name[:150],
        address_hash=address_hash(address),
        suppression=suppression,
        counts=counts,
    )


def _log(record):
    """One line for the logs, once committed: the address only as its hash."""
    logger.info(
        "Personal data request %s: %s by %s (%s) for address %s…: %s",
        record.pk,
        record.action,
        record.actor_name,
        record.channel,
        record.address_hash[:12],
        ", ".join(f"{n} {kind}" for kind, n in record.counts.items()),
    )


def personal_data_export(email, *, actor=None, actor_name, channel):
    """
    Everything held about `email`, as a dict for personal_data_json, and the
    record of the export. Raises ValidationError for a malformed address.
    """
    address = personal_data_address(email)
    with transaction.atomic():
        document = personal_data_document(address)
        record = _record(
            PersonalDataRequest.Action.EXPORT,
            address,
            actor=actor,
            actor_name=actor_name,
            channel=channel,
            counts=personal_data_counts(document),
        )
    _log(record)
    return document, record


def _close_open_requests(requests, actor):
    """Close the open requests first, in their history, so no delivery goes on."""
    Status = DeliveryRequest.Status
    for delivery_request in requests:
        if delivery_request.is_closed:
            continue
        if delivery_request.status == Status.ACTIVE:
            delivery.delivery_request_transition(
                delivery_request,
                Status.ENDED,
                actor=actor,
                note=ERASED_NOTE,
                day=delivery.delivery_earliest_start(),
            )
        else:
            delivery.delivery_request_transition(
                delivery_request, Status.CANCELLED, actor=actor, note=ERASED_NOTE
            )


def personal_data_erase(email, *, actor=None, actor_name, channel):
    """
    Erase everything held about `email` in one transaction (see the module
    docstring) and suppress the address. Returns the PersonalDataRequest
    recorded, whose counts say what was erased. Raises ValidationError for
    a malformed address; any other failure changes nothing.
    """
    address = personal_data_address(email)
    now = timezone.now()
    with transaction.atomic():
        # Lock the rows first: a sign-up or a desk change waits until the end.
        list(_subscriptions(address).select_for_update().values_list("pk"))
        requests = list(_delivery_requests(address).select_for_update())
        counts = personal_data_counts(personal_data_document(address))
        _close_open_requests(requests, actor)
        # Anonymised with the retention period's rule, whose history entry
        # says why; the requests' consents hold no personal data and stay.
        counts["delivery_requests_anonymised"] = (
            delivery.delivery_requests_anonymise_selected(
                _delivery_requests(address),
                summary="Erased at the reader's request.",
            )
        )
        # The outbox's copies of what was mailed to the address: those about
        # a subscription or request go with it, and these are what is left.
        _outbound_emails(address).delete()
        deleted = _subscriptions(address).delete()[1]
        counts["subscriptions_deleted"] = deleted.get(Subscription._meta.label, 0)
        suppression, _ = Suppression.objects.update_or_create(
            address_hash=address_hash(address),
            defaults={
                "reason": Suppression.Reason.ERASED,
                "suppressed_at": now,
                "lifted_at": None,
            },
        )
        record = _record(
            PersonalDataRequest.Action.ERASE,
            address,
            actor=actor,
            actor_name=actor_name,
            channel=channel,
            counts=counts,
            suppression=suppression,
        )
    _log(record)
    return record
