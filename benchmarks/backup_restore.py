"""
Time the shipped backup and restore (deploy/backup/newsroom-backup and
newsroom-restore) on a paper of N articles: the dump's and the pictures'
size, the backup's seconds (a first one, then one that finds the pictures
unchanged), and the restore's seconds into a fresh database, then
`manage.py migrate` on it (what the README's restore procedure runs).

    .venv/bin/python benchmarks/backup_restore.py                 # demo paper
    .venv/bin/python benchmarks/backup_restore.py --articles 10000

The paper is `manage.py load_demo --articles N` and --subscribers newsletter
subscribers (default 20,000) in the PostgreSQL database
newsroom_bench_backup_<N> (on the server of --postgres) with its pictures in
a folder beside it in the temporary folder; both are kept for the next run,
which only brings them up to date. The restored copy is dropped at the end.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "deploy" / "backup" / "newsroom-backup"
RESTORE = ROOT / "deploy" / "backup" / "newsroom-restore"


def timed(command, env):
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stderr}")
    return elapsed


def ensure_database(server, name):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not found.fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server, name):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_subscribers(url, count):
    """Confirmed readers of the first newsletter, up to `count` of them."""
    with psycopg.connect(url) as conn:
        conn.execute(
            """
            INSERT INTO subscriptions_subscription (
                email, status, consent_text, consent_version, consent_source,
                consent_given_at, created_at, confirmed_at, newsletter_id,
                public_id, consent_key
            )
            SELECT 'bench-reader-' || n || '@example.org', 'confirmed',
                'Send me the newsletter.', '1', '/', now(), now(), now(),
                (SELECT min(id) FROM subscriptions_newsletter),
                md5('bench-reader-' || n), 'newsletter-sign-up'
            FROM generate_series(1, %s) AS n
            ON CONFLICT DO NOTHING
            """,
            [count],
        )


def counts(url):
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "articles_article",
                "articles_image",
                "subscriptions_subscription",
            )
        }


def folder_size(folder):
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name)",
    )
    args = parser.parse_args()
    label = str(args.articles or "demo")
    name = f"newsroom_bench_backup_{label}"
    media = Path(tempfile.gettempdir()) / f"newsroom-bench-backup-media-{label}"
    paper = f"{args.postgres}/{name}"
    env = {**os.environ, "DATABASE_URL": paper, "MEDIA_ROOT": str(media)}
    env.pop("MEDIA_STORAGE", None)
    python = sys.executable

    ensure_database(args.postgres, name)
    media.mkdir(exist_ok=True)
    timed([python, "manage.py", "migrate", "--no-input", "-v0"], env)
    demo = [python, "manage.py", "load_demo", "-v0"]
    load = timed(
        demo + (["--articles", str(args.articles)] if args.articles else []), env
    )
    add_subscribers(paper, args.subscribers)
    rows = counts(paper)

    with tempfile.TemporaryDirectory() as folder:
        backups = Path(folder) / "backups"
        backup_env = {**env, "BACKUP_DIR": str(backups)}
        first = timed([str(BACKUP)], backup_env)
        # The next hour's backup: the pictures are hard links to this one's.
        (made,) = backups.glob("2*")
        made.rename(backups / "2000-01-01T000000Z")
        again = timed([str(BACKUP)], backup_env)
        (latest,) = sorted(backups.glob("2*"))[-1:]
        dump = (latest / "newsroom.dump").stat().st_size
        pictures = folder_size(latest / "media")

        restored = f"{name}_restored"
        drop_database(args.postgres, restored)
        ensure_database(args.postgres, restored)
        target = f"{args.postgres}/{restored}"
        try:
            restore = timed(
                [str(RESTORE), str(latest), target, str(Path(folder) / "media")], env
            )
            migrate = timed(
                [python, "manage.py", "migrate", "--no-input", "-v0"],
                {**env, "DATABASE_URL": target},
            )
            assert counts(target) == rows
        finally:
            drop_database(args.postgres, restored)

    print(f"paper: {label} ({rows['articles_article']:,} articles, ", end="")
    print(f"{rows['articles_image']:,} pictures, ", end="")
    print(f"{rows['subscriptions_subscription']:,} subscriptions)")
    print(f"  load_demo (fills it, or adds nothing) {load:6.1f} s")
    print(f"  dump                                 {dump / 2**20:7.1f} MiB")
    print(f"  pictures                             {pictures / 2**20:7.1f} MiB")
    print(f"  backup, first                        {first:7.1f} s")
    print(f"  backup, pictures unchanged           {again:7.1f} s")
    print(f"  restore (database and pictures)      {restore:7.1f} s")
    print(f"  migrate on the restored database     {migrate:7.1f} s")
    print(f"  restore and migrate                  {restore + migrate:7.1f} s")


if __name__ == "__main__":
    main()
