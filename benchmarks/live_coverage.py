"""
Live coverage under load, served the production way: one command that starts
gunicorn (gunicorn.conf.py, the page cache in Redis) and nginx
(deploy/nginx/newsroom.conf) on loopback in front of a live article in
PostgreSQL, then has 1,000 simulated readers open its page and poll its
"anything new" answer every 15 seconds, spread evenly as browsers would,
sending what articles/live.js sends; while an editor, logged in, posts an
entry every 5 seconds through the admin posting page (CSRF token and all).
Every request goes through nginx over TLS. A reader that is told of new
entries takes them, as pressing "N new updates" does, and asks after the
newest from then on. It prints:

- what reached the origin per second (gunicorn's access log): the live page
  and the updates answer, split into renders and page-cache answers;
- the edge's hit ratio for the updates answer (nginx's $upstream_cache_status);
- errors: answers other than 2xx, timeouts, broken connections;
- the time from "Post" returning to the entry being in a reader's answer
  (p50/p95/p99/max over every reader and entry; target p99 within 15 + 2 s);
- the updates answer's latency when it comes from the edge cache, as the
  readers measured it and as nginx did (p50/p99; target p99 within 10 ms),
  with how late the benchmark's own event loop ran (the noise in the
  readers' times), and last as wrk measures it.

It stops everything it started.

    .venv/bin/python benchmarks/live_coverage.py
    .venv/bin/python benchmarks/live_coverage.py --readers 200 --duration 60

The database `--database` is filled with the demo paper when missing (as
benchmarks/serving.py does; --fresh reloads it); each run adds a live article
and an editor of its own. Needs nginx (Debian: nginx-light), PostgreSQL and
Redis.

Measured 6 December 2026 on 2 shared cores (Intel Xeon 2.8 GHz), defaults:
the origin answered the updates address 1.14 times a second, the edge 99.7%
of 10,134 polls, no errors; a post was in the readers' answers after p50
7.8 s, p99 15.0 s, max 15.3 s; hits took 0 ms in nginx, p99 4.1 ms as the
readers timed them and p99 2.5 ms under wrk (docs/live-coverage.md).
"""

import argparse
import asyncio
import gzip
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import Processes, ensure_database, parse_wrk  # noqa: E402
from tests import servers  # noqa: E402
from tests.deploy import edge  # noqa: E402

PYTHON = sys.executable
POLL_SECONDS = 15  # articles/live.js: INTERVAL
TARGET_VISIBLE_P99 = POLL_SECONDS + 2
TARGET_CACHED_P99_MS = 10
HEADLINE = "Benchmark update"
PASSWORD = "live-benchmark-password"
# What reached gunicorn: the request line, status, the Age header (set only
# on an answer from the page cache) and the time taken in microseconds.
GUNICORN_LOG_FORMAT = '%(t)s "%(r)s" %(s)s age=%({age}o)s %(D)s'
FROM_EDGE_CACHE = {"HIT", "STALE", "UPDATING"}
WRK_CONNECTIONS = 4
WRK_SECONDS = 5

# Made in the benchmark's database by `manage.py shell`: a live article with
# a few entries, and an editor (who may publish) to post to it.
SET_UP = """
import json, os
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from articles import roles
from articles.models import Article, LiveEntry, Section
tag, password = os.environ["LIVE_TAG"], os.environ["LIVE_PASSWORD"]
roles.ensure_roles()
editor = get_user_model().objects.create_user(
    f"live-{tag}", f"live-{tag}@example.org", password, is_staff=True
)
editor.groups.add(Group.objects.get(name=roles.EDITOR))
article = Article.objects.create(
    title="Live: storm closes roads across the county",
    slug=f"live-benchmark-{tag}",
    standfirst="Updates as the storm passes.",
    body="<p>The latest on the storm, as it happens.</p>",
    section=Section.objects.order_by("position").first(),
    status=Article.Status.PUBLISHED,
    published_at=timezone.now() - timedelta(minutes=30),
    live_state=Article.LiveState.LIVE,
)
for n in range(10):
    LiveEntry.objects.create(
        article=article, headline=f"Earlier update {n}",
        body=f"<p>Water is over the quay wall at stop {n}.</p>",
    )
print(json.dumps({"pk": article.pk, "path": article.get_absolute_url(),
                  "updates": reverse("articles:live-updates", args=[article.pk]),
                  "admin": reverse("admin:articles_article_live", args=[article.pk]),
                  "username": editor.username}))
"""


class SetUpFailed(Exception):
    pass


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    cookies: dict = field(default_factory=dict)


class Connection:
    """
    One keep-alive HTTP/1.1 connection over TLS, as a browser tab holds to
    the site: requests one after another, the body read by Content-Length or
    chunks and gunzipped. A request on a connection the server has closed
    meanwhile is sent again on a new one, as browsers do.
    """

    def __init__(self, port, context):
        self.port = port
        self.context = context
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", self.port, ssl=self.context, server_hostname="localhost"
        )

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method, path, headers, body=b""):
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                await self.open()
            try:
                return await self._exchange(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
                self.close()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, headers, body):
        lines = [f"{method} {path} HTTP/1.1", f"Host: localhost:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        received, cookies = {}, {}
        for line in filter(None, header_lines):
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            received[name] = value
            if name == "set-cookie":
                cookie, _, cookie_value = value.split(";")[0].partition("=")
                cookies[cookie] = cookie_value
        if received.get("transfer-encoding") == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            content = b"".join(chunks)
        else:
            length = int(received.get("content-length", 0))
            content = await self.reader.readexactly(length) if length else b""
        if received.get("content-encoding") == "gzip":
            content = gzip.decompress(content)
        elif received.get("content-encoding") == "deflate":
            content = zlib.decompress(content)
        if received.get("connection", "").lower() == "close":
            self.close()
        return Answer(status, received, content, cookies)


BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) live-coverage-benchmark",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Language": "en-IE,en;q=0.9",
}


@dataclass
class Results:
    polls: list = field(default_factory=list)  # (seconds, status, X-Cache-Status)
    pages: list = field(default_factory=list)  # (seconds, status)
    errors: Counter = field(default_factory=Counter)
    posted: dict = field(default_factory=dict)  # entry number: when Post returned
    seen: dict = field(default_factory=dict)  # (reader, entry number): when
    on_page: set = field(default_factory=set)  # (reader, entry number) on opening
    loop_lag_ms: list = field(default_factory=list)
    readers_done: int = 0
    posts_failed: int = 0


async def reader(number, options, port, context, article, results, started, stop_at):
    """One reader's tab: opens the page, then asks every 15 s until stop_at."""
    offset = POLL_SECONDS * number / options.readers
    await asyncio.sleep(max(0.0, started + offset - time.monotonic()))
    connection = Connection(port, context)
    page_headers = {
        **BROWSER,
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    }
    try:
        asked = time.monotonic()
        page = await asyncio.wait_for(
            connection.request("GET", article["path"], page_headers),
            options.timeout,
        )
        results.pages.append((time.monotonic() - asked, page.status))
        if page.status != 200:
            results.errors[f"page {page.status}"] += 1
            return
        html = page.body.decode()
        address = re.search(r'data-live-updates="([^"]+)"', html).group(1)
        latest = re.search(r'data-live-latest="(\d+)"', html).group(1)
        for entry in re.findall(rf"{HEADLINE} (\d+)", html):
            results.on_page.add((number, int(entry)))
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
        results.errors[f"page {type(error).__name__}"] += 1
        connection.close()
        return
    poll_headers = {
        **BROWSER,
        "Accept": "application/json",
        "Referer": f"https://localhost:{port}{article['path']}",
        "Sec-Fetch-Mode": "cors",
    }
    next_poll = started + offset + POLL_SECONDS
    while next_poll < stop_at:
        await asyncio.sleep(max(0.0, next_poll - time.monotonic()))
        next_poll += POLL_SECONDS
        asked = time.monotonic()
        try:
            answer = await asyncio.wait_for(
                connection.request(
                    "GET", f"{address}?{urlencode({'since': latest})}", poll_headers
                ),
                options.timeout,
            )
        except TimeoutError:
            results.errors["poll timeout"] += 1
            connection.close()
            continue
        except (OSError, asyncio.IncompleteReadError) as error:
            results.errors[f"poll {type(error).__name__}"] += 1
            connection.close()
            continue
        now = time.monotonic()
        results.polls.append(
            (now - asked, answer.status, answer.headers.get("x-cache-status", "-"))
        )
        if not 200 <= answer.status < 300:
            results.errors[f"poll {answer.status}"] += 1
            continue
        data = json.loads(answer.body)
        if data["count"]:
            for entry in re.findall(rf"{HEADLINE} (\d+)", data["html"]):
                results.seen.setdefault((number, int(entry)), now)
            latest = str(data["latest"])  # as pressing "N new updates" does
    connection.close()
    results.readers_done += 1


def form_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


async def poster(options, port, context, article, results, started, stop_posting):
    """An editor: logs in, opens the posting page, posts every --post-every s."""
    connection = Connection(port, context)
    cookies = {}
    origin = f"https://localhost:{port}"

    async def send(method, path, form=None):
        headers = {**BROWSER, "Accept": "text/html,*/*;q=0.8"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        answer = await asyncio.wait_for(
            connection.request(method, path, headers, body), options.timeout
        )
        cookies.update(answer.cookies)
        return answer

    login = await send("GET", "/admin/login/")
    answer = await send(
        "POST",
        "/admin/login/",
        {
            "csrfmiddlewaretoken": form_token(login.body.decode()),
            "username": article["username"],
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    if answer.status != 302 or "sessionid" not in cookies:
        raise SetUpFailed(f"the editor could not log in ({answer.status})")
    posting = await send("GET", article["admin"])
    if posting.status != 200:
        raise SetUpFailed(f"the posting page answered {posting.status}")
    token = form_token(posting.body.decode())
    entry = 0
    next_post = started + options.post_every
    while next_post < stop_posting:
        await asyncio.sleep(max(0.0, next_post - time.monotonic()))
        next_post += options.post_every
        entry += 1
        try:
            answer = await send(
                "POST",
                article["admin"],
                {
                    "csrfmiddlewaretoken": token,
                    "headline": f"{HEADLINE} {entry}",
                    "body": f"<p>Update {entry}: the road at the quay is shut.</p>",
                },
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            results.posts_failed += 1
            connection.close()
            continue
        if answer.status != 302:
            results.posts_failed += 1
            continue
        results.posted[entry] = time.monotonic()
        # The browser follows the redirect back to the posting page.
        await send("GET", answer.headers["location"].removeprefix(origin))
    connection.close()


async def run_load(options, port, article):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    results = Results()
    started = time.monotonic() + 1
    stop_posting = started + options.duration
    # Readers go on one poll more, so that each sees the last entries.
    stop_at = stop_posting + POLL_SECONDS + 2
    tasks = [
        reader(n, options, port, context, article, results, started, stop_at)
        for n in range(options.readers)
    ]
    tasks.append(
        poster(options, port, context, article, results, started, stop_posting)
    )
    monitor = asyncio.create_task(loop_lag(results))
    await asyncio.gather(*tasks)
    monitor.cancel()
    return results


async def loop_lag(results, every=0.005):
    """How late this process's own event loop wakes: the readers' timing noise."""
    while True:
        asked = time.monotonic()
        await asyncio.sleep(every)
        results.loop_lag_ms.append((time.monotonic() - asked - every) * 1000)


def percentile(values, percent):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def origin_counts(log_path, paths):
    """Per kind of request, what gunicorn answered: renders and page-cache answers."""
    counts = defaultdict(Counter)
    per_second = defaultdict(Counter)
    line = re.compile(r'\[([^\]]+)\] "GET (\S+) HTTP/[\d.]+" (\d+) age=(\S*) (\d+)')
    for text in log_path.read_text(errors="replace").splitlines():
        found = line.search(text)
        if not found:
            continue
        moment, path, status, age, _micros = found.groups()
        for kind, prefix in paths.items():
            if path == prefix or path.startswith(prefix + "?"):
                how = (
                    "304"
                    if status == "304"
                    else ("page cache" if age not in ("", "-") else "rendered")
                )
                counts[kind][how] += 1
                per_second[kind][moment] += 1
    return counts, per_second


def edge_log(log_path, updates_path):
    statuses = Counter()
    cached_ms = []
    for text in log_path.read_text(errors="replace").splitlines():
        parts = text.split(" ", 4)
        if len(parts) < 5 or not parts[4].strip('"').startswith(updates_path):
            continue
        statuses[parts[2]] += 1
        # A stale answer's time in nginx includes its background update,
        # which the reader does not wait for: only hits are timed here.
        if parts[2] == "HIT":
            cached_ms.append(float(parts[3]) * 1000)
    return statuses, cached_ms


def report(options, results, counts, per_second, edge_statuses, edge_cached_ms):
    seconds = options.duration + POLL_SECONDS + 2
    print(
        f"\n{options.readers:,} readers polling every {POLL_SECONDS} s for "
        f"{seconds} s, a post every {options.post_every} s for {options.duration} s;"
        f" gunicorn {options.workers} sync workers, {os.cpu_count()} CPUs"
    )
    print("\nAt the origin (gunicorn), requests per second:")
    for kind in ("live page", "updates"):
        found = counts.get(kind, Counter())
        total = sum(found.values())
        peak = max(per_second.get(kind, {0: 0}).values(), default=0)
        print(
            f"  {kind:<10} {total / seconds:6.2f}/s (peak {peak} in a second): "
            + ", ".join(f"{how} {n}" for how, n in sorted(found.items()))
        )
    polls = len(results.polls)
    from_edge = sum(edge_statuses[s] for s in FROM_EDGE_CACHE)
    print(
        f"\nAt the edge (nginx): {polls:,} polls answered, hit ratio "
        f"{from_edge / max(1, sum(edge_statuses.values())):.1%} ("
        + ", ".join(f"{s} {n}" for s, n in edge_statuses.most_common())
        + ")"
    )
    errors = sum(results.errors.values())
    print(
        f"Errors: {errors}"
        + (f" ({dict(results.errors)})" if errors else "")
        + f"; posts failed: {results.posts_failed} of "
        f"{len(results.posted) + results.posts_failed}"
    )
    delays = []
    missed = 0
    for entry, posted_at in results.posted.items():
        for number in range(options.readers):
            seen_at = results.seen.get((number, entry))
            if (number, entry) in results.on_page:
                continue  # posted before the reader opened the page
            if seen_at is None:
                missed += 1
            else:
                delays.append(seen_at - posted_at)
    verdict = "met" if percentile(delays, 99) <= TARGET_VISIBLE_P99 else "MISSED"
    print(
        f"\nPost returned → entry in a reader's answer ({len(delays):,} reader-entry"
        f" pairs, {missed} never seen, {len(results.on_page)} already on the page"
        f" when opened): p50 {percentile(delays, 50):.2f} s, p95 "
        f"{percentile(delays, 95):.2f} s, p99 {percentile(delays, 99):.2f} s, max "
        f"{max(delays, default=float('nan')):.2f} s (target p99 ≤ "
        f"{TARGET_VISIBLE_P99} s: {verdict})"
    )
    client_ms = [
        s * 1000 for s, _status, cache in results.polls if cache in FROM_EDGE_CACHE
    ]
    all_ms = [s * 1000 for s, _status, _cache in results.polls]
    print(
        f"Updates answer from the edge cache: p50 {percentile(client_ms, 50):.2f} ms,"
        f" p99 {percentile(client_ms, 99):.2f} ms as readers measured it; p50 "
        f"{percentile(edge_cached_ms, 50):.0f} ms, p99 "
        f"{percentile(edge_cached_ms, 99):.0f} ms in nginx (target p99 ≤ "
        f"{TARGET_CACHED_P99_MS} ms: "
        f"{'met' if percentile(client_ms, 99) <= TARGET_CACHED_P99_MS else 'MISSED'})"
    )
    print(
        f"The benchmark's own event loop woke late by p50 "
        f"{percentile(results.loop_lag_ms, 50):.2f} ms, p99 "
        f"{percentile(results.loop_lag_ms, 99):.2f} ms (noise in the readers' times)"
    )
    print(
        f"Every poll: p50 {percentile(all_ms, 50):.2f} ms, p99 "
        f"{percentile(all_ms, 99):.2f} ms, max {max(all_ms, default=0):.1f} ms;"
        f" the live page: p50 "
        f"{percentile([s * 1000 for s, _ in results.pages], 50):.1f} ms"
    )


def wrk_cached(base, article):
    """
    wrk on the updates answer every reader asks for at the end (after the
    newest entry), as a client that adds no timing noise of its own sees it.
    """
    _status, _headers, body = servers.fetch(f"{base}{article['updates']}?since=0")
    latest = json.loads(body)["latest"]
    done = subprocess.run(
        [
            "wrk", f"-c{WRK_CONNECTIONS}", "-t1", f"-d{WRK_SECONDS}s", "--latency",
            "-H", "Accept: application/json", "-H", "Accept-Encoding: gzip",
            f"{base}{article['updates']}?since={latest}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    return parse_wrk(done.stdout)


def set_up_article(url, env):
    tag = uuid.uuid4().hex[:8]
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SET_UP],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url, "LIVE_TAG": tag, "LIVE_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=150, help="seconds of posting")
    parser.add_argument(
        "--post-every", type=float, default=5.0, help="seconds between posts"
    )
    parser.add_argument("--articles", type=int, default=300, help="demo paper size")
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/newsroom_live"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request")
    parser.add_argument("--fresh", action="store_true", help="reload the database")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    folder = Path(tempfile.mkdtemp(prefix="newsroom-live-"))
    media_root = folder / "media"
    media_root.mkdir()
    static_root = folder / "static"
    processes = Processes()
    try:
        env = edge.production_env(
            DJANGO_SECURE_SSL_REDIRECT="false",
            MEDIA_ROOT=str(media_root),
            STATIC_ROOT=str(static_root),
            LOG_LEVEL="INFO",
            DJANGO_LOG_LEVEL="WARNING",
            PAGE_CACHE_SECONDS="300",
            REDIS_URL=options.redis,
            CACHE_KEY_PREFIX=f"live-{uuid.uuid4().hex}",
            GUNICORN_CMD_ARGS=f"--access-logformat '{GUNICORN_LOG_FORMAT}'",
        )
        edge.collect_static(static_root, env)
        url = ensure_database(
            options.database, options.articles, media_root, options.fresh
        )
        article = set_up_article(url, env)
        app_port = servers.free_port()
        ports = {"http_port": servers.free_port(), "https_port": servers.free_port()}
        # Browsers send the address's port in Origin; the shipped site has none.
        origin = f"https://localhost:{ports['https_port']}"
        gunicorn_log = folder / "gunicorn.log"
        processes.add(
            edge.start_gunicorn(
                app_port,
                {**env, "DATABASE_URL": url, "DJANGO_CSRF_TRUSTED_ORIGINS": origin},
                gunicorn_log,
                options.workers,
            )
        )
        nginx_log = folder / "edge.log"
        config = edge.nginx_config(
            folder,
            app_port=app_port,
            static_root=static_root,
            media_root=media_root,
            access_log=nginx_log,
            worker_connections=options.readers + 512,
            **ports,
        )
        processes.add(edge.start_nginx(config))
        servers.wait_until_answering(
            f"https://localhost:{ports['https_port']}/robots.txt", processes.started
        )
        print(
            f"live article {article['path']} (id {article['pk']}); "
            f"{options.readers:,} readers start",
            flush=True,
        )
        results = asyncio.run(run_load(options, ports["https_port"], article))
        updates_path = article["updates"]
        counts, per_second = origin_counts(
            gunicorn_log, {"live page": article["path"], "updates": updates_path}
        )
        edge_statuses, edge_cached_ms = edge_log(nginx_log, updates_path)
        # Last, so that its requests are in neither log's figures.
        cached = wrk_cached(f"https://localhost:{ports['https_port']}", article)
    finally:
        processes.stop_all()
    report(options, results, counts, per_second, edge_statuses, edge_cached_ms)
    print(
        f"The same answer timed by wrk (-c{WRK_CONNECTIONS}, {WRK_SECONDS} s, "
        f"{cached['rps']:.0f} req/s, as fast as the edge answers): p50 "
        f"{cached['p50']:.2f} ms, p99 {cached['p99']:.2f} ms, errors "
        f"{cached['errors']}"
    )


if __name__ == "__main__":
    main()
