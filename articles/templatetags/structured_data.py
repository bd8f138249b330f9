"""JSON-LD for the reading pages (see articles/structured_data.py)."""

from django import template
from django.urls import reverse

from articles import structured_data as data

register = template.Library()


@register.simple_tag
def article_json_ld(article, url, live=None, corrections=None):
    """
    NewsArticle (or its subtype; LiveBlogPosting for live coverage, `live`
    being its page of entries) and the breadcrumb trail to it; `corrections`
    those the page shows (else the article's).
    """
    section = article.section
    return data.script(
        data.article(article, url, live, corrections),
        data.breadcrumbs(
            (section.name, section.get_absolute_url()),
            (article.title, article.get_absolute_url()),
        ),
    )


@register.simple_tag
def home_json_ld():
    """The paper as a WebSite with its SearchAction."""
    return data.script(data.website())


@register.simple_tag
def section_json_ld(section, url):
    return data.script(
        data.collection_page(section.name, url, section.description),
        data.breadcrumbs((section.name, section.get_absolute_url())),
    )


@register.simple_tag
def tag_json_ld(tag, url):
    return data.script(
        data.collection_page(f"Articles about {tag.name}", url),
        data.breadcrumbs((tag.name, reverse("articles:tag", args=[tag.slug]))),
    )


@register.simple_tag
def author_json_ld(author, url):
    return data.script(
        data.profile_page(author, url),
        data.breadcrumbs((author.name, author.get_absolute_url())),
    )
