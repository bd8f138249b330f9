"""
Readers and the circulation desk, end to end in a real Chromium: every page
on the way is scanned with axe-core, and any Content Security Policy
violation the browser reports fails the test. Email crosses a real SMTP
conversation with a local server (aiosmtpd) and the links in it are followed
as a reader would; nothing is sent until `deliver_pending_mail()` has run
what sends mail in production.
"""

import re
from datetime import timedelta

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from subscriptions.delivery import delivery_earliest_start
from subscriptions.demo import create_demo_delivery_areas, create_demo_newsletters
from subscriptions.models import DeliveryRequest, Subscription
from tests.browser.conftest import (
    VIEWPORTS,
    WCAG_AND_BEST_PRACTICE,
    axe_scan,
    format_violations,
)
from tests.factories import make_article, make_member
from tests.subscriptions.smtp import SMTPSink

pytestmark = pytest.mark.browser

READER = "orla.keane@example.ie"
DESK = "circulation@news.example.ie"
STAFF_PASSWORD = "correct horse battery"  # tests.factories.make_staff's
# The admin is held to the same rules as the public pages except for two
# best practices (not WCAG) its Django-made pages miss: the login page has no
# h1, and the list's search box is labelled by its magnifier icon's alt text.
ADMIN_RULES_OFF = ["page-has-heading-one", "label-title-only"]


def deliver_pending_mail():
    """
    Send the mail the site has queued, as production's worker does: one
    pass of `manage.py db_worker --batch` over every queue. Its Worker runs
    here in this process; the command itself would also take over the test
    process's signal handlers and logging levels for good.
    """
    Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        backend_name="default",
        batch=True,
        interval=0,
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-journey",
    ).run()


@pytest.fixture
def mail_server(settings, live_server):
    """
    A real SMTP server the site sends through, tasks queued in the database
    for the worker, and absolute links in emails that lead to the live server.
    """
    with SMTPSink() as sink:
        settings.MAILERS = sink.mailers_setting()
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        settings.SITE_URL = live_server.url
        settings.CIRCULATION_DESK_EMAIL = DESK
        yield sink


def emails_to(sink, address):
    return [message for rcpts, message in sink.messages if address in rcpts]


def link_in(message, path):
    """The absolute link to `path`… in the plain-text part of an email."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(rf"https?://\S+{re.escape(path)}\S*", text)
    assert found, f"No link to {path}… in:\n{text}"
    return found.group(0)


class Visitor:
    """
    One person's browser. `scan()` runs axe on the page shown; every page
    also reports its CSP violations (the `securitypolicyviolation` event,
    forwarded by a binding, which the page's own CSP cannot block) and
    console errors, and `scan()` fails on any seen so far.
    """

    def __init__(self, browser, axe_source, viewport, rules_off):
        self.axe_source = axe_source
        self.rules_off = rules_off
        self.csp_violations = []
        self.console_errors = []
        self.context = browser.new_context(viewport=VIEWPORTS[viewport])
        self.context.expose_binding(
            "reportCspViolation",
            lambda source, violation: self.csp_violations.append(violation),
        )
        self.context.add_init_script(
            """
            document.addEventListener("securitypolicyviolation", (event) => {
              window.reportCspViolation(
                `${event.violatedDirective} refused ${event.blockedURI || "inline"}` +
                ` on ${event.documentURI} (${event.sourceFile}:${event.lineNumber})`
              );
            });
            """
        )
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({self.page.url})")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        self.scan()

    def scan(self):
        """Fail on an accessibility problem, a CSP violation or a script error."""
        self.page.wait_for_load_state()
        results = axe_scan(
            self.page,
            self.axe_source,
            WCAG_AND_BEST_PRACTICE,
            rules=dict.fromkeys(self.rules_off, False),
        )
        assert len(results["passes"]) > 5, f"axe hardly ran on {self.page.url}"
        violations = results["violations"]
        assert not violations, (
            f"{len(violations)} accessibility problem(s) on {self.page.url}:\n"
            + format_violations(violations)
        )
        self.assert_no_browser_problems()

    def assert_no_browser_problems(self):
        assert self.csp_violations == [], "\n".join(self.csp_violations)
        assert self.console_errors == [], "\n".join(self.console_errors)

    def close(self):
        self.context.close()


@pytest.fixture
def visitors(browser, axe_source):
    """Open browsers for people: `visitors("phone")` is a reader on a phone."""
    opened = []

    def visitor(viewport="phone", rules_off=()):
        opened.append(Visitor(browser, axe_source, viewport, list(rules_off)))
        return opened[-1]

    yield visitor
    for opened_visitor in opened:
        opened_visitor.assert_no_browser_problems()
        opened_visitor.close()


@pytest.mark.django_db(transaction=True)
def test_reader_signs_up_on_an_article_confirms_by_email_changes_and_unsubscribes(
    live_server, mail_server, visitors
):
    """
    Article → sign-up → the confirmation email's link → confirmed → manage
    newsletters (adding one) → the email's unsubscribe link → unsubscribed
    from that newsletter only. One email in all.
    """
    news_wrap, the_week = create_demo_newsletters()
    article = make_article(title="Council approves the harbour plan")
    reader = visitors("phone")
    page = reader.page

    # A reader reads an article and signs up in its News Wrap promo.
    reader.visit(live_server.url + article.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == article.title
    promo = page.locator(f"#newsletter-{news_wrap.slug}")
    promo.get_by_label("Email address").fill(READER)
    promo.get_by_role("checkbox").check()
    promo.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/newsletters/check-your-inbox/")
    page.get_by_role("heading", name="Check your inbox").wait_for()
    reader.scan()

    # The confirmation goes out through the mail server, not before.
    assert mail_server.messages == []
    deliver_pending_mail()
    [confirmation] = emails_to(mail_server, READER)
    assert "News Wrap" in confirmation["Subject"]

    # Its link opens a page whose button confirms.
    reader.visit(link_in(confirmation, "/newsletters/confirm/"))
    page.get_by_role("button", name="Yes, confirm my subscription").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    reader.scan()

    # From there the reader manages their newsletters and adds The Week.
    page.get_by_role("link", name="Manage your newsletters").click()
    page.get_by_role("heading", name="Your newsletters").wait_for()
    reader.scan()
    assert page.get_by_label(news_wrap.name).is_checked()
    page.get_by_label(the_week.name).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your choices are saved.").wait_for()
    reader.scan()
    assert page.get_by_label(the_week.name).is_checked()

    # The unsubscribe link in the email stops News Wrap, and only News Wrap.
    reader.visit(link_in(confirmation, "/newsletters/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    reader.scan()

    statuses = dict(
        Subscription.objects.filter(email=READER).values_list(
            "newsletter__slug", "status"
        )
    )
    assert statuses == {
        news_wrap.slug: Subscription.Status.UNSUBSCRIBED,
        the_week.slug: Subscription.Status.CONFIRMED,
    }
    assert len(mail_server.messages) == 1


def circulation_desk_member():
    """Dana, in the Circulation group (made again, as its migration makes it)."""
    return make_member("dana", "Circulation", first_name="Dana", last_name="Walsh")


@pytest.mark.django_db(transaction=True)
def test_reader_requests_delivery_and_the_circulation_desk_takes_it_to_active(
    live_server, mail_server, visitors
):
    """
    Article → delivery form → the reference, on the page and in the reader's
    email → the desk's notification email links to the request in the admin
    → sign in → assigned and moved to contacted, scheduled and active with a
    note each, all recorded under the desk member's name.
    """
    create_demo_delivery_areas()
    article = make_article(title="Athlone's new bridge opens to traffic")
    desk_member = circulation_desk_member()
    reader = visitors("phone")
    page = reader.page

    # From an article, a reader asks for home delivery.
    reader.visit(live_server.url + article.get_absolute_url())
    page.get_by_role("link", name="Ask for home delivery").click()
    page.get_by_role("heading", level=1).wait_for()
    reader.scan()
    page.get_by_label("Full name").fill("Orla Keane")
    page.get_by_label("Email address").fill(READER)
    page.get_by_label("Phone number").fill("087 123 4567")
    page.get_by_label("Address line 1").fill("12 Church Street")
    page.get_by_label("Town").fill("Athlone")
    page.get_by_label("County").select_option("Westmeath")
    page.get_by_label("Eircode").fill("N37 X2Y3")
    page.get_by_label("Saturday").check()
    page.get_by_label("Sunday").check()
    start = delivery_earliest_start() + timedelta(days=3)
    page.get_by_label("Preferred start date").fill(start.isoformat())
    page.get_by_label("I agree to the terms").check()
    page.get_by_role("button", name="Request delivery").click()

    # They see their reference, and it is in the email that follows.
    page.get_by_role("heading", name="Thank you, we have your request").wait_for()
    reader.scan()
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"HD-[2-9A-Z]{6}", reference)
    assert mail_server.messages == []
    deliver_pending_mail()
    [receipt] = emails_to(mail_server, READER)
    assert reference in receipt["Subject"]
    [notification] = emails_to(mail_server, DESK)
    assert "Athlone" in notification["Subject"]

    # The desk follows the notification's link and signs in to the admin.
    staff = visitors("desktop", rules_off=ADMIN_RULES_OFF)
    admin = staff.page
    staff.visit(link_in(notification, "/admin/subscriptions/deliveryrequest/"))
    admin.get_by_label("Username").fill(desk_member.username)
    admin.get_by_label("Password").fill(STAFF_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("heading", name=reference).wait_for()
    staff.scan()

    # Contacted (taking it on), scheduled, then active: each from the form.
    steps = [
        ("contacted", "Rang Orla; Saturday and Sunday suit."),
        ("scheduled", "Lyons Newsagents start on the agreed date."),
        ("active", "First paper delivered."),
    ]
    for status, note in steps:
        if status == "contacted":
            admin.get_by_label("Assigned to").select_option(str(desk_member.pk))
        admin.get_by_label("Move to").select_option(status)
        admin.get_by_label("Note").fill(note)
        admin.get_by_role("button", name="Save and continue editing").click()
        admin.locator(".messagelist").wait_for()
        staff.scan()

    delivery_request = DeliveryRequest.objects.get(reference=reference)
    assert delivery_request.status == DeliveryRequest.Status.ACTIVE
    assert delivery_request.assigned_to == desk_member
    moves = delivery_request.events.filter(kind="status")
    assert [(e.to_status, e.note) for e in moves] == steps
    assert {e.actor for e in moves} == {desk_member}
    for _, note in steps:
        assert admin.get_by_text(note).first.is_visible()

    # The list the desk works from shows it active.
    admin.goto(f"{live_server.url}/admin/subscriptions/deliveryrequest/")
    staff.scan()
    row = admin.get_by_role("row").filter(has_text=reference)
    assert "Active" in row.inner_text()


def test_a_csp_violation_fails_the_journey(visitors):
    """
    An inline script the page's CSP refuses is reported and fails the scan,
    so a pass means something. (A page served by the browser itself: no
    database or server needed.)
    """
    reader = visitors("phone")
    reader.page.route(
        "https://paper.test/",
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body=(
                '<!doctype html><html lang="en"><title>Paper</title><main>'
                "<h1>Paper</h1><p>Text.</p>"
                "<script>document.title = 'injected'</script></main></html>"
            ),
        ),
    )
    reader.page.goto("https://paper.test/")
    assert reader.page.title() == "Paper"
    with pytest.raises(AssertionError, match="script-src"):
        reader.scan()
    reader.csp_violations.clear()
    reader.console_errors.clear()
