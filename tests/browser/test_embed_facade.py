"""
An embed behind its facade in a real Chromium, on a small page that renders
articles.elements.embed_html() and its script the way the article page does:
no request leaves for any host but ours until the reader presses the button,
then the sandboxed iframe opens on the no-cookie host.
"""

from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import path

from articles.elements import embed_html
from articles.models import ResolvedEmbed
from tests.articles.embeds.provider_server import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
FRAME = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def embed_page(request):
    embed = ResolvedEmbed.objects.get()
    element = embed_html(embed.url, embed)
    return HttpResponse(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Court report</title>"
        f'<link rel="stylesheet" href="{static("newsroom/css/site.css")}">'
        "</head><body><main>"
        f'<h1>Court report</h1><div class="prose"><p>Gardaí appealed for help.</p>'
        f"{element}<p>The van was found later.</p></div></main>"
        f'<script src="{static("articles/embed-facade.js")}" defer></script>'
        "</body></html>"
    )


urlpatterns = [path("embed/", embed_page)]


@pytest.fixture
def embed_url(live_server, settings):
    settings.ROOT_URLCONF = __name__
    embed = ResolvedEmbed(
        url=URL,
        provider="YouTube",
        title="Garda appeal: have you seen this van?",
        iframe_src=FRAME,
        width=640,
        height=360,
        status=ResolvedEmbed.Status.RESOLVED,
    )
    embed.thumbnail = ContentFile(jpeg_bytes(640, 360), name="garda.jpg")
    embed.save()
    return live_server.url + "/embed/"


def test_no_request_leaves_before_the_reader_presses_then_the_iframe_opens(
    page, embed_url
):
    """Only our host until the press; then the sandboxed no-cookie iframe."""
    ours = urlsplit(embed_url).netloc
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(
            body="<!doctype html><title>Player</title>", content_type="text/html"
        ),
    )
    page.goto(embed_url)
    page.wait_for_load_state("networkidle")
    button = page.get_by_role("button", name="Show YouTube content")
    assert button.is_visible()
    assert page.locator("img.embed__thumbnail").evaluate("img => img.complete")
    before = {urlsplit(url).netloc for url in requests}
    assert before == {ours}, f"requested before pressing: {sorted(before)}"
    assert page.locator("iframe").count() == 0

    # The iframe's own request can start after the page looked idle.
    with page.expect_request("https://www.youtube-nocookie.com/**"):
        button.click()

    iframe = page.locator("figure.embed iframe")
    iframe.wait_for()
    assert iframe.get_attribute("src") == FRAME
    assert iframe.get_attribute("title") == "Garda appeal: have you seen this van?"
    assert set(iframe.get_attribute("sandbox").split()) == {
        "allow-scripts",
        "allow-same-origin",
        "allow-popups",
        "allow-presentation",
    }
    assert iframe.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
    page.wait_for_load_state("networkidle")
    after = {urlsplit(url).netloc for url in requests}
    assert after == {ours, "www.youtube-nocookie.com"}
    assert page.context.cookies("https://www.youtube-nocookie.com") == []


def test_the_facade_is_accessible(page, embed_url, assert_accessible):
    """axe finds nothing on the facade, button shown."""
    assert_accessible(embed_url)
    assert page.get_by_role("button", name="Show YouTube content").is_visible()


def test_without_javascript_the_link_to_the_original_is_there(browser, embed_url):
    """No script: the button stays hidden and the title links to the original."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(embed_url)
        assert not page.locator(".embed__show").is_visible()
        link = page.get_by_role("link", name="Garda appeal: have you seen this van?")
        assert link.get_attribute("href") == URL
    finally:
        context.close()
