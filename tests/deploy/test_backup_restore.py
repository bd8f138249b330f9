"""
The restore drill: the shipped backup script (deploy/backup/newsroom-backup)
dumps the test database and copies its pictures, the shipped restore script
puts them into a fresh database and folder, and a server on the restored
copy answers the same reading pages, byte for byte, with the same rows. A
damaged or empty dump is refused; a failed backup says why in one line and
keeps the earlier ones; old backups are pruned by hour, day and week.

Nothing is normalised when pages are compared: the reading pages carry no
CSRF token, nonce or cookie (they are cacheable), so the restored server's
bytes must equal the original's. Only a drill that runs across midnight
leaves out the masthead's date and the footer's year, which the clock sets.
"""

import hashlib
import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from articles.models import Article
from tests.articles.live_factories import make_entry, make_live_article
from tests.deploy import edge
from tests.factories import (
    image_upload,
    make_article,
    make_author,
    make_image,
    make_section,
)
from tests.servers import database_url, fetch, free_port, stop, wait_until_answering
from tests.subscriptions.factories import (
    make_delivery_area,
    make_delivery_request,
    make_newsletter,
    make_subscription,
)

BACKUP = edge.ROOT / "deploy" / "backup" / "newsroom-backup"
RESTORE = edge.ROOT / "deploy" / "backup" / "newsroom-restore"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "newsroom.postgresql",
        reason="backups are PostgreSQL dumps (CI runs this on PostgreSQL)",
    ),
]


def run(script, *args, **env):
    """The script's (exit status, stdout lines, stderr lines)."""
    done = subprocess.run(
        [str(script), *map(str, args)],
        env={**os.environ, **{key: str(value) for key, value in env.items()}},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout.splitlines(), done.stderr.splitlines()


def back_up(backup_dir, **env):
    """Run the backup script on the test database; the new backup's folder."""
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    status, out, err = run(
        BACKUP,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=settings.MEDIA_ROOT,
        BACKUP_DIR=backup_dir,
        **env,
    )
    assert status == 0, err
    assert err == []
    assert len(out) == 1
    return Path(out[0].split()[1])


def server_url(name):
    return database_url().rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def fresh_database():
    """A new, empty database on the test server: its URL (dropped after)."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_paper():
    """
    A small paper: pictures, sections, authors, tags, live coverage,
    subscribers and delivery requests; the paths of its reading pages.
    """
    news, sport = make_section(name="News", slug="news"), make_section(name="Sport")
    photo = make_image(alt_text="Jane Doe", file=image_upload("jane.jpg", 400, 400))
    jane = make_author(name="Jane Doe", slug="jane-doe", photo=photo)
    tom = make_author(name="Tom Byrne")
    harbour = make_image(file=image_upload("harbour.jpg", 1200, 675))
    pier = make_image(
        alt_text="The pier", file=image_upload("pier.png", 800, 450, fmt="PNG")
    )
    lead = make_article(
        title="Council approves harbour plan",
        slug="harbour-plan",
        section=news,
        authors=[jane, (tom, "reporter")],
        tags=["Harbour", "Council"],
        lead_image=harbour,
        lead_image_caption="The harbour at dawn.",
        body=(
            "<p>The council met on Tuesday.</p>"
            f'<figure data-element="picture" data-image="{pier.pk}">'
            "<figcaption>The pier at low tide.</figcaption></figure>"
        ),
        published_at=timezone.now() - timedelta(hours=3),
    )
    make_article(section=news, authors=[tom], tags=["Council"])
    make_article(section=sport, authors=[jane], title="Late goal wins the cup")
    make_article(section=news, status=Article.Status.DRAFT, title="Not yet")
    live = make_live_article(section=news, authors=[jane], title="Storm: live")
    for body in ("<p>Roads closed.</p>", "<p>Power is back.</p>"):
        make_entry(live, body=body, authors=[jane])
    daily = make_newsletter(name="News Wrap", slug="news-wrap")
    weekly = make_newsletter(name="Sport Weekly", rhythm="Every Monday")
    make_subscription(email="ann@example.ie", newsletter=daily)
    make_subscription(email="ann@example.ie", newsletter=weekly)
    make_subscription(email="bob@example.ie", newsletter=daily, status="pending")
    make_subscription(
        email="cat@example.ie",
        newsletter=weekly,
        status="unsubscribed",
        unsubscribed_at=timezone.now(),
    )
    area = make_delivery_area(routing_keys=["A65"])
    make_delivery_request(area=area, notes="Leave it in the porch.")
    make_delivery_request(area=area, status="contacted")
    return [
        "/",
        news.get_absolute_url(),
        sport.get_absolute_url(),
        lead.get_absolute_url(),
        live.get_absolute_url(),
        jane.get_absolute_url(),
        reverse("articles:tag", args=["harbour"]),
        reverse("articles:feed"),
        reverse("articles:section-feed-atom", args=["news"]),
        reverse("articles:sitemap"),
        reverse("articles:sitemap-section", args=["articles"]),
        reverse("articles:sitemap-news"),
    ]


def read_pages(database, media_root, paths, folder):
    """
    Each path's (status, content type, body) from a fresh gunicorn on
    `database`, with no page cache and no cache shared with anything else.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media_root),
        "DJANGO_DEBUG": "true",
        "PAGE_CACHE_SECONDS": "0",
        "FRAGMENT_CACHE_SECONDS": "0",
        "SITE_URL": "https://news.example.org",
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    server = edge.start_gunicorn(port, env, folder / "gunicorn.log", workers=1)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/healthz/live", [server])
        pages = {}
        for path in paths:
            status, headers, body = fetch(base + path)
            assert status == 200, (path, status)
            pages[path] = (status, headers["Content-Type"], body)
        return pages
    finally:
        stop(server)


def without_the_day(pages):
    """
    The pages without what changes at midnight when nothing else does: the
    masthead's date and the footer's year (a drill run across midnight).
    """
    day = re.compile(rb'(<p class="masthead__date">)[^<]*(</p>)|(\xc2\xa9 )\d{4}')
    return {
        path: (status, kind, day.sub(rb"\1\2\3", body))
        for path, (status, kind, body) in pages.items()
    }


def rows(database):
    """Every row of every table, and every sequence's position."""
    with psycopg.connect(database) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        found = {
            table: sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"')))
            for (table,) in tables
        }
        found["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        return found


def files(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


# The servers and pg_dump must see the paper: its rows are committed.
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_serves_the_same_pages_and_the_same_subscribers(
    tmp_path, fresh_database
):
    paths = build_paper()
    media = Path(settings.MEDIA_ROOT)
    first_day = timezone.localdate()
    before = read_pages(database_url(), media, paths, tmp_path)
    assert b"Council approves harbour plan" in before[paths[3]][2]
    assert b"Power is back." in before[paths[4]][2]

    backup = back_up(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"
    status, out, err = run(RESTORE, backup, fresh_database, restored_media)
    assert status == 0, err
    assert out[0].startswith("newsroom-restore:") and "restored" in out[0]

    original, restored = rows(database_url()), rows(fresh_database)
    assert restored == original
    subscribers = original["subscriptions_subscription"]
    # Rows are sorted by their text, which puts id 100 before id 99.
    assert len(subscribers) == 4
    assert any("'ann@example.ie'" in row for row in subscribers)
    assert len(original["subscriptions_deliveryrequest"]) == 2
    assert len(original["articles_liveentry"]) == 2
    assert files(restored_media) == files(media)
    assert len(files(media)) > 3  # the pictures and their renditions

    after = read_pages(fresh_database, restored_media, paths, tmp_path)
    if timezone.localdate() != first_day:
        before, after = without_the_day(before), without_the_day(after)
    for path in paths:
        assert after[path] == before[path], path


def test_a_damaged_or_empty_dump_is_refused_and_nothing_is_restored(
    tmp_path, fresh_database
):
    backup = back_up(tmp_path / "backups")
    dump = backup / "newsroom.dump"
    good = dump.read_bytes()

    def refused(source, why):
        status, out, err = run(RESTORE, source, fresh_database)
        assert status == 1
        assert out == [] and len(err) == 1 and why in err[0], err
        assert rows(fresh_database) == {"sequences": []}

    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0xFF
    dump.write_bytes(damaged)
    refused(backup, "is damaged: its SHA-256 differs")
    # Without its checksum: pg_restore finds the end missing, mid-restore,
    # and the one transaction leaves the database empty.
    alone = tmp_path / "alone.dump"
    alone.write_bytes(good[:-2000])
    refused(alone, "pg_restore failed, nothing was restored")
    alone.write_bytes(b"not a dump at all" * 100)
    refused(alone, "is not a dump pg_restore can read")
    alone.write_bytes(b"")
    refused(alone, "is empty: refusing to restore it")
    refused(tmp_path, "holds no newsroom.dump: not a backup")

    dump.write_bytes(good)
    status, _, err = run(RESTORE, backup, fresh_database)
    assert status == 0, err
    status, _, err = run(RESTORE, backup, fresh_database)
    assert status == 1
    assert len(err) == 1 and "already holds" in err[0] and "fresh one" in err[0]


def test_a_failed_backup_says_why_in_one_line_and_keeps_the_earlier_ones(tmp_path):
    folder = tmp_path / "backups"
    earlier = back_up(folder)
    for env, why in [
        ({"DATABASE_URL": server_url("no_such_database")}, "pg_dump failed: "),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "not a PostgreSQL database"),
        ({"BACKUP_KEEP_DAILY": "seven"}, "BACKUP_KEEP_DAILY must be a whole number"),
    ]:
        status, out, err = run(
            BACKUP,
            **{
                "DATABASE_URL": database_url(),
                "MEDIA_ROOT": settings.MEDIA_ROOT,
                "BACKUP_DIR": folder,
                **env,
            },
        )
        assert status == 1
        assert out == [] and len(err) == 1 and why in err[0], err
        assert err[0].startswith("newsroom-backup: ")
        assert sorted(path.name for path in folder.iterdir()) == [
            ".lock",
            earlier.name,
        ]
    assert (earlier / "newsroom.dump").stat().st_size > 0


def test_a_backup_without_its_media_folder_keeps_the_database_and_fails(tmp_path):
    status, out, err = run(
        BACKUP,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=tmp_path / "missing",
        BACKUP_DIR=tmp_path / "backups",
    )
    assert status == 1 and out == [] and len(err) == 1
    assert "MEDIA_ROOT" in err[0] and "holds the database alone" in err[0]
    (kept,) = (tmp_path / "backups").glob("2*")
    assert (kept / "newsroom.dump").stat().st_size > 0


def test_with_pictures_on_s3_the_backup_is_the_database_alone(tmp_path):
    metrics = tmp_path / "newsroom_backup.prom"
    backup = back_up(
        tmp_path / "backups", MEDIA_STORAGE="s3", BACKUP_METRICS_FILE=metrics
    )
    assert sorted(path.name for path in backup.iterdir()) == [
        "newsroom.dump",
        "newsroom.dump.sha256",
    ]
    gauges = {
        family.name: family.samples[0].value
        for family in text_string_to_metric_families(metrics.read_text())
    }
    assert gauges["newsroom_backup_dump_bytes"] == (
        (backup / "newsroom.dump").stat().st_size
    )
    seconds = gauges["newsroom_backup_last_success_timestamp_seconds"]
    assert abs(seconds - timezone.now().timestamp()) < 600


def test_a_failure_is_an_error_in_the_journal(tmp_path):
    """Under systemd (JOURNAL_STREAM set), the line carries the error level."""
    status, _, err = run(
        BACKUP,
        DATABASE_URL=server_url("no_such_database"),
        BACKUP_DIR=tmp_path,
        JOURNAL_STREAM="8:12345",
    )
    assert status == 1 and len(err) == 1
    assert err[0].startswith("<3>newsroom-backup: pg_dump failed: ")


def test_an_unchanged_picture_is_a_hard_link_to_the_previous_backup(tmp_path):
    make_image()
    folder = tmp_path / "backups"
    first = back_up(folder)
    # As if made an hour ago, so that the next one does not replace it.
    older = first.rename(folder / "2025-03-10T230000Z")
    second = back_up(folder)
    pictures = [
        path.relative_to(second) for path in second.rglob("*") if path.is_file()
    ]
    pictures = [path for path in pictures if path.parts[0] == "media"]
    assert pictures
    for path in pictures:
        assert (second / path).stat().st_ino == (older / path).stat().st_ino


def test_old_backups_are_pruned_to_the_newest_of_each_hour_day_and_week(tmp_path):
    folder = tmp_path / "backups"
    made = [
        "2025-03-10T230000Z",  # Monday, ISO week 11
        "2025-03-10T220000Z",
        "2025-03-10T100000Z",
        "2025-03-09T120000Z",  # Sunday, week 10
        "2025-03-08T120000Z",
        "2025-03-01T120000Z",  # week 9
        "2025-02-20T120000Z",  # week 8
    ]
    for name in [*made, ".partial-2025-03-10T233000Z", "notes"]:
        (folder / name).mkdir(parents=True)
        (folder / name / "newsroom.dump").write_bytes(b"")
    newest = back_up(
        folder, BACKUP_KEEP_HOURLY=2, BACKUP_KEEP_DAILY=3, BACKUP_KEEP_WEEKLY=4
    )
    assert sorted(path.name for path in folder.iterdir()) == [
        ".lock",
        "2025-03-01T120000Z",
        "2025-03-09T120000Z",
        "2025-03-10T230000Z",
        newest.name,
        "notes",
    ]
