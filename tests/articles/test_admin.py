"""The editors' admin: writing, publishing and finding articles; authors; sections."""

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin.articles import EDITOR_BASE_STYLE_HASH
from articles.models import Article, Correction, Image, Section
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_editor,
    make_image,
    make_section,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def formset_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form_data(section, bylines=(), **fields):
    """
    What the add form posts: the article's fields, the byline rows as
    (author, role, position) and empty corrections, management forms included.
    """
    data = {
        "title": "Harbour plan approved after long debate",
        "slug": "harbour-plan-approved",
        "standfirst": "The plan has so far yielded little, writes Zoe Writer.",
        "body": "<p>The council met on Tuesday.</p>",
        "section": str(section.pk),
        "kind": Article.Kind.OPINION,
        "tags": "harbour, council",
        "lead_image": "",
        "lead_image_caption": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        **formset_management("bylines", len(bylines)),
        **formset_management("corrections", 0),
    }
    for index, (author, role, position) in enumerate(bylines):
        data[f"bylines-{index}-author"] = str(author.pk)
        data[f"bylines-{index}-role"] = role
        data[f"bylines-{index}-position"] = str(position)
    data.update(fields)
    return data


def test_editor_creates_and_schedules_an_article_with_byline_tags_and_image(
    client, django_capture_on_commit_callbacks
):
    """
    A staff editor (not superuser) posts the add form: the article is
    scheduled with its two authors in the order given and their roles, its
    tags, its lead image, the publication time read in Europe/Dublin, and
    the editor recorded as its creator.
    """
    editor = make_editor()
    client.force_login(editor)
    section = make_section(name="Opinion", slug="opinion")
    first = make_author(name="Zoe Writer")
    second = make_author(name="Adam Photographer")
    image = make_image()
    data = article_form_data(
        section,
        bylines=[(first, "writer", 0), (second, "photographer", 1)],
        lead_image=str(image.pk),
        lead_image_caption="The harbour this week.",
        status=Article.Status.PUBLISHED,
        published_at_0="2099-07-01",
        published_at_1="12:00:00",
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.created_by == editor
    assert article.section == section
    assert article.kind == Article.Kind.OPINION
    assert article.lead_image == image
    assert article.caption == "The harbour this week."
    # 12:00 in Dublin in July is 11:00 UTC (Irish Summer Time).
    assert article.published_at == datetime(2099, 7, 1, 11, 0, tzinfo=UTC)
    assert list(Article.objects.scheduled()) == [article]
    assert [(b.author.name, b.role, b.position) for b in article.ordered_bylines()] == [
        ("Zoe Writer", "writer", 0),
        ("Adam Photographer", "photographer", 1),
    ]
    assert sorted(article.tags.names()) == ["council", "harbour"]


def test_byline_rows_are_numbered_by_the_positions_typed(editor_client):
    """Positions 5 and 2 put the second row first and are stored as 0 and 1."""
    first = make_author(name="Written Second")
    second = make_author(name="Written First")
    data = article_form_data(
        make_section(), bylines=[(first, "writer", 5), (second, "reporter", 2)]
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert [(b.author.name, b.position) for b in article.ordered_bylines()] == [
        ("Written First", 0),
        ("Written Second", 1),
    ]


def test_name_added_without_a_position_goes_to_the_end_of_the_byline(
    editor_client,
):
    """A third author added to an article with the position left empty comes last."""
    first, second, third = make_author(), make_author(), make_author()
    article = make_article(authors=[first, second])
    bylines = article.ordered_bylines()
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        **formset_management("bylines", 3, 2),
    )
    for index, byline in enumerate(bylines):
        data[f"bylines-{index}-id"] = str(byline.pk)
        data[f"bylines-{index}-article"] = str(article.pk)
        data[f"bylines-{index}-author"] = str(byline.author_id)
        data[f"bylines-{index}-role"] = byline.role
        data[f"bylines-{index}-position"] = str(byline.position)
    data["bylines-2-author"] = str(third.pk)
    data["bylines-2-role"] = "reporter"
    data["bylines-2-position"] = ""
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [(b.author, b.position) for b in article.ordered_bylines()] == [
        (first, 0),
        (second, 1),
        (third, 2),
    ]


def test_admin_post_sanitizes_the_body(editor_client):
    """Script, event handlers and javascript:/data: links never reach the database."""
    body = (
        '<p onmouseover="steal()">Safe words.</p><script>alert(1)</script>'
        '<p><a href="javascript:alert(1)">x</a> <a href="data:text/html,hi">y</a> '
        '<a href="https://www.example.ie/">z</a></p>'
    )
    data = article_form_data(make_section(), body=body)
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    stored = Article.objects.get().body
    assert stored == (
        "<p>Safe words.</p>"
        '<p><a>x</a> <a>y</a> <a href="https://www.example.ie/">z</a></p>'
    )


def test_invalid_article_shows_errors_and_keeps_what_was_typed(editor_client):
    """A missing headline is reported; the rest of the form keeps its values."""
    data = article_form_data(make_section(), title="", standfirst="Kept standfirst.")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert "Kept standfirst." in response.content.decode()
    assert not Article.objects.exists()


def test_editor_adds_a_correction_inline(editor_client):
    """Corrections are edited with the article, without permissions of their own."""
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(
        article.section,
        title=article.title,
        slug=article.slug,
        status=Article.Status.PUBLISHED,
        published_at_0=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        **formset_management("corrections", 1),
        **{
            "corrections-0-text": "An earlier version misspelt the mayor's name.",
            "corrections-0-corrected_at_0": "2026-01-05",
            "corrections-0-corrected_at_1": "10:00:00",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Correction.objects.get().article == article


def changelist_action(client, action, articles):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [str(a.pk) for a in articles]},
        follow=True,
    )


def test_publish_now_makes_drafts_and_scheduled_articles_live(editor_client):
    """
    Drafts and scheduled pieces go live now; an article that was live before
    keeps its original publication time.
    """
    before = timezone.now()
    byline = [make_author()]
    draft = make_article(status=Article.Status.DRAFT, authors=byline)
    scheduled = make_article(published_at=before + timedelta(days=2), authors=byline)
    earlier = before - timedelta(days=3)
    unpublished = make_article(
        status=Article.Status.DRAFT, published_at=earlier, authors=byline
    )
    response = changelist_action(
        editor_client, "publish_now", [draft, scheduled, unpublished]
    )
    assert "3 articles published." in response.content.decode()
    for article in (draft, scheduled, unpublished):
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.is_published()
    assert before <= draft.published_at <= timezone.now()
    assert before <= scheduled.published_at <= timezone.now()
    assert unpublished.published_at == earlier


def test_unpublish_takes_articles_off_the_site(editor_client):
    """Unpublished articles are drafts again and leave the published listing."""
    live = make_article()
    published_at = live.published_at
    response = changelist_action(editor_client, "unpublish", [live])
    assert "1 article taken off the site." in response.content.decode()
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT
    assert live.published_at == published_at
    assert not Article.objects.published().exists()


def test_actions_need_the_change_permission(client):
    """A staff member who may only view articles cannot publish them."""
    client.force_login(make_staff(permissions=["articles.view_article"]))
    draft = make_article(status=Article.Status.DRAFT)
    changelist_action(client, "publish_now", [draft])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def make_listed_rows(count, image):
    """`count` articles, authors and images to list, sharing one picture file."""
    section = make_section()
    authors = [make_author(photo=image), make_author(photo=image)]
    for n in range(count):
        make_article(
            section=section,
            authors=[(authors[0], "writer"), (authors[1], "photographer")],
            tags=[f"tag-{n}", "harbour"],
            lead_image=image,
        )
        make_author(photo=image)
        Image.objects.create(
            file=image.file.name, alt_text=f"Copy {n}", width=image.width
        )


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:articles_article_changelist",
        "admin:articles_author_changelist",
        "admin:articles_image_changelist",
    ],
)
def test_changelist_queries_do_not_grow_with_the_rows(
    editor_client, url_name, django_assert_max_num_queries
):
    """The same number of queries lists 3 rows or 30 (no query per row)."""
    url = reverse(url_name)
    image = make_image(file=image_upload("small.jpg", 400, 300))
    make_listed_rows(3, image)
    few = changelist_queries(editor_client, url)
    make_listed_rows(27, image)
    with django_assert_max_num_queries(few):
        editor_client.get(url)
    assert changelist_queries(editor_client, url) == few


def test_article_changelist_shows_byline_state_and_dublin_time(editor_client):
    """
    Each row shows the byline in order and whether the piece is Live,
    Scheduled, In review or a Draft; times are shown in Europe/Dublin.
    """
    make_article(
        title="Live piece",
        authors=[make_author(name="Zoe Writer"), make_author(name="Adam Second")],
        published_at=datetime(2025, 7, 1, 11, 30, tzinfo=UTC),
    )
    make_article(title="Later piece", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Review piece", status=Article.Status.REVIEW)
    make_article(title="Draft piece", status=Article.Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_article_changelist")).content
    html = html.decode()
    assert "Zoe Writer, Adam Second" in html
    for state in ("live", "scheduled", "in-review", "draft"):
        assert f"publication-state-{state}" in html
    assert "12:30" in html  # 11:30 UTC is 12:30 in Dublin in July


def test_article_search_finds_author_names(editor_client):
    """Searching for an author's name lists their articles only."""
    make_article(title="By Siobhan", authors=[make_author(name="Siobhan Kearney")])
    make_article(title="By someone else", authors=[make_author(name="Pat Byrne")])
    response = editor_client.get(
        reverse("admin:articles_article_changelist"), {"q": "kearney"}
    )
    assert [a.title for a in response.context["cl"].result_list] == ["By Siobhan"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_author_changelist",
        "admin:articles_section_changelist",
        "admin:articles_image_changelist",
        "admin:articles_image_add",
    ],
)
def test_admin_pages_need_login_and_permission(client, url_name):
    """Anonymous → login page, staff without permission → 403, editor → 200."""
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(make_staff("no-perms"))
    assert client.get(url).status_code == 403
    client.force_login(make_editor())
    assert client.get(url).status_code == 200


def test_article_change_form_has_view_on_site_and_fieldsets(editor_client):
    """The change form links to the public page and groups its fields."""
    article = make_article()
    response = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    html = response.content.decode()
    assert (
        reverse(
            "admin:view_on_site", args=[response.context["content_type_id"], article.pk]
        )
        in html
    )
    names = [fs.name for fs in response.context["adminform"]]
    assert names == [None, "Story", "Lead image", "Planning", "Publishing", "Advanced"]


def test_author_list_counts_articles_and_shows_the_photo(editor_client):
    """Authors are listed with their number of articles and a thumbnail."""
    author = make_author(name="Maeve Binchy", photo=make_image())
    make_article(authors=[author])
    make_article(authors=[author])
    response = editor_client.get(reverse("admin:articles_author_changelist"))
    row = response.context["cl"].result_list[0]
    assert row.article_total == 2
    assert author.photo.thumbnail_rendition.file.url in response.content.decode()


def test_section_positions_are_edited_in_the_list(editor_client):
    """The section bar's order is changed straight from the list."""
    news = make_section(name="News", position=1)
    sport = make_section(name="Sport", position=2)
    data = {
        **formset_management("form", 2, 2),
        "form-0-id": str(news.pk),
        "form-0-position": "5",
        "form-1-id": str(sport.pk),
        "form-1-position": "1",
        "_save": "Save",
    }
    response = editor_client.post(reverse("admin:articles_section_changelist"), data)
    assert response.status_code == 302
    assert list(Section.objects.values_list("name", flat=True)) == ["Sport", "News"]


def test_image_change_page_lists_the_renditions_read_only(editor_client):
    """Editors see every rendition made, with its size, as text, not a form."""
    image = make_image()
    response = editor_client.get(
        reverse("admin:articles_image_change", args=[image.pk])
    )
    html = response.content.decode()
    for rendition in image.renditions.all():
        assert rendition.file.url in html
        assert f"{rendition.width} × {rendition.height}" in html
    assert "renditions-TOTAL_FORMS" not in html
    assert "1600 × 900" in html


def test_editing_an_image_caption_keeps_its_picture(editor_client):
    """The change form does not ask for the picture again."""
    image = make_image()
    url = reverse("admin:articles_image_change", args=[image.pk])
    response = editor_client.post(
        url,
        {
            "alt_text": image.alt_text,
            "caption": "A better caption.",
            "credit": image.credit,
            "focal_point_x": "0.3",
            "focal_point_y": "0.5",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image.refresh_from_db()
    assert image.caption == "A better caption."
    assert image.renditions.exists()


def test_article_form_runs_the_editor_with_a_nonce_and_public_pages_get_none(
    editor_client, client
):
    """
    The article form's inline import map carries the response's CSP nonce
    (script-src stays 'self' plus that nonce); a public page gets no nonce,
    so it stays cacheable.
    """
    response = editor_client.get(reverse("admin:articles_article_add"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()
    assert "'unsafe-inline'" not in policy
    assert EDITOR_BASE_STYLE_HASH in policy
    client.logout()
    public = client.get(reverse("articles:home"))
    assert "nonce" not in public["Content-Security-Policy"]
    assert EDITOR_BASE_STYLE_HASH not in public["Content-Security-Policy"]


def test_editor_base_style_hash_matches_the_installed_editor():
    """
    The hash let through on article forms is that of the stylesheet the
    installed editor injects (an editor upgrade that changes it fails here).
    """
    script = Path(finders.find("django_prose_editor/editor.js")).read_text()
    start = script.index("`.ProseMirror {\n  position: relative;")
    css = script[start + 1 : script.index("`", start + 1)]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == EDITOR_BASE_STYLE_HASH


def test_tag_field_offers_existing_tags_through_the_admin_autocomplete(editor_client):
    """The tag input points at the admin's autocomplete, which finds tags by name."""
    make_article(tags=["harbour", "council", "county"])
    form = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-tag-suggestions="{reverse("admin:autocomplete")}"' in form
    assert "articles/tag-suggestions.js" in form
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "tags",
            "term": "cou",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["council", "county"]


@pytest.mark.parametrize(
    ("url_name", "prefix", "names"),
    [
        ("admin:articles_article_add", "bylines", {"Author", "Role", "Position"}),
        ("admin:articles_frontpageslot_add", "pins", {"Article", "Position"}),
    ],
)
def test_tabular_inline_inputs_are_named_for_screen_readers(
    admin_client, url_name, prefix, names
):
    """Each input in a byline or pin row carries its column's name."""
    page = BeautifulSoup(admin_client.get(reverse(url_name)).content, "html.parser")
    rows = page.select(f'[name^="{prefix}-0-"]:not([type="hidden"])')
    assert rows
    assert {row.get("aria-label") for row in rows} >= names
