"""
gunicorn's settings for Newsroom: `gunicorn -c gunicorn.conf.py` from the
project folder (deploy/systemd/newsroom-web.service does).

  GUNICORN_BIND     where to listen (default 127.0.0.1:8000; nginx proxies)
  WEB_CONCURRENCY   worker processes (default: two per core, plus one)
  GUNICORN_MAX_REQUESTS  requests a worker serves before it is replaced
                    (default 100000; 0: never)
  PROMETHEUS_MULTIPROC_DIR  where the workers keep their counts for /metrics
                    (default: a fresh folder for this server's life)
"""

import gc
import multiprocessing
import os
import tempfile

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a page is CPU-bound rendering plus short queries, and nginx
# buffers slow clients, so a worker is never held by one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request taking longer than this is killed and logged; nginx answers 504
# (or serves a stale copy of a reading page) meanwhile.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Load Django once in the master, so workers start fast and share memory.
preload_app = True
# Recycle workers now and then, so a slow leak cannot grow without bound;
# but rarely: a replaced worker costs a stall of its connections, which at
# 5,000 requests (every 2-3 s per worker when pages come from the cache) made
# the cached article's p99 242 ms instead of 10 ms and its rate 2,705
# instead of 4,108 requests/s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# Logs to stdout and stderr; systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# nginx on the same machine sets X-Forwarded-For / -Proto.
forwarded_allow_ips = "127.0.0.1,::1"

# /metrics counts every worker's requests: each writes its counts to files in
# this folder (newsroom.metrics), which must be new for each start of the
# server. Set here, before the master loads Django.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="newsroom-metrics-"
    )


def pre_fork(server, worker):
    """
    Django, the apps and the URLs are loaded once (preload_app) and live as
    long as the worker: frozen, the collector never walks them again. A full
    collection of a worker's ~145,000 objects otherwise takes ~95 ms (a
    request that waits for it), about once in 500 requests; and left
    untouched, the pages the workers share with the master stay shared.
    """
    gc.freeze()


def child_exit(server, worker):
    """A worker that stops no longer counts in the gauges it kept live."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
