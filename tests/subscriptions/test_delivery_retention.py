"""Retention: the personal data of long-closed delivery requests is removed."""

from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from subscriptions.models import DeliveryRequest, DeliveryRequestEvent
from tests.subscriptions.factories import make_delivery_area, make_delivery_request

pytestmark = pytest.mark.django_db

Status = DeliveryRequest.Status


def _closed(status, days_ago, **kwargs):
    if status == Status.ENDED:
        kwargs.setdefault("stop_date", timezone.localdate())
    return make_delivery_request(
        status=status, closed_at=timezone.now() - timedelta(days=days_ago), **kwargs
    )


@pytest.mark.parametrize(
    ("status", "days_ago", "due"),
    [
        (Status.DECLINED, 31, True),
        (Status.CANCELLED, 31, True),
        (Status.ENDED, 31, True),
        (Status.DECLINED, 29, False),
        (Status.CANCELLED, 29, False),
        (Status.ENDED, 29, False),
        (Status.NEW, 31, False),
        (Status.CONTACTED, 31, False),
        (Status.SCHEDULED, 31, False),
        (Status.ACTIVE, 31, False),
    ],
)
def test_retention_anonymises_only_requests_closed_long_enough_ago(
    apply_retention, settings, status, days_ago, due
):
    """Closed (declined, cancelled, ended) beyond the setting: anonymised; else kept."""
    settings.DELIVERY_RETENTION_DAYS = 30
    request = _closed(status, days_ago, name="Pádraig Reader")
    apply_retention()
    request.refresh_from_db()
    assert (request.anonymised_at is not None) is due
    assert (request.name == "") is due


def test_retention_keeps_what_statistics_need_and_removes_the_rest(
    apply_retention, settings
):
    """Reference, area, status, days and dates stay; name, contact, address go."""
    settings.DELIVERY_RETENTION_DAYS = 30
    area = make_delivery_area(name="Athlone")
    request = _closed(
        Status.CANCELLED,
        40,
        area=area,
        address_line_2="Apartment 4",
        leave_at="Porch",
        notes="Ring twice",
    )
    request.events.create(kind="note", note="Spoke to her husband on 087 1234567")
    before = DeliveryRequest.objects.get(pk=request.pk)

    output = apply_retention()

    after = DeliveryRequest.objects.get(pk=request.pk)
    assert "Anonymised 1 delivery request(s)" in output
    for field in ("reference", "area", "status", "routing_key", "delivery_days"):
        assert getattr(after, field) == getattr(before, field)
    for field in ("start_date", "created_at", "closed_at", "terms_accepted_at"):
        assert getattr(after, field) == getattr(before, field)
    for field in (
        "name",
        "email",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "eircode",
        "leave_at",
        "notes",
    ):
        assert getattr(after, field) == "", field
    assert not after.events.exclude(note="").exists()
    assert after.events.filter(kind=DeliveryRequestEvent.Kind.ANONYMISED).count() == 1


def test_retention_runs_twice_without_touching_anything_again(
    apply_retention, settings
):
    """A request anonymised once is not counted or recorded again."""
    settings.DELIVERY_RETENTION_DAYS = 30
    request = _closed(Status.DECLINED, 40)
    apply_retention()
    assert "Anonymised 0 delivery request(s)" in apply_retention()
    assert request.events.filter(kind="anonymised").count() == 1


def test_retention_dry_run_changes_nothing(apply_retention, settings):
    """--dry-run reports the count and keeps every byte."""
    settings.DELIVERY_RETENTION_DAYS = 30
    request = _closed(Status.DECLINED, 40, name="Kept Reader")
    assert "Would anonymise 1 delivery request(s)" in apply_retention("--dry-run")
    request.refresh_from_db()
    assert request.name == "Kept Reader"
    assert request.anonymised_at is None


def test_retention_refuses_a_nonsense_period(apply_retention, settings):
    """A retention of zero days would erase requests as they close: refused."""
    settings.DELIVERY_RETENTION_DAYS = 0
    request = _closed(Status.DECLINED, 40)
    with pytest.raises(CommandError, match="DELIVERY_RETENTION_DAYS must be"):
        apply_retention()
    request.refresh_from_db()
    assert request.anonymised_at is None


def test_anonymised_request_no_longer_shows_its_confirmation_page(
    apply_retention, client, settings
):
    """The reader's 'request received' page does not outlive the data."""
    from subscriptions.views.delivery import _done_url

    settings.DELIVERY_RETENTION_DAYS = 30
    request = _closed(Status.DECLINED, 40)
    url = _done_url(request)
    assert client.get(url).status_code == 200
    apply_retention()
    assert client.get(url).status_code == 404


def test_the_report_gives_each_cutoff_in_the_papers_time_zone_and_names_it(
    apply_retention, settings
):
    settings.TIME_ZONE = "Europe/Dublin"
    settings.DELIVERY_RETENTION_DAYS = 30
    cutoff = timezone.localtime(timezone.now() - timedelta(days=30))

    out = apply_retention("--dry-run")

    assert f"closed before {cutoff:%Y-%m-%d %H:%M} (Europe/Dublin)." in out
