"""What the article change form posts, for the workflow's tests."""

from django.urls import reverse
from django.utils import timezone

from tests.articles.test_admin import article_form_data, formset_management


def change_data(article, **fields):
    """The change form of `article` as it would be posted, with `fields` changed."""
    bylines = article.ordered_bylines()
    published_at = (
        timezone.localtime(article.published_at) if article.published_at else None
    )
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        kind=article.kind,
        tags=", ".join(article.tags.names()),
        lead_image=str(article.lead_image_id or ""),
        lead_image_caption=article.lead_image_caption,
        status=article.status,
        published_at_0=published_at.strftime("%Y-%m-%d") if published_at else "",
        published_at_1=published_at.strftime("%H:%M:%S") if published_at else "",
        **formset_management("bylines", len(bylines), len(bylines)),
    )
    for index, byline in enumerate(bylines):
        data[f"bylines-{index}-id"] = str(byline.pk)
        data[f"bylines-{index}-article"] = str(article.pk)
        data[f"bylines-{index}-author"] = str(byline.author_id)
        data[f"bylines-{index}-role"] = byline.role
        data[f"bylines-{index}-position"] = str(byline.position)
    data.update(fields)
    return data


def at(moment):
    """A moment as the form's two boxes (date, time) in the newsroom's zone."""
    local = timezone.localtime(moment)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def post_change(client, article, **fields):
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_data(article, **fields),
    )


def form_errors(response):
    """Every error the change form shows, field by field ("__all__" for the form)."""
    context = response.context
    if context is None or "adminform" not in context:
        return {}
    return {k: list(v) for k, v in context["adminform"].form.errors.items()}


def list_action(client, action, articles, **extra):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": action,
            "_selected_action": [str(a.pk) for a in articles],
            **extra,
        },
        follow=True,
    )
