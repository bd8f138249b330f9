"""/favicon.ico answers with the paper's icon, without touching the database."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_papers_icon_without_a_query(
    client, django_assert_num_queries
):
    """
    Browsers ask for it on the admin's pages, which name no icon, and
    crawlers everywhere: a permanent, cacheable redirect, not a 404 found by
    looking for a section called "favicon.ico".
    """
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("newsroom/favicon.svg")
    assert finders.find("newsroom/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
