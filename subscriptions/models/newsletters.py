"""Newsletters: what readers sign up to, their subscriptions, and editions."""

import functools
import secrets
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from articles.models.navigation import site_frame
from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet, content_cached
from newsroom.email_addresses import normalise_email
from newsroom.rows import ListedFields, read_json
from newsroom.sql import json_list_sql

from .. import consent
from .consent import ConsentRecord
from .personal_data import is_suppressed
from .weekdays import DaysOfWeekField, Weekday, every_day

# Characters that end a line in Python's email and str.splitlines(). A value
# that goes into a mail header (a newsletter's name, an edition's subject)
# holds none: the header could not be built, or would be split.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def validate_single_line(value):
    if any(character in LINE_BREAKS for character in value):
        raise ValidationError(
            "Keep this on one line: it goes into the emails' headers.",
            code="line_break",
        )


def one_line(field, name):
    """A check constraint: `field` holds no line break."""
    return models.CheckConstraint(
        condition=~Q(**{f"{field}__regex": f"[{LINE_BREAKS}]"}),
        name=name,
        violation_error_message="Keep this on one line: it goes into the emails' "
        "headers.",
    )


CONFIRM_SALT = "subscriptions.confirm.v2"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe.v2"
PREFERENCES_SALT = "subscriptions.preferences.v2"


def new_public_id():
    """A random identifier for links in emails: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "“%(value)s” is not a time zone name such as Europe/Dublin.",
            params={"value": value},
        ) from None


# The first part of other newsletter pages' addresses (subscriptions/urls.py):
# a newsletter slugged so would have no page or feed of its own.
RESERVED_SLUGS = {
    "sign-up",
    "check-your-inbox",
    "confirm",
    "unsubscribe",
    "preferences",
}


class NewsletterQuerySet(ReaderVisibleQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def active_cached(self):
        """
        Active newsletters, from the cache when possible (article pages).
        Kept under the page cache's content version, so any change to a
        newsletter drops it with the cached pages, and only where every
        process shares the cache (FRAGMENT_CACHE_SECONDS).
        """
        return content_cached(ACTIVE_NEWSLETTERS, self.read_active)

    def read_active(self):
        """
        The active newsletters in their order (Meta.ordering), as the site
        frame read them: they are a part of its statement (active_sql(),
        articles.models.navigation.frame_part), which every reading page
        runs after a change anyway, so the article page's offer costs no
        statement of its own.
        """
        listed = active_listed()
        rows = read_json(site_frame().parts[ACTIVE_NEWSLETTERS])
        return [listed.build(self.db, row) for row in rows]


# The active newsletters' name in content_cached() and the site frame's parts.
ACTIVE_NEWSLETTERS = "active-newsletters"


def active_sql(connection):
    """
    SQL of the active newsletters in their order as one JSON text, each the
    JSON array of its fields (active_listed(), which read_active() reads
    back): a part of the site frame's statement.
    """
    table = connection.ops.quote_name(Newsletter._meta.db_table)
    return json_list_sql(
        connection,
        active_listed().columns("n", connection),
        f"FROM {table} n WHERE n.is_active",
        "n.position, n.name",
    )


@functools.cache
def active_listed():
    """A newsletter's every field as a JSON array holds it (ListedFields)."""
    return ListedFields(Newsletter)


class Newsletter(ReaderVisible, models.Model):
    name = models.CharField(
        max_length=100, unique=True, validators=[validate_single_line]
    )
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
    send_days = DaysOfWeekField(
        "days of the week",
        default=every_day,
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
    section = models.ForeignKey(
        "articles.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Offered under this section's articles instead of the "
        "paper's general newsletter. Leave empty for a newsletter about "
        "the whole paper.",
    )

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            one_line("name", "newsletter_name_one_line"),
            models.CheckConstraint(
                condition=Q(minimum_articles__gte=1)
                & Q(maximum_articles__gte=models.F("minimum_articles")),
                name="newsletter_article_limits",
                violation_error_message="The maximum number of articles must be at "
                "least the minimum, and the minimum at least one.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The newsletter's page: its sign-up form and its past editions."""
        return reverse("subscriptions:newsletter", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is another page's address; choose another."}
            )

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
            if Weekday.of(day) not in self.send_days:
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
    public_id = models.CharField(
        max_length=32,
        unique=True,
        default=new_public_id,
        editable=False,
        help_text="The random identifier in this subscription's email links.",
    )
    status = models.CharField(
        max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    consent_key = models.CharField(
        "consent wording key",
        max_length=40,
        default=consent.NEWSLETTER_SIGN_UP,
        help_text="Which wording of subscriptions.consent the reader agreed to.",
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
    # Its emails in the outbox go when it goes.
    outbound_emails = GenericRelation("subscriptions.OutboundEmail")

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

    # Links in emails carry the subscription's random public id, signed, and
    # nothing readable about the reader. Confirmation links expire;
    # unsubscribe and preferences links sit in emails people keep, so they do
    # not. Links from before public ids (a signed row number, or for
    # preferences the signed address) keep working until they expire.

    def confirmation_token(self):
        return signing.TimestampSigner(salt=CONFIRM_SALT).sign(self.public_id)

    @classmethod
    def from_confirmation_token(cls, token):
        """The subscription of a valid, unexpired token, or None."""
        max_age = settings.NEWSLETTER_CONFIRMATION_MAX_AGE
        found = cls.objects.select_related("newsletter")
        try:
            public_id = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
                token, max_age=max_age
            )
            return found.filter(public_id=public_id).first()
        except signing.BadSignature:
            pass
        try:
            pk = signing.loads(token, salt="subscriptions.confirm", max_age=max_age)
        except signing.BadSignature:
            return None
        return found.filter(pk=pk).first() if isinstance(pk, int) else None

    def unsubscribe_token(self):
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(self.public_id)

    @classmethod
    def from_unsubscribe_token(cls, token):
        found = cls.objects.select_related("newsletter")
        try:
            public_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
            return found.filter(public_id=public_id).first()
        except signing.BadSignature:
            pass
        try:
            pk = signing.Signer(salt="subscriptions.unsubscribe").unsign(token)
        except signing.BadSignature:
            return None
        return found.filter(pk=pk).first() if pk.isdigit() else None

    def get_confirm_url(self):
        return reverse(
            "subscriptions:newsletter-confirm", args=[self.confirmation_token()]
        )

    def get_unsubscribe_url(self):
        return reverse(
            "subscriptions:newsletter-unsubscribe", args=[self.unsubscribe_token()]
        )

    def preferences_token(self):
        """A link to every newsletter of this subscription's address."""
        return signing.Signer(salt=PREFERENCES_SALT).sign(self.public_id)

    def get_preferences_url(self):
        return reverse(
            "subscriptions:newsletter-preferences", args=[self.preferences_token()]
        )

    def confirm(self, now=None, source="confirmation link"):
        """Confirm a pending subscription; True if it changed."""
        if self.status != self.Status.PENDING:
            return False
        self.status = self.Status.CONFIRMED
        self.confirmed_at = now or timezone.now()
        self.unsubscribed_at = None
        self.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        self.record_consent(ConsentEvent.Act.CONFIRMED, source, self.confirmed_at)
        return True

    def unsubscribe(self, now=None, source="unsubscribe link"):
        """Stop all mail of this newsletter to this address at once."""
        if self.status == self.Status.UNSUBSCRIBED:
            return False
        self.status = self.Status.UNSUBSCRIBED
        self.unsubscribed_at = now or timezone.now()
        self.save(update_fields=["status", "unsubscribed_at"])
        self.record_consent(ConsentEvent.Act.UNSUBSCRIBED, source, self.unsubscribed_at)
        return True

    @property
    def consent_wording(self):
        """The wording in force on this subscription: what its reader agreed to."""
        return consent.Wording(
            self.consent_key, self.consent_version, self.consent_text
        )

    @staticmethod
    def consent_fields(wording, source, now):
        """The fields that put `wording`, agreed to on `source` at `now`, in force."""
        return {
            "consent_key": wording.key,
            "consent_version": wording.version,
            "consent_text": wording.text,
            "consent_source": source[:500],
            "consent_given_at": now,
        }

    def record_consent(self, act, source, at):
        """
        Add one act to the consent ledger, with the wording in force on the
        subscription (what the reader agreed to) and where it happened.
        """
        event = ConsentEvent.given(
            self.consent_wording, source=source, at=at, subscription=self, act=act
        )
        event.save()
        return event


class ConsentEvent(ConsentRecord):
    """
    One act of a reader's consent to one newsletter: a sign-up, a
    confirmation, a change on the preferences page or an unsubscribe.
    """

    class Act(models.TextChoices):
        SIGNED_UP = "signed_up", "Signed up"
        CONFIRMED = "confirmed", "Confirmed"
        CHANGED = "changed", "Changed preferences"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="consent_events"
    )
    act = models.CharField(max_length=12, choices=Act)

    def what(self):
        return self.get_act_display()


def email_from_preferences_token(token):
    """The address a preferences link is for, or None."""
    try:
        public_id = signing.Signer(salt=PREFERENCES_SALT).unsign(token)
    except signing.BadSignature:
        pass
    else:
        subscription = Subscription.objects.filter(public_id=public_id).first()
        return subscription.email if subscription else None
    try:
        # A link from before public ids: the signed address itself.
        email = signing.loads(
            token,
            salt="subscriptions.preferences",
            max_age=settings.NEWSLETTER_LEGACY_LINK_MAX_AGE,
        )
    except signing.BadSignature:
        return None
    if not isinstance(email, str) or is_suppressed(email):
        # An erased address's old links lead nowhere: ticking newsletters
        # there would subscribe it again without the confirmation that lifts
        # a suppression.
        return None
    return email


def preferences_url(email):
    """The preferences link of an address that has a subscription."""
    subscription = Subscription.objects.for_email(email).order_by("pk").first()
    return subscription.get_preferences_url()
