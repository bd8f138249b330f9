"""
What the body editor's Insert menu asks the server (articles/admin/insert.py):
the picture library's search and an upload to it, our articles' search and
the embed check. Staff only, permission-checked, small JSON, a constant
number of queries whatever the results.
"""

import pytest
from django.test import Client
from django.urls import reverse

from articles.admin.insert import RESULTS
from articles.models import Article, Image
from tests.factories import (
    image_bytes,
    image_upload,
    make_article,
    make_editor,
    make_image,
    make_staff,
    upload,
)

pytestmark = pytest.mark.django_db

PICTURES = reverse("admin:articles_image_insert_search")
UPLOAD = reverse("admin:articles_image_insert_upload")
ARTICLES = reverse("admin:articles_article_insert_articles")
EMBED = reverse("admin:articles_article_insert_embed")


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def small_picture(**kwargs):
    return make_image(file=image_upload(width=480, height=270), **kwargs)


def found_ids(response):
    assert response.status_code == 200
    return [result["id"] for result in response.json()["results"]]


# Who may ask.


@pytest.mark.parametrize("url", [PICTURES, ARTICLES, EMBED])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_permissions_are_refused(client):
    client.force_login(make_staff("clerk"))
    for url in (PICTURES, ARTICLES, EMBED):
        assert client.get(url).status_code == 403
    post = client.post(UPLOAD, {"file": image_upload(), "alt_text": "A pier"})
    assert post.status_code == 403
    assert not Image.objects.exists()


def test_the_picture_search_needs_the_view_permission_only(client):
    small_picture()
    client.force_login(make_staff("viewer", ["articles.view_image"]))
    assert len(found_ids(client.get(PICTURES))) == 1


def test_an_upload_needs_the_add_permission(client):
    client.force_login(make_staff("viewer", ["articles.view_image"]))
    response = client.post(UPLOAD, upload_data())
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_the_upload_is_protected_against_cross_site_requests():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())
    response = client.post(UPLOAD, upload_data())
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_the_upload_answers_only_posts(editor_client):
    assert editor_client.get(UPLOAD).status_code == 405


# The picture library.


def test_pictures_are_found_by_caption_credit_alt_text_and_tag(editor_client):
    pier = small_picture(
        alt_text="Boats tied up at the pier",
        caption="The new pier at dusk.",
        credit="Ann Lens",
    )
    pier.tags.add("harbour works")
    other = small_picture(alt_text="A council meeting", caption="Councillors.")
    for words in ("pier", "DUSK", "ann lens", "harbour", "works pier"):
        assert found_ids(editor_client.get(PICTURES, {"q": words})) == [pier.pk], words
    assert found_ids(editor_client.get(PICTURES, {"q": "council"})) == [other.pk]
    assert found_ids(editor_client.get(PICTURES, {"q": "nothing like it"})) == []
    assert set(found_ids(editor_client.get(PICTURES))) == {pier.pk, other.pk}


def test_a_found_picture_comes_with_its_words_tags_and_a_small_thumbnail(
    editor_client,
):
    picture = small_picture(alt_text="A pier", caption="The pier.", credit="Ann Lens")
    picture.tags.add("harbour", "boats")
    [result] = editor_client.get(PICTURES).json()["results"]
    thumbnail = picture.thumbnail_rendition
    assert result == {
        "id": picture.pk,
        "alt_text": "A pier",
        "caption": "The pier.",
        "credit": "Ann Lens",
        "tags": ["boats", "harbour"],
        "thumbnail": {
            "url": thumbnail.file.url,
            "width": thumbnail.width,
            "height": thumbnail.height,
        },
    }
    # A rendition, never the original upload.
    assert result["thumbnail"]["url"] != picture.file.url
    assert thumbnail.width == min(r.width for r in picture.renditions.all())


def test_the_picture_search_answers_a_page_at_a_time(editor_client):
    pictures = [small_picture() for _ in range(RESULTS + 2)]
    first = editor_client.get(PICTURES).json()
    assert len(first["results"]) == RESULTS
    assert first["next_page"] == 2
    second = editor_client.get(PICTURES, {"page": 2}).json()
    assert second["next_page"] is None
    shown = [r["id"] for r in first["results"] + second["results"]]
    assert shown == [p.pk for p in reversed(pictures)]
    assert editor_client.get(PICTURES, {"page": "x"}).json()["next_page"] == 2


def count_queries(client, url, params, django_assert_max_num_queries, most):
    with django_assert_max_num_queries(most) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_picture_search_costs_the_same_queries_for_one_result_or_a_page(
    editor_client, django_assert_max_num_queries
):
    small_picture().tags.add("harbour")
    one = count_queries(
        editor_client, PICTURES, {"q": "harbour"}, django_assert_max_num_queries, 6
    )
    for n in range(RESULTS + 3):
        small_picture().tags.add("harbour", f"tag {n}")
    # Pictures whose renditions are not recorded cost one query for them all.
    Image.objects.update(rendition_index=None)
    many = count_queries(
        editor_client, PICTURES, {"q": "harbour"}, django_assert_max_num_queries, 7
    )
    assert many <= one + 1


# Uploading a picture in place.


def upload_data(**fields):
    return {
        "file": upload("pier.png", image_bytes(320, 200, "PNG"), "image/png"),
        "alt_text": "Boats at the new pier",
        "caption": "The new pier opened on Monday.",
        "credit": "Ann Lens",
        "tags": "harbour, pier",
        **fields,
    }


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_uploaded_picture_joins_the_library_and_comes_back_ready(editor_client, fmt):
    data = upload_data(file=upload(f"pier.{fmt.lower()}", image_bytes(320, 200, fmt)))
    response = editor_client.post(UPLOAD, data)
    assert response.status_code == 201
    picture = Image.objects.get()
    assert response.json()["id"] == picture.pk
    assert response.json()["thumbnail"]["url"] == picture.thumbnail_rendition.file.url
    assert picture.alt_text == "Boats at the new pier"
    assert picture.caption == "The new pier opened on Monday."
    assert picture.credit == "Ann Lens"
    assert sorted(picture.tags.names()) == ["harbour", "pier"]
    assert picture.uploaded_by.username == "editor"
    assert picture.renditions.exists()
    # Found in the library by its tag at once.
    assert found_ids(editor_client.get(PICTURES, {"q": "pier"})) == [picture.pk]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"alt_text": ""}, "alt_text", "This field is required."),
        ({"credit": ""}, "credit", "This field is required."),
        ({"file": upload("notes.png", b"not a picture", "image/png")}, "file", ""),
        (
            {
                "file": upload(
                    "drawing.svg",
                    b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
                    "image/svg+xml",
                )
            },
            "file",
            "SVG drawings are not accepted",
        ),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_stored(
    editor_client, settings, fields, field, message
):
    response = editor_client.post(UPLOAD, upload_data(**fields))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and all(errors[field])
    assert message in " ".join(errors[field])
    assert not Image.objects.exists()
    assert not any((settings.MEDIA_ROOT / "images").glob("**/*.*"))


def test_an_upload_over_the_size_limit_is_refused(editor_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    response = editor_client.post(UPLOAD, upload_data())
    assert response.status_code == 400
    assert "may be at most" in response.json()["errors"]["file"][0]
    assert not Image.objects.exists()


# Our articles, for "Read more" cards.


def test_articles_are_found_by_headline_live_ones_only(editor_client):
    pier = make_article(title="New pier opens on the harbour")
    make_article(title="Pier plans: a draft", status=Article.Status.DRAFT)
    make_article(title="Council budget")
    answer = editor_client.get(ARTICLES, {"q": "PIER harbour"}).json()
    assert answer["next_page"] is None
    [result] = answer["results"]
    assert result["id"] == pier.pk
    assert result["title"] == "New pier opens on the harbour"
    assert result["section"] == pier.section.name
    assert result["published"]


def test_the_article_search_costs_the_same_queries_for_one_result_or_a_page(
    editor_client, django_assert_max_num_queries
):
    make_article(title="Pier 0")
    one = count_queries(
        editor_client, ARTICLES, {"q": "pier"}, django_assert_max_num_queries, 5
    )
    for n in range(RESULTS + 3):
        make_article(title=f"Pier {n + 1}")
    many = count_queries(
        editor_client, ARTICLES, {"q": "pier"}, django_assert_max_num_queries, 5
    )
    assert many == one
    assert len(editor_client.get(ARTICLES, {"q": "pier"}).json()["results"]) == RESULTS


# Embeds.


def test_the_embed_check_names_the_provider_that_accepts_the_address(editor_client):
    answer = editor_client.get(EMBED, {"url": "https://youtu.be/dQw4w9WgXcQ"}).json()
    assert answer == {"provider": "YouTube"}


@pytest.mark.parametrize(
    "url, says",
    [
        ("https://example.com/video/1", "No provider we embed from accepts"),
        ("http://youtu.be/dQw4w9WgXcQ", "starting with https://"),
        ("javascript:alert(1)", "starting with https://"),
        ("", "starting with https://"),
    ],
)
def test_the_embed_check_refuses_addresses_no_provider_accepts(
    editor_client, settings, url, says
):
    answer = editor_client.get(EMBED, {"url": url}).json()
    assert "provider" not in answer
    assert says in answer["error"]


def test_the_embed_check_follows_the_configured_providers(editor_client, settings):
    settings.EMBED_PROVIDERS = [
        p for p in settings.EMBED_PROVIDERS if p["name"] != "YouTube"
    ]
    answer = editor_client.get(EMBED, {"url": "https://youtu.be/dQw4w9WgXcQ"}).json()
    assert "YouTube" not in answer["error"]
