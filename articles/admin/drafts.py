"""
Drafts the article form saves by itself while an editor types (see
ArticleDraft): the endpoint its script posts to, and the discarding of a
draft offered back. Restoring one is the change form's own
(`?restore_draft`, ArticleAdmin.get_object and get_changeform_initial_data).
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ..models import ArticleDraft


def draft_article(model_admin, request, object_id):
    """
    The article a draft is of (None for a new one), if the user may change
    it (or add one); else PermissionDenied, or Http404 for no such article.
    """
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    return model_admin.article_or_404(request, object_id, change=True)


def draft_save_view(model_admin, request, object_id=None):
    """
    Keep the posted writing fields (`fields`, a JSON object of strings) as
    the user's draft of the article. Posted as a form, with the CSRF token,
    so that navigator.sendBeacon can send it as the page goes away.
    """
    article = draft_article(model_admin, request, object_id)
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    if size > ArticleDraft.MAX_BYTES:
        return JsonResponse({"error": "The draft is too large."}, status=413)
    try:
        posted = json.loads(request.POST.get("fields", ""))
    except ValueError:
        posted = None
    if not isinstance(posted, dict):
        return JsonResponse({"error": "No fields posted."}, status=400)
    fields = {
        name: posted[name]
        for name in ArticleDraft.FIELDS
        if isinstance(posted.get(name), str)
    }
    draft = ArticleDraft.objects.keep(article, request.user, fields)
    return JsonResponse({"saved_at": draft.saved_at.isoformat()})


def draft_discard_view(model_admin, request, object_id=None):
    """Drop the user's draft of the article and go back to its form."""
    article = draft_article(model_admin, request, object_id)
    ArticleDraft.objects.of(article, request.user).delete()
    if article is None:
        return redirect(reverse(f"admin:{model_admin.url_name('add')}"))
    return redirect(
        reverse(f"admin:{model_admin.url_name('change')}", args=[article.pk])
    )


def restored(request, article, user):
    """
    The draft's fields to fill the form with when it was asked for
    (`?restore_draft`), else an empty dict.
    """
    if request.method != "GET" or "restore_draft" not in request.GET:
        return {}
    draft = ArticleDraft.objects.of(article, user).first()
    return dict(draft.fields) if draft else {}
