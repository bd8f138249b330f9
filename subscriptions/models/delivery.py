"""Home delivery: the areas newsagents cover, readers' requests and their history."""

import contextlib
import re
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from newsroom import formats
from newsroom.email_addresses import normalise_email
from newsroom.fields import staff_member

from .. import consent
from .consent import ConsentRecord
from .weekdays import DaysOfWeekField, weekdays_display, weekdays_written_out

# Eircodes: a routing key (a letter and two digits, or D6W) and a unique
# identifier of four characters from the Eircode alphabet, which leaves out
# easily confused letters. The one definition of both and of their messages.
ROUTING_KEY_PATTERN = r"[A-Z][0-9]{2}|D6W"
ROUTING_KEY_MESSAGE = "A routing key is a letter and two digits, such as A65, or D6W."
EIRCODE_RE = re.compile(
    rf"^(?P<key>{ROUTING_KEY_PATTERN})(?P<unique>[0-9ACDEFHKNPRTVWXY]{{4}})$"
)
EIRCODE_MESSAGE = (
    "Enter a valid Eircode: three characters for the area, such as A65 or D6W, "
    "then four letters and digits, such as A65 F4E2."
)


def _compact(value):
    return re.sub(r"\s+", "", value or "").upper()


def eircode_normalise(value):
    """Return the Eircode as `A65 F4E2`, or raise ValidationError."""
    match = EIRCODE_RE.match(_compact(value))
    if match is None:
        raise ValidationError(EIRCODE_MESSAGE, code="invalid_eircode")
    return f"{match['key']} {match['unique']}"


def routing_key_normalise(value):
    """Return the routing key as the Eircode prints it (`A65`), or raise."""
    key = _compact(value)
    if not re.fullmatch(ROUTING_KEY_PATTERN, key):
        raise ValidationError(ROUTING_KEY_MESSAGE, code="invalid_routing_key")
    return key


class DeliveryArea(models.Model):
    """A district that one newsagent or delivery route covers."""

    name = models.CharField(max_length=100, unique=True)
    newsagent = models.CharField(
        max_length=150,
        help_text="The newsagent or delivery route that brings the paper here.",
    )
    newsagent_contact = models.CharField(
        max_length=200,
        blank=True,
        help_text="Phone number or email address of the newsagent, for the desk.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Requests are only routed to active areas.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeliveryRoutingKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(area__is_active=True)


class DeliveryRoutingKey(models.Model):
    """
    One Eircode routing key (the first three characters, e.g. A65) and the
    area that delivers to it. A key belongs to one area at most, so routing
    is never ambiguous.
    """

    area = models.ForeignKey(
        DeliveryArea, on_delete=models.CASCADE, related_name="routing_keys"
    )
    key = models.CharField(
        "routing key",
        max_length=3,
        unique=True,
        help_text="The first three characters of the Eircode, e.g. A65 or D6W.",
    )

    objects = DeliveryRoutingKeyQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = "routing key"
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=rf"^({ROUTING_KEY_PATTERN})$"),
                name="delivery_routing_key_format",
                violation_error_message=ROUTING_KEY_MESSAGE,
            )
        ]

    def __str__(self):
        return self.key

    def clean(self):
        # A key that is none is left as typed, for the constraint to refuse.
        with contextlib.suppress(ValidationError):
            self.key = routing_key_normalise(self.key)


class DeliveryRequestQuerySet(models.QuerySet):
    def with_idempotency_key(self, value):
        """The request a form with this key already made, or None."""
        try:
            key = uuid.UUID(str(value))
        except ValueError:
            return None
        return self.filter(idempotency_key=key).first()

    def open(self):
        return self.exclude(status__in=DeliveryRequest.CLOSED_STATUSES)

    def closed(self):
        return self.filter(status__in=DeliveryRequest.CLOSED_STATUSES)

    def due_for_anonymisation(self, before):
        """Closed requests, closed before `before`, still holding personal data."""
        return self.closed().filter(closed_at__lt=before, anonymised_at__isnull=True)

    def starting_on(self, day):
        return self.filter(
            status__in=[
                DeliveryRequest.Status.SCHEDULED,
                DeliveryRequest.Status.ACTIVE,
            ],
            start_date=day,
        )

    def stopping_on(self, day):
        return self.filter(status=DeliveryRequest.Status.ENDED, stop_date=day)


STOP_DATE_MESSAGE = "Give the first day without delivery."


class DeliveryRequest(models.Model):
    """A reader's request to have the paper delivered, and the desk's work on it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    CLOSED_STATUSES = (Status.ENDED, Status.DECLINED, Status.CANCELLED)
    # What the reader tells us about themselves and where they live.
    READER_FIELDS = (
        "name",
        "email",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "county",
        "eircode",
    )
    # Which status may follow which. Anything else is refused.
    TRANSITIONS = {
        Status.NEW: (
            Status.CONTACTED,
            Status.SCHEDULED,
            Status.DECLINED,
            Status.CANCELLED,
        ),
        Status.CONTACTED: (Status.SCHEDULED, Status.DECLINED, Status.CANCELLED),
        Status.SCHEDULED: (Status.ACTIVE, Status.CANCELLED),
        Status.ACTIVE: (Status.ENDED,),
        Status.ENDED: (),
        Status.DECLINED: (),
        Status.CANCELLED: (),
    }

    reference = models.CharField(max_length=9, unique=True, editable=False)
    idempotency_key = models.UUIDField(
        unique=True,
        editable=False,
        help_text="Sent with the form, so a form submitted twice makes one request.",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254, help_text="Stored in lower case.")
    phone = models.CharField(max_length=16, help_text="In international form.")
    address_line_1 = models.CharField("address line 1", max_length=150)
    address_line_2 = models.CharField("address line 2", max_length=150, blank=True)
    town = models.CharField(max_length=100)
    county = models.CharField(max_length=50)
    eircode = models.CharField(max_length=8)
    routing_key = models.CharField(
        max_length=3, editable=False, db_index=True, help_text="From the Eircode."
    )
    delivery_days = DaysOfWeekField(default=list)
    start_date = models.DateField(help_text="First day of delivery.")
    stop_date = models.DateField(
        null=True, blank=True, help_text="First day without delivery, once ended."
    )
    leave_at = models.CharField("where to leave the paper", max_length=200, blank=True)
    notes = models.TextField("reader's notes", blank=True)
    terms_accepted_at = models.DateTimeField()
    marketing_consent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reader agreed to hear about offers; empty if not.",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.NEW, db_index=True
    )
    area = models.ForeignKey(
        DeliveryArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="Found from the Eircode; empty when no active area covers it.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_delivery_requests",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    desk_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Its emails in the outbox go when it goes.
    outbound_emails = GenericRelation("subscriptions.OutboundEmail")

    objects = DeliveryRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = "delivery request"
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^HD-[0-9A-Z]{6}$"),
                name="delivery_request_reference_format",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(stop_date__isnull=False),
                name="delivery_request_ended_has_stop_date",
                violation_error_message=STOP_DATE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_out_of_area(self):
        return self.area_id is None

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    def allowed_transitions(self):
        return self.TRANSITIONS[self.Status(self.status)]

    def can_move_to(self, status):
        return status in self.allowed_transitions()

    @classmethod
    def validate_stop_date(cls, status, stop_date):
        """
        The stop-date rule: a delivery ends only with its first day without
        delivery (the database holds it too, as a constraint).
        """
        if status == cls.Status.ENDED and stop_date is None:
            raise ValidationError(STOP_DATE_MESSAGE, code="stop_date_required")

    def get_delivery_days_display(self):
        """The days in short, for the desk's lists: “Mon, Sat”."""
        return weekdays_display(self.delivery_days)

    def delivery_days_written_out(self):
        """The days as readers see them: “Mondays and Saturdays”."""
        return weekdays_written_out(self.delivery_days)


class DeliveryRequestEvent(models.Model):
    """One line of a request's history: who did what, when, and why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        STATUS = "status", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        AREA = "area", "Area changed"
        NOTE = "note", "Note"
        ANONYMISED = "anonymised", "Personal data removed"

    request = models.ForeignKey(
        DeliveryRequest, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    actor = staff_member(help_text="Empty when the reader or the system did it.")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "history entry"
        verbose_name_plural = "history"

    def __str__(self):
        return f"{self.request_id} {self.get_kind_display()}"

    @property
    def actor_display(self):
        if self.actor is None:
            return "Reader" if self.kind == self.Kind.SUBMITTED else "System"
        return formats.staff_name(self.actor)


class DeliveryConsent(ConsentRecord):
    """
    One act of consent on the delivery form: the terms (always) and offers
    by email (when ticked). The newsletters' ledger (ConsentEvent) shares
    its columns and rules (`ConsentRecord`); each belongs to its own side,
    and home delivery knows nothing of newsletters.
    """

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of home delivery"
        MARKETING = "marketing", "Offers and news by email"

    # The wording beside each box (subscriptions.consent).
    WORDINGS = {
        Kind.TERMS: consent.DELIVERY_TERMS,
        Kind.MARKETING: consent.DELIVERY_MARKETING,
    }

    request = models.ForeignKey(
        DeliveryRequest, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=10, choices=Kind)

    class Meta(ConsentRecord.Meta):
        verbose_name = "consent"

    def what(self):
        return self.get_kind_display()
