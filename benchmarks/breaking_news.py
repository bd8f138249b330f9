"""
Breaking news, served the production way: readers at a steady rate through
nginx (deploy/nginx/newsroom.conf, over TLS) on home, an article and a
section page, while an editor saves a draft every 5 seconds and publishes a
new article every 30 seconds. Every save changes the content version, so
each drops every kept page and part, as in a newsroom at full tilt. Run
twice: with Redis (pages and parts shared by gunicorn's workers), and
without (each worker keeps its own, following CONTENT_VERSION_FILE). It
prints, per mode:

- origin renders per second: page-cache misses at gunicorn, from /metrics
  (`newsroom_cache_lookups_total{kind="page",result="miss"}`), with the
  requests that reached gunicorn per page;
- latency at the edge, p50 and p99, as the readers measured it from when
  each request was due (open loop: a late answer does not delay the next
  request, as it would with wrk, so queueing shows in the figures);
- errors: answers other than 200, timeouts, broken connections.

The readers are this script's own asyncio tasks: requests start on a fixed
schedule (--rate per second, spread over the three pages in turn) on a pool
of keep-alive connections, each opened as a browser would. The editor works
through the ORM in a separate `manage.py shell` process: the same saves the
admin makes (signals and all), without its forms' rendering, which would add
the editor's own page loads to the origin's work.

It stops everything it started.

    .venv/bin/python benchmarks/breaking_news.py
    .venv/bin/python benchmarks/breaking_news.py --duration 60 --rate 40

The database `<--database>_<--articles>` is filled with the demo paper when
missing (as benchmarks/serving.py does; --fresh reloads it); each run adds
the articles it publishes. Needs nginx (Debian: nginx-light), PostgreSQL and
Redis.
"""

import argparse
import asyncio
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.live_coverage import BROWSER, Connection, percentile  # noqa: E402
from benchmarks.serving import Processes, ensure_database, reader_paths  # noqa: E402
from tests import servers  # noqa: E402
from tests.deploy import edge  # noqa: E402

PYTHON = sys.executable
PAGES = ("home", "article", "section")
METRICS_TOKEN = "breaking-news-" + uuid.uuid4().hex

# The editor, in its own process: a draft saved every --draft-every seconds,
# an article published every --publish-every seconds, until --duration ends.
EDITOR = """
import os, time
from django.utils import timezone
from articles.models import Article, Section
duration = float(os.environ["BREAKING_DURATION"])
draft_every = float(os.environ["BREAKING_DRAFT_EVERY"])
publish_every = float(os.environ["BREAKING_PUBLISH_EVERY"])
tag = os.environ["BREAKING_TAG"]
section = Section.objects.get(slug=os.environ["BREAKING_SECTION"])
draft = Article.objects.create(
    title=f"Storm warning {tag}", slug=f"storm-warning-{tag}", section=section,
    standfirst="Being written.", body="<p>First lines.</p>",
    status=Article.Status.DRAFT,
)
start = time.monotonic()
saved = published = 0
next_draft, next_publish = draft_every, publish_every
while True:
    due = min(next_draft, next_publish)
    if due > duration:
        break
    time.sleep(max(0.0, start + due - time.monotonic()))
    if due == next_publish:
        published += 1
        Article.objects.create(
            title=f"Breaking: roads shut as storm arrives ({tag} {published})",
            slug=f"breaking-{tag}-{published}", section=section,
            standfirst="Roads across the county are closed.",
            body="<p>Gardaí have closed roads across the county.</p>",
            status=Article.Status.PUBLISHED, published_at=timezone.now(),
        )
        next_publish += publish_every
    else:
        saved += 1
        draft.body = f"<p>First lines, draft {saved}.</p>"
        draft.save()
        next_draft += draft_every
print(f"drafts saved {saved}, articles published {published}")
"""


def metric(text, name):
    """Each sample of counter `name` in a /metrics text: (labels dict, value)."""
    for labels, value in re.findall(rf"^{name}\{{([^}}]*)\}} ([\d.e+]+)$", text, re.M):
        yield dict(re.findall(r'(\w+)="([^"]*)"', labels)), float(value)


def origin_counts(port):
    """(page-cache misses, requests per page) from gunicorn's /metrics."""
    _status, _headers, body = servers.fetch(
        f"http://127.0.0.1:{port}/metrics",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
    )
    text = body.decode()
    misses = sum(
        value
        for labels, value in metric(text, "newsroom_cache_lookups_total")
        if labels == {"kind": "page", "result": "miss"}
    )
    requests = Counter()
    for labels, value in metric(text, "newsroom_requests_total"):
        requests[labels["page"]] += value
    return misses, requests


async def read(options, port, paths):
    """Requests on a fixed schedule; each one's latency from when it was due."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    idle = []
    latencies = {page: [] for page in PAGES}
    errors = Counter()
    headers = {
        **BROWSER,
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) breaking-news-benchmark",
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    }

    async def one(page, due):
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        connection = idle.pop() if idle else Connection(port, context)
        try:
            answer = await asyncio.wait_for(
                connection.request("GET", paths[page], headers), options.timeout
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            errors[f"{page} {type(error).__name__}"] += 1
            connection.close()
            return
        latencies[page].append(time.monotonic() - due)
        if answer.status != 200:
            errors[f"{page} {answer.status}"] += 1
        idle.append(connection)

    started = time.monotonic() + 1
    count = int(options.duration * options.rate)
    await asyncio.gather(
        *(one(PAGES[n % len(PAGES)], started + n / options.rate) for n in range(count))
    )
    for connection in idle:
        connection.close()
    return latencies, errors


def run_mode(name, options, url, env, folder, processes):
    paths = reader_paths(url)
    with_redis = name == "Redis"
    mode_env = {
        **env,
        "DATABASE_URL": url,
        "METRICS_TOKEN": METRICS_TOKEN,
        **(
            {"REDIS_URL": options.redis, "CACHE_KEY_PREFIX": f"breaking-{uuid.uuid4()}"}
            if with_redis
            else {"CONTENT_VERSION_FILE": str(folder / f"version-{uuid.uuid4()}")}
        ),
    }
    if not with_redis:
        mode_env.pop("REDIS_URL", None)
    app_port = servers.free_port()
    ports = {"http_port": servers.free_port(), "https_port": servers.free_port()}
    started = [
        processes.add(
            edge.start_gunicorn(
                app_port, mode_env, folder / f"gunicorn-{name}.log", options.workers
            )
        )
    ]
    config = edge.nginx_config(
        folder / ("redis" if with_redis else "no-redis"),
        app_port=app_port,
        static_root=folder / "static",
        media_root=folder / "media",
        **ports,
    )
    started.append(processes.add(edge.start_nginx(config)))
    base = f"https://localhost:{ports['https_port']}"
    servers.wait_until_answering(base + "/robots.txt", started, timeout=120)
    for path in paths.values():
        servers.fetch(base + path)  # fill the caches
    section = paths["section"].strip("/")
    misses_before, requests_before = origin_counts(app_port)
    editor = processes.add(
        subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", EDITOR],
            cwd=ROOT,
            env={
                **mode_env,
                "BREAKING_DURATION": str(options.duration),
                "BREAKING_DRAFT_EVERY": str(options.draft_every),
                "BREAKING_PUBLISH_EVERY": str(options.publish_every),
                "BREAKING_TAG": uuid.uuid4().hex[:8],
                "BREAKING_SECTION": section,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    )
    latencies, errors = asyncio.run(read(options, ports["https_port"], paths))
    editor_said = editor.communicate(timeout=60)[0].strip().splitlines()
    misses_after, requests_after = origin_counts(app_port)
    for process in reversed(started):
        servers.stop(process)
    every = [s for values in latencies.values() for s in values]
    return {
        "renders": (misses_after - misses_before) / options.duration,
        "origin": {
            page: (requests_after[page] - requests_before[page]) / options.duration
            for page in requests_after
            if requests_after[page] > requests_before[page] and page != "metrics"
        },
        "latency": {
            page: (percentile(values, 50) * 1000, percentile(values, 99) * 1000)
            for page, values in {"all": every, **latencies}.items()
        },
        "answered": len(every),
        "errors": errors,
        "editor": editor_said[-1] if editor_said else "(said nothing)",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--duration", type=int, default=120, help="seconds per mode")
    parser.add_argument(
        "--rate", type=float, default=30, help="reader requests per second"
    )
    parser.add_argument("--draft-every", type=float, default=5.0)
    parser.add_argument("--publish-every", type=float, default=30.0)
    parser.add_argument("--articles", type=int, default=300, help="demo paper size")
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/newsroom_breaking"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request")
    parser.add_argument("--fresh", action="store_true", help="reload the database")
    parser.add_argument(
        "--modes",
        default="Redis,no Redis",
        help="which to run, comma-separated: 'Redis', 'no Redis'",
    )
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    folder = Path(tempfile.mkdtemp(prefix="newsroom-breaking-"))
    for sub in ("media", "static", "redis", "no-redis"):
        (folder / sub).mkdir()
    processes = Processes()
    results = {}
    try:
        env = edge.production_env(
            DJANGO_SECURE_SSL_REDIRECT="false",
            MEDIA_ROOT=str(folder / "media"),
            STATIC_ROOT=str(folder / "static"),
            LOG_LEVEL="WARNING",
            DJANGO_LOG_LEVEL="WARNING",
            PAGE_CACHE_SECONDS="300",
        )
        edge.collect_static(folder / "static", env)
        url = ensure_database(
            options.database, options.articles, folder / "media", options.fresh
        )
        modes = [mode.strip() for mode in options.modes.split(",")]
        if unknown := set(modes) - {"Redis", "no Redis"}:
            parser.error(f"--modes: no mode {', '.join(sorted(unknown))}")
        for name in modes:
            print(f"{name}: {options.duration} s of readers and the editor", flush=True)
            results[name] = run_mode(name, options, url, env, folder, processes)
            print(f"  {results[name]}", flush=True)
    finally:
        processes.stop_all()
    print(
        f"\n{options.rate:g} reader requests/s (home, article, section in turn) "
        f"through nginx for {options.duration} s per mode; a draft saved every "
        f"{options.draft_every:g} s, an article published every "
        f"{options.publish_every:g} s (ORM); gunicorn {options.workers} sync "
        f"workers, {os.cpu_count()} CPUs"
    )
    print(
        "| mode | origin renders/s | reached gunicorn/s | p50 ms | p99 ms "
        "| p99 home / article / section ms | errors | editor |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        latency = result["latency"]
        errors = sum(result["errors"].values())
        print(
            f"| {name} | {result['renders']:.2f} | "
            + ", ".join(f"{p} {n:.2f}" for p, n in sorted(result["origin"].items()))
            + f" | {latency['all'][0]:.1f} | {latency['all'][1]:.1f} | "
            + " / ".join(f"{latency[page][1]:.1f}" for page in PAGES)
            + f" | {errors}"
            + (f" {dict(result['errors'])}" if errors else "")
            + f" of {result['answered'] + errors} | {result['editor']} |"
        )


if __name__ == "__main__":
    main()
