"""
The admin sign-in lockout: repeated failures for one account or from one
address pause sign-in for a cooling-off period with a clear message, every
attempt is recorded for staff, and other people sign in as usual.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginAttempt
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _lockout(settings):
    settings.LOGIN_LOCKOUT_FAILURES = 5
    settings.LOGIN_LOCKOUT_ADDRESS_FAILURES = 20
    settings.LOGIN_LOCKOUT_SECONDS = 900


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    make_staff("editor")
    for _ in range(5):
        assert sign_in(client, "editor", "wrong").status_code == 200

    response = sign_in(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert 800 < int(response["Retry-After"]) <= 900
    assert "Too many failed sign-in attempts" in response.text
    assert "try again in 15 minute(s)" in response.text
    assert 'value="editor"' in response.text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_signs_in(client):
    make_staff("editor")
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_account_reopens_when_the_cooling_off_period_is_over(client):
    make_staff("editor")
    long_ago = timezone.now() - timedelta(seconds=901)
    LoginAttempt.objects.bulk_create(
        LoginAttempt(
            username="editor",
            address="192.0.2.10",
            attempted_at=long_ago,
            outcome=LoginAttempt.Outcome.FAILED,
        )
        for _ in range(5)
    )
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_every_attempt_is_recorded_with_account_address_and_time(client):
    make_staff("editor")
    before = timezone.now()
    for _ in range(5):
        sign_in(client, "Editor", "wrong", address="198.51.100.7")
    sign_in(client, "editor", PASSWORD, address="198.51.100.7")

    attempts = list(LoginAttempt.objects.order_by("attempted_at"))
    assert [a.outcome for a in attempts] == ["failed"] * 5 + ["refused"]
    assert {a.username for a in attempts} == {"editor"}
    assert {a.address for a in attempts} == {"198.51.100.7"}
    assert all(a.attempted_at >= before for a in attempts)


def test_a_locked_account_does_not_slow_or_stop_anyone_else(client):
    make_staff("editor")
    make_staff("subeditor")
    for _ in range(6):
        sign_in(client, "editor", "wrong", address="203.0.113.66")

    other = sign_in(client, "subeditor", PASSWORD, address="192.0.2.20")

    assert other.status_code == 302


def test_one_address_failing_on_many_accounts_is_paused(client, settings):
    settings.LOGIN_LOCKOUT_ADDRESS_FAILURES = 6
    make_staff("editor")
    for n in range(6):
        sign_in(client, f"guess{n}", "wrong", address="203.0.113.66")

    refused = sign_in(client, "editor", PASSWORD, address="203.0.113.66")
    elsewhere = sign_in(client, "editor", PASSWORD, address="192.0.2.20")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302


def test_a_success_clears_the_count_of_earlier_failures(client):
    make_staff("editor")
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    sign_in(client, "editor", PASSWORD)
    client.logout()
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_sign_in_attempts_per_address_are_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login:address": (3, 600)}
    make_staff("editor")
    statuses = [sign_in(client, f"someone{n}", "wrong").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_staff_see_the_attempts_in_the_admin(admin_client):
    LoginAttempt.objects.create(
        username="editor", address="198.51.100.7", outcome="failed"
    )
    response = admin_client.get("/admin/accounts/loginattempt/")
    assert response.status_code == 200
    assert "198.51.100.7" in response.text
    assert "Failed" in response.text
    assert "Password" in response.text
