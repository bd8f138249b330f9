"""
Readers' data rights from the command line: `export_personal_data` prints
every row about an address as JSON; `erase_personal_data` deletes or
anonymises them all in one transaction and suppresses the address.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.utils import timezone

from subscriptions import delivery, editions, signup
from subscriptions.consent import CURRENT, NEWSLETTER_SIGN_UP
from subscriptions.models import (
    ConsentEvent,
    DeliveryConsent,
    DeliveryRequest,
    EditionSend,
    OutboundEmail,
    PersonalDataRequest,
    Subscription,
    Suppression,
    address_hash,
    is_suppressed,
)
from tests.factories import make_article, make_staff

from .factories import make_delivery_area, make_delivery_request, make_newsletter

pytestmark = pytest.mark.django_db

EMAIL = "Qzqx5w.Reader@Example.ie"
# What the reader told us, each unlike anything else in the database.
PERSONAL = {
    "name": "Qzqx5wname Ní Bhriain",
    "phone": "+353871112229",
    "address_line_1": "9 Qzqx5wlane",
    "address_line_2": "Qzqx5westate",
    "town": "Qzqx5wtown",
    "eircode": "A65 F4E2",
    "leave_at": "Qzqx5wporch",
    "notes": "Qzqx5wnotes: beware of the dog",
}
SENTINELS = ["qzqx5w", "1112229"]


def run(command, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def reader(django_capture_on_commit_callbacks):
    """
    An address with one of every kind of row: a confirmed subscription with
    its ledger and an edition sent, a pending one, and two delivery requests
    (one active, one new) with their consents and history, a staff note
    among them. Its address is stored in lower case by sign-up and as typed
    by the delivery form.
    """
    desk = make_staff("desk", first_name="Dana")
    area = make_delivery_area(routing_keys=["A65"])
    wrap = make_newsletter(name="News Wrap")
    weekly = make_newsletter(name="The Week")
    for newsletter in (wrap, weekly):
        with django_capture_on_commit_callbacks(execute=True):
            signup.request_subscription(
                email=EMAIL,
                newsletter=newsletter,
                consent_version=CURRENT[NEWSLETTER_SIGN_UP],
                source="/news/harbour-plan/",
            )
    confirmed = Subscription.objects.get(newsletter=wrap)
    signup.confirm_subscription(confirmed)
    make_article(published_at=wrap.latest_slot() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        editions.start_sending(editions.compose_edition(wrap, wrap.latest_slot()))

    active = make_delivery_request(email=EMAIL.upper(), area=area, **PERSONAL)
    DeliveryConsent.objects.create(
        request=active, kind="terms", wording="The terms.", wording_version="2026-11"
    )
    for status in ("scheduled", "active"):
        delivery.delivery_request_transition(active, status, actor=desk)
    delivery.delivery_request_note(active, "Qzqx5w gate code 1234", actor=desk)
    fresh = make_delivery_request(email=EMAIL, area=area, **PERSONAL)
    # Someone else's rows, which neither command touches.
    other = make_delivery_request(email="other@example.ie")
    signup.request_subscription(
        email="other@example.ie",
        newsletter=wrap,
        consent_version=CURRENT[NEWSLETTER_SIGN_UP],
        source="/",
    )
    return {"active": active, "fresh": fresh, "other": other, "desk": desk}


def test_export_lists_every_row_about_the_address_in_any_case(reader):
    out, err = run("export_personal_data", "  qzqx5w.READER@example.IE ")

    document = json.loads(out)
    assert err == ""
    assert document["address"] == "qzqx5w.reader@example.ie"
    subscriptions = {s["newsletter"]: s for s in document["newsletter_subscriptions"]}
    assert set(subscriptions) == {"News Wrap", "The Week"}
    wrap = subscriptions["News Wrap"]
    assert wrap["status"] == "confirmed"
    assert wrap["consent"]["wording_version"] == CURRENT[NEWSLETTER_SIGN_UP]
    assert [e["act"] for e in wrap["consent_ledger"]] == ["signed_up", "confirmed"]
    assert wrap["consent_ledger"][0]["source"] == "/news/harbour-plan/"
    assert wrap["confirmation_email"]["last_sent_at"] is not None
    assert [(s["status"], bool(s["sent_at"])) for s in wrap["editions_sent"]] == [
        ("sent", True)
    ]
    assert subscriptions["The Week"]["status"] == "pending"

    requests = {r["reference"]: r for r in document["delivery_requests"]}
    assert set(requests) == {reader["active"].reference, reader["fresh"].reference}
    active = requests[reader["active"].reference]
    assert {key: active[key] for key in PERSONAL} == PERSONAL
    assert active["email"] == EMAIL.lower()
    assert active["status"] == "active"
    assert [c["kind"] for c in active["consent_ledger"]] == ["terms"]
    history = [(h["what"], h["by"], h["note"]) for h in active["history"]]
    assert ("Note", "circulation desk", "Qzqx5w gate code 1234") in history
    assert "Dana" not in out  # staff are named by their role only
    assert "emails" in active
    assert "other@example.ie" not in out
    emails = {(e["kind"], e["status"]) for e in document["emails_to_the_address"]}
    assert ("Newsletter confirmation", "sent") in emails
    assert document["suppression"] is None


def test_export_is_recorded_with_the_hash_of_the_address_never_the_address(reader):
    run("export_personal_data", EMAIL)

    record = PersonalDataRequest.objects.get()
    assert record.action == PersonalDataRequest.Action.EXPORT
    assert record.channel == PersonalDataRequest.Channel.COMMAND
    assert record.actor_name.endswith("(command line)")
    assert record.address_hash == address_hash(EMAIL.lower())
    assert record.counts == {
        "subscriptions": 2,
        "consent_events": 3,
        "edition_sends": 1,
        "delivery_requests": 2,
        "delivery_consents": 1,
        "delivery_history": 3,
        "outbound_emails": 2,  # the two newsletters' confirmations
    }
    assert (
        "qzqx5w"
        not in json.dumps(
            PersonalDataRequest.objects.values().get(), default=str
        ).lower()
    )


def test_export_of_an_unknown_address_is_an_empty_document_and_a_notice():
    out, err = run("export_personal_data", "nobody@example.ie")

    document = json.loads(out)
    assert document["newsletter_subscriptions"] == []
    assert document["delivery_requests"] == []
    assert err.strip() == (
        "No subscriptions or delivery requests are held for this address."
    )
    assert PersonalDataRequest.objects.count() == 1


@pytest.mark.parametrize("command", ["export_personal_data", "erase_personal_data"])
@pytest.mark.parametrize("address", ["not-an-address", "", "a@b@example.ie"])
def test_a_malformed_address_fails_with_one_line_and_changes_nothing(command, address):
    options = {"interactive": False} if command == "erase_personal_data" else {}
    with pytest.raises(CommandError) as raised:
        run(command, address, **options)

    assert str(raised.value) == (
        "That is not an email address: expected something like name@example.ie."
    )
    assert not PersonalDataRequest.objects.exists()
    assert not Suppression.objects.exists()


def test_a_malformed_address_exits_non_zero_with_one_line_on_stderr(tmp_path):
    finished = subprocess.run(
        [sys.executable, "manage.py", "export_personal_data", "not-an-address"],
        cwd=settings.BASE_DIR,
        # The command's start-up checks open a database (any will do: the
        # address is refused before the command reads any row).
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 1
    assert finished.stdout == ""
    assert finished.stderr.splitlines() == [
        "CommandError: That is not an email address: expected something like "
        "name@example.ie."
    ]


def personal_values_in_database():
    """Every sentinel found anywhere in the subscriptions app's tables."""
    out = StringIO()
    call_command("dumpdata", "subscriptions", stdout=out)
    dump = out.getvalue().lower()
    return [s for s in [*SENTINELS, EMAIL.lower()] if s in dump]


def test_erase_leaves_nothing_readable_about_the_address(reader):
    assert personal_values_in_database()

    out, _ = run("erase_personal_data", EMAIL.swapcase(), interactive=False)

    assert personal_values_in_database() == []
    assert not Subscription.objects.filter(email__iexact=EMAIL).exists()
    assert not ConsentEvent.objects.exclude(
        subscription__email="other@example.ie"
    ).exists()
    assert not EditionSend.objects.exists()
    assert not OutboundEmail.objects.filter(recipient__iexact=EMAIL).exists()
    document, _ = run("export_personal_data", EMAIL)
    assert json.loads(document)["newsletter_subscriptions"] == []
    assert json.loads(document)["delivery_requests"] == []
    assert "2 newsletter subscription(s) deleted, 2 delivery request(s)" in out
    # Someone else's rows are untouched.
    other = DeliveryRequest.objects.get(pk=reader["other"].pk)
    assert other.email == "other@example.ie" and other.anonymised_at is None
    assert Subscription.objects.filter(email="other@example.ie").exists()


def test_erase_keeps_delivery_requests_for_statistics_and_closes_open_ones(reader):
    run("erase_personal_data", EMAIL, interactive=False)

    active = DeliveryRequest.objects.get(pk=reader["active"].pk)
    fresh = DeliveryRequest.objects.get(pk=reader["fresh"].pk)
    assert (active.status, fresh.status) == ("ended", "cancelled")
    assert active.stop_date == delivery.delivery_earliest_start()
    for request in (active, fresh):
        assert request.anonymised_at is not None
        assert request.name == request.email == request.phone == ""
        assert request.reference and request.routing_key == "A65"
        assert request.area is not None and request.county == "Clare"
    assert list(active.events.values_list("kind", "summary"))[-1] == (
        "anonymised",
        "Erased at the reader's request.",
    )
    assert active.consents.count() == 1  # wording and time only


def test_erase_suppresses_the_address_and_records_who_did_it(reader):
    run("erase_personal_data", EMAIL, interactive=False)

    suppression = Suppression.objects.get()
    assert suppression.address_hash == address_hash(EMAIL.lower())
    assert suppression.is_active
    assert is_suppressed(EMAIL.upper())
    assert not is_suppressed("other@example.ie")
    record = PersonalDataRequest.objects.get()
    assert record.action == PersonalDataRequest.Action.ERASE
    assert record.suppression == suppression
    assert record.counts["subscriptions_deleted"] == 2
    assert record.counts["delivery_requests_anonymised"] == 2


def test_a_record_is_named_by_action_account_and_the_papers_local_time(settings):
    """Its name shows the time as the desk reads it, in the paper's zone."""
    settings.TIME_ZONE = "Europe/Dublin"
    run("erase_personal_data", "nobody@example.ie", interactive=False)
    record = PersonalDataRequest.objects.get()
    record.at = datetime(2026, 7, 6, 13, 32, tzinfo=UTC)

    assert str(record).startswith("Erase by ")
    assert str(record).endswith(" at 2026-07-06 14:32")


def test_erasing_an_unknown_address_still_suppresses_it():
    out, _ = run("erase_personal_data", "nobody@example.ie", interactive=False)

    assert "0 newsletter subscription(s) deleted" in out
    assert is_suppressed("nobody@example.ie")


def test_erase_asks_for_confirmation_unless_told_not_to(reader, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing erased"):
        run("erase_personal_data", EMAIL)
    assert Subscription.objects.filter(email=EMAIL.lower()).count() == 2

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    run("erase_personal_data", EMAIL)
    assert not Subscription.objects.filter(email=EMAIL.lower()).exists()


@pytest.fixture
def audit_refused():
    """A database trigger that refuses the audit row, the erasure's last write."""
    table = PersonalDataRequest._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit refused'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_audit BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_audit BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER refuse_audit ON {table}")
            cursor.execute("DROP FUNCTION refuse_audit()")
        else:
            cursor.execute("DROP TRIGGER refuse_audit")


def test_a_failure_at_the_last_step_of_erasure_changes_nothing(reader, audit_refused):
    """
    Everything is deleted, anonymised and suppressed before the audit row is
    written; the database refusing that row rolls all of it back.
    """
    before = personal_values_in_database()

    with pytest.raises(DatabaseError, match="audit refused"):
        run("erase_personal_data", EMAIL, interactive=False)

    assert personal_values_in_database() == before
    assert Subscription.objects.filter(email=EMAIL.lower()).count() == 2
    assert EditionSend.objects.count() == 1
    active = DeliveryRequest.objects.get(pk=reader["active"].pk)
    assert (active.status, active.anonymised_at, active.name) == (
        "active",
        None,
        PERSONAL["name"],
    )
    assert active.events.filter(note="Qzqx5w gate code 1234").exists()
    assert not Suppression.objects.exists()


def test_erasing_again_after_a_lifted_suppression_suppresses_anew():
    run("erase_personal_data", EMAIL, interactive=False)
    Suppression.objects.update(lifted_at=timezone.now())
    assert not is_suppressed(EMAIL)

    run("erase_personal_data", EMAIL, interactive=False)

    assert Suppression.objects.count() == 1
    assert is_suppressed(EMAIL)
