"""
What the article admin adds so several people can edit safely: every save
kept as a revision, revisions listed, compared and restored; previews and
share links; a save refused when someone else saved meanwhile, and who else
has the article open.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import preview, revisions
from .models import ArticleOpening, Revision, ShareLink


class ShareLinkForm(forms.Form):
    lifetime = forms.TypedChoiceField(
        label="Works for",
        choices=[
            (str(i), label) for i, (_, label) in enumerate(preview.SHARE_LINK_LIFETIMES)
        ],
        coerce=lambda i: preview.SHARE_LINK_LIFETIMES[int(i)][0],
        initial="1",
    )
    note = forms.CharField(
        label="For",
        max_length=200,
        required=False,
        help_text="Who it is for, e.g. “Our solicitor”; shown only here.",
    )


class ArticlePagesMixin:
    """Pages of one article's own in the admin, beside its change form."""

    def article_pages(self):
        """(route after the article's id, view, URL name suffix) of each page."""
        return []

    def get_urls(self):
        wrap = self.admin_site.admin_view
        pages = [
            path(f"<path:object_id>/{route}", wrap(view), name=self.url_name(suffix))
            for route, view, suffix in self.article_pages()
        ]
        return [*pages, *super().get_urls()]

    def url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

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


class RevisionsAdminMixin(ArticlePagesMixin):
    """
    For ArticleAdmin: each save through the form records a revision (in the
    transaction the admin saves in, after the byline and tags), and the
    article gets pages listing, comparing and restoring its revisions.
    """

    revisions_per_page = 50

    def log_addition(self, request, obj, message):
        revisions.record(obj, request.user, getattr(obj, "_revision_comment", ""))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        revisions.record(obj, request.user, getattr(obj, "_revision_comment", ""))
        return super().log_change(request, obj, message)

    def article_pages(self):
        return [
            *super().article_pages(),
            ("revisions/", self.revisions_view, "revisions"),
            ("revisions/compare/", self.revision_compare_view, "revision_compare"),
            (
                "revisions/<int:revision_id>/restore/",
                require_POST(self.revision_restore_view),
                "revision_restore",
            ),
        ]

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
        return redirect(reverse(f"admin:{self.url_name('change')}", args=[article.pk]))


class PreviewAdminMixin(ArticlePagesMixin):
    """
    For ArticleAdmin: whoever may change an article previews it as readers
    will see it, and makes, lists and revokes share links to it.
    """

    def article_pages(self):
        return [
            *super().article_pages(),
            ("preview/", self.preview_view, "preview"),
            ("share/", self.share_links_view, "share_links"),
            (
                "share/<int:link_id>/revoke/",
                require_POST(self.share_link_revoke_view),
                "share_link_revoke",
            ),
        ]

    def preview_view(self, request, object_id):
        article = self._article_or_404(request, object_id, change=True)
        return preview.preview_response(request, article)

    def share_links_view(self, request, object_id):
        """The article's share links, and a form to make one."""
        article = self._article_or_404(request, object_id, change=True)
        form = ShareLinkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            link = ShareLink.objects.create(
                article=article,
                note=form.cleaned_data["note"],
                created_by=request.user,
                expires_at=timezone.now() + form.cleaned_data["lifetime"],
            )
            until = timezone.localtime(link.expires_at)
            self.message_user(
                request,
                f"Share link made: {settings.SITE_URL}{link.get_absolute_url()} "
                f"works until {until:%d %b %Y, %H:%M}.",
                messages.SUCCESS,
            )
            return redirect(request.path)
        return TemplateResponse(
            request,
            "admin/articles/article/share_links.html",
            {
                **self._page_context(request, article, f"Share “{article}”"),
                "form": form,
                "links": article.share_links.select_related("created_by"),
                "now": timezone.now(),
            },
        )

    def share_link_revoke_view(self, request, object_id, link_id):
        article = self._article_or_404(request, object_id, change=True)
        link = get_object_or_404(article.share_links, pk=link_id)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        self.message_user(
            request, "The link is withdrawn: it opens nothing now.", messages.SUCCESS
        )
        return redirect(
            reverse(f"admin:{self.url_name('share_links')}", args=[article.pk])
        )


class EditingTokenField(forms.CharField):
    """The hidden token of the change form; never reported as a change."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class SaveConflictFormMixin:
    """
    Refuses to save an article someone else saved after this form was opened
    (optimistic concurrency): the check runs in clean(), inside the admin's
    transaction, holding the article's row lock until the save is done. The
    form then carries the new token, so saving again is a deliberate choice.
    A post without a token (no browser sends one) is not checked.
    """

    issued_token = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editing_token"] = EditingTokenField(
            required=False, initial=self.issued_token
        )
        self.save_conflict = None

    def clean(self):
        cleaned_data = super().clean()
        token = self.data.get(self.add_prefix("editing_token"))
        if token and self.instance.pk:
            conflict = revisions.save_conflict(self.instance, token)
            if conflict:
                self.save_conflict = conflict
                self.data = self.data.copy()
                self.data[self.add_prefix("editing_token")] = conflict.token
                raise ValidationError(conflict.message, code="save_conflict")
        return cleaned_data


class SaveConflictAdminMixin:
    """
    For ArticleAdmin: the change form carries an editing token and refuses
    a save that would overwrite someone else's (SaveConflictFormMixin), and
    shows who else opened the article in the last few minutes.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        token = revisions.editing_token(obj) if request.method == "GET" else ""
        return type(
            form.__name__, (SaveConflictFormMixin, form), {"issued_token": token}
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.pk:
            ArticleOpening.objects.record(obj, request.user)
            context["also_open"] = list(
                ArticleOpening.objects.others_recently(obj, request.user)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
