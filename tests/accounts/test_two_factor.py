"""
The second factor at sign-in: who must use one (STAFF_TWO_FACTOR), the gate
that keeps a password-only session out of the admin, adding an authenticator
app, codes used once, recovery codes, the lockout, and the record of every
change for superusers.
"""

import io
import re
import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts import totp, two_factor
from accounts.models import (
    LoginAttempt,
    Passkey,
    RecoveryCode,
    TOTPDevice,
    TwoFactorEvent,
)
from articles import roles
from tests.factories import make_member, make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
OVERVIEW = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
AUTHENTICATOR = "/admin/two-factor/authenticator/"


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.STAFF_TWO_FACTOR = "editors"
    settings.LOGIN_LOCKOUT_FAILURES = 5
    settings.LOGIN_LOCKOUT_SECONDS = 900


def sign_in(client, user, address="192.0.2.10"):
    """Sign in through the admin's password form, as a person does."""
    response = client.post(
        "/admin/login/",
        {"username": user.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302, response.text
    return response


def with_authenticator(user, secret=None):
    return TOTPDevice.objects.create(user=user, secret=secret or totp.new_secret())


def current_code(device):
    return totp.code_at(totp.secret_key(device.secret), totp.step_at(time.time()))


def verify(client, factor, code, address="192.0.2.10", next="/admin/"):
    return client.post(
        VERIFY,
        {"factor": factor, f"{factor}-code": code, "next": next},
        REMOTE_ADDR=address,
    )


def admin_pages():
    """The admin's index, each app's index, and each model's list and add page."""
    pages = {reverse("admin:index"), reverse("admin:password_change")}
    for model in admin.site._registry:
        meta = model._meta
        pages.add(reverse("admin:app_list", args=[meta.app_label]))
        pages.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return sorted(pages)


def test_the_default_policy_is_editors():
    from newsroom import settings as project_settings

    assert project_settings.STAFF_TWO_FACTOR == "editors"


def test_the_editor_group_is_the_articles_editor_role():
    assert two_factor.EDITOR_GROUP == roles.EDITOR


@pytest.mark.parametrize(
    ("policy", "superuser", "editor", "writer", "staff"),
    [
        ("editors", True, True, False, False),
        ("all", True, True, True, True),
        ("off", False, False, False, False),
    ],
)
def test_who_must_use_a_second_factor(
    settings, policy, superuser, editor, writer, staff
):
    settings.STAFF_TWO_FACTOR = policy
    people = {
        "superuser": User.objects.create_superuser("boss", "b@example.org", "x"),
        "editor": make_member("ed", roles.EDITOR),
        "writer": make_member("wri", roles.WRITER),
        "staff": make_staff("plain"),
    }
    expected = {"superuser": superuser, "editor": editor, "writer": writer}
    expected["staff"] = staff
    assert {name: two_factor.must_use(u) for name, u in people.items()} == expected
    reader = User.objects.create_user("reader")
    assert not two_factor.must_use(reader)


def test_an_editor_without_a_factor_reaches_only_the_enrolment_pages(client):
    editor = make_member("editor", roles.EDITOR)
    sign_in(client, editor)

    for page in admin_pages():
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == OVERVIEW, page
    for page in (OVERVIEW, AUTHENTICATOR, "/admin/two-factor/passkeys/add/"):
        assert client.get(page).status_code == 200, page
    assert "must sign in with a second factor" in client.get(OVERVIEW).text
    # A verification page with nothing to verify sends them on (to the gate).
    assert client.get(VERIFY).status_code == 302
    # Reading pages are not the admin's: they answer as to anyone.
    assert client.get("/").status_code == 200


def test_a_superuser_without_a_factor_is_kept_out_too(client):
    boss = User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    sign_in(client, boss)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/twofactorevent/")["Location"] == OVERVIEW


def test_with_the_policy_off_an_editor_signs_in_with_a_password(client, settings):
    settings.STAFF_TWO_FACTOR = "off"
    sign_in(client, make_member("editor", roles.EDITOR))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 200


def test_the_all_policy_gates_a_writer_and_editors_does_not(client, settings):
    writer = make_member("writer", roles.WRITER)
    sign_in(client, writer)
    assert client.get("/admin/articles/article/").status_code == 200

    settings.STAFF_TWO_FACTOR = "all"
    assert client.get("/admin/articles/article/")["Location"] == OVERVIEW


def test_someone_with_a_factor_is_asked_for_it_even_when_not_required(client, settings):
    settings.STAFF_TWO_FACTOR = "off"
    writer = make_member("writer", roles.WRITER)
    device = with_authenticator(writer)
    sign_in(client, writer)

    response = client.get("/admin/articles/article/?status=draft")
    assert response.status_code == 302
    assert response["Location"] == (
        f"{VERIFY}?next=%2Fadmin%2Farticles%2Farticle%2F%3Fstatus%3Ddraft"
    )
    # Adding a factor of one's own is closed too: the password alone must not
    # let someone put their own phone on the account.
    assert client.get(AUTHENTICATOR)["Location"].startswith(VERIFY)
    assert client.get(OVERVIEW)["Location"].startswith(VERIFY)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Authenticator app" in page.text
    done = verify(
        client, "authenticator", current_code(device), next="/admin/articles/article/"
    )
    assert done["Location"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200


def test_verification_never_sends_anyone_to_another_site(client):
    writer = make_member("writer", roles.WRITER)
    device = with_authenticator(writer)
    sign_in(client, writer)
    done = verify(
        client, "authenticator", current_code(device), next="https://evil.example/"
    )
    assert done["Location"] == "/admin/"


def test_setting_up_an_authenticator_app_then_signing_in_with_it(client):
    editor = make_member("editor", roles.EDITOR)
    sign_in(client, editor)

    page = client.get(AUTHENTICATOR)
    assert "<svg" in page.text and 'role="img"' in page.text
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page.text).group(1)
    key = totp.secret_key(secret)

    wrong = client.post(AUTHENTICATOR, {"code": "000 000"})
    assert wrong.status_code == 200
    assert "That code does not match" in wrong.text
    assert 'value="000 000"' in wrong.text
    assert not TOTPDevice.objects.exists()

    code = totp.code_at(key, totp.step_at(time.time()))
    done = client.post(AUTHENTICATOR, {"code": code})
    assert done["Location"] == "/admin/two-factor/recovery-codes/"
    codes_page = client.get(done["Location"])
    codes = re.findall(
        r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", codes_page.text
    )
    assert len(set(codes)) == 10
    # Shown once.
    assert "<code>" not in client.get(done["Location"]).text
    assert client.get("/admin/").status_code == 200

    kinds = list(
        TwoFactorEvent.objects.order_by("happened_at").values_list("kind", "factor")
    )
    assert kinds == [("enrolled", "authenticator"), ("codes-made", "recovery-code")]
    assert RecoveryCode.objects.filter(user=editor).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()

    # The code that set the app up cannot also sign in.
    other = Client()
    sign_in(other, editor)
    assert "not right" in verify(other, "authenticator", code).text
    assert other.get("/admin/").status_code == 302


def test_a_code_is_accepted_once(client):
    editor = make_member("editor", roles.EDITOR)
    device = with_authenticator(editor)
    code = current_code(device)
    sign_in(client, editor)
    assert verify(client, "authenticator", code).status_code == 302

    thief = Client()
    sign_in(thief, editor, address="203.0.113.9")
    replay = verify(thief, "authenticator", code, address="203.0.113.9")
    assert replay.status_code == 200
    assert "That code is not right" in replay.text
    assert thief.get("/admin/")["Location"].startswith(VERIFY)


def test_a_recovery_code_signs_in_once(client):
    editor = make_member("editor", roles.EDITOR)
    with_authenticator(editor)
    codes = two_factor.make_recovery_codes(None, editor)
    sign_in(client, editor)

    used = verify(client, "recovery", codes[3].upper())
    assert used["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "recovery code; 9 left" in page.text

    again = Client()
    sign_in(again, editor)
    refused = verify(again, "recovery", codes[3])
    assert "has been used" in refused.text
    assert again.get("/admin/").status_code == 302
    event = TwoFactorEvent.objects.get(kind="code-used")
    assert (event.username, event.detail, event.address) == (
        "editor",
        "9 left",
        "192.0.2.10",
    )


def test_five_wrong_codes_lock_the_account_even_against_the_right_one(client):
    editor = make_member("editor", roles.EDITOR)
    device = with_authenticator(editor)
    sign_in(client, editor)
    for _ in range(5):
        assert verify(client, "authenticator", "000000").status_code == 200

    refused = verify(client, "authenticator", current_code(device))
    assert refused.status_code == 429
    assert 800 < int(refused["Retry-After"]) <= 900
    assert "Too many failed sign-in attempts" in refused.text
    assert client.get("/admin/").status_code == 302
    # Nor does signing in again with the password start a new count.
    again = Client().post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    assert again.status_code == 429

    attempts = list(
        LoginAttempt.objects.order_by("attempted_at").values_list("step", "outcome")
    )
    assert attempts == [
        ("password", "succeeded"),
        *[("authenticator", "failed")] * 5,
        ("authenticator", "refused"),
        ("password", "refused"),
    ]


def test_wrong_recovery_codes_count_towards_the_lockout_too(client):
    editor = make_member("editor", roles.EDITOR)
    with_authenticator(editor)
    codes = two_factor.make_recovery_codes(None, editor)
    sign_in(client, editor)
    for _ in range(5):
        verify(client, "recovery", "aaaa-bbbb-cccc")
    assert verify(client, "recovery", codes[0]).status_code == 429
    assert RecoveryCode.objects.unused().filter(user=editor).count() == 10


def test_second_factor_attempts_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login:address": (3, 600)}
    settings.LOGIN_LOCKOUT_FAILURES = 50
    editor = make_member("editor", roles.EDITOR)
    with_authenticator(editor)
    sign_in(client, editor)
    statuses = [verify(client, "authenticator", "000000").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_removing_the_last_factor_drops_the_recovery_codes_and_is_recorded(client):
    editor = make_member("editor", roles.EDITOR)
    device = with_authenticator(editor)
    two_factor.make_recovery_codes(None, editor)
    sign_in(client, editor)
    verify(client, "authenticator", current_code(device))

    removed = client.post("/admin/two-factor/authenticator/remove/")
    assert removed["Location"] == OVERVIEW
    assert not TOTPDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    event = TwoFactorEvent.objects.filter(kind="removed").get()
    assert (event.user, event.factor) == (editor, "authenticator")
    # An Editor with no factor left is back at the enrolment page.
    assert client.get("/admin/")["Location"] == OVERVIEW


def test_new_recovery_codes_replace_the_old_ones(client):
    editor = make_member("editor", roles.EDITOR)
    device = with_authenticator(editor)
    old = two_factor.make_recovery_codes(None, editor)
    sign_in(client, editor)
    verify(client, "authenticator", current_code(device))

    made = client.post("/admin/two-factor/recovery-codes/")
    page = client.get(made["Location"])
    new = re.findall(r"<code>([a-z2-9-]{14})</code>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.use_recovery_code(None, editor, old[0])
    assert two_factor.use_recovery_code(None, editor, new[0])


def test_the_overview_lists_the_factors_in_few_queries(
    client, django_assert_max_num_queries
):
    editor = make_member("editor", roles.EDITOR)
    device = with_authenticator(editor)
    sign_in(client, editor)
    verify(client, "authenticator", current_code(device))
    with django_assert_max_num_queries(12):
        page = client.get(OVERVIEW)
    assert "Remove authenticator app" in page.text
    assert "10 of 10" not in page.text and "0 of 10 unused" in page.text


def test_superusers_see_the_record_and_nobody_changes_it(client):
    editor = make_member("editor", roles.EDITOR)
    TwoFactorEvent.objects.create(
        user=editor,
        username="editor",
        kind="enrolled",
        factor="passkey",
        detail="Blue key",
    )
    boss = User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    client.force_login(boss)
    listing = client.get("/admin/accounts/twofactorevent/")
    assert listing.status_code == 200
    assert "Blue key" in listing.text
    event = TwoFactorEvent.objects.get()
    change = client.get(f"/admin/accounts/twofactorevent/{event.pk}/change/")
    assert "Save" not in change.text
    assert client.get("/admin/accounts/twofactorevent/add/").status_code == 403
    delete = f"/admin/accounts/twofactorevent/{event.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TwoFactorEvent.objects.exists()

    client.force_login(editor)
    assert client.get("/admin/accounts/twofactorevent/").status_code == 403
    assert "Two-factor events" not in client.get("/admin/").text


def test_a_command_removes_someones_lost_factors(client):
    editor = make_member("editor", roles.EDITOR)
    with_authenticator(editor)
    Passkey.objects.create(
        user=editor, name="Lost key", credential_id="AAAA", public_key=b"x"
    )
    two_factor.make_recovery_codes(None, editor)
    out = io.StringIO()

    call_command("remove_second_factors", "editor", stdout=out)

    assert "Removed 2 second factor(s) of editor" in out.getvalue()
    assert not two_factor.has_factor(editor)
    assert not RecoveryCode.objects.exists()
    removed = TwoFactorEvent.objects.filter(kind="removed")
    assert sorted(removed.values_list("factor", "detail")) == [
        ("authenticator", ""),
        ("passkey", "Lost key"),
    ]
    sign_in(client, editor)
    assert client.get("/admin/")["Location"] == OVERVIEW


def test_the_command_refuses_an_unknown_account_in_one_line():
    with pytest.raises(CommandError, match=r"^There is no account named 'nobody'\.$"):
        call_command("remove_second_factors", "nobody")


def test_replacing_the_authenticator_app_records_both_and_keeps_one(client):
    editor = make_member("editor", roles.EDITOR)
    old = with_authenticator(editor)
    sign_in(client, editor)
    verify(client, "authenticator", current_code(old))

    page = client.get(AUTHENTICATOR)
    assert "Your current app keeps working until this one is set up" in page.text
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page.text).group(1)
    client.post(AUTHENTICATOR, {"code": current_code(TOTPDevice(secret=secret))})

    assert TOTPDevice.objects.get(user=editor).secret == secret.replace(" ", "")
    assert list(
        TwoFactorEvent.objects.order_by("happened_at").values_list("kind", "detail")
    ) == [("removed", "replaced"), ("enrolled", "")]


def test_the_verification_page_asks_in_few_queries(
    client, django_assert_max_num_queries
):
    editor = make_member("editor", roles.EDITOR)
    with_authenticator(editor)
    Passkey.objects.create(
        user=editor, name="Key", credential_id="AAAA", public_key=b"x"
    )
    sign_in(client, editor)
    with django_assert_max_num_queries(12):
        page = client.get(VERIFY)
    assert "Use a passkey" in page.text and "Authenticator app" in page.text
