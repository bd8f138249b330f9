"""
Time `manage.py load_demo --articles N` on a fresh PostgreSQL database and on a
fresh SQLite file, then time a second run (which must add nothing).

    .venv/bin/python benchmarks/load_demo.py
    .venv/bin/python benchmarks/load_demo.py --articles 20000 --only sqlite

The PostgreSQL database named in --postgres (default newsroom_bench) is dropped
and created again: point it at a database you do not need.
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
PYTHON = sys.executable


def manage(env, *args):
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return elapsed, result.stdout.strip().splitlines()


def recreate_postgres(url):
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(label, database_url, articles, media_root):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media_root,
        "DJANGO_DEBUG": "true",
    }
    migrate, _ = manage(env, "migrate", "--no-input", "-v0")
    first, output = manage(env, "load_demo", "--articles", str(articles), "-v2")
    second, output_again = manage(env, "load_demo", "--articles", str(articles))
    print(f"\n{label}")
    print(f"  migrate                    {migrate:8.1f} s")
    print(
        f"  load_demo --articles {articles:<6}{first:8.1f} s"
        f"   ({articles / first:,.0f} articles/s)"
    )
    for line in output:
        if line.startswith("  "):
            print(f"    {line.strip()}")
    print(f"  second run (adds nothing)  {second:8.1f} s")
    print(f"  {output[-2]}")
    print(f"  {output_again[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
        help="PostgreSQL database to drop, create and fill",
    )
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    options = parser.parse_args()

    print(f"load_demo benchmark: {options.articles:,} articles, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        if options.only in (None, "postgres"):
            recreate_postgres(options.postgres)
            run("PostgreSQL", options.postgres, options.articles, f"{scratch}/pg")
        if options.only in (None, "sqlite"):
            url = f"sqlite:///{scratch}/bench.sqlite3"
            run("SQLite", url, options.articles, f"{scratch}/sqlite")


if __name__ == "__main__":
    main()
