"""
Previews and share links in the article admin: whoever may change an article
previews it as readers will see it, and makes, lists and revokes links that
let someone without a login read it (see articles/preview.py).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom import formats

from .. import preview
from ..models import ShareLink


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


def preview_view(model_admin, request, object_id):
    article = model_admin.article_or_404(request, object_id, change=True)
    return preview.preview_response(request, article)


def share_links_view(model_admin, request, object_id):
    """The article's share links, and a form to make one."""
    article = model_admin.article_or_404(request, object_id, change=True)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = ShareLink.objects.create(
            article=article,
            note=form.cleaned_data["note"],
            created_by=request.user,
            expires_at=timezone.now() + form.cleaned_data["lifetime"],
        )
        until = formats.written(link.expires_at, "short_moment")
        model_admin.message_user(
            request,
            f"Share link made: {settings.SITE_URL}{link.get_absolute_url()} "
            f"works until {until}.",
            messages.SUCCESS,
        )
        return redirect(request.path)
    return TemplateResponse(
        request,
        "admin/articles/article/share_links.html",
        {
            **model_admin.page_context(request, article, f"Share “{article}”"),
            "form": form,
            "links": article.share_links.select_related("created_by"),
            "now": timezone.now(),
        },
    )


def share_link_revoke_view(model_admin, request, object_id, link_id):
    article = model_admin.article_or_404(request, object_id, change=True)
    link = get_object_or_404(article.share_links, pk=link_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    model_admin.message_user(
        request, "The link is withdrawn: it opens nothing now.", messages.SUCCESS
    )
    return redirect(
        reverse(f"admin:{model_admin.url_name('share_links')}", args=[article.pk])
    )
