from django.conf import settings
from django.db import models
from django.utils import timezone

from .articles import Article


class ArticleDraftQuerySet(models.QuerySet):
    def of(self, article, user):
        """`user`'s draft of `article` (None or unsaved: a new article's)."""
        article = article if article is not None and article.pk else None
        return self.filter(article=article, user=user)

    def keep(self, article, user, fields):
        """Keep `fields` as `user`'s draft of `article`, replacing any before."""
        article = article if article is not None and article.pk else None
        draft, _ = self.update_or_create(
            article=article,
            user=user,
            defaults={"fields": fields, "saved_at": timezone.now()},
        )
        return draft

    def to_offer(self, article, user):
        """The draft to offer back: one newer than the article's last save."""
        draft = self.of(article, user).first()
        saved = article is not None and article.pk
        if draft and saved and draft.saved_at <= article.updated_at:
            return None
        return draft


class ArticleDraft(models.Model):
    """
    What an editor was writing in the article form, saved by the form's
    script as they type (articles/static/articles/drafts.js), apart from
    the numbered revisions: one per article and user (the article None
    for one not saved yet), offered back when they open the form again,
    deleted when they save the article.
    """

    # The form's writing fields, the only ones a draft keeps.
    FIELDS = ["title", "standfirst", "body"]
    # The most a draft may weigh, as posted.
    MAX_BYTES = 1_000_000

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = ArticleDraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=models.Q(article__isnull=False),
                name="article_draft_unique",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="article_draft_unique_new",
            ),
        ]

    def __str__(self):
        return f"Draft of {self.article_id or 'a new article'} by {self.user_id}"
