"""
An article while it is being worked on: share links that let someone outside
the newsroom read it before it is live (see articles/preview.py), and who in
the newsroom has its change form open.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsroom import formats

from .articles import Article


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open their article: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def at_address(self, signed):
        """
        The link whose address ends in `signed` (see ShareLink.signed_token),
        or None. A token whose signature is wrong costs no query.
        """
        try:
            token = ShareLink.signer().unsign(signed)
        except signing.BadSignature:
            return None
        return self.filter(token=token).first()


class ShareLink(models.Model):
    """
    A link that lets someone without a login (a lawyer, a source) read one
    article before it is live, until it expires or is revoked. The address
    carries the random token signed with the secret key (see
    `signer`).
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="share_links"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, e.g. “Our solicitor”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        until = formats.written(self.expires_at, "stamp")
        return f"Share link to {self.article_id} until {until}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:shared", args=[self.signer().sign(self.token)])

    @staticmethod
    def signer():
        """
        Signs the token in the address with the secret key: a guessed or
        altered address is refused before the database is asked, and a new
        secret key withdraws every link at once.
        """
        return signing.Signer(salt="articles.share-link")

    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class ArticleOpeningQuerySet(models.QuerySet):
    # "The last few minutes" of the change form's "also open" notice.
    RECENT = timedelta(minutes=10)

    def record(self, article, user):
        """Note that `user` opens `article` now (one upsert query)."""
        self.bulk_create(
            [ArticleOpening(article=article, user=user, opened_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["article", "user"],
            update_fields=["opened_at"],
        )

    def others_recently(self, article, user):
        """Who else opened `article` in the last few minutes, latest first."""
        return (
            self.filter(article=article, opened_at__gte=timezone.now() - self.RECENT)
            .exclude(user=user)
            .select_related("user")
            .order_by("-opened_at")
        )


class ArticleOpening(models.Model):
    """
    When a user last opened an article's change form, so the form can show
    who else has it open. Rows are in the database, so this works with or
    without Redis.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    objects = ArticleOpeningQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="article_opening_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} opened {self.article_id} at {self.opened_at}"
