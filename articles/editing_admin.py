"""
What the article admin adds so several people can edit safely: every save
kept as a revision, revisions listed, compared and restored.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import revisions
from .models import Revision


class RevisionsAdminMixin:
    """
    For ArticleAdmin: each save through the form records a revision (in the
    transaction the admin saves in, after the byline and tags), and the
    article gets pages listing, comparing and restoring its revisions.
    """

    revisions_per_page = 50

    def log_addition(self, request, obj, message):
        revisions.record(obj, request.user)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        revisions.record(obj, request.user)
        return super().log_change(request, obj, message)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.revision_compare_view),
                name=f"{name}_revision_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                wrap(require_POST(self.revision_restore_view)),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id, change=False):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _page_context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "has_change_permission": self.has_change_permission(request, article),
        }

    def revisions_view(self, request, object_id):
        """The article's revisions, newest first: when, who, and a note."""
        article = self._article_or_404(request, object_id)
        page = Paginator(
            article.revisions.select_related("created_by"), self.revisions_per_page
        ).get_page(request.GET.get("page"))
        return TemplateResponse(
            request,
            "admin/articles/article/revisions.html",
            {
                **self._page_context(request, article, f"Revisions of “{article}”"),
                "page": page,
                "newest": revisions.latest(article),
            },
        )

    def revision_compare_view(self, request, object_id):
        """Two revisions (?a= and ?b=) side by side, field by field."""
        article = self._article_or_404(request, object_id)
        chosen = Revision.objects.filter(article=article).select_related("created_by")
        try:
            ids = {int(request.GET["a"]), int(request.GET["b"])}
        except (KeyError, ValueError):
            raise Http404("Choose two revisions to compare.") from None
        pair = sorted(chosen.filter(pk__in=ids), key=lambda r: (r.created_at, r.pk))
        if len(pair) != len(ids):
            raise Http404("No such revision of this article.")
        older, newer = pair[0], pair[-1]
        return TemplateResponse(
            request,
            "admin/articles/article/revision_compare.html",
            {
                **self._page_context(request, article, f"Changes to “{article}”"),
                "older": older,
                "newer": newer,
                "newest": revisions.latest(article),
                "changes": revisions.changes(older.content, newer.content),
            },
        )

    def revision_restore_view(self, request, object_id, revision_id):
        """Give the article an earlier revision's content, as a new revision."""
        article = self._article_or_404(request, object_id, change=True)
        revision = get_object_or_404(article.revisions, pk=revision_id)
        restored, notes = revisions.restore(article, revision, request.user)
        self.message_user(
            request,
            f"{restored.comment}, as a new revision; earlier revisions are all kept.",
            messages.SUCCESS,
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return redirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[article.pk],
            )
        )
