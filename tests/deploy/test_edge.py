"""
The shipped production setup, for real: nginx with deploy/nginx/newsroom.conf
in front of gunicorn with gunicorn.conf.py, on the test database and a
shared Redis. A publish, and a scheduled publication, show through every
cache layer within about a second; a change to a page nobody asked for in a
while shows to its next reader; staff and forms go straight through; the
kept copies are served while gunicorn is down.
"""

import json
import math
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from articles.models import Article
from tests.articles.live_factories import make_entry, make_live_article
from tests.deploy import edge
from tests.factories import make_article
from tests.servers import database_url, fetch, free_port, stop, wait_until_answering

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # In a parallel run these tests share one worker, so that nginx and
    # gunicorn (the `site` fixture) start once.
    pytest.mark.xdist_group("edge"),
    pytest.mark.skipif(
        not edge.Path(edge.NGINX).exists(), reason="needs nginx: apt-get install nginx"
    ),
]

REDIS_URL = "redis://127.0.0.1:6379/10"
PREFIX = f"test-edge-{uuid.uuid4().hex}"
METRICS_TOKEN = uuid.uuid4().hex


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("edge")


@pytest.fixture(scope="module")
def config(folder):
    static_root, media_root = folder / "static", folder / "media"
    media_root.mkdir()
    env = edge.production_env()
    edge.collect_static(static_root, env)
    ports = {
        "app_port": free_port(),
        "http_port": free_port(),
        "https_port": free_port(),
    }
    path = edge.nginx_config(
        folder, static_root=static_root, media_root=media_root, **ports
    )
    return path, ports, static_root


class Gunicorn:
    """gunicorn for this module's tests, which one test stops and starts again."""

    def __init__(self, port, env, log):
        self.port, self.env, self.log = port, env, log
        self.start()

    def start(self):
        self.process = edge.start_gunicorn(self.port, self.env, self.log)

    def stop(self):
        stop(self.process)

    def requests_for(self, path):
        """How many requests for `path` gunicorn has answered (its access log)."""
        return self.log.read_text().count(f'"GET {path} HTTP/')


@pytest.fixture(scope="module")
def servers(config, folder, django_db_setup):
    """nginx and gunicorn, up for this module's tests."""
    path, ports, static_root = config
    env = edge.production_env(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=PREFIX,
        PAGE_CACHE_SECONDS="300",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(folder / "media"),
        METRICS_TOKEN=METRICS_TOKEN,
        METRICS_NETWORKS="127.0.0.1",
    )
    gunicorn = Gunicorn(ports["app_port"], env, folder / "gunicorn.log")
    nginx = edge.start_nginx(path)
    base = f"https://localhost:{ports['https_port']}"
    try:
        wait_until_answering(base + "/robots.txt", [gunicorn.process, nginx])
        yield base, ports, gunicorn, nginx
    finally:
        stop(nginx)
        gunicorn.stop()


@pytest.fixture
def site(servers):
    base, ports, _gunicorn, _nginx = servers
    return base, ports


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """This process bumps the content version in the servers' Redis."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": PREFIX,
        }
    }


def text(url, **kwargs):
    status, headers, body = fetch(url, **kwargs)
    assert status == 200, (url, status)
    return body.decode()


def shows_within(urls, wanted, seconds, since):
    """
    Polls each of `urls` in turn until `wanted` is on all of them; fails if
    that takes more than `seconds` from `since` (a time.monotonic() reading).
    Returns the seconds each took.
    """
    waiting = list(urls)
    took = {}
    while waiting:
        for url in list(waiting):
            if wanted in text(url):
                waiting.remove(url)
                took[url] = time.monotonic() - since
        assert time.monotonic() - since < seconds, (
            f"{wanted!r} not on {waiting} after {seconds} s"
        )
        time.sleep(0.05)
    return took


def test_the_shipped_nginx_configuration_passes_nginx_t(config):
    passed, said = edge.nginx_test(config[0])
    assert passed, said


def test_a_reading_page_goes_through_nginx_to_gunicorn_and_the_edge_keeps_it(site):
    base, _ports = site
    article = make_article(title="Harbour plan approved")
    url = base + article.get_absolute_url()
    status, headers, body = fetch(url)
    assert status == 200
    assert b"Harbour plan approved" in body
    assert headers["X-Cache-Status"] == "MISS"
    assert "s-maxage=300" in headers["Cache-Control"]
    assert "Set-Cookie" not in headers
    assert "X-Accel-Expires" not in headers  # for nginx only
    _status, again, _body = fetch(url)
    # Kept at the edge: gunicorn is not asked again within the second.
    assert again["X-Cache-Status"] in {"HIT", "UPDATING", "STALE"}
    status, _headers, body = fetch(url, headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def requests_counted(url, page, **headers):
    status, _headers, body = fetch(url, headers=headers)
    assert status == 200, status
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == "newsroom_requests_total" and sample.labels["page"] == page
    )


def test_metrics_count_every_workers_requests_and_keep_out_the_public(site):
    base, ports = site
    app = f"http://127.0.0.1:{ports['app_port']}"
    before = requests_counted(app + "/metrics", "healthz-live")
    for _ in range(12):  # spread over gunicorn's two workers
        assert fetch(app + "/healthz/live")[0] == 200
    assert requests_counted(app + "/metrics", "healthz-live") == before + 12
    # Through the edge every request comes from nginx's address: only the
    # token lets one in.
    assert fetch(base + "/metrics")[0] == 404
    token = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert requests_counted(base + "/metrics", "healthz-live", **token) >= before + 12


def test_gzip_for_pages_and_plain_http_sent_to_https(site):
    base, ports = site
    url = base + make_article().get_absolute_url()
    _status, headers, _body = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    status, headers, _body = fetch(f"http://localhost:{ports['http_port']}/news/")
    assert status == 301
    assert headers["Location"] == "https://localhost/news/"


# What the design guarantees: the edge keeps a reading page to the end of the
# second it was sent in (X-Accel-Expires), then serves the old copy for at
# most a second more (stale-while-revalidate) while it fetches the new one in
# the background; the page cache drops every page the moment a change is
# saved. The rest is polling (every 50 ms) and a render on a busy machine.
EDGE_BOUND_SECONDS = 1.5
# Longer than a page's second at the edge and its second of
# stale-while-revalidate: the page is past both.
IDLE_SECONDS = 3


def at_next_second(offset):
    """Sleeps until `offset` seconds into the next whole second."""
    now = time.time()
    time.sleep(math.ceil(now) - now + offset)


def test_a_publish_shows_through_every_layer_within_about_a_second(site):
    base, _ports = site
    article = make_article(title="Harbour plan approved")
    urls = [base + article.get_absolute_url(), base + "/"]
    for url in urls:
        text(url)
        text(url)  # now kept at the edge and in the page cache
    article.title = "Harbour plan withdrawn"
    saved = time.monotonic()
    article.save()
    took = shows_within(urls, "Harbour plan withdrawn", EDGE_BOUND_SECONDS, saved)
    print(
        "publish visible through the edge after", *(f"{t:.2f} s" for t in took.values())
    )


def test_a_scheduled_article_goes_live_through_every_layer_by_itself(site):
    base, _ports = site
    make_article(title="Harbour plan approved")
    goes_live = timezone.now() + timedelta(seconds=3)
    make_article(title="Ferry strike called off", published_at=goes_live)
    home = base + "/"
    while timezone.now() < goes_live - timedelta(seconds=0.5):
        assert "Ferry strike called off" not in text(home)  # cached meanwhile
        time.sleep(0.2)
    time.sleep(max((goes_live - timezone.now()).total_seconds(), 0))
    live = time.monotonic()
    took = shows_within([home], "Ferry strike called off", EDGE_BOUND_SECONDS, live)
    print(f"scheduled article visible through the edge {took[home]:.2f} s late")


def test_a_live_article_followed_by_few_gets_each_post_at_its_next_poll(site):
    """
    The "anything new" answer of a live article few readers follow, asked
    now and then: kept at the edge like a page, but once its copy is more
    than a second past its life the next reader's poll fetches it afresh
    rather than getting the old copy, which would leave them a poll behind.
    """
    base, _ports = site
    article = make_live_article()
    first = make_entry(article)
    path = reverse("articles:live-updates", args=[article.pk])
    url = f"{base}{path}?since={first.pk}"
    json_ = {"Accept": "application/json"}
    _status, headers, body = fetch(url, headers=json_)
    assert json.loads(body)["count"] == 0
    assert headers["X-Cache-Status"] == "MISS"
    _status, headers, _body = fetch(url, headers=json_)
    assert headers["X-Cache-Status"] in {"HIT", "UPDATING", "STALE"}
    make_entry(article, headline="Bridge closed")
    time.sleep(3)  # the next poll, seconds later
    _status, headers, body = fetch(url, headers=json_)
    answer = json.loads(body)
    assert answer["count"] == 1 and "Bridge closed" in answer["html"]
    assert headers["X-Cache-Status"] in {"MISS", "EXPIRED"}


def test_forms_and_staff_go_straight_through_and_are_never_kept(site):
    base, _ports = site
    url = base + reverse("subscriptions:delivery-request")
    for _ in range(3):
        status, headers, _body = fetch(url)
        assert status == 200
        assert headers["X-Cache-Status"] == "MISS"
        assert "no-store" in headers["Cache-Control"]
    article_url = base + make_article().get_absolute_url()
    fetch(article_url)
    _status, headers, _body = fetch(
        article_url, headers={"Cookie": "sessionid=someone"}
    )
    assert headers["X-Cache-Status"] == "BYPASS"


def test_static_files_come_from_nginx_hashed_names_cached_for_a_year(site, config):
    base, _ports = site
    static_root = config[2]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = next(name for plain, name in manifest.items() if plain.endswith(".css"))
    status, headers, _body = fetch(
        f"{base}/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert "X-Cache-Status" not in headers  # never reached gunicorn


def test_ending_live_coverage_stops_the_updates_through_the_edge(site):
    """
    The "anything new" answer, kept at the edge and in the page cache, says
    the coverage has ended within about a second of its end being saved.
    """
    base, _ports = site
    article = make_live_article()
    seen = make_entry(article)
    url = base + reverse("articles:live-updates", args=[article.pk])
    url += f"?since={seen.pk}"
    assert json.loads(text(url))["ended"] is False
    _status, headers, body = fetch(url)
    assert json.loads(body)["ended"] is False
    assert headers["X-Cache-Status"] in {"HIT", "UPDATING", "STALE"}  # kept
    article.live_state = Article.LiveState.ENDED
    saved = time.monotonic()
    article.save()
    took = shows_within([url], '"ended": true', EDGE_BOUND_SECONDS, saved)
    assert json.loads(text(url)) == {
        "count": 0,
        "latest": seen.pk,
        "ended": True,
        "html": "",
    }
    print(f"end of live coverage visible through the edge after {took[url]:.2f} s")


def test_a_correction_to_a_page_nobody_read_for_a_while_shows_to_its_next_reader(
    site,
):
    base, _ports = site
    article = make_article(title="Harbour plan approved")
    url = base + article.get_absolute_url()
    assert "Harbour plan approved" in text(url)
    _status, headers, _body = fetch(url)
    assert headers["X-Cache-Status"] in {"HIT", "UPDATING", "STALE"}  # kept
    time.sleep(IDLE_SECONDS)
    article.title = "Harbour plan withdrawn"
    article.save()
    status, headers, body = fetch(url)
    assert status == 200
    assert "Harbour plan withdrawn" in body.decode()
    assert headers["X-Cache-Status"] == "EXPIRED"  # fetched, not the old copy


def test_an_article_taken_down_after_an_idle_gap_is_gone_for_its_next_reader(site):
    base, _ports = site
    article = make_article(title="Council leak")
    url = base + article.get_absolute_url()
    text(url)
    _status, headers, _body = fetch(url)
    assert headers["X-Cache-Status"] in {"HIT", "UPDATING", "STALE"}  # kept
    time.sleep(IDLE_SECONDS)
    article.unpublish()
    status, _headers, body = fetch(url)
    assert status in {404, 410}
    assert "Council leak" not in body.decode()


def test_a_burst_just_after_a_page_expires_reaches_gunicorn_about_once(servers):
    """
    Readers who ask within a second of a page's copy expiring get that copy
    while one request fetches the new one: gunicorn answers the page about
    once, not once per reader.
    """
    base, _ports, gunicorn, _nginx = servers
    path = make_article(title="Ferry strike called off").get_absolute_url()
    url = base + path
    text(url)  # rendered, in the page cache and at the edge
    time.sleep(IDLE_SECONDS)  # the edge's copy is past its bound
    at_next_second(0.05)
    text(url)  # fetched again: the edge keeps it to the end of this second
    kept_in = int(time.time())
    before = gunicorn.requests_for(path)
    at_next_second(0.1)  # the copy has just expired
    assert int(time.time()) == kept_in + 1, "too slow a machine to time the burst"
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(fetch, [url] * 20))
    assert all(status == 200 for status, _headers, _body in answers)
    statuses = sorted(headers["X-Cache-Status"] for _s, headers, _b in answers)
    time.sleep(0.5)  # the background fetch is logged
    asked = gunicorn.requests_for(path) - before
    assert 1 <= asked <= 2, (asked, statuses)


def test_while_gunicorn_is_down_the_edge_serves_the_kept_copy(servers):
    base, _ports, gunicorn, nginx = servers
    url = base + make_article(title="Harbour plan approved").get_absolute_url()
    text(url)
    gunicorn.stop()
    try:
        time.sleep(IDLE_SECONDS)  # past the copy's life and its bound
        status, headers, body = fetch(url)
        assert status == 200
        assert "Harbour plan approved" in body.decode()
        assert headers["X-Cache-Status"] == "STALE"
    finally:
        gunicorn.start()
        wait_until_answering(base + "/robots.txt", [gunicorn.process, nginx])
