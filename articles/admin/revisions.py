"""
Every save of an article kept as a revision, and the admin pages that list,
compare and restore them; the change form's refusal of a save made over
someone else's (see articles/revisions.py for the rules).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import revisions
from ..models import Revision

REVISIONS_PER_PAGE = 50


def revisions_view(model_admin, request, object_id):
    """The article's revisions, newest first: when, who, and a note."""
    article = model_admin.article_or_404(request, object_id)
    page = Paginator(
        article.revisions.select_related("created_by"), REVISIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "admin/articles/article/revisions.html",
        {
            **model_admin.page_context(request, article, f"Revisions of “{article}”"),
            "page": page,
            "newest": revisions.latest(article),
        },
    )


def revision_compare_view(model_admin, request, object_id):
    """Two revisions (?a= and ?b=) side by side, field by field."""
    article = model_admin.article_or_404(request, object_id)
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
            **model_admin.page_context(request, article, f"Changes to “{article}”"),
            "older": older,
            "newer": newer,
            "newest": revisions.latest(article),
            "changes": revisions.changes(older.content, newer.content),
        },
    )


def revision_restore_view(model_admin, request, object_id, revision_id):
    """Give the article an earlier revision's content, as a new revision."""
    article = model_admin.article_or_404(request, object_id, change=True)
    revision = get_object_or_404(article.revisions, pk=revision_id)
    restored, notes = revisions.restore(article, revision, request.user)
    model_admin.message_user(
        request,
        f"{restored.comment}, as a new revision; earlier revisions are all kept.",
        messages.SUCCESS,
    )
    for note in notes:
        model_admin.message_user(request, note, messages.WARNING)
    return redirect(
        reverse(f"admin:{model_admin.url_name('change')}", args=[article.pk])
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
