"""
Pictures on S3-compatible object storage (MEDIA_STORAGE=s3), against a real
S3 API server the suite starts (tests/s3.py): uploads, renditions, the
addresses on reading pages, replacement and deletion after the change
commits, and copying an existing media folder into the bucket.
"""

import io
import json
import urllib.request

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Image, Rendition, ResolvedEmbed
from subscriptions import mail
from tests.articles.test_body_insert import upload_data
from tests.articles.test_images import post_image
from tests.factories import (
    image_bytes,
    image_upload,
    make_article,
    make_editor,
    make_image,
)
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def image_names(image):
    """The original's and every rendition's name, sorted."""
    return sorted(
        [image.file.name, *(r.file.name for r in image.renditions.all())],
    )


def page_picture_urls(html):
    """Every picture address an HTML page names in src and srcset."""
    soup = BeautifulSoup(html, "html.parser")
    urls = []
    for tag in soup.find_all(["img", "source"]):
        if tag.get("src"):
            urls.append(tag["src"])
        for candidate in (tag.get("srcset") or "").split(","):
            if candidate.strip():
                urls.append(candidate.split()[0])
    return urls


def make_bucket_unreachable(settings):
    """Point the storage at a port nothing listens on."""
    storage = settings.STORAGES["default"]
    options = {**storage["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**storage, "OPTIONS": options},
    }


def test_an_uploaded_picture_and_its_renditions_are_stored_in_the_bucket(
    client, s3_media, settings
):
    """The admin's upload stores the original and every rendition as objects."""
    client.force_login(make_editor())
    response = post_image(client, image_upload("harbour.jpg", 1600, 900))
    assert response.status_code == 302
    image = Image.objects.get()
    names = image_names(image)
    assert image.renditions.count() > 10
    assert names == s3_media.names()
    assert all(n.startswith(("images/", "renditions/")) for n in names)
    stored = PILImage.open(io.BytesIO(s3_media.read(image.file.name)))
    assert (stored.width, stored.height) == (1600, 900) == (image.width, image.height)
    avif = image.renditions.filter(format="avif").first()
    assert s3_media.head(avif.file.name)["ContentType"] == "image/avif"
    assert "immutable" in s3_media.head(avif.file.name)["CacheControl"]
    assert f"{s3_media.endpoint}/{s3_media.name}/" == settings.MEDIA_URL


def test_reading_pages_name_the_bucket_without_signatures(client, s3_media):
    """
    The article page's pictures are the bucket's public addresses, with no
    expiring signature, and the S3 server answers them with the files.
    """
    image = make_image()
    article = make_article(lead_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    urls = page_picture_urls(html)
    assert len(urls) > 3
    base = f"{s3_media.endpoint}/{s3_media.name}/renditions/"
    assert all(url.startswith(base) for url in urls), urls
    assert not [url for url in urls if "?" in url or "Amz" in url]
    status, headers, body = fetch(image.fallback_url)
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert body == s3_media.read(image.fallback_rendition.file.name)


def test_a_custom_domain_names_the_cdn_on_pages(client, s3_media, settings):
    """With AWS_S3_CUSTOM_DOMAIN, pages name the CDN's host, not the bucket's."""
    storage, settings.MEDIA_URL = s3_media.storage_settings(
        custom_domain="pictures.example.org"
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    article = make_article(lead_image=make_image())
    urls = page_picture_urls(client.get(article.get_absolute_url()).content.decode())
    assert urls
    assert all(u.startswith("https://pictures.example.org/renditions/") for u in urls)
    assert settings.MEDIA_URL == "https://pictures.example.org/"


def test_replacing_the_file_deletes_the_old_objects_once_the_change_commits(
    s3_media,
):
    """
    The old original and renditions stay in the bucket until the new ones
    are committed (a page rendered meanwhile still finds them), then go.
    """
    image = make_image(file=image_upload("first.jpg", 1200, 800))
    old_names = image_names(image)
    with transaction.atomic():
        image.file = image_upload("second.jpg", 1000, 800)
        image.save()
        assert set(old_names) <= set(s3_media.names())
        assert image.file.name in s3_media.names()
    # Committed: the worker (at once, under tests) has made the new set.
    new_names = image_names(Image.objects.get(pk=image.pk))
    assert not set(old_names) & set(new_names)
    assert s3_media.names() == new_names


def test_a_replacement_rolled_back_keeps_the_old_objects(s3_media):
    """When the change does not commit, the picture's files are all still there."""
    image = make_image(file=image_upload("first.jpg", 1200, 800))
    old_names = image_names(image)
    with pytest.raises(RuntimeError), transaction.atomic():
        image.file = image_upload("second.jpg", 1000, 800)
        image.save()
        raise RuntimeError("the editor's change fails after the save")
    image = Image.objects.get(pk=image.pk)
    assert image_names(image) == old_names
    assert set(old_names) <= set(s3_media.names())
    status, _headers, _body = fetch(image.fallback_url)
    assert status == 200


def test_moving_the_focal_point_replaces_only_the_shapes_after_commit(s3_media):
    """The shapes cut again are new objects; the old shapes go on commit."""
    image = make_image()
    whole = {r.file.name for r in image.renditions.filter(shape="")}
    old_shapes = {r.file.name for r in image.renditions.exclude(shape="")}
    with transaction.atomic():
        image.focal_point_x = 0.2
        image.save()
        assert old_shapes <= set(s3_media.names())
    new_shapes = {r.file.name for r in image.renditions.exclude(shape="")}
    assert set(s3_media.names()) == {image.file.name} | whole | new_shapes
    assert not old_shapes & new_shapes


def test_deleting_a_picture_deletes_its_objects(s3_media):
    """The original and every rendition leave the bucket with the picture."""
    keep = make_image(file=image_upload("keep.jpg", 900, 600))
    image = make_image()
    assert image_names(image)
    image.delete()
    assert Rendition.objects.filter(image_id=image.pk).count() == 0
    assert s3_media.names() == image_names(keep)


def test_names_never_overwrite_one_another(s3_media):
    """Two uploads with the same name are two objects, both kept."""
    first = make_image(file=image_upload("same.jpg", 900, 600))
    second = make_image(file=image_upload("same.jpg", 800, 600))
    assert first.file.name != second.file.name
    assert PILImage.open(io.BytesIO(s3_media.read(first.file.name))).width == 900
    assert PILImage.open(io.BytesIO(s3_media.read(second.file.name))).width == 800


def test_feeds_sharing_tags_and_emails_give_the_bucket_address_as_it_is(
    client, s3_media, settings
):
    """
    Addresses that must be absolute (feed enclosures, og:image, JSON-LD,
    newsletter pictures) are the bucket's own, not SITE_URL with it appended;
    the enclosure's length is the object's.
    """
    settings.SITE_URL = "https://news.example.org"
    image = make_image()
    article = make_article(lead_image=image)
    base = f"{s3_media.endpoint}/{s3_media.name}/renditions/"

    feed = feedparser.parse(client.get(reverse("articles:feed")).content)
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.href == image.fallback_url
    assert enclosure.href.startswith(base)
    stored = s3_media.head(image.fallback_rendition.file.name)
    assert int(enclosure.length) == stored["ContentLength"]

    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    shared = soup.select_one('meta[property="og:image"]')["content"]
    assert shared == image.share_rendition.file.url
    assert shared.startswith(base)
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    graph = data.get("@graph", [data])
    pictures = [url for node in graph for url in node.get("image", [])]
    assert pictures
    assert all(url.startswith(base) for url in pictures)

    assert mail.MailPicture(image, 600).src.startswith(base)


@pytest.fixture
def pictures_on_disk(settings, s3_media):
    """
    Two pictures and an embed thumbnail stored in MEDIA_ROOT, as before the
    move; then the settings point at the bucket. Their file names, sorted.
    """
    s3_storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    images = [
        make_image(file=image_upload("one.jpg", 900, 600)),
        make_image(file=image_upload("two.jpg", 500, 400)),
    ]
    embed = ResolvedEmbed.objects.create(
        url="https://www.youtube.com/watch?v=abc",
        provider="YouTube",
        status=ResolvedEmbed.Status.RESOLVED,
        thumbnail=ContentFile(image_bytes(480, 360), name="thumbnail.jpg"),
    )
    names = sorted(
        [
            *(name for image in images for name in image_names(image)),
            embed.thumbnail.name,
        ]
    )
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage}
    assert s3_media.names() == []
    return names


def copy_media(*args):
    out = io.StringIO()
    call_command("copy_media_to_storage", *args, stdout=out)
    return out.getvalue()


def test_copy_media_to_storage_copies_every_picture_under_its_name(
    settings, s3_media, pictures_on_disk
):
    """Originals, renditions and embed thumbnails land in the bucket byte for byte."""
    output = copy_media()

    total = len(pictures_on_disk)
    assert output.splitlines()[-1] == (
        f"{total} of {total} files: {total} copied, 0 already there, 0 missing."
    )
    assert s3_media.names() == pictures_on_disk
    for name in pictures_on_disk:
        assert s3_media.read(name) == (settings.MEDIA_ROOT / name).read_bytes()
    image = Image.objects.first()
    status, _headers, body = fetch(image.fallback_url)
    assert status == 200
    assert (
        body == (settings.MEDIA_ROOT / image.fallback_rendition.file.name).read_bytes()
    )


def test_copy_media_to_storage_again_copies_nothing(s3_media, pictures_on_disk):
    copy_media()
    written = {name: s3_media.head(name)["LastModified"] for name in s3_media.names()}

    output = copy_media()

    total = len(pictures_on_disk)
    assert output.splitlines()[-1] == (
        f"{total} of {total} files: 0 copied, {total} already there, 0 missing."
    )
    assert {n: s3_media.head(n)["LastModified"] for n in s3_media.names()} == written


def test_copy_media_to_storage_resumes_after_an_interruption(
    settings, s3_media, pictures_on_disk
):
    """
    After a run stopped part way (some files never sent, one left wrong), the
    next run copies only those, and the bucket ends complete and right.
    """
    copy_media()
    client = s3_media.client
    for name in pictures_on_disk[:3]:
        client.delete_object(Bucket=s3_media.name, Key=name)
    broken = pictures_on_disk[5]
    client.put_object(Bucket=s3_media.name, Key=broken, Body=b"half a file")

    output = copy_media()

    total = len(pictures_on_disk)
    assert output.splitlines()[-1] == (
        f"{total} of {total} files: 4 copied, {total - 4} already there, 0 missing."
    )
    assert s3_media.names() == pictures_on_disk
    assert s3_media.read(broken) == (settings.MEDIA_ROOT / broken).read_bytes()


def test_copy_media_to_storage_names_the_files_missing_on_disk(
    settings, s3_media, pictures_on_disk
):
    """The others are copied; the run ends with one line naming what is missing."""
    lost = pictures_on_disk[0]
    (settings.MEDIA_ROOT / lost).unlink()

    with pytest.raises(CommandError, match=f"1 of the files .* e.g. {lost}.$"):
        copy_media()

    assert s3_media.names() == pictures_on_disk[1:]


def test_copy_media_to_storage_refuses_the_file_system_and_a_missing_folder(
    settings, s3_media, tmp_path
):
    with pytest.raises(CommandError, match=r"no folder .*nowhere to copy from\.$"):
        copy_media("--source", str(tmp_path / "nowhere"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with pytest.raises(CommandError, match="The storage is the file system"):
        copy_media()


def test_an_embeds_thumbnail_leaves_the_bucket_only_when_its_deletion_commits(
    s3_media,
):
    embed = ResolvedEmbed.objects.create(
        url="https://www.youtube.com/watch?v=abc",
        provider="YouTube",
        status=ResolvedEmbed.Status.RESOLVED,
        thumbnail=ContentFile(image_bytes(480, 360), name="thumbnail.jpg"),
    )
    assert s3_media.names() == [embed.thumbnail.name]
    with pytest.raises(RuntimeError), transaction.atomic():
        ResolvedEmbed.objects.filter(pk=embed.pk).delete()
        raise RuntimeError("the deletion fails")
    assert s3_media.names() == [embed.thumbnail.name]

    ResolvedEmbed.objects.filter(pk=embed.pk).delete()

    assert s3_media.names() == []


def test_pages_render_without_asking_the_bucket_anything(
    client, s3_media, settings, django_assert_max_num_queries
):
    """
    Addresses are MEDIA_URL and the stored names joined: with the S3 server
    unreachable, the article and home pages still render, in their query
    budgets, naming the pictures.
    """
    article = make_article(lead_image=make_image())
    make_bucket_unreachable(settings)
    for url, budget in ((article.get_absolute_url(), 10), ("/", 12)):
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200
        urls = page_picture_urls(response.content.decode())
        assert urls
        assert all(u.startswith(settings.MEDIA_URL + "renditions/") for u in urls)


def test_an_upload_the_bucket_does_not_take_keeps_the_form_as_typed(
    client, s3_media, settings
):
    """
    With the S3 server unreachable, the editor gets the form back with what
    was typed and a message saying nothing was saved, not an error page.
    """
    make_bucket_unreachable(settings)
    client.force_login(make_editor())
    response = post_image(client, image_upload("harbour.jpg", 900, 600))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    errors = soup.select_one(".errorlist.nonfield").get_text()
    assert "the picture storage did not answer" in errors
    assert soup.select_one("#id_alt_text").get_text().strip() == (
        "Boats in the harbour at dawn"
    )
    assert soup.select_one("#id_credit")["value"] == "Jane Photographer"
    assert not Image.objects.exists()


def test_an_upload_from_the_body_editor_the_bucket_does_not_take_says_so(
    client, s3_media, settings
):
    """The body editor's upload answers 400 with the message on the file."""
    make_bucket_unreachable(settings)
    client.force_login(make_editor())
    response = client.post(reverse("admin:articles_image_insert_upload"), upload_data())
    assert response.status_code == 400
    assert "the picture storage did not answer" in response.json()["errors"]["file"][0]
    assert not Image.objects.exists()
