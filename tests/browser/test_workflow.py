"""
The review workflow in a real browser: a Contributor writes a draft with a
lead picture and submits it; an Editor finds it under "Awaiting review",
sends it back with a comment the Contributor then reads, and publishes the
resubmitted piece; an Editor publishes a story with a lead picture, and one
with a gallery of five library pictures. The clicks each person needs are
counted (and printed with -s), and the review panel is scanned by axe.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.browser.conftest import VIEWPORTS, axe_scan, format_violations
from tests.factories import make_author, make_image, make_member, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    """Clicks (a click into a field to type included) and fields typed."""

    def __init__(self, page):
        self.page, self.count, self.typed = page, 0, 0

    def click(self, selector):
        self.count += 1
        self.page.locator(selector).first.click()

    def type_into(self, selector, text):
        self.click(selector)
        self.typed += 1
        self.page.keyboard.type(text)

    def choose(self, field, search):
        """An autocomplete (select2) box: open it, type, pick the match."""
        self.click(f".field-{field} .select2-selection")
        self.typed += 1
        self.page.keyboard.type(search)
        option = self.page.locator(".select2-results__option", has_text=search).first
        option.wait_for(timeout=10_000)
        self.count += 1
        option.click()

    def select(self, selector, value):
        """A native <select>: open it and pick (two clicks)."""
        self.count += 2
        self.page.locator(selector).select_option(value)


def logged_in_page(browser, live_server, user):
    # A client of its own: logging another user in on one client would end
    # the first one's session.
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def scan_review_panel(page, axe_source):
    page.locator(".review-panel").wait_for()
    shown = [
        selector
        for selector in (".review-panel", ".review-sent-back")
        if page.locator(selector).count()
    ]
    results = axe_scan(page, axe_source, within={"include": shown})
    assert not results["violations"], format_violations(results["violations"])


def test_contributor_submits_editor_sends_back_then_publishes(
    live_server, browser, axe_source
):
    section = make_section(name="News", slug="news")
    author = make_author(name="Cora Contributor")
    make_image(alt_text="Boats in Galway harbour at dawn")
    contributor = make_member("cora", "Contributor", author=author)
    editor = make_member("eddie", "Editor", first_name="Eddie", last_name="Editor")

    # The Contributor: from "Add article" to a submitted draft.
    context, page = logged_in_page(browser, live_server, contributor)
    page.goto(live_server.url + reverse("admin:index"))
    writer = Clicks(page)
    writer.click("a[href$='/articles/article/add/']")
    page.wait_for_load_state("load")
    writer.type_into("#id_title", "Harbour dredging to start in spring")
    writer.type_into(
        "#id_standfirst",
        "The harbour will be dredged from March, the port company said.",
    )
    page.locator(".prose-editor [contenteditable=true]").wait_for(timeout=10_000)
    writer.type_into(
        ".prose-editor [contenteditable=true]", "The port company met on Tuesday."
    )
    writer.choose("section", section.name)
    writer.choose("lead_image", "Boats in Galway")
    writer.select("#id_status", "review")
    writer.click("input[name=_save]")
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert [b.author for b in article.ordered_bylines()] == [author]
    contributor_clicks = writer.count

    # The Editor sends it back with a comment.
    editor_context, desk = logged_in_page(browser, live_server, editor)
    desk.goto(live_server.url + reverse("admin:articles_article_changelist"))
    desk.get_by_role("link", name="Awaiting review").click()
    desk.wait_for_load_state("load")
    desk.get_by_role("link", name=article.title).click()
    desk.wait_for_load_state("load")
    scan_review_panel(desk, axe_source)
    desk.locator("#id_status").select_option("draft")
    desk.locator("#id_review_note").fill("Add the cost of the dredging.")
    desk.locator("input[name=_save]").click()
    desk.wait_for_load_state("load")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    # The Contributor reads the comment on the draft, and submits again.
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    )
    notice = page.locator(".review-sent-back")
    assert "Add the cost of the dredging." in notice.inner_text()
    assert "Eddie Editor" in notice.inner_text()
    scan_review_panel(page, axe_source)
    page.locator("#id_status").select_option("review")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("load")

    # The Editor approves: from the admin's home page to a live article.
    desk.goto(live_server.url + reverse("admin:index"))
    approver = Clicks(desk)
    approver.click("a[href$='/articles/article/']")
    desk.wait_for_load_state("load")
    approver.click("text=Awaiting review")
    desk.wait_for_load_state("load")
    approver.click(f"text={article.title}")
    desk.wait_for_load_state("load")
    approver.click("#id_go_live_now")
    approver.click("input[name=_save]")
    desk.wait_for_load_state("load")
    article.refresh_from_db()
    assert article.is_published()
    assert article.lead_image is not None
    print(
        f"\nClicks: contributor {contributor_clicks} ({writer.typed} fields typed), "
        f"approving editor {approver.count}"
    )
    assert (contributor_clicks, approver.count) == (11, 5)
    context.close()
    editor_context.close()


def test_editor_publishes_an_article_with_a_lead_picture(live_server, browser, client):
    """From "Add article" to a live article with a picture, as an Editor."""
    section = make_section(name="News", slug="news")
    author = make_author(name="Aoife Brennan")
    make_image(alt_text="Boats in Galway harbour at dawn")
    editor = make_member("aoife", "Editor", author=author)
    context, page = logged_in_page(browser, live_server, editor)
    page.goto(live_server.url + reverse("admin:index"))
    clicks = Clicks(page)
    clicks.click("a[href$='/articles/article/add/']")
    page.wait_for_load_state("load")
    clicks.type_into("#id_title", "Harbour dredging to start in spring")
    clicks.type_into(
        "#id_standfirst",
        "The harbour will be dredged from March, the port company said.",
    )
    page.locator(".prose-editor [contenteditable=true]").wait_for(timeout=10_000)
    clicks.type_into(
        ".prose-editor [contenteditable=true]", "The port company met on Tuesday."
    )
    clicks.choose("section", section.name)
    clicks.choose("lead_image", "Boats in Galway")
    clicks.click("#id_go_live_now")
    clicks.click("input[name=_save]")
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert article.is_published()
    assert article.lead_image is not None
    assert [b.author for b in article.ordered_bylines()] == [author]
    print(f"\nClicks: editor {clicks.count} ({clicks.typed} fields typed)")
    assert clicks.count == 10
    context.close()


def test_editor_reads_the_revision_diff_previews_and_schedules_a_submitted_draft(
    live_server, browser
):
    """
    A Contributor writes a draft, changes its standfirst and submits it; the
    Editor compares the two revisions (the change shown word by word), sees
    the draft as readers will with the preview banner, and schedules it.
    """
    section = make_section(name="News", slug="news")
    make_image(alt_text="Boats in Galway harbour at dawn")
    author = make_author(name="Cora Contributor")
    contributor = make_member("cora", "Contributor", author=author)
    editor = make_member("eddie", "Editor", first_name="Eddie", last_name="Editor")

    context, page = logged_in_page(browser, live_server, contributor)
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    writer = Clicks(page)
    writer.type_into("#id_title", "Harbour dredging to start in spring")
    writer.type_into("#id_standfirst", "The harbour will be dredged from March.")
    page.locator(".prose-editor [contenteditable=true]").wait_for(timeout=10_000)
    writer.type_into(
        ".prose-editor [contenteditable=true]", "The port company met on Tuesday."
    )
    writer.choose("section", section.name)
    writer.choose("lead_image", "Boats in Galway")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    page.locator("#id_standfirst").fill(
        "The harbour will be dredged from April, at a cost of €2m."
    )
    page.locator("#id_status").select_option("review")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state("load")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    editor_context, desk = logged_in_page(browser, live_server, editor)
    change_url = live_server.url + reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    desk.goto(change_url)
    desk.get_by_role("link", name="Revisions").click()
    desk.wait_for_load_state("load")
    desk.get_by_role("button", name="Compare the chosen revisions").click()
    desk.wait_for_load_state("load")
    assert "April" in " ".join(desk.locator("ins").all_inner_texts())
    assert "March" in " ".join(desk.locator("del").all_inner_texts())

    desk.goto(change_url)
    desk.get_by_role("link", name="Preview").click()
    desk.wait_for_load_state("load")
    assert desk.locator(".preview-banner").is_visible()
    assert "at a cost of €2m" in desk.locator("body").inner_text()
    assert desk.locator('meta[name="robots"]').get_attribute("content") == "noindex"

    desk.goto(change_url)
    desk.locator("#id_status").select_option("published")
    desk.locator("#id_published_at_0").fill("2099-01-06")
    desk.locator("#id_published_at_1").fill("14:00:00")
    desk.locator("input[name=_save]").click()
    desk.wait_for_load_state("load")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.year == 2099
    assert not article.is_published()
    assert article.state_label().startswith("Scheduled for")
    # Readers do not see it before its time.
    assert page.goto(live_server.url + article.get_absolute_url()).status == 404
    context.close()
    editor_context.close()


def test_editor_publishes_an_article_with_a_gallery_of_five_library_pictures(
    live_server, browser
):
    """
    From "Add article" to a live article whose body holds a gallery of five
    library pictures, as an Editor: the gallery comes from the Insert menu,
    which lists the library's newest pictures before anything is typed.
    """
    section = make_section(name="Sport", slug="sport")
    author = make_author(name="Aoife Brennan")
    pictures = [
        make_image(alt_text=f"Galway try number {number}", caption=f"Try {number}.")
        for number in range(1, 6)
    ]
    editor = make_member("aoife", "Editor", author=author)
    context, page = logged_in_page(browser, live_server, editor)
    page.goto(live_server.url + reverse("admin:index"))
    clicks = Clicks(page)
    clicks.click("a[href$='/articles/article/add/']")
    page.wait_for_load_state("load")
    clicks.type_into("#id_title", "Galway win the county final in pictures")
    clicks.type_into("#id_standfirst", "Five tries and a trophy at Pearse Stadium.")
    page.locator(".prose-editor [contenteditable=true]").wait_for(timeout=10_000)
    clicks.type_into(
        ".prose-editor [contenteditable=true]", "Galway won by twelve points."
    )
    clicks.click(".prose-editor button:text-is('Insert')")
    clicks.click("[role=menuitem]:text-is('Gallery')")
    dialog = page.locator("dialog.body-insert-dialog[open]")
    for picture in pictures:
        clicks.click(f"dialog[open] button[aria-label^='Add: {picture.alt_text}']")
    clicks.click("dialog[open] button:text-is('Insert')")
    dialog.wait_for(state="detached", timeout=10_000)
    clicks.choose("section", section.name)
    clicks.click("#id_go_live_now")
    clicks.click("input[name=_save]")
    page.wait_for_load_state("load")
    article = Article.objects.get()
    assert article.is_published()
    gallery = [f'data-image="{picture.pk}"' for picture in pictures]
    assert [article.body.find(found) > 0 for found in gallery] == [True] * 5
    assert sorted(article.body.find(found) for found in gallery) == [
        article.body.find(found) for found in gallery
    ]
    print(f"\nClicks: editor {clicks.count} ({clicks.typed} fields typed)")
    assert clicks.count == 16
    context.close()
