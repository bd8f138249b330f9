"""
gunicorn's settings for Newsroom: `gunicorn -c gunicorn.conf.py` from the
project folder (deploy/systemd/newsroom-web.service does).

  GUNICORN_BIND     where to listen (default 127.0.0.1:8000; nginx proxies)
  WEB_CONCURRENCY   worker processes (default: two per core, plus one)
"""

import multiprocessing
import os

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
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Logs to stdout and stderr; systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# nginx on the same machine sets X-Forwarded-For / -Proto.
forwarded_allow_ips = "127.0.0.1,::1"
