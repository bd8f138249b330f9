"""Section slugs: a section may not take an address other pages answer at."""

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path

from articles.models import Section
from newsroom.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

# The site's URLconf with one more top-level page, for the test below.
urlpatterns = [path("podcasts/", lambda request: HttpResponse()), *site_urlpatterns]


def section(slug):
    return Section(name=slug.title(), slug=slug)


@pytest.mark.parametrize(
    "slug", ["newsletters", "delivery", "admin", "authors", "feeds", "static", "media"]
)
def test_a_section_cannot_take_another_pages_address(slug):
    """Other apps' pages, the admin, feeds and static files keep their URLs."""
    with pytest.raises(ValidationError) as refused:
        section(slug).full_clean()
    assert "is used by another part of the site" in str(refused.value)


def test_an_ordinary_section_slug_is_accepted():
    section("podcasts").full_clean()


@pytest.mark.urls(__name__)
def test_a_new_top_level_page_reserves_its_address():
    """The reserved slugs come from the URLconf, not from a list kept by hand."""
    with pytest.raises(ValidationError):
        section("podcasts").full_clean()
