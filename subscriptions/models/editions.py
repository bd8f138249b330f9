"""Editions: one issue of a newsletter, its articles, and its copies in the outbox."""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField

from articles.body import sanitize_once
from articles.elements import portable_text
from articles.models import Article
from newsroom.cache import ReaderVisible
from newsroom.fields import staff_member

from .newsletters import Newsletter, Subscription, one_line, validate_single_line
from .outbox import OutboxMessage, OutboxQuerySet

# What the editor's note may hold: the body's text markup that every mail
# client shows (no headings: the note sits under the masthead's heading).
NOTE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


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

    def archived(self):
        """The editions readers may read on the web: those sent or being sent."""
        return self.filter(status__in=[Edition.Status.SENDING, Edition.Status.SENT])


class Edition(ReaderVisible, models.Model):
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
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    intro = ProseEditorField(
        "editor's note",
        extensions=NOTE_EDITOR_EXTENSIONS,
        sanitize=sanitize_once,
        blank=True,
        help_text="A few sentences above the stories, in the editor's own words. "
        "The inbox shows its first words when there is one.",
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
    created_by = staff_member(editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        get_latest_by = "scheduled_for"
        constraints = [one_line("subject", "edition_subject_one_line")]
        indexes = [
            models.Index(
                fields=["newsletter", "status", "scheduled_for"],
                name="edition_newsletter_status_idx",
            )
        ]

    def __str__(self):
        return f"{self.newsletter}: {self.subject}"

    def get_absolute_url(self):
        """The edition's permanent public page (its web archive copy)."""
        return reverse(
            "subscriptions:edition",
            kwargs={"newsletter_slug": self.newsletter.slug, "pk": self.pk},
        )

    @property
    def is_archived(self):
        return self.status in (self.Status.SENDING, self.Status.SENT)

    def note_html(self, styles=None):
        """
        The editor's note as HTML for mail and feeds (portable_text), with
        `styles` inline by tag.
        """
        return mark_safe(portable_text(self.intro, styles)) if self.intro else ""

    def articles_for_readers(self):
        """
        The edition's articles still live, in the edition's order, ready for
        cards (its web archive page).
        """
        items = self.items.filter(article=OuterRef("pk"))
        return (
            Article.objects.published()
            .for_listing()
            .filter(pk__in=self.items.values("article_id"))
            .annotate(edition_position=Subquery(items.values("position")[:1]))
            .order_by("edition_position", "-published_at")
        )

    def ordered_articles(self):
        """The edition's articles in their order, with what a listing needs."""
        return [
            item.article
            for item in self.items.select_related(
                "article__section", "article__lead_image"
            ).order_by("position", "pk")
        ]


class EditionArticle(ReaderVisible, models.Model):
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


class EditionSend(OutboxMessage):
    """
    The outbox row for one edition and one subscriber: the unique constraint
    means nobody can be queued twice, and the status records how far the
    message got (subscriptions.outbox has the state machine; a copy in doubt
    is failed).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (no longer subscribed)"

    WAITING = [Status.QUEUED, Status.CLAIMED, Status.SENDING]
    DOUBT_STATUS = Status.FAILED

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sends")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="sends"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)

    objects = OutboxQuerySet.as_manager()

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
