"""
Passkeys through the admin's pages, answered by a software authenticator:
adding one, signing in with it, and the answers that must be refused (from
another site, replayed, or for someone else's key).
"""

import json
import re

import pytest
from django.test import Client

from accounts.models import LoginAttempt, Passkey, TwoFactorEvent
from articles import roles
from tests.accounts.software_authenticator import SoftwareAuthenticator
from tests.factories import make_member

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost:8000"
ADD = "/admin/two-factor/passkeys/add/"
VERIFY = "/admin/two-factor/verify/"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.STAFF_TWO_FACTOR = "editors"
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.WEBAUTHN_ORIGINS = [ORIGIN]


def sign_in(client, username="editor"):
    response = client.post(
        "/admin/login/",
        {"username": username, "password": "correct horse battery"},
    )
    assert response.status_code == 302


def options_on(page):
    found = re.search(
        r'<script id="passkey-options" type="application/json">(.*?)</script>',
        page.text,
        re.S,
    )
    return json.loads(found.group(1))


def add_passkey(client, authenticator, name="Work laptop"):
    options = options_on(client.get(ADD))
    return client.post(ADD, {"name": name, "credential": authenticator.create(options)})


def use_passkey(client, authenticator):
    options = options_on(client.get(VERIFY))
    return client.post(
        VERIFY,
        {
            "factor": "passkey",
            "passkey-credential": authenticator.get(options),
            "next": "/admin/",
        },
    )


def test_add_a_passkey_then_sign_in_with_it():
    editor = make_member("editor", roles.EDITOR)
    key = SoftwareAuthenticator(ORIGIN)
    client = Client()
    sign_in(client)
    options = options_on(client.get(ADD))
    assert options["rp"] == {"id": "localhost", "name": "The Newsroom Herald"}
    assert options["user"]["name"] == "editor"

    added = client.post(ADD, {"name": "Work laptop", "credential": key.create(options)})
    assert added["Location"] == "/admin/two-factor/recovery-codes/"
    passkey = Passkey.objects.get(user=editor)
    assert (passkey.name, passkey.sign_count) == ("Work laptop", 1)
    event = TwoFactorEvent.objects.get(kind="enrolled")
    assert (event.factor, event.detail) == ("passkey", "Work laptop")

    later = Client()
    sign_in(later)
    assert later.get("/admin/")["Location"].startswith(VERIFY)
    done = use_passkey(later, key)
    assert done["Location"] == "/admin/"
    assert later.get("/admin/").status_code == 200
    passkey.refresh_from_db()
    assert passkey.sign_count == 2 and passkey.last_used_at is not None
    assert LoginAttempt.objects.filter(step="passkey", outcome="succeeded").count() == 1


def test_a_passkey_made_on_another_site_is_not_added():
    make_member("editor", roles.EDITOR)
    client = Client()
    sign_in(client)
    phished = add_passkey(client, SoftwareAuthenticator("https://herald.example"))
    assert phished.status_code == 200
    assert "The passkey could not be checked" in phished.text
    assert 'value="Work laptop"' in phished.text
    assert not Passkey.objects.exists()


def test_answers_from_another_site_or_replayed_do_not_sign_in():
    make_member("editor", roles.EDITOR)
    key = SoftwareAuthenticator(ORIGIN)
    client = Client()
    sign_in(client)
    add_passkey(client, key)

    relayed = Client()
    sign_in(relayed)
    key.origin = "https://herald.example"
    refused = use_passkey(relayed, key)
    assert refused.status_code == 200
    assert "Your passkey was not accepted" in refused.text
    key.origin = ORIGIN

    first = Client()
    sign_in(first)
    options = options_on(first.get(VERIFY))
    answer = key.get(options)
    post = {"factor": "passkey", "passkey-credential": answer, "next": "/admin/"}
    assert first.post(VERIFY, post)["Location"] == "/admin/"

    # The same signed answer, caught on its way, opens nothing elsewhere.
    thief = Client()
    sign_in(thief)
    thief.get(VERIFY)
    assert thief.post(VERIFY, post).status_code == 200
    assert thief.get("/admin/")["Location"].startswith(VERIFY)
    failures = LoginAttempt.objects.filter(step="passkey", outcome="failed")
    assert failures.count() == 2


def test_someone_elses_passkey_does_not_sign_in():
    make_member("editor", roles.EDITOR)
    make_member("other", roles.EDITOR)
    theirs = SoftwareAuthenticator(ORIGIN)
    other = Client()
    sign_in(other, "other")
    add_passkey(other, theirs)
    mine = SoftwareAuthenticator(ORIGIN)
    client = Client()
    sign_in(client)
    add_passkey(client, mine)

    again = Client()
    sign_in(again)
    refused = use_passkey(again, theirs)
    assert "not registered to this account" in refused.text
    assert again.get("/admin/").status_code == 302


def test_without_javascript_the_page_says_what_is_missing():
    make_member("editor", roles.EDITOR)
    client = Client()
    sign_in(client)
    page = client.post(ADD, {"name": "Blue key", "credential": ""})
    assert "Your browser sent no passkey: press “Add passkey”" in page.text
    assert 'value="Blue key"' in page.text


GARBAGE = [
    "not json",
    "null",
    "[]",
    "{}",
    '{"id": 5}',
    '{"id": "AAAA"}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key",'
    ' "response": {"clientDataJSON": "!!", "attestationObject": "%%"}}',
]


@pytest.mark.parametrize("answer", GARBAGE)
def test_garbage_for_a_new_passkey_is_refused_with_a_message(answer):
    make_member("editor", roles.EDITOR)
    client = Client()
    sign_in(client)
    client.get(ADD)
    page = client.post(ADD, {"name": "Blue key", "credential": answer})
    assert page.status_code == 200
    assert "The passkey could not be checked" in page.text
    assert not Passkey.objects.exists()


@pytest.mark.parametrize("answer", GARBAGE)
def test_garbage_instead_of_a_passkey_is_a_failed_attempt(answer):
    make_member("editor", roles.EDITOR)
    client = Client()
    sign_in(client)
    add_passkey(client, SoftwareAuthenticator(ORIGIN))
    again = Client()
    sign_in(again)
    again.get(VERIFY)
    page = again.post(
        VERIFY, {"factor": "passkey", "passkey-credential": answer, "next": "/admin/"}
    )
    assert page.status_code == 200
    assert "Your passkey was not accepted" in page.text
    assert LoginAttempt.objects.filter(step="passkey", outcome="failed").exists()
