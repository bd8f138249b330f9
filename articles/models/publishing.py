"""
What articles and static pages share as things that go live: a status
(draft, in review, published), a publication time that may be to come
(scheduled), and the queryset and methods that say what readers see. The
workflow over them (who may take which step) is articles/workflow.py.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsroom import formats
from newsroom.cache import ReaderVisibleQuerySet

from ..body import sanitize_body


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


# The published status as our own SQL writes it (the site frame's,
# navigation.read_site_frame; the cards under an article's, around_sql): a
# literal rather than a parameter. The indexes on published rows are partial
# (WHERE status = 'published'), and only with the literal can the generic
# plan of a prepared statement use them. With a parameter, PostgreSQL judged
# every generic plan of the frame dearer than a custom one and planned the
# statement afresh on every run (pg_prepared_statements: custom_plans only);
# with it, it keeps one plan from the sixth run on.
PUBLISHED_SQL = f"'{Status.PUBLISHED}'"


def published_has_time(model_name):
    """The constraint that a published `model_name` row has a publication time."""
    return models.CheckConstraint(
        condition=~Q(status="published") | Q(published_at__isnull=False),
        name=f"{model_name}_published_has_time",
        violation_error_message=f"A published {model_name} needs a publication time.",
    )


class PublishingQuerySet(ReaderVisibleQuerySet):
    """
    Rows with a status, a publication time and a sanitized body. Bulk writes
    skip save(), so they sanitize the body themselves, and set whatever else
    the model derives from it (Publishing.from_body()); ReaderVisibleQuerySet
    drops the cached pages.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for row in objs:
            row.set_body(row.body)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            for row in objs:
                row.set_body(row.body)
            derived = self.model.from_body("").keys()
            fields = [*fields, *(name for name in derived if name not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if isinstance(kwargs.get("body"), str):
            kwargs.update(self.model.from_body(kwargs["body"]))
        return super().update(**kwargs)

    def published(self):
        """What readers see: published, with a publication time that has come."""
        return self.live_at(timezone.now())

    def live_at(self, moment):
        """What is live at `moment` (a time to come previews the schedule)."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=moment)

    def scheduled(self):
        """Published rows whose publication time is still to come."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def awaiting_review(self):
        return self.filter(status=self.model.Status.REVIEW)


class Publishing:
    """
    Mixed into a model with `status` (Status), `published_at` and `body`:
    whether it is live, the state an editor reads, and taking it off the site.
    """

    Status = Status

    @classmethod
    def from_body(cls, body):
        """
        The columns written with `body`: the body sanitized, and what the
        model keeps derived from it (Article: its word count).
        """
        return {"body": sanitize_body(body)}

    def set_body(self, body):
        """`body`, sanitized, and what is derived from it (from_body())."""
        for name, value in self.from_body(body).items():
            setattr(self, name, value)

    def fill_publication_time(self):
        """
        A published row without a publication time goes live now: on save,
        and in clean() so that a form's checks see it.
        """
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def publish_time(self, moment):
        """
        When it goes live if published at `moment` ("publish now"): a
        publication time already passed is kept (it was live before, e.g.
        taken down for a fix, and keeps its place in the lists); a draft or
        a scheduled piece gets `moment`.
        """
        if self.published_at is None or self.published_at > moment:
            return moment
        return self.published_at

    def unpublish(self):
        """
        Take it off the site (back to draft) and save it. The publication
        time is kept, so publishing again restores its place.
        """
        self.status = self.Status.DRAFT
        self.save()

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def publication_state(self):
        """Live, Scheduled, In review or Draft: what an editor needs to know."""
        if self.status == self.Status.PUBLISHED:
            return "Live" if self.is_published() else "Scheduled"
        return self.get_status_display()

    def state_label(self, moment=None):
        """
        The one state an editor reads in the list: "Draft", "In review",
        "Scheduled for Tue 14:00" (in the newsroom's time zone; the date is
        added beyond the coming week, the year beyond this one) or "Live".
        """
        moment = moment or timezone.now()
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return self.get_status_display()
        if self.published_at <= moment:
            return "Live"
        return f"Scheduled for {formats.ahead(self.published_at, moment)}"
