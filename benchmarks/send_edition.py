"""
How long does sending one edition to 10,000 confirmed subscribers take?

Runs against a real PostgreSQL database (created and migrated if needed),
the real `manage.py db_worker` (one or more processes) and a local SMTP sink
on 127.0.0.1 (aiosmtpd), then prints the figures:

    .venv/bin/python benchmarks/send_edition.py
    .venv/bin/python benchmarks/send_edition.py --subscribers 2000 --workers 2

The database defaults to newsroom_bench on 127.0.0.1; set BENCH_DATABASE_URL
to use another. Its newsletter data is replaced on every run.
"""

import argparse
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="db_worker processes")
    parser.add_argument("--batch-size", type=int, default=100)
    return parser.parse_args()


def ensure_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


class CountingHandler:
    """Accepts everything and counts recipients; parses nothing, to keep up."""

    def __init__(self):
        self.recipients = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def start_sink():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def prepare(subscribers):
    from django.utils import timezone

    from articles.models import Article, Section
    from subscriptions.models import Edition, Newsletter, Subscription

    Edition.objects.filter(newsletter__slug="bench").delete()
    Newsletter.objects.filter(slug="bench").delete()
    newsletter = Newsletter.objects.create(
        name="Benchmark Wrap",
        slug="bench",
        pitch="Everything, quickly",
        rhythm="Whenever the benchmark runs",
        minimum_articles=1,
    )
    section, _ = Section.objects.get_or_create(
        slug="bench-news", defaults={"name": "Bench news"}
    )
    now = timezone.now()
    if not Article.objects.filter(section=section).exists():
        for n in range(10):
            Article.objects.create(
                title=f"Benchmark story {n}",
                slug=f"benchmark-story-{n}",
                standfirst="A sentence that sells the piece to the reader.",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=now,
            )
    Subscription.objects.bulk_create(
        (
            Subscription(
                email=f"reader{n}@bench.example",
                newsletter=newsletter,
                status=Subscription.Status.CONFIRMED,
                consent_text="Benchmark",
                consent_version="bench",
                confirmed_at=now,
            )
            for n in range(subscribers)
        ),
        batch_size=2000,
    )
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject="Benchmark edition",
        status=Edition.Status.SCHEDULED,
        scheduled_for=now,
    )
    edition.items.create(article=Article.objects.filter(section=section).first())
    return edition


def main():
    args = parse_args()
    ensure_database()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["NEWSLETTER_CONCURRENCY"] = str(args.workers)
    os.environ["NEWSLETTER_BATCH_SIZE"] = str(args.batch_size)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        check=True,
    )
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from subscriptions.editions import start_sending
    from subscriptions.models import Edition, EditionSend

    DBTaskResult.objects.all().delete()
    edition = prepare(args.subscribers)
    controller, handler = start_sink()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "LOG_LEVEL": "WARNING",
    }
    worker_command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0.1",
        "--verbosity=0",
    ]
    workers = [
        subprocess.Popen(worker_command, cwd=BASE_DIR, env=env)
        for _ in range(args.workers)
    ]
    try:
        time.sleep(3)  # let the workers import Django and start polling
        started = time.perf_counter()
        queued = start_sending(edition)
        queued_at = time.perf_counter()
        while Edition.objects.get(pk=edition.pk).status != Edition.Status.SENT:
            if any(worker.poll() is not None for worker in workers):
                raise SystemExit("A worker stopped; see its output above.")
            time.sleep(0.05)
        finished = time.perf_counter()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        controller.stop()

    statuses = Counter(
        EditionSend.objects.filter(edition=edition).values_list("status", flat=True)
    )
    total = finished - started
    received = sum(handler.recipients.values())
    duplicates = sum(n - 1 for n in handler.recipients.values() if n > 1)
    print(f"subscribers:          {args.subscribers}")
    print(f"db_worker processes:  {args.workers}, batch size {args.batch_size}")
    print(f"queued outbox rows:   {queued} in {queued_at - started:.2f} s")
    print(
        f"sent (outbox):        {statuses.get('sent', 0)}, other: "
        f"{ {k: v for k, v in statuses.items() if k != 'sent'} }"
    )
    print(f"received by SMTP:     {received}, duplicates: {duplicates}")
    print(f"total seconds:        {total:.2f}")
    print(f"messages/s:           {received / total:.0f}")


if __name__ == "__main__":
    main()
