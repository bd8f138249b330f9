"""axe-core finds no accessibility violation on the pages people use."""

from datetime import timedelta

import pytest
from django.templatetags.static import static
from django.utils import timezone

from articles.models import Article, FrontPagePin, FrontPageSlot, Section
from subscriptions.demo import create_demo_newsletters
from subscriptions.models import Edition, EditionArticle
from tests.articles.live_factories import make_entry
from tests.articles.test_body_elements import EVERY_ELEMENT
from tests.browser.conftest import (
    VIEWPORTS,
    WCAG,
    WCAG_AND_BEST_PRACTICE,
    axe_scan,
    format_violations,
    serve_media,
)
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_correction,
    make_image,
    make_page,
    make_section,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def paper():
    """
    A small paper with everything a page can show: a lead image with caption
    and credit, a two-name byline with bios, an author photo, tags, a
    correction, an opinion piece, live coverage and more stories in the same
    section.
    """
    news = make_section(name="News", slug="news", description="The region's news.")
    opinion = make_section(name="Opinion", slug="opinion", position=20)
    reporter = make_author(
        name="Aoife Brennan",
        slug="aoife-brennan",
        role="News editor",
        bio="Aoife Brennan is news editor of the paper.",
        photo=make_image(
            file=image_upload(width=400, height=400),
            alt_text="Portrait of Aoife Brennan",
        ),
    )
    professor = make_author(
        name="Helen Rafferty",
        slug="helen-rafferty",
        role="Professor of strategic studies at Corrib University",
        bio="Helen Rafferty is the author of nine books.",
    )
    picture = make_image(
        file=image_upload(width=800, height=450),
        alt_text="Fishing boats moored in the harbour at dawn",
        caption="The harbour at dawn.",
        credit="Keith Dolan",
    )
    now = timezone.now()
    article = make_article(
        title="Council approves €40m plan for 300 homes in Tuam",
        slug="council-approves-plan-for-homes-in-tuam",
        standfirst="Councillors voted 21 to 6 in favour after a long debate.",
        body=(
            "<p>Councillors have approved plans for 300 homes.</p>"
            "<h2>Traffic concerns</h2>"
            "<blockquote><p>“We cannot keep saying no.”</p></blockquote>"
            '<p>More from <a href="https://www.gov.ie/">the department</a>.</p>'
        ),
        section=news,
        lead_image=picture,
        authors=[(reporter, "reporter"), (professor, "writer")],
        tags=["Housing", "Planning"],
        published_at=now - timedelta(hours=2),
    )
    make_correction(article, text="An earlier version gave the wrong figure.")
    for hours in (3, 5):
        make_article(
            section=news,
            authors=[reporter],
            tags=["Housing"],
            published_at=now - timedelta(hours=hours),
        )
    make_article(
        title="Our seas are the country's least defended asset",
        slug="our-seas-are-least-defended",
        standfirst="Neutrality needs ships, writes Helen Rafferty.",
        kind="opinion",
        section=opinion,
        authors=[professor],
        tags=["Defence"],
        published_at=now - timedelta(hours=4),
    )
    # Live coverage: its card says "Live" and, on the front page, its latest line.
    storm = make_article(
        title="Storm Éowyn: live updates",
        section=news,
        authors=[reporter],
        live_state=Article.LiveState.LIVE,
        published_at=now - timedelta(hours=1),
    )
    make_entry(storm, headline="Red warning", body="<p>A red warning is issued.</p>")
    make_entry(storm, body="<p>Ferries from Galway are cancelled.</p>", key_event=True)
    # A story told with one of every body element.
    shots = [
        make_image(
            file=image_upload(width=800, height=450),
            alt_text=f"The new pier from the {side}",
            caption=f"The pier from the {side}.",
            credit="Keith Dolan",
        )
        for side in ("quay", "water", "air")
    ]
    told = make_article(
        title="The new pier, told in pictures, figures and voices",
        section=news,
        authors=[reporter],
        body=EVERY_ELEMENT.format(
            picture=shots[0].pk,
            first=shots[1].pk,
            second=shots[2].pk,
            article=article.pk,
        ),
        published_at=now - timedelta(hours=6),
    )
    # A sent newsletter edition: its web archive page and its newsletter's.
    wrap = create_demo_newsletters()[0]
    edition = Edition.objects.create(
        newsletter=wrap,
        subject="News Wrap, the day's highlights",
        intro='<p>Good afternoon. <a href="/news/">The news</a> first.</p>',
        status=Edition.Status.SENT,
        scheduled_for=now - timedelta(minutes=30),
    )
    for position, story in enumerate((article, storm)):
        EditionArticle.objects.create(edition=edition, article=story, position=position)
    # A static page with every body element, nested, linked from the footer.
    make_page(
        title="About the pier project",
        path="/about/pier/",
        in_footer=True,
        body=EVERY_ELEMENT.format(
            picture=shots[0].pk,
            first=shots[1].pk,
            second=shots[2].pk,
            article=article.pk,
        ),
    )
    return {
        "home": "/",
        "live": storm.get_absolute_url(),
        "section": news.get_absolute_url(),
        "article": article.get_absolute_url(),
        "elements": told.get_absolute_url(),
        "author": reporter.get_absolute_url(),
        "tag": "/tags/housing/",
        # Results with highlighted snippets, and a misspelling's suggestion.
        "search": "/search/?q=homes",
        "search-suggestion": "/search/?q=counsil",
        "newsletters": "/newsletters/",
        "newsletter": wrap.get_absolute_url(),
        "edition": edition.get_absolute_url(),
        "delivery": "/delivery/",
        "static-page": "/about/pier/",
    }


READER_PAGES = [
    "home",
    "live",
    "section",
    "article",
    "elements",
    "author",
    "tag",
    "search",
    "search-suggestion",
    "newsletters",
    "newsletter",
    "edition",
    "delivery",
    "static-page",
]


@pytest.mark.parametrize("name", READER_PAGES)
def test_reader_page_is_accessible_at_both_widths_in_both_schemes(
    name, live_server, paper, browser, axe_source
):
    """
    Each page readers use passes WCAG 2.2 AA, axe's best practices and the
    AAA contrast rule (7:1 for body text) at 390 and 1280px, in the light
    and the dark colour scheme. One browser page serves the four scans.
    """
    create_demo_newsletters()
    url = f"{live_server.url}{paper[name]}"
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    context.route("**/media/**", serve_media)
    page = context.new_page()
    try:
        for viewport in ("phone", "desktop"):
            page.set_viewport_size(VIEWPORTS[viewport])
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                response = page.goto(url)
                assert response.status == 200, url
                results = axe_scan(
                    page,
                    axe_source,
                    WCAG_AND_BEST_PRACTICE,
                    rules={"color-contrast-enhanced": True},
                )
                violations = results["violations"]
                assert not violations, (
                    f"{len(violations)} problem(s) on {url} at {viewport} width "
                    f"in the {scheme} scheme:\n" + format_violations(violations)
                )
                assert len(results["passes"]) > 10, "axe ran hardly any checks"
    finally:
        context.close()


def test_arranged_front_page_is_accessible(live_server, paper, assert_accessible):
    """
    A front page editors arranged: a pinned lead, top stories (one a text
    card, without a picture), a section block and the latest list.
    """
    opinion_piece = Article.objects.get(slug="our-seas-are-least-defended")
    lead = FrontPageSlot.objects.create(kind=FrontPageSlot.Kind.LEAD, position=0)
    FrontPagePin.objects.create(slot=lead, article=opinion_piece)
    FrontPageSlot.objects.create(kind=FrontPageSlot.Kind.TOP, position=1, size=2)
    FrontPageSlot.objects.create(
        kind=FrontPageSlot.Kind.SECTION,
        position=2,
        rule_section=Section.objects.get(slug="news"),
    )
    FrontPageSlot.objects.create(kind=FrontPageSlot.Kind.LATEST, position=3, size=5)
    results = assert_accessible(f"{live_server.url}/")
    assert len(results["passes"]) > 10, "axe ran hardly any checks"


def test_admin_login_page_meets_wcag(live_server, assert_accessible):
    """
    Editors sign in at any width without a WCAG barrier. (Django's own login
    page has no h1, which axe's best practices ask for; WCAG does not.)
    """
    results = assert_accessible(f"{live_server.url}/admin/login/", tags=WCAG)
    assert results["passes"], "axe ran no checks at all"


def test_the_scan_reports_what_it_finds(page, axe_source):
    """An image without alt text is caught and described, so a pass means something."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main>')
    results = axe_scan(page, axe_source, ["wcag2a"])
    found = {violation["id"] for violation in results["violations"]}
    assert "image-alt" in found
    assert "image-alt" in format_violations(results["violations"])


def test_the_scan_waits_for_the_pages_web_fonts(live_server, page, axe_source):
    """
    An icon font still on its way (here over a slow network) is waited for,
    so axe takes the body editor's "format_bold" for the icon it shows, not
    for words missing from the button's name. As in the body editor, the
    button is made by a script after the page has loaded, so its font is
    fetched only then.
    """
    font = static("django_prose_editor/material-icons.woff2")
    # Any page of the live server, so that the font is fetched from its origin.
    page.goto(f"{live_server.url}{font}.missing")
    page.set_content(
        f"""<html lang="en"><title>t</title><style>
        @font-face {{font-family: "Material Icons"; src: url({font}) format("woff2")}}
        .icon {{font-family: "Material Icons"; font-size: 24px}}
        </style><main></main>"""
    )
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 2_000,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )
    page.locator("main").evaluate(
        """main => main.innerHTML =
        '<button class="icon" aria-label="bold">format_bold</button>'"""
    )
    results = axe_scan(page, axe_source)
    assert not results["violations"], format_violations(results["violations"])
    assert page.evaluate("""document.fonts.check('24px "Material Icons"')""")
    passed = {rule["id"] for rule in results["passes"]}
    assert "label-content-name-mismatch" in passed
