"""
Newsroom served the production way, under load: one command that loads the
demo paper at 1,000 and 100,000 articles into PostgreSQL, starts gunicorn
(gunicorn.conf.py) and nginx (deploy/nginx/newsroom.conf) on loopback, runs
wrk over the reading pages, search and the newsletter sign-up POST, and prints
requests/s, p50, p99, errors and queries per page. In the same rounds: the
pages from the page cache (local memory and Redis), through the edge (nginx
in front), a bare Django view returning the article's bytes, and nginx
serving the article as a static file. It stops everything it started.

    .venv/bin/python benchmarks/serving.py
    .venv/bin/python benchmarks/serving.py --sizes 1000 --duration 5

Databases `<--database>_<size>` are created and filled when missing (or hold
another number of articles); --fresh drops them first. Needs wrk and nginx
(Debian: apt-get install wrk nginx-light), PostgreSQL and Redis.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import servers  # noqa: E402
from tests.deploy import edge  # noqa: E402  (the same start-up as the edge tests)

PYTHON = sys.executable


def database_url(base, size):
    return f"{base}_{size}"


def live_articles(url):
    try:
        with psycopg.connect(url) as conn:
            return conn.execute(
                "SELECT count(*) FROM articles_article WHERE status = 'published'"
            ).fetchone()[0]
    except psycopg.Error:
        return None


def ensure_database(base, size, media_root, fresh):
    """A database holding the demo paper at `size` articles."""
    url = database_url(base, size)
    server, name = url.rsplit("/", 1)
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media_root)}
    live = None if fresh else live_articles(url)
    if live and live >= size * 0.8:
        # Kept from an earlier run, perhaps of older code: brought up to date.
        migrate = [PYTHON, "manage.py", "migrate", "--no-input", "-v0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        return url
    print(f"loading the demo paper with {size:,} articles into {name}")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    for args in (
        ["migrate", "--no-input", "-v0"],
        ["load_demo", "--articles", str(size)],
    ):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def parse_wrk(output):
    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            return float("nan")
        scale = {"us": 0.001, "ms": 1, "s": 1000}[found.group(2)]
        return float(found.group(1)) * scale

    errors = number(r"Non-2xx or 3xx responses: (\d+)") + sum(
        int(n)
        for n in re.findall(
            r"(?:connect|read|write|timeout) (\d+)",
            (re.search(r"Socket errors:.*", output) or re.match("", "")).group(0),
        )
    )
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors),
    }


def wrk(url, options, script=None):
    def command(seconds):
        return [
            "wrk",
            *(["-s", str(script)] if script else []),
            f"-t{options.threads}",
            f"-c{options.connections}",
            f"-d{seconds}s",
            "--latency",
            url,
        ]

    if options.warmup:  # unrecorded: connections opened, caches filled
        subprocess.run(command(options.warmup), capture_output=True)
    done = subprocess.run(command(options.duration), capture_output=True, text=True)
    done.check_returncode()
    return parse_wrk(done.stdout)


def page_queries(url, env):
    """Queries each reading page runs, as benchmarks/reading_pages.py counts them."""
    done = subprocess.run(
        [PYTHON, "benchmarks/reading_pages.py", "--requests", "1"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url, "DJANGO_ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
    )
    counts = {}
    section = None
    for line in done.stdout.splitlines():
        if line.endswith(":"):
            section = line[:-1]
        parts = line[16:].split()  # "  page          status queries median p95"
        if section and len(parts) == 4 and parts[1].isdigit():
            counts[(section, line[2:16].strip())] = int(parts[1])
    return counts


def sign_up_script(folder, article_url):
    """A wrk script posting the sign-up form found on the article page."""
    _status, _headers, page = servers.fetch(article_url)
    page = page.decode()
    newsletter = re.search(r'name="newsletter" value="([^"]+)"', page).group(1)
    consent = re.search(r'name="consent_version" value="([^"]+)"', page).group(1)
    script = folder / "sign_up.lua"
    body = (
        f"email=reader%40example.com&newsletter={newsletter}&consent=on"
        f"&consent_version={consent}&source=%2F"
    )
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
    return script


def reader_paths(url):
    with psycopg.connect(url) as conn:
        article = conn.execute(
            "SELECT s.slug, a.slug FROM articles_article a JOIN articles_section s"
            " ON s.id = a.section_id WHERE a.status = 'published'"
            " AND a.published_at <= now() ORDER BY a.published_at DESC LIMIT 1"
        ).fetchone()
    return {
        "article": f"/{article[0]}/{article[1]}/",
        "home": "/",
        "section": f"/{article[0]}/",
        "search": "/search/?q=council",
    }


class Processes:
    def __init__(self):
        self.started = []

    def add(self, process):
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            servers.stop(process)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/newsroom_serving"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--fresh", action="store_true", help="reload the databases")
    parser.add_argument(
        "--hold",
        type=int,
        default=0,
        metavar="SECONDS",
        help="start every server, print the addresses, keep them up that long "
        "for another load generator, then stop them (no wrk)",
    )
    options = parser.parse_args()
    # Stopped by a signal, it still stops what it started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sizes = [int(size) for size in options.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="newsroom-serving-"))
    media_root = folder / "media"
    media_root.mkdir()
    processes = Processes()
    rows = []
    try:
        env = edge.production_env(
            DJANGO_SECURE_SSL_REDIRECT="false",
            MEDIA_ROOT=str(media_root),
            STATIC_ROOT=str(folder / "static"),
            LOG_LEVEL="WARNING",
            DJANGO_LOG_LEVEL="WARNING",
        )
        edge.collect_static(folder / "static", env)
        for size in sizes:
            url = ensure_database(options.database, size, media_root, options.fresh)
            paths = reader_paths(url)
            queries = page_queries(url, env)
            prefix = f"serving-{uuid.uuid4().hex}"
            ports = {
                name: servers.free_port() for name in ("uncached", "local", "redis")
            }
            common = {**env, "DATABASE_URL": url}
            variants = {
                "uncached": {"PAGE_CACHE_SECONDS": "0"},
                "local": {"PAGE_CACHE_SECONDS": "300"},
                "redis": {
                    "PAGE_CACHE_SECONDS": "300",
                    "REDIS_URL": options.redis,
                    "CACHE_KEY_PREFIX": prefix,
                },
            }
            if size != sizes[0]:
                variants = {"uncached": variants["uncached"]}
            for name, extra in variants.items():
                processes.add(
                    edge.start_gunicorn(
                        ports[name],
                        {**common, **extra},
                        folder / f"gunicorn-{name}.log",
                        workers=options.workers,
                    )
                )
            for name in variants:
                servers.wait_until_answering(
                    f"http://127.0.0.1:{ports[name]}/robots.txt", processes.started
                )
            targets = []
            for name in variants:
                base = f"http://127.0.0.1:{ports[name]}"
                for page, path in paths.items():
                    if name != "uncached" and page == "search":
                        continue  # never cached
                    targets.append((f"{name} {page}", base + path, None, page))
                if name == "uncached":
                    script = sign_up_script(folder, base + paths["article"])
                    targets.append(
                        (
                            "uncached sign-up POST",
                            base + "/newsletters/sign-up/",
                            script,
                            None,
                        )
                    )
            if size == sizes[0]:
                # The edge in front of the Redis variant, nginx serving the
                # article as a file, and the bare Django floor.
                static_root = folder / "static"
                _status, _headers, article_bytes = servers.fetch(
                    f"http://127.0.0.1:{ports['redis']}{paths['article']}"
                )
                (static_root / "article.html").write_bytes(article_bytes)
                nginx_ports = {
                    "app_port": ports["redis"],
                    "http_port": servers.free_port(),
                    "https_port": servers.free_port(),
                }
                config = edge.nginx_config(
                    folder,
                    static_root=static_root,
                    media_root=media_root,
                    **nginx_ports,
                )
                processes.add(edge.start_nginx(config))
                bare_port = servers.free_port()
                processes.add(
                    subprocess.Popen(
                        [
                            PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                            "benchmarks.bare_django:application",
                        ],
                        cwd=ROOT,
                        env={
                            **env,
                            "BARE_HTML": str(static_root / "article.html"),
                            "GUNICORN_BIND": f"127.0.0.1:{bare_port}",
                            "WEB_CONCURRENCY": str(options.workers),
                        },
                        stdout=(folder / "bare.log").open("a"),
                        stderr=subprocess.STDOUT,
                    )
                )  # fmt: skip
                edge_base = f"https://localhost:{nginx_ports['https_port']}"
                servers.wait_until_answering(
                    edge_base + "/robots.txt", processes.started
                )
                servers.wait_until_answering(
                    f"http://127.0.0.1:{bare_port}/", processes.started
                )
                for page in ("article", "home", "section"):
                    targets.append(
                        (f"edge {page}", edge_base + paths[page], None, page)
                    )
                targets.append(
                    (
                        "nginx static file",
                        edge_base + "/static/article.html",
                        None,
                        None,
                    )
                )
                targets.append(
                    ("bare Django", f"http://127.0.0.1:{bare_port}/", None, None)
                )
            print(f"\n{size:,} articles: {len(targets)} targets", flush=True)
            if options.hold:
                for label, target, _script, _page in targets:
                    print(f"  {label:<24}{target}", flush=True)
                continue
            for label, target, script, page in targets:
                if script is None:
                    servers.fetch(target)  # fill the caches
                result = wrk(target, options, script)
                if label.startswith("uncached") and page:
                    count = queries.get(("rendered", page))
                elif label.startswith(("local", "redis")):
                    count = queries.get(("cached hits", page))
                else:  # the POST, the edge, the static file, bare Django
                    count = None
                rows.append((f"{size // 1000}k {label}", result, count))
                print(
                    f"  {label:<24}{result['rps']:>9.1f} req/s  p50 "
                    f"{result['p50']:6.2f} ms  p99 {result['p99']:7.2f} ms  "
                    f"errors {result['errors']}",
                    flush=True,
                )
            processes.stop_all()
            processes.started.clear()
        if options.hold:
            print(f"\nserving for {options.hold} s", flush=True)
            time.sleep(options.hold)
            return
    finally:
        processes.stop_all()
    print(
        f"\nwrk -t{options.threads} -c{options.connections} -d{options.duration}s, "
        f"gunicorn {options.workers} sync workers, {os.cpu_count()} CPUs"
    )
    print(f"| {'target':<28} | req/s | p50 ms | p99 ms | errors | queries |")
    print("|---|---|---|---|---|---|")
    for label, result, count in rows:
        print(
            f"| {label:<28} | {result['rps']:.1f} | {result['p50']:.2f} | "
            f"{result['p99']:.2f} | {result['errors']} | "
            f"{'–' if count is None else count} |"
        )


if __name__ == "__main__":
    main()
