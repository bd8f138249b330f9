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


def test_list_pages_count_nothing_and_stop_at_the_last_page_offered(client, section):
    url = section.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    # Newer and Older links, no total.
    assert re.search(r">Page 1</span>", first.text)
    assert 'rel="next"' in first.text
    second = client.get(url + "?page=2")
    assert second.status_code == 200
    assert "Harbour story 3" in second.text
    assert 'rel="prev"' in second.text
    # Page 2 is the last offered, though older articles exist.
    assert 'rel="next"' not in second.text
    for beyond in ("3", "0", "last", "x"):
        assert client.get(f"{url}?page={beyond}").status_code == 404


def test_the_last_page_of_a_short_list_has_no_older_link(client, section, monkeypatch):
    monkeypatch.setattr(SectionDetailView, "max_pages", 5)
    last = client.get(section.get_absolute_url() + "?page=3")
    assert "Harbour story 4" in last.text
    assert 'rel="next"' not in last.text
    assert client.get(section.get_absolute_url() + "?page=4").status_code == 404


def test_an_empty_section_still_has_its_page(client):
    assert client.get(make_section(name="Empty").get_absolute_url()).status_code == 200
