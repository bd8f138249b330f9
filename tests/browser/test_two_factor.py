"""
Two-factor sign-in in a real browser, at a laptop's and a phone's width: an
Editor sets up an authenticator app from the page's secret and signs in with
its code, adds a passkey in Chromium's virtual authenticator and signs in
with it, uses a recovery code, and without any factor is kept out of the
admin. Every page on the way is free of WCAG barriers.
"""

import time

import pytest
from playwright.sync_api import expect

from accounts import totp, two_factor
from accounts.models import TOTPDevice, TwoFactorEvent
from articles import roles
from tests.browser.conftest import axe_scan, format_violations
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _relying_party(settings, live_server):
    """Passkeys belong to the live server's origin, as they would to SITE_URL."""
    settings.STAFF_TWO_FACTOR = "editors"
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.WEBAUTHN_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")


def assert_accessible(page, axe_source):
    results = axe_scan(page, axe_source)
    assert not results["violations"], f"{page.url}:\n" + format_violations(
        results["violations"]
    )


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.locator("#logout-form button").click()
    page.wait_for_load_state()


def code_for(secret, steps_ahead=0):
    step = totp.step_at(time.time()) + steps_ahead
    return totp.code_at(totp.secret_key(secret), step)


def test_an_editor_without_a_factor_is_kept_out_of_the_admin(
    page, live_server, axe_source
):
    make_member("editor", roles.EDITOR)
    sign_in(page, live_server, "editor")
    assert page.url == f"{live_server.url}/admin/two-factor/"
    expect(page.get_by_text("must sign in with a second factor")).to_be_visible()
    # No menu of pages that would only send them back here.
    assert page.locator("#nav-sidebar").count() == 0
    assert_accessible(page, axe_source)

    for path in ("/admin/articles/article/", "/admin/auth/user/", "/admin/"):
        page.goto(f"{live_server.url}{path}")
        assert page.url == f"{live_server.url}/admin/two-factor/", path


def test_enrol_an_authenticator_app_and_sign_in_with_its_codes(
    page, live_server, axe_source
):
    editor = make_member("editor", roles.EDITOR)
    sign_in(page, live_server, "editor")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_url("**/admin/two-factor/authenticator/")
    assert page.get_by_role("img", name="QR code for your authenticator app").count()
    assert_accessible(page, axe_source)
    secret = page.locator("[data-secret]").inner_text()

    # A wrong code keeps the page, says why, and keeps what was typed.
    page.get_by_label("Code shown by the app").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code does not match")).to_be_visible()
    assert page.get_by_label("Code shown by the app").input_value() == "000000"
    assert_accessible(page, axe_source)

    page.get_by_label("Code shown by the app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/admin/two-factor/recovery-codes/")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="I have kept them").click()
    page.goto(f"{live_server.url}/admin/")
    assert page.url == f"{live_server.url}/admin/"

    sign_out(page)
    sign_in(page, live_server, "editor")
    assert "/admin/two-factor/verify/" in page.url
    assert_accessible(page, axe_source)
    # The code that turned the app on is spent; the next step's is accepted.
    page.get_by_label("Code from your authenticator app").fill(code_for(secret, 1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert TOTPDevice.objects.get(user=editor).last_used_at is not None


def test_sign_in_with_a_recovery_code(page, live_server, axe_source):
    editor = make_member("editor", roles.EDITOR)
    TOTPDevice.objects.create(user=editor, secret=totp.new_secret())
    codes = two_factor.make_recovery_codes(None, editor)
    sign_in(page, live_server, "editor")
    assert "/admin/two-factor/verify/" in page.url

    # The recovery form sits behind a disclosure a keyboard opens.
    page.locator("summary").focus()
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Recovery code").fill(codes[0])
    page.get_by_role("button", name="Use recovery code").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.get_by_text("recovery code; 9 left")).to_be_visible()
    assert_accessible(page, axe_source)

    sign_out(page)
    sign_in(page, live_server, "editor")
    page.locator("summary").click()
    page.get_by_role("textbox", name="Recovery code").fill(codes[0])
    page.get_by_role("button", name="Use recovery code").click()
    expect(page.get_by_text("has been used")).to_be_visible()
    assert page.get_by_role("textbox", name="Recovery code").input_value() == codes[0]
    assert_accessible(page, axe_source)


def test_add_a_passkey_and_sign_in_with_it(page, live_server, axe_source):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    editor = make_member("editor", roles.EDITOR)
    sign_in(page, live_server, "editor")
    page.get_by_role("link", name="Add a passkey or security key").click()
    page.wait_for_url("**/admin/two-factor/passkeys/add/")
    assert_accessible(page, axe_source)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Add passkey").click()
    page.wait_for_url("**/admin/two-factor/recovery-codes/")
    assert editor.passkeys.get().name == "Work laptop"
    page.goto(f"{live_server.url}/admin/two-factor/")
    expect(page.get_by_role("cell", name="Work laptop", exact=True)).to_be_visible()
    assert_accessible(page, axe_source)

    sign_out(page)
    sign_in(page, live_server, "editor")
    assert "/admin/two-factor/verify/" in page.url
    assert_accessible(page, axe_source)
    # A refused answer (here a forged one) is said, and not sent again.
    page.evaluate(
        """() => {
          const form = document.querySelector("form[data-passkey]");
          form.querySelector("input[name$='credential']").value = "{}";
          form.submit();
        }"""
    )
    expect(page.get_by_text("Your passkey was not accepted")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    passkey = editor.passkeys.get()
    assert passkey.last_used_at is not None
    assert list(
        TwoFactorEvent.objects.filter(user=editor)
        .order_by("happened_at")
        .values_list("kind", "detail")
    ) == [("enrolled", "Work laptop"), ("codes-made", "")]
