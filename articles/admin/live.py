"""
The posting page of a live article (<id>/live/ under the article admin): one
box to post an entry, the latest entries beside it, each editable,
deletable, pinnable and markable as a key event. Who may publish the article
may post to it (articles.workflow.can_publish). Each post is a row of its
own, so editors posting at once lose nothing and meet no conflict; each post
and edit is a line of the article's history (an ArticleTransition that keeps
the status and says what was done).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from ..models import Article, ArticleTransition, Author, LiveEntry
from ..workflow import can_publish

# Entries listed beside the box.
LATEST_SHOWN = 30


class LiveEntryForm(forms.ModelForm):
    class Meta:
        model = LiveEntry
        fields = ["headline", "body", "key_event"]


def _live_article(model_admin, request, object_id):
    article = model_admin.article_or_404(request, object_id)
    if not article.live_state or not can_publish(request.user, article):
        raise PermissionDenied
    return article


def _record(article, user, what, entry):
    """A line of the article's history for a post, edit or change of an entry."""
    ArticleTransition.objects.create(
        article=article,
        created_by=user,
        from_status=article.status,
        to_status=article.status,
        comment=f"Live entry {what}: {entry}"[:500],
    )


def live_posting_view(model_admin, request, object_id):
    """Post an entry (or edit the one named by ?edit=), with the latest beside."""
    article = _live_article(model_admin, request, object_id)
    editing = None
    if request.GET.get("edit"):
        editing = get_object_or_404(article.live_entries, pk=request.GET["edit"])
    form = LiveEntryForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save(commit=False)
            entry.article = article
            if editing is None:
                entry.posted_by = request.user
            entry.save()
            if editing is None:
                entry.authors.set(Author.objects.filter(user=request.user))
            _record(article, request.user, "edited" if editing else "posted", entry)
        model_admin.message_user(
            request, "Entry updated." if editing else "Entry posted.", messages.SUCCESS
        )
        return redirect(request.path)
    return TemplateResponse(
        request,
        "admin/articles/article/live.html",
        {
            **model_admin.page_context(request, article, f"Live: “{article}”"),
            "form": form,
            "editing": editing,
            "entries": article.live_entries.newest_first().prefetch_related("authors")[
                :LATEST_SHOWN
            ],
            "media": model_admin.media + form.media,
        },
    )


ACTIONS = {
    "pin": "pinned",
    "unpin": "unpinned",
    "key": "marked a key event",
    "unkey": "no longer a key event",
    "delete": "deleted",
}


def live_entry_action_view(model_admin, request, object_id, entry_id):
    """Pin, unpin, mark or unmark as a key event, or delete one entry (POST)."""
    article = _live_article(model_admin, request, object_id)
    action = request.POST.get("action")
    if action not in ACTIONS:
        raise PermissionDenied
    with transaction.atomic():
        # One change of pins at a time per article: the pin moves, never doubles.
        Article.objects.select_for_update().filter(pk=article.pk).first()
        entry = get_object_or_404(article.live_entries, pk=entry_id)
        if action == "delete":
            entry.delete()
        elif action in ("pin", "unpin"):
            article.live_entries.filter(pinned=True).exclude(pk=entry.pk).update(
                pinned=False
            )
            entry.pinned = action == "pin"
            entry.save(update_fields=["pinned"])
        else:
            entry.key_event = action == "key"
            entry.save(update_fields=["key_event"])
        _record(article, request.user, ACTIONS[action], entry)
    return redirect(
        f"{model_admin.admin_site.name}:{model_admin.url_name('live')}", article.pk
    )
