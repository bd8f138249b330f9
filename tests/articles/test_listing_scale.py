"""
List pages cost the same however long the archive: the count reads at most
the pages offered, and no page lies deeper than that.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.views import SectionDetailView
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(monkeypatch):
    """Two pages of two articles offered, of a section with five."""
    monkeypatch.setattr(SectionDetailView, "paginate_by", 2)
    monkeypatch.setattr(SectionDetailView, "max_pages", 2)
    section = make_section(name="Harbour")
    for n in range(5):
        make_article(
            section=section,
            title=f"Harbour story {n}",
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    return section


def test_only_the_pages_offered_are_counted_and_served(client, section):
    url = section.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 5" in sql for sql in counts), counts
    # Older articles lie past the last page: how many pages is not said.
    assert re.search(r">Page 1</span>", first.text)
    second = client.get(url + "?page=2")
    assert second.status_code == 200
    assert "Harbour story 3" in second.text
    assert client.get(url + "?page=3").status_code == 404


def test_a_short_list_still_says_how_many_pages(client, section, monkeypatch):
    monkeypatch.setattr(SectionDetailView, "max_pages", 3)
    response = client.get(section.get_absolute_url())
    assert "Page 1 of 3" in response.text
