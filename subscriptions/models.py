import uuid
import zoneinfo
from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

# Newsletters

ACTIVE_NEWSLETTERS_CACHE_KEY = "subscriptions:active-newsletters"

WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]


def normalise_email(email):
    """The form an address is stored and compared in: trimmed, lower case."""
    return (email or "").strip().lower()


def validate_weekdays(value):
    if not value or any(day not in "1234567" for day in value):
        raise ValidationError("Choose at least one day of the week.")


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "“%(value)s” is not a time zone name such as Europe/Dublin.",
            params={"value": value},
        ) from None


class WeekdaysField(models.CharField):
    """
    Days of the week stored as ISO weekday digits ("15" is Monday and
    Friday), edited as a row of tick boxes.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return "".join(sorted({str(day) for day in value}))
        return super().to_python(value)

    def value_from_object(self, obj):
        return list(super().value_from_object(obj) or "")

    def save_form_data(self, instance, data):
        setattr(instance, self.attname, self.to_python(data))

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=WEEKDAYS,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


class NewsletterQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def active_cached(self):
        """Active newsletters, from the cache when possible (article pages)."""
        newsletters = cache.get(ACTIVE_NEWSLETTERS_CACHE_KEY)
        if newsletters is None:
            newsletters = list(self.active())
            cache.set(ACTIVE_NEWSLETTERS_CACHE_KEY, newsletters)
        return newsletters


class Newsletter(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    pitch = models.CharField(
        max_length=300,
        help_text="What a reader gets, e.g. “A lunchtime summary of the day's "
        "highlights”.",
    )
    rhythm = models.CharField(
        max_length=200,
        help_text="When it arrives, in words, e.g. “Delivered at 1pm each day”.",
    )
    send_time = models.TimeField(
        default=time(13, 0), help_text="Time of day an edition goes out."
    )
    send_days = WeekdaysField(
        "days of the week",
        default="1234567",
        validators=[validate_weekdays],
        help_text="Days on which an edition goes out.",
    )
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="The time zone of the time of day, e.g. Europe/Dublin.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive newsletters take no sign-ups and send no editions.",
    )
    minimum_articles = models.PositiveSmallIntegerField(
        default=3,
        help_text="An automatic edition with fewer new articles is skipped.",
    )
    maximum_articles = models.PositiveSmallIntegerField(
        default=12, help_text="An automatic edition lists at most this many."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order of the promos; lower comes first."
    )

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_articles__gte=1)
                & Q(maximum_articles__gte=models.F("minimum_articles")),
                name="newsletter_article_limits",
                violation_error_message="The maximum number of articles must be at "
                "least the minimum, and the minimum at least one.",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(ACTIVE_NEWSLETTERS_CACHE_KEY)

    def get_absolute_url(self):
        return reverse("subscriptions:newsletters") + f"#newsletter-{self.slug}"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(ACTIVE_NEWSLETTERS_CACHE_KEY)
        return result

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def latest_slot(self, now=None):
        """
        The most recent scheduled send time at or before `now`, as an aware
        datetime (None when the newsletter has no days). Computed in the
        newsletter's own time zone, so "1pm" stays 1pm across DST changes.
        """
        now = timezone.localtime(now or timezone.now(), self.zone)
        for days_back in range(8):
            day = now.date() - timedelta(days=days_back)
            if str(day.isoweekday()) not in self.send_days:
                continue
            slot = datetime.combine(day, self.send_time, tzinfo=self.zone)
            if slot <= now:
                return slot
        return None

    def next_slot(self, now=None):
        """The first scheduled send time after `now`."""
        now = now or timezone.now()
        for days_ahead in range(1, 9):
            slot = self.latest_slot(now + timedelta(days=days_ahead))
            if slot is not None and slot > now:
                return slot
        return None

    def previous_slot(self, slot):
        """The scheduled send time before `slot`."""
        return self.latest_slot(slot - timedelta(seconds=1))


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscription.Status.CONFIRMED)

    def for_email(self, email):
        return self.filter(email=normalise_email(email))

    def unconfirmed_since(self, cutoff):
        """
        Pending subscriptions with no sign-up and no confirmation email since
        `cutoff`: a reader who signed up again recently keeps theirs.
        """
        return self.filter(
            Q(confirmation_requested_at__isnull=True)
            | Q(confirmation_requested_at__lt=cutoff),
            status=Subscription.Status.PENDING,
            consent_given_at__lt=cutoff,
        )


class Subscription(models.Model):
    """One address's relationship with one newsletter, with its consent record."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254, help_text="Stored in lower case.")
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(
        max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    consent_text = models.TextField(
        "consent wording", help_text="The words the reader agreed to."
    )
    consent_version = models.CharField(max_length=20)
    consent_source = models.CharField(
        "consent given on",
        max_length=500,
        blank=True,
        help_text="The page the reader signed up on.",
    )
    consent_given_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a confirmation email was last queued (the rate limit).",
    )
    confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the mail server last accepted a confirmation email.",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "newsletter",
                name="subscription_unique_email_newsletter",
                violation_error_message="This address already has a subscription "
                "to this newsletter.",
            )
        ]
        indexes = [
            models.Index(
                fields=["newsletter", "status"], name="subscription_status_idx"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.newsletter}"

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def clean(self):
        self.email = normalise_email(self.email)

    # Signed links. Confirmation links expire; unsubscribe and preferences
    # links sit in emails people keep, so they do not.

    def confirmation_token(self):
        return signing.dumps(self.pk, salt="subscriptions.confirm")

    @classmethod
    def from_confirmation_token(cls, token):
        """The subscription of a valid, unexpired token, or None."""
        max_age = settings.NEWSLETTER_CONFIRMATION_MAX_AGE
        try:
            pk = signing.loads(token, salt="subscriptions.confirm", max_age=max_age)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("newsletter").filter(pk=pk).first()

    def unsubscribe_token(self):
        return signing.Signer(salt="subscriptions.unsubscribe").sign(str(self.pk))

    @classmethod
    def from_unsubscribe_token(cls, token):
        try:
            pk = signing.Signer(salt="subscriptions.unsubscribe").unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("newsletter").filter(pk=pk).first()

    def get_confirm_url(self):
        return reverse(
            "subscriptions:newsletter-confirm", args=[self.confirmation_token()]
        )

    def get_unsubscribe_url(self):
        return reverse(
            "subscriptions:newsletter-unsubscribe", args=[self.unsubscribe_token()]
        )

    def get_preferences_url(self):
        return preferences_url(self.email)

    def confirm(self, now=None):
        """Confirm a pending subscription; True if it changed."""
        if self.status != self.Status.PENDING:
            return False
        self.status = self.Status.CONFIRMED
        self.confirmed_at = now or timezone.now()
        self.unsubscribed_at = None
        self.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        return True

    def unsubscribe(self, now=None):
        """Stop all mail of this newsletter to this address at once."""
        if self.status == self.Status.UNSUBSCRIBED:
            return False
        self.status = self.Status.UNSUBSCRIBED
        self.unsubscribed_at = now or timezone.now()
        self.save(update_fields=["status", "unsubscribed_at"])
        return True


def preferences_token(email):
    # Encoded rather than readable, so addresses stay out of access logs.
    return signing.dumps(normalise_email(email), salt="subscriptions.preferences")


def email_from_preferences_token(token):
    try:
        return signing.loads(token, salt="subscriptions.preferences")
    except signing.BadSignature:
        return None


def preferences_url(email):
    return reverse(
        "subscriptions:newsletter-preferences", args=[preferences_token(email)]
    )


class EditionQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate queued, sent and failed counts in the same query."""
        in_flight = [EditionSend.Status.QUEUED, EditionSend.Status.CLAIMED]
        return self.annotate(
            queued_count=Count("sends", filter=Q(sends__status__in=in_flight)),
            sending_count=Count(
                "sends", filter=Q(sends__status=EditionSend.Status.SENDING)
            ),
            sent_count=Count("sends", filter=Q(sends__status=EditionSend.Status.SENT)),
            failed_count=Count(
                "sends", filter=Q(sends__status=EditionSend.Status.FAILED)
            ),
        )

    def due(self, now=None):
        """Scheduled editions whose time has come."""
        return self.filter(
            status=Edition.Status.SCHEDULED,
            scheduled_for__lte=now or timezone.now(),
            newsletter__is_active=True,
        )


class Edition(models.Model):
    """One issue of a newsletter, composed automatically or by an editor."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.PROTECT, related_name="editions"
    )
    subject = models.CharField(max_length=200)
    intro = models.TextField(
        blank=True, help_text="A few sentences above the list of articles."
    )
    articles = models.ManyToManyField(
        "articles.Article", through="EditionArticle", related_name="+", blank=True
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text="A draft is never sent; a scheduled edition goes out at its time.",
    )
    scheduled_for = models.DateTimeField(
        help_text="When it goes out. An edition prepared here for a newsletter's "
        "regular time replaces the automatic one."
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_progress_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a worker last sent a batch (stalled sends are resumed).",
    )
    skip_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        get_latest_by = "scheduled_for"
        indexes = [
            models.Index(
                fields=["newsletter", "status", "scheduled_for"],
                name="edition_newsletter_status_idx",
            )
        ]

    def __str__(self):
        return f"{self.newsletter}: {self.subject}"

    def ordered_articles(self):
        """The edition's articles in their order, with what a listing needs."""
        return [
            item.article
            for item in self.items.select_related(
                "article__section", "article__lead_image"
            ).order_by("position", "pk")
        ]


class EditionArticle(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "article"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "article"], name="edition_article_unique"
            )
        ]

    def __str__(self):
        return str(self.article)


class EditionSendQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=EditionSend.Status.QUEUED,
            next_attempt_at__lte=now or timezone.now(),
        )

    def unfinished(self):
        return self.filter(
            status__in=[
                EditionSend.Status.QUEUED,
                EditionSend.Status.CLAIMED,
                EditionSend.Status.SENDING,
            ]
        )


class EditionSend(models.Model):
    """
    The outbox row for one edition and one subscriber: the unique constraint
    means nobody can be queued twice, and the status records how far the
    message got (see subscriptions.outbox for the state machine).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (no longer subscribed)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sends")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="sends"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = EditionSendQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "send"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscription"], name="edition_send_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["edition", "status", "next_attempt_at"],
                name="edition_send_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.edition_id} → {self.subscription_id} ({self.status})"


# Home delivery


class Weekday(models.TextChoices):
    MONDAY = "mon", "Monday"
    TUESDAY = "tue", "Tuesday"
    WEDNESDAY = "wed", "Wednesday"
    THURSDAY = "thu", "Thursday"
    FRIDAY = "fri", "Friday"
    SATURDAY = "sat", "Saturday"
    SUNDAY = "sun", "Sunday"


WEEKDAY_ORDER = {code: index for index, code in enumerate(Weekday.values)}


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
                condition=Q(key__regex=r"^([A-Z][0-9]{2}|D6W)$"),
                name="delivery_routing_key_format",
                violation_error_message="A routing key is a letter and two "
                "digits, such as A65, or D6W.",
            )
        ]

    def __str__(self):
        return self.key

    def clean(self):
        self.key = (self.key or "").strip().upper()


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
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=16, help_text="In international form.")
    address_line_1 = models.CharField("address line 1", max_length=150)
    address_line_2 = models.CharField("address line 2", max_length=150, blank=True)
    town = models.CharField(max_length=100)
    county = models.CharField(max_length=50)
    eircode = models.CharField(max_length=8)
    routing_key = models.CharField(
        max_length=3, editable=False, db_index=True, help_text="From the Eircode."
    )
    delivery_days = models.JSONField(default=list)
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
                violation_error_message="An ended delivery needs a stop date.",
            ),
        ]

    def __str__(self):
        return self.reference

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

    def get_delivery_days_display(self):
        days = sorted(self.delivery_days, key=lambda code: WEEKDAY_ORDER.get(code, 7))
        if len(days) == 7:
            return "Every day"
        return ", ".join(Weekday(code).label[:3] for code in days)

    def clean(self):
        unknown = set(self.delivery_days or []) - set(Weekday.values)
        if unknown:
            raise ValidationError({"delivery_days": "Unknown delivery day."})


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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the reader or the system did it.",
    )
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
        return self.actor.get_full_name() or self.actor.get_username()
