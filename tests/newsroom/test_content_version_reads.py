"""
Without Redis the content version lives in a file every process shares
(newsroom.cache.versions.version_file): a request reads it once however
often its render asks, and the next request reads it again, so a change
another process made shows at once.
"""

import pytest
from django.db import connection

from newsroom.cache import versions
from tests.articles.test_page_cache import _page_cache  # noqa: F401
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def version_file_reads(monkeypatch):
    """The paths of the version file's reads, in order."""
    reads = []
    read = versions.read_version_file

    def counted(path):
        reads.append(path)
        return read(path)

    monkeypatch.setattr(versions, "read_version_file", counted)
    return reads


def reading_urls(article):
    return [
        "/",
        article.section.get_absolute_url(),
        article.get_absolute_url(),
        article.authors.get().get_absolute_url(),
    ]


@pytest.mark.usefixtures("_page_cache")
def test_a_request_reads_the_version_file_once(client, version_file_reads):
    """A first render (page cache, parts, kept values), then a hit: one read each."""
    article = make_article(authors=[make_author()], tags=["Harbour"])
    for url in reading_urls(article):
        for served in ("rendered", "from the cache"):
            version_file_reads.clear()
            assert client.get(url).status_code == 200
            assert len(version_file_reads) == 1, (url, served)


@pytest.mark.usefixtures("_page_cache")
def test_each_request_reads_the_version_again(client, settings, version_file_reads):
    """A change another process made and announced shows on the next request."""
    article = make_article(title="Harbour plan delayed")
    assert "Harbour plan delayed" in client.get(article.get_absolute_url()).text
    with connection.cursor() as cursor:  # another process: no bump of ours
        cursor.execute(
            "UPDATE articles_article SET title = %s WHERE id = %s",
            ["Harbour plan approved", article.pk],
        )
    versions.write_version_file(settings.CONTENT_VERSION_FILE)

    version_file_reads.clear()
    assert "Harbour plan approved" in client.get(article.get_absolute_url()).text
    assert len(version_file_reads) == 1


def test_a_request_that_changes_the_content_goes_on_with_the_new_version(settings):
    """A bump within a request is not hidden by the version it read first."""
    with versions.one_version_per_request():
        first = versions.content_version()
        versions.bump_content_version()
        bumped = versions.content_version()

    assert bumped != first
    assert bumped == versions.read_version_file(settings.CONTENT_VERSION_FILE)
