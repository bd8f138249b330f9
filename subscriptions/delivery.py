"""
Home delivery rules that span models: reading Eircodes and phone numbers,
routing a request to its area, submitting it, the desk's workflow, the emails
and the retention of personal data.
"""

import logging
import re
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsroom import formats

from . import outbound
from .models.delivery import (
    DeliveryConsent,
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRoutingKey,
)
from .models.outbound import OutboundEmail
from .models.personal_data import is_suppressed
from .models.weekdays import Weekday

logger = logging.getLogger(__name__)

# Delivery dates are the paper's dates, in Ireland, whatever the server says.
DELIVERY_TIME_ZONE = ZoneInfo("Europe/Dublin")
# A start date further ahead than this is almost always a typing mistake.
DELIVERY_MAX_START_DAYS = 120

# References are read over the phone: no 0/O, 1/I/L or U.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6
REFERENCE_ATTEMPTS = 10


class DeliveryTransitionError(Exception):
    """A status change the workflow does not allow; the message says why."""


def phone_normalise(value):
    """
    Return the phone number in international form (+353871234567), or raise
    ValidationError. Irish numbers may be written nationally (087 123 4567,
    (01) 234 5678); others need their country code (+44 20 7946 0958, 0044…).
    """
    compact = (value or "").strip().replace("(0)", "")
    compact = re.sub(r"[\s\-./()]", "", compact)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+353" + compact[1:]
    plausible = re.fullmatch(r"\+[1-9][0-9]{6,14}", compact) is not None
    if plausible and compact.startswith("+353"):
        national = compact[4:]
        # Irish numbers have 7 to 9 digits after the 0; mobiles (08x) have 9.
        plausible = re.fullmatch(r"[1-9][0-9]{6,8}", national) is not None and (
            not national.startswith("8") or len(national) == 9
        )
    if not plausible:
        raise ValidationError(
            "Enter a phone number we can call, such as 087 123 4567, "
            "(01) 234 5678 or +44 20 7946 0958.",
            code="invalid_phone",
        )
    return compact


def delivery_today(now=None):
    return (now or timezone.now()).astimezone(DELIVERY_TIME_ZONE).date()


def delivery_earliest_start(now=None):
    """The first day a new delivery can start: tomorrow, in Ireland."""
    return delivery_today(now) + timedelta(days=1)


def delivery_days_offered():
    """The delivery days readers may choose, in week order (setting DELIVERY_DAYS)."""
    offered = {code.strip().lower() for code in settings.DELIVERY_DAYS}
    unknown = offered - set(Weekday.values)
    if unknown or not offered:
        raise ImproperlyConfigured(
            "DELIVERY_DAYS must list one or more of mon, tue, wed, thu, fri, sat, "
            f"sun; got {settings.DELIVERY_DAYS!r}."
        )
    return [(code, label) for code, label in Weekday.choices if code in offered]


def delivery_reference_new():
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"HD-{code}"


def delivery_area_for(routing_key):
    """The active area covering `routing_key`, or None when none does."""
    match = (
        DeliveryRoutingKey.objects.active()
        .select_related("area")
        .filter(key=routing_key)
        .first()
    )
    return match.area if match else None


def delivery_request_submit(delivery_request, *, idempotency_key, consents, source):
    """
    Save a reader's validated request with a fresh reference, route it,
    record its consents ({kind: consent.Wording} of DeliveryConsent kinds,
    the terms among them, shown on the page `source`) and queue
    its emails. Returns (request, created): a form sent twice with the same
    idempotency key returns the first request and sends nothing again.
    """
    now = timezone.now()
    marketing = DeliveryConsent.Kind.MARKETING in consents
    delivery_request.idempotency_key = idempotency_key
    delivery_request.routing_key = delivery_request.eircode[:3]
    delivery_request.area = delivery_area_for(delivery_request.routing_key)
    delivery_request.terms_accepted_at = now
    delivery_request.marketing_consent_at = now if marketing else None
    delivery_request.status = DeliveryRequest.Status.NEW
    for _ in range(REFERENCE_ATTEMPTS):
        delivery_request.reference = delivery_reference_new()
        try:
            with transaction.atomic():
                delivery_request.save(force_insert=True)
                DeliveryRequestEvent.objects.create(
                    request=delivery_request,
                    kind=DeliveryRequestEvent.Kind.SUBMITTED,
                    to_status=DeliveryRequest.Status.NEW,
                    summary=_submitted_summary(delivery_request),
                )
                DeliveryConsent.objects.bulk_create(
                    DeliveryConsent.given(
                        wording,
                        source=source,
                        at=now,
                        request=delivery_request,
                        kind=kind,
                    )
                    for kind, wording in consents.items()
                )
                # In the outbox with the request, or not at all.
                for kind in DELIVERY_EMAILS:
                    delivery_email_queue(delivery_request, kind)
        except IntegrityError:
            delivery_request.pk = None
            earlier = DeliveryRequest.objects.filter(
                idempotency_key=idempotency_key
            ).first()
            if earlier is not None:
                return earlier, False
            if DeliveryRequest.objects.filter(
                reference=delivery_request.reference
            ).exists():
                continue  # The reference was taken: draw another.
            raise
        return delivery_request, True
    raise RuntimeError("No free delivery reference after several attempts.")


def _submitted_summary(delivery_request):
    if delivery_request.area is None:
        return f"Submitted; {delivery_request.routing_key} is outside every area."
    return f"Submitted; routed to {delivery_request.area.name}."


def delivery_email_queue(delivery_request, kind):
    """
    Put one of the request's emails in the outbox (`kind`: a key of
    DELIVERY_EMAILS); it leaves once the current transaction commits, and
    the request records when the mail server accepted it.
    """
    build, sent_field = DELIVERY_EMAILS[kind]
    if kind == OutboundEmail.Kind.DELIVERY_CONFIRMATION and is_suppressed(
        delivery_request.email
    ):
        # The address asked to be forgotten: a request typed in with it
        # proves nobody owns it, so it gets no mail (signing up to a
        # newsletter and confirming is what lifts a suppression).
        logger.info(
            "Reader's confirmation of delivery request %s withheld: the address "
            "is suppressed",
            delivery_request.reference,
        )
        DeliveryRequestEvent.objects.create(
            request=delivery_request,
            kind=DeliveryRequestEvent.Kind.NOTE,
            summary="Reader's confirmation not sent: the address asked for its "
            "personal data to be erased and is not mailed.",
        )
        return None
    return outbound.email_queue(
        build(delivery_request),
        kind,
        about=delivery_request,
        sent_field=sent_field,
    )


def delivery_emails_resend(queryset):
    """
    Send again, now, the emails of these requests that the mail server has
    not accepted: one that failed or is in doubt is queued again, one waiting
    for its next attempt is tried at once, and one on its way is left alone.
    Returns how many requests had an email queued.
    """
    pending = queryset.filter(
        Q(confirmation_sent_at__isnull=True) | Q(desk_notified_at__isnull=True),
        anonymised_at__isnull=True,
    ).select_related("area")
    count = 0
    for delivery_request in pending:
        queued = False
        for kind, (_, sent_field) in DELIVERY_EMAILS.items():
            if getattr(delivery_request, sent_field) is not None:
                continue
            emails = OutboundEmail.objects.about(delivery_request).filter(kind=kind)
            if emails.resend():
                queued = True
            elif not emails.waiting().exists():
                queued |= delivery_email_queue(delivery_request, kind) is not None
        count += queued
    if count:
        outbound.send_soon()
    return count


def _mail_context(delivery_request):
    return {
        "delivery_request": delivery_request,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "desk_email": settings.CIRCULATION_DESK_EMAIL,
        "admin_url": settings.SITE_URL
        + reverse(
            "admin:subscriptions_deliveryrequest_change", args=[delivery_request.pk]
        ),
    }


def _reader_confirmation(delivery_request):
    context = _mail_context(delivery_request)
    message = EmailMultiAlternatives(
        subject=f"Your home delivery request {delivery_request.reference}",
        body=render_to_string("emails/delivery/reader_confirmation.txt", context),
        to=[delivery_request.email],
        reply_to=[settings.CIRCULATION_DESK_EMAIL],
    )
    message.attach_alternative(
        render_to_string("emails/delivery/reader_confirmation.html", context),
        "text/html",
    )
    return message


def _desk_notification(delivery_request):
    context = _mail_context(delivery_request)
    where = delivery_request.area.name if delivery_request.area else "OUT OF AREA"
    return EmailMultiAlternatives(
        subject=f"New delivery request {delivery_request.reference} ({where})",
        body=render_to_string("emails/delivery/desk_notification.txt", context),
        to=[settings.CIRCULATION_DESK_EMAIL],
        reply_to=[delivery_request.email],
    )


# A request's emails: how each is built, and the field recording when it left.
DELIVERY_EMAILS = {
    OutboundEmail.Kind.DELIVERY_CONFIRMATION: (
        _reader_confirmation,
        "confirmation_sent_at",
    ),
    OutboundEmail.Kind.DELIVERY_NOTIFICATION: (_desk_notification, "desk_notified_at"),
}


def delivery_request_transition(delivery_request, status, *, actor, note="", day=None):
    """
    Move a request to `status`, recording who, when and the optional note.
    `day` is the agreed start date when scheduling and the first day without
    delivery when ending (required then). Raises DeliveryTransitionError.
    """
    Status = DeliveryRequest.Status
    status = Status(status)
    with transaction.atomic():
        current = DeliveryRequest.objects.select_for_update().get(
            pk=delivery_request.pk
        )
        if not current.can_move_to(status):
            raise DeliveryTransitionError(
                f"{current.reference} is {current.get_status_display().lower()} "
                f"and cannot be moved to {status.label.lower()}."
            )
        try:
            DeliveryRequest.validate_stop_date(status, day)
        except ValidationError as error:
            raise DeliveryTransitionError(
                f"{current.reference}: {error.message}"
            ) from None
        summary = f"{current.get_status_display()} → {status.label}"
        update_fields = ["status", "updated_at"]
        if status == Status.SCHEDULED and day is not None and day != current.start_date:
            summary += (
                f"; start date moved from {current.start_date:%d %b %Y} "
                f"to {day:%d %b %Y}"
            )
            current.start_date = day
            update_fields.append("start_date")
        if status == Status.ENDED:
            summary += f"; last delivery before {day:%d %b %Y}"
            current.stop_date = day
            update_fields.append("stop_date")
        if status in DeliveryRequest.CLOSED_STATUSES:
            current.closed_at = timezone.now()
            update_fields.append("closed_at")
        from_status = current.status
        current.status = status
        current.save(update_fields=update_fields)
        DeliveryRequestEvent.objects.create(
            request=current,
            kind=DeliveryRequestEvent.Kind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=status,
            summary=summary,
            note=note,
        )
    for field in update_fields:
        setattr(delivery_request, field, getattr(current, field))
    return delivery_request


def _user_display(user):
    # An unassigned request is assigned to nobody, not to the system.
    return "nobody" if user is None else formats.staff_name(user)


def delivery_request_assign(delivery_request, user, *, actor, note=""):
    """Give the request to `user` (None to unassign); records it in the history."""
    if delivery_request.assigned_to_id == (user.pk if user else None):
        return False
    delivery_request.assigned_to = user
    delivery_request.save(update_fields=["assigned_to", "updated_at"])
    DeliveryRequestEvent.objects.create(
        request=delivery_request,
        kind=DeliveryRequestEvent.Kind.ASSIGNED,
        actor=actor,
        summary=f"Assigned to {_user_display(user)}",
        note=note,
    )
    return True


def delivery_request_reroute(delivery_request, area, *, actor, note=""):
    """Put the request in another area by hand; records it in the history."""
    before = delivery_request.area.name if delivery_request.area else "out of area"
    after = area.name if area else "out of area"
    delivery_request.area = area
    delivery_request.save(update_fields=["area", "updated_at"])
    DeliveryRequestEvent.objects.create(
        request=delivery_request,
        kind=DeliveryRequestEvent.Kind.AREA,
        actor=actor,
        summary=f"Area changed from {before} to {after}",
        note=note,
    )


def delivery_request_note(delivery_request, note, *, actor):
    return DeliveryRequestEvent.objects.create(
        request=delivery_request,
        kind=DeliveryRequestEvent.Kind.NOTE,
        actor=actor,
        note=note,
    )


# Cells a spreadsheet would read as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def delivery_starts_and_stops(day):
    """
    What each newsagent must begin and stop delivering from `day`:
    {newsagent: {"starts": [...], "stops": [...]}}, newsagents in name order,
    requests outside every area under None.
    """
    rows = {}
    for kind, queryset in (
        ("starts", DeliveryRequest.objects.starting_on(day)),
        ("stops", DeliveryRequest.objects.stopping_on(day)),
    ):
        for delivery_request in queryset.select_related("area").order_by(
            "area__name", "eircode", "reference"
        ):
            area = delivery_request.area
            newsagent = area.newsagent if area else None
            entry = rows.setdefault(
                newsagent, {"starts": [], "stops": [], "areas": set()}
            )
            entry[kind].append(delivery_request)
            if area:
                entry["areas"].add(area.name)
    return dict(sorted(rows.items(), key=lambda item: (item[0] is None, item[0] or "")))


ANONYMISED_FIELDS = {
    "name": "",
    "email": "",
    "phone": "",
    "address_line_1": "",
    "address_line_2": "",
    "town": "",
    "eircode": "",
    "leave_at": "",
    "notes": "",
}


def delivery_requests_anonymise(before):
    """
    Remove the personal data of requests closed before `before` (the
    retention period); see delivery_requests_anonymise_selected.
    """
    return delivery_requests_anonymise_selected(
        DeliveryRequest.objects.due_for_anonymisation(before)
    )


def delivery_requests_anonymise_selected(queryset, summary=""):
    """
    Remove the personal data of the requests of `queryset`, keeping the
    reference, area, routing key, county, status, days and dates for
    statistics; staff notes in their history go too, and a history entry
    (with `summary`) says so. Returns how many requests were anonymised.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.filter(anonymised_at__isnull=True)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        DeliveryRequest.objects.filter(pk__in=ids).update(
            **ANONYMISED_FIELDS, anonymised_at=now, updated_at=now
        )
        DeliveryRequestEvent.objects.filter(request_id__in=ids).update(note="")
        # Emails still in the outbox hold the same details.
        OutboundEmail.objects.filter(
            content_type=ContentType.objects.get_for_model(DeliveryRequest),
            object_id__in=ids,
        ).delete()
        DeliveryRequestEvent.objects.bulk_create(
            DeliveryRequestEvent(
                request_id=pk,
                kind=DeliveryRequestEvent.Kind.ANONYMISED,
                summary=summary,
            )
            for pk in ids
        )
    return len(ids)
