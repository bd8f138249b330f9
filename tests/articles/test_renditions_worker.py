"""
Renditions made by the worker: a saved picture waits with one small JPEG
that pages show at the original's size, the worker makes the full set (and
the pages kept in the cache show it), failures are retried a bounded number
of times, the admin shows where each picture stands, and `make_renditions`
rebuilds them in its own process, continuing where it stopped.

The task backend here is the real database one (tasks are queued, not run),
except where a test runs the real `manage.py db_worker`.
"""

import io
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage

from articles import images, renditions
from articles.models import Image, RenditionRebuild
from tests.factories import image_upload, make_article, make_editor, make_image
from tests.html import parse

pytestmark = pytest.mark.django_db

Status = Image.RenditionsStatus


@pytest.fixture(autouse=True)
def _queued_tasks(settings):
    """Tasks go to the database queue, as in production, and wait there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RENDITION_ATTEMPTS = 3
    settings.RENDITION_RETRY_SECONDS = 60


def fresh(image):
    """The picture as the worker reads it (make_image's holds the upload)."""
    return Image.objects.get(pk=image.pk)


def rendition_keys(image):
    return set(image.renditions.values_list("shape", "format", "width"))


def picture_on_page(client, article):
    """The lead picture's <picture> on the article page."""
    page = parse(client.get(article.get_absolute_url()))
    return page.select_one("article picture") or page.select_one("picture")


def test_a_saved_picture_waits_for_the_worker_with_one_small_jpeg():
    """
    Saving stores the original and one JPEG at the <img src> width, marks the
    renditions waiting and due, and queues the worker's task in the same
    transaction; nothing else is encoded in the request.
    """
    # Tasks other tests' processes left in this database are not this one's.
    earlier = list(DBTaskResult.objects.values_list("pk", flat=True))
    image = make_image(file=image_upload(width=3000, height=2000))
    assert (image.width, image.height) == (3000, 2000)
    assert image.renditions_status == Status.WAITING
    assert image.renditions_due_at <= timezone.now()
    assert rendition_keys(image) == {("", "jpeg", images.FALLBACK_WIDTH)}
    small = image.renditions.get()
    assert (small.width, small.height) == (800, 533)
    with PILImage.open(small.file.path) as encoded:
        assert encoded.format == "JPEG" and encoded.size == (800, 533)
    assert [entry[:4] for entry in image.rendition_index] == [["", "jpeg", 800, 533]]
    queued = DBTaskResult.objects.exclude(pk__in=earlier).get()
    assert queued.task_path == "articles.renditions.make_due_renditions"


def test_a_picture_narrower_than_the_small_width_keeps_its_own():
    image = make_image(file=image_upload(width=500, height=250))
    assert rendition_keys(image) == {("", "jpeg", 500)}


def test_pages_show_the_small_jpeg_at_the_originals_size_until_the_worker_ran(
    client,
):
    """
    While waiting, the page's <img> names the small JPEG, with the original's
    width and height (no layout shift) and no <source> of formats not made
    yet; once the worker ran it offers every format and width.
    """
    image = make_image(file=image_upload(width=3000, height=2000))
    article = make_article(lead_image=image)
    picture = picture_on_page(client, article)
    img = picture.select_one("img")
    small = image.renditions.get()
    assert img["src"] == small.file.url
    assert img["srcset"] == f"{small.file.url} 800w"
    assert (img["width"], img["height"]) == ("3000", "2000")
    assert picture.select("source") == []

    assert renditions.make_due_renditions.call() == {"ready": 1}

    image.refresh_from_db()
    assert image.renditions_status == Status.READY
    assert image.renditions_made_at is not None
    assert not image.missing_renditions()
    picture = picture_on_page(client, article)
    types = [source["type"] for source in picture.select("source")]
    assert types == ["image/avif", "image/webp"]
    # Every width, in each modern format (the <img> keeps the JPEG's src).
    for source in picture.select("source"):
        assert [entry.split()[1] for entry in source["srcset"].split(", ")] == [
            "400w",
            "800w",
            "1200w",
            "1600w",
        ]
    img = picture.select_one("img")
    assert (img["width"], img["height"]) == ("3000", "2000")
    assert small.file.url not in str(picture)


def test_cards_show_the_whole_small_jpeg_until_the_crops_exist(client):
    """
    A card, which wants the 3:2 crop, shows the waiting picture's small JPEG
    (its box keeps the card's shape) and the crop once the worker made it.
    """
    image = make_image(file=image_upload(width=1600, height=900))
    article = make_article(lead_image=image)
    url = article.section.get_absolute_url()
    small = image.renditions.get()
    card = parse(client.get(url)).select_one(f'a[href="{article.get_absolute_url()}"]')
    img = card.find_parent("article").select_one("picture img")
    assert img["src"] == small.file.url
    assert (img["width"], img["height"]) == ("1600", "900")

    renditions.make_due_renditions.call()

    card = parse(client.get(url)).select_one(f'a[href="{article.get_absolute_url()}"]')
    img = card.find_parent("article").select_one("picture img")
    crop = image.renditions.get(shape="card", format="jpeg", width=800)
    assert img["src"] == crop.file.url
    assert (img["width"], img["height"]) == ("800", "533")


def test_the_kept_page_shows_the_full_set_once_the_worker_finished(
    client, settings, django_capture_on_commit_callbacks
):
    """
    With the page cache on, the article page kept while the picture waited
    is dropped when the worker records the renditions (the content version
    moves), so the next reader gets the full set.
    """
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"renditions-{uuid.uuid4().hex}",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(lead_image=make_image())
    url = article.get_absolute_url()
    waiting = client.get(url).content
    assert b"image/avif" not in waiting
    assert client.get(url).content == waiting  # kept

    with django_capture_on_commit_callbacks(execute=True):
        renditions.make_due_renditions.call()

    assert b'type="image/avif"' in client.get(url).content


def test_a_failure_is_retried_with_a_growing_wait_then_marked_failed(client):
    """
    A picture whose original cannot be read is tried again after 60 s, then
    120 s; after the last attempt it is failed with the error and pages keep
    showing its small JPEG.
    """
    image = make_image()
    article = make_article(lead_image=image)
    small_url = image.renditions.get().file.url
    image.file.storage.delete(image.file.name)
    image = fresh(image)
    now = timezone.now()

    assert renditions.build(image, now) == Status.WAITING
    assert image.renditions_attempts == 1
    assert image.renditions_due_at == now + timedelta(seconds=60)
    assert "FileNotFoundError" in image.renditions_error
    assert not Image.objects.renditions_due(now).exists()
    assert Image.objects.renditions_due(now + timedelta(seconds=60)).exists()

    assert renditions.build(image, now) == Status.WAITING
    assert image.renditions_due_at == now + timedelta(seconds=120)

    assert renditions.build(image, now) == Status.FAILED
    image = fresh(image)
    assert (image.renditions_status, image.renditions_attempts) == (Status.FAILED, 3)
    assert image.renditions_due_at is None
    assert image.renditions.get().file.url == small_url
    assert picture_on_page(client, article).select_one("img")["src"] == small_url


def test_the_worker_takes_only_due_pictures_and_each_once():
    """A retry not yet due is left alone; a picture two workers read is claimed once."""
    later = make_image()
    Image.objects.filter(pk=later.pk).update(
        renditions_due_at=timezone.now() + timedelta(minutes=5)
    )
    due = make_image()
    first = Image.objects.get(pk=due.pk)
    second = Image.objects.get(pk=due.pk)
    now = timezone.now()
    assert renditions.claim(first, now)
    assert not renditions.claim(second, now)
    # Claimed: due again only after the lease.
    assert list(Image.objects.renditions_due(now)) == []
    assert renditions.make_due_renditions.call() == {}
    later.refresh_from_db()
    assert later.renditions_status == Status.WAITING


def test_renditions_encoded_from_a_replaced_file_are_not_stored():
    """
    A picture whose file was replaced while the worker encoded the old one
    keeps the new file's small JPEG and stays waiting for its own set.
    """
    image = make_image()
    read_by_worker = Image.objects.get(pk=image.pk)
    image.file = image_upload("other.jpg", width=1200, height=1200)
    image.save()
    assert renditions.build(read_by_worker) == "outdated"
    image.refresh_from_db()
    assert image.renditions_status == Status.WAITING
    assert rendition_keys(image) == {("", "jpeg", 800)}
    assert image.renditions.get().height == 800


def test_a_moved_focal_point_queues_only_the_crops():
    """
    Saving a new focal point returns without encoding: the old crops stay
    until the worker cuts the new ones, and only those are made again.
    """
    image = make_image(file=image_upload(width=3000, height=1000))
    renditions.make_due_renditions.call()
    image = Image.objects.get(pk=image.pk)
    before = dict(image.renditions.values_list("pk", "shape"))
    image.focal_point_x = 0.05
    image.save()
    assert image.renditions_status == Status.WAITING
    assert dict(image.renditions.values_list("pk", "shape")) == before

    assert renditions.make_due_renditions.call() == {"ready": 1}

    after = dict(image.renditions.values_list("pk", "shape"))
    kept = {pk for pk, shape in before.items() if not shape}
    assert kept <= after.keys()
    assert not {pk for pk, shape in before.items() if shape} & after.keys()
    assert not Image.objects.get(pk=image.pk).missing_renditions()


def test_the_image_admin_shows_each_pictures_renditions_state(
    client, django_assert_max_num_queries
):
    """The list and the form say waiting, ready, or failed with the error."""
    client.force_login(make_editor())
    ready = make_image(alt_text="Ready picture")
    renditions.build(fresh(ready))
    make_image(alt_text="Waiting picture")
    failed = make_image(alt_text="Failed picture")
    failed.file.storage.delete(failed.file.name)
    renditions.build(fresh(failed), retry=False)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:articles_image_changelist"))
    states = {
        row.select_one(".field-alt_text").get_text(strip=True): row.select_one(
            ".field-renditions_state"
        ).get_text(" ", strip=True)
        for row in parse(response).select("#result_list tbody tr")
    }
    assert states["Ready picture"] == "Ready"
    assert states["Waiting picture"] == "Waiting for the worker"
    assert states["Failed picture"].startswith("Failed after 1 attempt(s): ")
    assert "FileNotFoundError" in states["Failed picture"]
    # The failed picture still has its small JPEG as its thumbnail.
    failed_row = parse(response).select_one(".renditions-failed").find_parent("tr")
    assert failed_row.select_one("img.newsroom-thumbnail")

    form = parse(client.get(reverse("admin:articles_image_change", args=[failed.pk])))
    assert "FileNotFoundError" in form.select_one(".field-renditions_state").text

    filtered = client.get(
        reverse("admin:articles_image_changelist"), {"renditions_status": "failed"}
    )
    assert [
        cell.get_text(strip=True)
        for cell in parse(filtered).select("#result_list .field-alt_text")
    ] == ["Failed picture"]


def test_the_admin_action_queues_failed_pictures_again(client):
    client.force_login(make_editor())
    image = make_image()
    Image.objects.filter(pk=image.pk).update(
        renditions_status=Status.FAILED, renditions_attempts=3, renditions_error="x"
    )
    DBTaskResult.objects.all().delete()
    response = client.post(
        reverse("admin:articles_image_changelist"),
        {"action": "queue_renditions", "_selected_action": [image.pk]},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.renditions_status, image.renditions_attempts) == (Status.WAITING, 0)
    assert DBTaskResult.objects.count() == 1
    assert renditions.make_due_renditions.call() == {"ready": 1}


def run(*args):
    out = io.StringIO()
    call_command("make_renditions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("args", [[], ["--all", "--missing"]])
def test_make_renditions_refuses_to_guess_which_pictures(args):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert "\n" not in str(refused.value)
    assert "--all or --missing" in str(refused.value)


def test_make_renditions_missing_makes_what_the_current_sizes_lack(settings):
    """
    --missing makes waiting pictures and those made for other sizes (here:
    one taken away), with progress, and then finds nothing left to do.
    """
    waiting = make_image()
    done = make_image()
    renditions.build(fresh(done))
    done.renditions.get(shape="", format="webp", width=1600).delete()
    untouched = make_image()
    renditions.build(fresh(untouched))
    untouched_files = set(untouched.renditions.values_list("file", flat=True))

    output = run("--missing")

    assert "Pictures to make: 2." in output
    assert f"[1/2] picture {waiting.pk}: ready" in output
    assert f"[2/2] picture {done.pk}: ready" in output
    for image in (waiting, done):
        image.refresh_from_db()
        assert image.renditions_status == Status.READY
        assert not image.missing_renditions()
    assert set(untouched.renditions.values_list("file", flat=True)) == untouched_files
    assert "Pictures to make: 0." in run("--missing")


def test_make_renditions_all_continues_a_rebuild_that_stopped(tmp_path):
    """
    An --all that stopped (here: one picture's file was missing) is
    continued by the next --all, which makes only what is left.
    """
    pictures = [make_image() for _ in range(3)]
    for image in pictures:
        renditions.build(fresh(image))
    stored = pictures[1].file.path
    hidden = tmp_path / "hidden.jpg"
    with open(stored, "rb") as source:
        hidden.write_bytes(source.read())
    pictures[1].file.storage.delete(pictures[1].file.name)

    with pytest.raises(CommandError, match=r"1 picture\(s\) failed"):
        run("--all")
    rebuild = RenditionRebuild.objects.get()
    assert rebuild.finished_at is None
    assert list(rebuild.pictures_left()) == [pictures[1]]

    with open(stored, "wb") as restored:
        restored.write(hidden.read_bytes())
    output = run("--all")
    assert "Continuing the rebuild begun at" in output
    assert "Pictures to make: 1." in output
    assert f"[1/1] picture {pictures[1].pk}: ready" in output
    rebuild.refresh_from_db()
    assert rebuild.finished_at is not None
    # A later --all starts a new rebuild of everything.
    assert "Pictures to make: 3." in run("--all")


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_makes_the_renditions_of_an_uploaded_picture(client, settings):
    """
    The picture uploaded in the admin waits; `manage.py db_worker`, in a
    process of its own, makes the full set and marks it ready.
    """
    from tests.servers import database_url

    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": image_upload(width=2000, height=1500),
            "alt_text": "A trawler",
            "caption": "A trawler.",
            "credit": "Staff",
            "focal_point_x": "0.5",
            "focal_point_y": "0.5",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions_status == Status.WAITING
    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=django_settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    image.refresh_from_db()
    assert image.renditions_status == Status.READY, image.renditions_error
    assert not image.missing_renditions()
    for rendition in image.renditions.all():
        with PILImage.open(rendition.file.path) as encoded:
            assert encoded.size == (rendition.width, rendition.height)
