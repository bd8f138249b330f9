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
    Merges a save into the article someone else saved after this form was
    opened (optimistic concurrency, field by field): a field this form left
    as it was keeps the stored value, so nothing is written back stale; a
    field only this form changed is saved; a field both changed is asked.
    Then nothing is saved: the form shows both versions side by side, with
    a required choice for each (`keep_<field>`), and carries the new token
    with the stored value of every field it left alone. The check runs in
    clean(), inside the admin's transaction, holding the article's row lock
    until the save is done. A post without a token (no browser sends one)
    is not checked. The byline, a formset of its own, is left unsaved when
    its rows are as the form was opened (`byline_left_alone`); a byline
    both people changed is not asked: the later save's stands.
    """

    issued_token = ""
    KEEP_CHOICES = [("theirs", "Theirs"), ("yours", "Yours")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editing_token"] = EditingTokenField(
            required=False, initial=self.issued_token
        )
        self.fields["asked"] = EditingTokenField(required=False)
        self.save_conflict = None
        self.merge_asks = []
        # The byline as the form was opened, when someone saved meanwhile.
        self.opened_bylines = None
        asked = self.data.get(self.add_prefix("asked"), "") if self.data else ""
        for name in asked.split(","):
            if name in self.fields and name in revisions.MERGED_FIELDS:
                self._add_choice(name)

    def _add_choice(self, name):
        self.fields[f"keep_{name}"] = forms.ChoiceField(
            label=f"Keep which {self.fields[name].label or name}",
            choices=self.KEEP_CHOICES,
            widget=forms.RadioSelect,
        )

    def clean(self):
        cleaned_data = super().clean()
        token = self.data.get(self.add_prefix("editing_token"))
        if not (token and self.instance.pk):
            return cleaned_data
        asked = [n.removeprefix("keep_") for n in self.fields if n.startswith("keep_")]
        for name in asked:
            if cleaned_data.get(f"keep_{name}") == "theirs":
                cleaned_data.pop(name, None)
        conflict = revisions.save_conflict(self.instance, token)
        unchosen = [name for name in asked if f"keep_{name}" not in cleaned_data]
        if conflict is None and unchosen:
            # A post without the choices asked for: ask again.
            stored = revisions.snapshot(self.instance)
            yours = revisions.posted_content(cleaned_data)
            self.merge_asks = [revisions.ask(n, stored, yours) for n in unchosen]
            for ask in self.merge_asks:
                ask.choice = self[f"keep_{ask.field}"]
            raise ValidationError(
                "Not saved: choose which version of each field to keep.",
                code="save_conflict",
            )
        if conflict is None:
            return cleaned_data
        base = conflict.base if conflict.base is not None else {}
        merge = revisions.merge(
            base, conflict.stored, revisions.posted_content(cleaned_data)
        )
        for name in merge.unchanged:
            cleaned_data.pop(name, None)  # not written: the stored value stands
        self.opened_bylines = base.get("bylines")
        if merge.asks:
            self.save_conflict, self.merge_asks = conflict, merge.asks
            self.data = self.data.copy()
            self.data[self.add_prefix("editing_token")] = conflict.token
            self.data[self.add_prefix("asked")] = ",".join(
                ask.field for ask in merge.asks
            )
            for name in merge.unchanged:
                self.data.update(self._stored_as_posted(name))
            for ask in merge.asks:
                self._add_choice(ask.field)
                self.data.pop(self.add_prefix(f"keep_{ask.field}"), None)
                ask.choice = self[f"keep_{ask.field}"]
            raise ValidationError(
                conflict.ask_message(merge.asks), code="save_conflict"
            )
        return cleaned_data

    def _stored_as_posted(self, name):
        """The stored value of the field `name` as a browser posts it."""
        field = self.fields[name]
        widget = getattr(field.widget, "widget", field.widget)  # admin wrapper
        value = field.prepare_value(self.initial.get(name))
        if isinstance(widget, forms.MultiWidget):
            return {
                self.add_prefix(name) + suffix: sub.format_value(part) or ""
                for suffix, sub, part in zip(
                    widget.widgets_names,
                    widget.widgets,
                    widget.decompress(value),
                    strict=True,
                )
            }
        value = widget.format_value(value)
        if isinstance(value, list):
            value = value[0] if value else ""
        return {self.add_prefix(name): value or ""}


def byline_left_alone(form, formset):
    """
    Whether the byline rows of `formset` are as they were when `form` was
    opened, someone having saved meanwhile: then saving them would write a
    stale copy over the stored byline, so the admin leaves them unsaved.
    """
    opened = getattr(form, "opened_bylines", None)
    if opened is None:
        return False
    rows = [
        row.cleaned_data
        for row in formset.forms
        if row.cleaned_data.get("author") and not row.cleaned_data.get("DELETE")
    ]
    rows.sort(key=lambda row: row.get("position") or 0)
    posted = [(row["author"].pk, row.get("role")) for row in rows]
    return posted == [(byline["author"], byline["role"]) for byline in opened]
