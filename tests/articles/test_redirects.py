"""
Redirects: old addresses answer 301, 302 or 410 where the paper has no page,
hand-made beside the ones made when an article moves, kept in the cache
under the content version, with their hits counted in batches; managed in
the admin with CSV import and export.
"""

import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import redirects
from articles.models import Redirect, normalise_path
from articles.redirects import HitCounter, hit_counter
from tests.articles.test_page_cache import REDIS_URL
from tests.factories import make_article, make_member, make_section
from tests.newsroom.test_cache import redis_cache

pytestmark = pytest.mark.django_db


def add(old_path, target="", status=301, **kwargs):
    redirect = Redirect(old_path=old_path, target=target, status=status, **kwargs)
    redirect.full_clean()
    redirect.save()
    return redirect


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("old/story", "/old/story/"),
        ("/old/story/", "/old/story/"),
        ("  /index.php ", "/index.php"),
        ("/?p=123", "/?p=123"),
        ("http://testserver/2019/05/x?utm=1", "/2019/05/x/?utm=1"),
        ("/2019/05/caf%C3%A9-opens", "/2019/05/café-opens/"),
    ],
)
def test_old_addresses_are_kept_with_a_leading_and_trailing_slash_and_their_query(
    typed, kept
):
    assert normalise_path(typed) == kept


def test_a_hand_made_redirect_answers_a_path_the_paper_has_no_page_for(client):
    add("/2019/05/old-story", "/news/new-story/")

    response = client.get("/2019/05/old-story/")

    assert response.status_code == 301
    assert response["Location"] == "/news/new-story/"


def test_a_non_ascii_old_address_answers_however_it_was_typed(client):
    add("/2019/05/caf%c3%a9-opens/", "/news/cafe/")

    assert client.get("/2019/05/caf%C3%A9-opens/")["Location"] == "/news/cafe/"
    assert client.get("/2019/05/café-opens/")["Location"] == "/news/cafe/"


def test_302_and_410_answer_as_chosen(client):
    add("/for-now/", "/elsewhere/", status=302)
    add("/taken-down/", status=410)

    assert client.get("/for-now/").status_code == 302
    gone = client.get("/taken-down/")
    assert gone.status_code == 410
    assert b"Page removed" in gone.content
    assert settings.SITE_NAME.encode() in gone.content


def test_a_query_string_is_matched_exactly_then_the_bare_path(client):
    add("/?p=12", "/news/twelve/")
    add("/archive/", "/news/")

    assert client.get("/?p=12")["Location"] == "/news/twelve/"
    assert client.get("/archive/?page=3")["Location"] == "/news/"
    # The home page is a page: ?p=13 has no redirect and the page answers.
    assert client.get("/?p=13").status_code == 200


def test_a_redirect_never_hides_a_page(client):
    article = make_article()
    add(article.get_absolute_url(), "/somewhere-else/")

    assert client.get(article.get_absolute_url()).status_code == 200


def test_unknown_addresses_still_answer_404(client):
    add("/known/", "/news/")

    assert client.get("/unknown/path/").status_code == 404
    assert client.get("/unknown/%00/path/").status_code == 404
    assert client.get("/authors/%2500/").status_code == 404
    assert client.get("/?p=%00").status_code == 200


def test_a_moved_article_redirects_from_its_old_address_and_follows_later_moves(
    client,
):
    article = make_article()
    first = article.get_absolute_url()
    article.slug = "second-slug"
    article.save()
    article.section = make_section(name="Business", slug="business")
    article.save()

    automatic = Redirect.objects.get(old_path=first)
    assert automatic.article == article
    assert client.get(first)["Location"] == article.get_absolute_url()


def test_a_taken_down_article_old_address_answers_404(client):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "renamed"
    article.save()
    article.status = "draft"
    article.save()

    assert client.get(old).status_code == 404


def test_a_chain_is_collapsed_when_its_end_is_added_or_its_start(client):
    add("/a/", "/b/")
    add("/b/", "/c/")
    assert Redirect.objects.get(old_path="/a/").target == "/c/"

    add("/z/", "/a/")
    assert Redirect.objects.get(old_path="/z/").target == "/c/"
    assert client.get("/z/")["Location"] == "/c/"


def test_a_redirect_to_an_old_article_address_points_at_the_article():
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "renamed"
    article.save()

    added = add("/wp/old/", old)

    assert added.article == article
    assert added.destination() == article.get_absolute_url()


def test_loops_and_redirects_to_themselves_are_refused():
    add("/a/", "/b/")
    with pytest.raises(ValidationError, match="loop"):
        add("/b/", "/a/")
    with pytest.raises(ValidationError, match="itself"):
        add("/same/", "same")
    with pytest.raises(ValidationError, match="http"):
        add("/bad/", "ftp://example.com/")
    with pytest.raises(ValidationError, match="%00"):
        add("/bad%00/", "/news/")
    with pytest.raises(ValidationError, match="%00"):
        add("/bad/", "/news%00/")
    assert Redirect.objects.count() == 1


def test_a_kept_answer_costs_no_query_and_a_cold_one_at_most_one(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    add("/wp/2019/05/story/", "/news/story/")
    # The next scheduled change is read once per content version for every
    # page and part kept under it, redirects included.
    assert client.get("/wp/2019/05/unknown/").status_code == 404

    with django_assert_max_num_queries(1):
        assert client.get("/wp/2019/05/story/").status_code == 301
    with django_assert_num_queries(0):
        assert client.get("/wp/2019/05/story/").status_code == 301


def test_an_article_old_address_once_answered_runs_no_view_and_no_query(
    client, django_assert_num_queries
):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "renamed"
    article.save()
    assert client.get(old).status_code == 301

    with django_assert_num_queries(0):
        assert client.get(old)["Location"] == article.get_absolute_url()


def test_a_page_that_is_there_asks_the_cache_nothing_about_old_addresses(
    client, monkeypatch
):
    article = make_article()
    assert client.get(article.get_absolute_url()).status_code == 200
    backend = caches["default"]
    asked = []
    for name in ("get", "get_many"):
        real = getattr(backend, name)

        def asking(keys, *args, real=real, **kwargs):
            asked.extend([keys] if isinstance(keys, str) else keys)
            return real(keys, *args, **kwargs)

        # On the instance, and gone with the test: monkeypatch.setattr()
        # would leave the original bound there, hiding the class's methods
        # from later tests that watch them.
        monkeypatch.setitem(vars(backend), name, asking)

    assert client.get(article.get_absolute_url()).status_code == 200
    assert asked  # its parts
    assert not [key for key in asked if key.startswith("pages:redirect:")]


def test_an_old_address_another_process_answered_runs_its_view_once_here(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "renamed"
    article.save()
    assert client.get(old).status_code == 301
    redirects._answered.clear()  # as in a process that has not answered it

    # Its view 404s and the answer kept in the cache is given.
    with django_assert_max_num_queries(1):
        assert client.get(old)["Location"] == article.get_absolute_url()
    with django_assert_num_queries(0):
        assert client.get(old)["Location"] == article.get_absolute_url()


def test_a_changed_redirect_shows_at_once(client):
    redirect = add("/old/", "/first/")
    assert client.get("/old/")["Location"] == "/first/"

    redirect.target = "/second/"
    redirect.save()
    assert client.get("/old/")["Location"] == "/second/"

    redirect.delete()
    assert client.get("/old/").status_code == 404


LOCAL_MEMORY = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"redirects-{uuid.uuid4().hex}",
    }
}


@pytest.mark.parametrize(
    "caches",
    [LOCAL_MEMORY, redis_cache(REDIS_URL)],
    ids=["local-memory", "redis"],
)
def test_a_new_redirect_shows_at_once_through_the_page_cache(client, settings, caches):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = caches
    article = make_article()
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the page cache
    assert client.get("/wp/missing/").status_code == 404

    article.status = "draft"
    article.save()
    add(url, "/news/", status=302)
    add("/wp/missing/", status=410)

    assert client.get(url).status_code == 302
    assert client.get("/wp/missing/").status_code == 410


def test_hits_are_written_in_batches_adding_up_across_counters(
    client, django_assert_num_queries
):
    redirect = add("/counted/", "/news/")
    for _ in range(3):
        client.get("/counted/")
    redirect.refresh_from_db()
    assert redirect.hits == 0  # not one write per request

    hit_counter.flush()
    other = HitCounter(seconds=3600, count=2)
    other.hit(redirect.pk)
    with django_assert_num_queries(1):
        other.hit(redirect.pk)  # the second hit fills the batch: one UPDATE

    redirect.refresh_from_db()
    assert redirect.hits == 5
    assert redirect.last_hit_at is not None


def test_hits_are_written_with_the_first_hit_after_the_batch_time():
    redirect = add("/counted/", "/news/")
    counter = HitCounter(seconds=3600, count=1000)
    counter.hit(redirect.pk)
    counter.flushed_at -= 3600  # an hour on
    counter.hit(redirect.pk)

    redirect.refresh_from_db()
    assert redirect.hits == 2
    assert counter.pending == {}


def test_counting_hits_keeps_the_cached_pages(client):
    from newsroom.cache import content_version

    redirect = add("/counted/", "/news/")
    client.get("/counted/")
    before = content_version()
    hit_counter.flush()
    assert content_version() == before
    redirect.refresh_from_db()
    assert redirect.hits == 1


# The admin


def test_writers_add_redirects_on_this_site_but_not_to_other_sites(client):
    client.force_login(make_member("writer", "Writer"))
    url = reverse("admin:articles_redirect_add")

    refused = client.post(
        url, {"old_path": "/x/", "status": 301, "target": "https://example.org/"}
    )
    assert "Only editors may send readers to another site." in refused.text
    assert 'value="/x/"' in refused.text  # what was typed is kept
    assert not Redirect.objects.exists()

    client.post(url, {"old_path": "/x/", "status": 301, "target": "/news/"})
    assert Redirect.objects.get().target == "/news/"


def test_editors_may_redirect_to_other_sites(client):
    client.force_login(make_member("editor", "Editor"))

    client.post(
        reverse("admin:articles_redirect_add"),
        {"old_path": "/x/", "status": 301, "target": "https://example.org/a"},
    )

    assert Redirect.objects.get().target == "https://example.org/a"


def test_the_form_explains_duplicates_loops_and_bad_targets(client):
    client.force_login(make_member("editor", "Editor"))
    add("/a/", "/b/")
    url = reverse("admin:articles_redirect_add")

    duplicate = client.post(url, {"old_path": "a", "status": 301, "target": "/c/"})
    loop = client.post(url, {"old_path": "/b/", "status": 301, "target": "/a/"})
    bad = client.post(url, {"old_path": "/d/", "status": 301, "target": "/d e/"})

    assert "already exists" in duplicate.text
    assert "loop" in loop.text
    assert "cannot contain spaces" in bad.text
    assert Redirect.objects.count() == 1


def test_an_article_redirect_keeps_its_addresses_in_the_admin(client):
    client.force_login(make_member("editor", "Editor"))
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "renamed"
    article.save()
    redirect = Redirect.objects.get(old_path=old)
    url = reverse("admin:articles_redirect_change", args=[redirect.pk])

    client.post(url, {"old_path": "/elsewhere/", "target": "/x/", "status": 410})

    redirect.refresh_from_db()
    assert (redirect.old_path, redirect.article, redirect.status) == (
        old,
        article,
        410,
    )


def test_circulation_sees_no_redirects(client):
    client.force_login(make_member("circ", "Circulation"))

    assert client.get(reverse("admin:articles_redirect_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_redirect_export")).status_code == 403


def test_the_list_shows_and_searches_addresses_with_their_hits(
    client, django_assert_max_num_queries
):
    client.force_login(make_member("writer", "Writer"))
    article = make_article(title="Harbour plan")
    old = article.get_absolute_url()
    article.slug = "harbour-plan-approved"
    article.save()
    for n in range(5):
        add(f"/wp/{n}/", "/news/")

    url = reverse("admin:articles_redirect_changelist")
    with django_assert_max_num_queries(12):
        listed = client.get(url)
    assert old in listed.text
    assert "When the article moved" in listed.text
    searched = client.get(url, {"q": "Harbour"})
    assert old in searched.text
    assert "/wp/1/" not in searched.text
    by_hand = client.get(url, {"made": "hand"})
    assert "/wp/1/" in by_hand.text
    assert old not in by_hand.text


def csv_upload(text):
    return SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv")


def test_an_import_with_a_bad_row_changes_nothing_and_says_why(client):
    client.force_login(make_member("writer", "Writer"))

    response = client.post(
        reverse("admin:articles_redirect_import"),
        {
            "file": csv_upload(
                "old_path,target,status\n"
                "/one/,/news/,301\n"
                "/two/,https://example.org/,301\n"
                "/three/,/three/,301\n"
            )
        },
    )

    assert "2 rows refused" in response.text
    assert "1 row would be imported" in response.text
    assert "Only editors may send readers to another site." in response.text
    assert "redirects to itself" in response.text
    assert not Redirect.objects.exists()


def test_export_then_import_round_trips(client):
    client.force_login(make_member("editor", "Editor"))
    add("/a/", "/news/")
    add("/b/", "https://example.org/x", status=302)
    add("/c/", status=410)

    exported = client.get(reverse("admin:articles_redirect_export"))
    text = b"".join(
        exported.streaming_content if exported.streaming else [exported.content]
    ).decode()
    before = sorted(Redirect.objects.values_list("old_path", "target", "status"))
    Redirect.objects.all().delete()

    imported = client.post(
        reverse("admin:articles_redirect_import"), {"file": csv_upload(text)}
    )

    assert imported.status_code == 302
    after = sorted(Redirect.objects.values_list("old_path", "target", "status"))
    assert after == before


def test_a_reading_page_address_is_resolved_once_a_request_after_the_first(
    client, monkeypatch
):
    # The middleware remembers which view a path reaches (view_at); only
    # Django's own resolving, which calls the view, walks the patterns.
    from django.urls.resolvers import URLResolver

    article = make_article()
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    resolved = []
    walk = URLResolver.resolve

    def counting(self, path):
        if self.pattern.regex.pattern in ("^/", "^\\/"):
            resolved.append(path)
        return walk(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counting)
    assert client.get(url).status_code == 200
    assert resolved == [url]


def test_which_view_a_path_reaches_follows_a_new_urlconf():
    from django.urls import clear_url_caches, get_resolver

    from articles.views import ArticleDetailView

    article = make_article()
    before = get_resolver()
    assert redirects.view_at(article.get_absolute_url(), before) is ArticleDetailView
    assert redirects.view_at("/nothing-here", before) is None
    clear_url_caches()
    assert get_resolver() is not before


def test_a_long_path_is_resolved_without_being_remembered(client):
    redirects.view_at.cache_clear()
    long_path = "/" + "x" * redirects.REMEMBERED_PATH_LENGTH + "/"
    assert client.get(long_path).status_code == 404
    assert redirects.view_at.cache_info().currsize == 0
    assert client.get("/nothing-here/").status_code == 404
    assert redirects.view_at.cache_info().currsize == 1
