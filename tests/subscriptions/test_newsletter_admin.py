"""The newsletter admin: ordered editions, previews, test copies, progress."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from subscriptions.models import Edition, EditionArticle, EditionSend, Subscription
from tests.factories import make_article, make_staff

from .factories import make_newsletter, make_subscription

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/subscriptions/edition/"


def make_edition(newsletter=None, articles=(), **kwargs):
    kwargs.setdefault("subject", "News Wrap, Friday")
    kwargs.setdefault("intro", "Good afternoon.")
    kwargs.setdefault("scheduled_for", timezone.now() + timedelta(hours=1))
    edition = Edition.objects.create(
        newsletter=newsletter or make_newsletter(), **kwargs
    )
    for position, article in enumerate(articles):
        EditionArticle.objects.create(
            edition=edition, article=article, position=position
        )
    return edition


def test_edition_admin_needs_a_login_and_the_permission(client):
    """Anonymous → login page; staff without permission → 403."""
    edition = make_edition()
    preview = f"{CHANGELIST}{edition.pk}/preview/html/"

    assert client.get(CHANGELIST)["Location"].startswith("/admin/login/")
    assert client.get(preview)["Location"].startswith("/admin/login/")
    client.force_login(make_staff("desk"))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(preview).status_code == 403


def test_changelist_shows_progress_in_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    """Queued, sent and failed counts come from one annotated query, no N+1."""
    newsletter = make_newsletter()
    subscriptions = [make_subscription(newsletter=newsletter) for _ in range(4)]
    edition = make_edition(newsletter, status=Edition.Status.SENDING)
    for subscription, status in zip(
        subscriptions,
        [
            EditionSend.Status.SENT,
            EditionSend.Status.SENT,
            EditionSend.Status.FAILED,
            EditionSend.Status.QUEUED,
        ],
        strict=True,
    ):
        EditionSend.objects.create(
            edition=edition, subscription=subscription, status=status
        )
    admin_client.get(CHANGELIST)  # warm up the session and content types
    with django_assert_max_num_queries(100) as one:
        response = admin_client.get(CHANGELIST)
    assert "1 queued, 0 sending, 2 sent, 1 failed" in response.content.decode()

    for _ in range(5):
        make_edition(newsletter, status=Edition.Status.SENT)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert admin_client.get(CHANGELIST).status_code == 200


def test_preview_shows_the_edition_as_html_and_as_plain_text(admin_client, settings):
    """Both parts, with the articles in order and absolute links."""
    settings.SITE_URL = "https://news.example.org"
    first = make_article(title="Harbour plan approved")
    second = make_article(title="Ferry timetable changes")
    edition = make_edition(articles=[first, second])

    html = admin_client.get(f"{CHANGELIST}{edition.pk}/preview/html/")
    text = admin_client.get(f"{CHANGELIST}{edition.pk}/preview/text/")

    assert html["Content-Type"].startswith("text/html")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    for response in (html, text):
        body = response.content.decode()
        assert "Good afternoon." in body
        assert body.index("Harbour plan approved") < body.index("Ferry timetable")
        assert f"https://news.example.org{first.get_absolute_url()}" in body


def test_change_page_links_to_previews_and_test_copy(admin_client):
    """The editor finds the previews and the test copy on the edition's page."""
    edition = make_edition()

    content = admin_client.get(f"{CHANGELIST}{edition.pk}/change/").content.decode()

    assert f"{CHANGELIST}{edition.pk}/preview/html/" in content
    assert f"{CHANGELIST}{edition.pk}/preview/text/" in content
    assert f"{CHANGELIST}{edition.pk}/test-copy/" in content


def test_test_copy_goes_to_the_given_address_only(admin_client):
    """A marked copy goes to the editor's address; no subscriber is mailed."""
    newsletter = make_newsletter()
    make_subscription(newsletter=newsletter)
    edition = make_edition(newsletter, articles=[make_article()])

    response = admin_client.post(
        f"{CHANGELIST}{edition.pk}/test-copy/", {"email": "editor@example.com"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@example.com"]
    assert message.subject == "[Test] News Wrap, Friday"
    assert "List-Unsubscribe" in message.extra_headers
    assert EditionSend.objects.count() == 0
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_test_copy_to_a_bad_address_says_so_and_sends_nothing(admin_client):
    """The form shows the error and keeps what was typed."""
    edition = make_edition()

    response = admin_client.post(
        f"{CHANGELIST}{edition.pk}/test-copy/", {"email": "editor@"}
    )

    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert b'value="editor@"' in response.content
    assert mail.outbox == []


def test_editor_prepares_an_edition_with_ordered_articles(admin_client):
    """Pick, order, subject and intro; the editor is recorded."""
    newsletter = make_newsletter()
    first, second = make_article(), make_article()
    when = (timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    data = {
        "newsletter": newsletter.pk,
        "subject": "Special edition",
        "intro": "Election results.",
        "status": Edition.Status.SCHEDULED,
        "scheduled_for_0": when[:10],
        "scheduled_for_1": when[11:],
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-article": second.pk,
        "items-0-position": "1",
        "items-1-article": first.pk,
        "items-1-position": "2",
    }

    response = admin_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, response.context["errors"]
    edition = Edition.objects.get()
    assert edition.ordered_articles() == [second, first]
    assert edition.status == Edition.Status.SCHEDULED
    assert edition.created_by.username == "admin"


def test_editors_cannot_mark_an_edition_sent_and_sent_ones_are_read_only(
    admin_client,
):
    """Only draft and scheduled are offered; a sent edition has no editable field."""
    draft = make_edition()
    sent = make_edition(status=Edition.Status.SENT)

    draft_page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    sent_page = admin_client.get(f"{CHANGELIST}{sent.pk}/change/").content.decode()

    assert 'value="scheduled"' in draft_page
    assert 'value="sent"' not in draft_page
    assert 'name="subject"' not in sent_page


def test_subscription_admin_searches_and_filters(admin_client):
    """Circulation staff find a reader by address and filter by status."""
    make_subscription(email="findme@example.com")
    make_subscription(email="other@example.com", status=Subscription.Status.PENDING)

    found = admin_client.get("/admin/subscriptions/subscription/?q=findme")
    pending = admin_client.get("/admin/subscriptions/subscription/?status=pending")

    assert b"findme@example.com" in found.content
    assert b"other@example.com" not in found.content
    assert b"other@example.com" in pending.content
    assert b"findme@example.com" not in pending.content


def test_newsletter_admin_edits_the_schedule_with_day_boxes(admin_client):
    """Days of the week are tick boxes; the choice is stored and shown again."""
    newsletter = make_newsletter()
    url = f"/admin/subscriptions/newsletter/{newsletter.pk}/change/"
    data = {
        "name": newsletter.name,
        "slug": newsletter.slug,
        "pitch": newsletter.pitch,
        "rhythm": "Every Monday and Thursday",
        "is_active": "on",
        "send_time": "07:30:00",
        "send_days": ["thu", "mon"],
        "time_zone": "Europe/Dublin",
        "minimum_articles": "2",
        "maximum_articles": "10",
        "position": "0",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.send_days == ["mon", "thu"]
    page = admin_client.get(url).content.decode()
    checked = re.findall(r'name="send_days" value="(\w+)" id="[^"]+" checked', page)
    assert checked == ["mon", "thu"]
    bad = admin_client.post(url, {**data, "time_zone": "Mars/Olympus"})
    assert b"not a time zone name" in bad.content


def test_staff_unsubscribe_selected_subscriptions_but_cannot_confirm_them(
    admin_client,
):
    """The action unsubscribes at once; status and address are read-only."""
    subscription = make_subscription(status=Subscription.Status.PENDING)

    response = admin_client.post(
        "/admin/subscriptions/subscription/",
        {"action": "unsubscribe", "_selected_action": [subscription.pk]},
    )
    page = admin_client.get(
        f"/admin/subscriptions/subscription/{subscription.pk}/change/"
    )

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert b'name="status"' not in page.content
    assert b'name="email"' not in page.content


def test_new_edition_for_a_newsletter_defaults_to_its_next_regular_time(
    admin_client,
):
    """Adding from a newsletter proposes the time the edition would go out."""
    newsletter = make_newsletter(send_time=time(13, 0))
    next_slot = timezone.localtime(newsletter.next_slot())

    page = admin_client.get(f"{CHANGELIST}add/?newsletter={newsletter.pk}")
    nonsense = admin_client.get(f"{CHANGELIST}add/?newsletter=abc")

    assert f'name="scheduled_for_0" value="{next_slot:%d/%m/%Y}"' in page.text
    assert 'name="scheduled_for_1" value="13:00:00"' in page.text
    assert nonsense.status_code == 200


def test_preview_page_frames_the_mail_at_desktop_and_phone_widths(admin_client):
    """
    The editor sees the mail as it will arrive: the HTML part framed at a
    reading pane's width and a phone's, which the HTML part allows (same
    origin only), beside the plain text and the test copy.
    """
    edition = make_edition(articles=[make_article(title="Harbour plan approved")])

    page = admin_client.get(f"{CHANGELIST}{edition.pk}/preview/")
    html = admin_client.get(f"{CHANGELIST}{edition.pk}/preview/html/")

    frames = re.findall(r'<iframe src="([^"]+)" width="(\d+)"', page.content.decode())
    assert frames == [
        (f"{CHANGELIST}{edition.pk}/preview/html/", "680"),
        (f"{CHANGELIST}{edition.pk}/preview/html/", "360"),
    ]
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in html["Content-Security-Policy"]
    assert f"{CHANGELIST}{edition.pk}/preview/text/" in page.content.decode()
    assert f"{CHANGELIST}{edition.pk}/test-copy/" in page.content.decode()
    change = admin_client.get(f"{CHANGELIST}{edition.pk}/change/").content.decode()
    assert f"{CHANGELIST}{edition.pk}/preview/" in change


def test_the_editors_note_is_written_in_the_body_editor_and_cleaned(admin_client):
    """The note's field is the body's editor; what it may not hold is dropped."""
    newsletter = make_newsletter()
    form = admin_client.get(f"{CHANGELIST}add/")
    assert "prose-editor" in form.content.decode()
    assert "sha256-" in form["Content-Security-Policy"]

    admin_client.post(
        f"{CHANGELIST}add/",
        {
            "newsletter": newsletter.pk,
            "subject": "News Wrap, Friday",
            "intro": '<p>Hello <a href="https://example.org/">there</a>'
            '<script>alert(1)</script></p><p onclick="x()">Bye</p>',
            "status": Edition.Status.DRAFT,
            "scheduled_for_0": "2030-01-04",
            "scheduled_for_1": "13:00",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )

    edition = Edition.objects.get()
    assert edition.intro == (
        '<p>Hello <a href="https://example.org/">there</a></p><p>Bye</p>'
    )


def test_only_a_sent_edition_offers_its_public_page(admin_client):
    draft = make_edition()
    sent = make_edition(
        newsletter=draft.newsletter,
        status=Edition.Status.SENT,
        scheduled_for=timezone.now() - timedelta(days=1),
    )

    draft_page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    sent_page = admin_client.get(f"{CHANGELIST}{sent.pk}/change/").content.decode()

    assert "viewsitelink" not in draft_page
    assert f'href="{sent.get_absolute_url()}" class="viewsitelink"' in sent_page
