"""
What is kept rendered (pages, fragments, cards, values under the content
version) is kept under a digest of the project's code and templates, so a
release never serves what the one before it rendered, with no step to
remember when deploying.
"""

from pathlib import Path

import pytest
from django.conf import settings

from articles.views import ArticleDetailView
from newsroom.cache import digest as page_cache
from newsroom.cache.fragments import fragment_key
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_digest_changes_with_any_template_or_code_file(tmp_path):
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "card.html"
    template.write_text("<h3>{{ article.title }}</h3>")
    (tmp_path / "views.py").write_text("X = 1\n")
    before = page_cache.digest_of([tmp_path])
    assert page_cache.digest_of([tmp_path]) == before
    template.write_text("<h2>{{ article.title }}</h2>")
    changed = page_cache.digest_of([tmp_path])
    assert changed != before
    (tmp_path / "views.py").write_text("X = 2\n")
    assert page_cache.digest_of([tmp_path]) != changed


def test_compiled_files_and_data_do_not_change_the_digest(tmp_path):
    (tmp_path / "views.py").write_text("X = 1\n")
    before = page_cache.digest_of([tmp_path])
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "views.cpython-313.py").write_text("junk")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    assert page_cache.digest_of([tmp_path]) == before


def test_the_projects_own_folders_are_digested_and_installed_packages_not():
    folders = page_cache.project_code_folders()
    base = Path(settings.BASE_DIR).resolve()
    for name in ("newsroom", "articles", "subscriptions", "templates"):
        assert base / name in folders
    assert all(".venv" not in folder.parts for folder in folders)
    assert all("site-packages" not in folder.parts for folder in folders)


def test_a_new_release_renders_the_page_afresh(client, monkeypatch):
    article = make_article(title="Harbour dredging starts")
    url = article.get_absolute_url()
    client.get(url)
    kept_from = fragment_key("article-body", 1, (url,))
    # The same content version, another release: its parts are not read.
    monkeypatch.setattr(page_cache, "code_digest", lambda: "another-release")
    assert fragment_key("article-body", 1, (url,)) != kept_from
    rendered = []
    page_row = ArticleDetailView.page_row
    monkeypatch.setattr(
        ArticleDetailView, "page_row", lambda self: rendered.append(1) or page_row(self)
    )
    assert client.get(url).status_code == 200
    assert rendered == [1]


def test_pages_kept_before_pictures_moved_are_not_served_after(settings):
    """
    A move of the pictures (to a bucket, behind a CDN) changes MEDIA_URL, and
    with it the digest, so no kept page names the old addresses.
    """
    page_cache.code_digest.cache_clear()
    on_disk = page_cache.code_digest()
    settings.MEDIA_URL = "https://pictures.example.org/"
    page_cache.code_digest.cache_clear()
    try:
        assert page_cache.code_digest() != on_disk
    finally:
        page_cache.code_digest.cache_clear()
