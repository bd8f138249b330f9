"""
Real servers beside the tests, started one way: a free port on the loopback
(`free_port`), a process run from the project's folder with its output in a
log file (`start`, told where the test database is by `database_url`), a
wait until it answers (`wait_until_answering`, or `wait_for` any condition)
while checking it has not stopped, and a stop that cannot hang (`stop`).
The application servers (tests/articles/test_page_cache_servers.py,
tests/deploy/edge.py and the benchmarks), the task worker
(tests/subscriptions/test_newsletter_worker.py) and the S3 server
(tests/s3.py) all start this way; `fetch` asks them.
"""

import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    """A port on 127.0.0.1 where nothing listens (until a server takes it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The test database, as a server or worker subprocess must be told to find it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start(command, log_path, env=None):
    """
    Run `command` from the project's folder (with `env`, else this process's
    environment), its output and errors appended to `log_path`.
    """
    with log_path.open("a") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=os.environ if env is None else env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout, what, processes=()):
    """
    Return once `condition()` is true; fail when `timeout` seconds pass
    first, or when one of `processes` stops meanwhile.
    """
    deadline = time.monotonic() + timeout
    while True:
        for process in processes:
            assert process.poll() is None, f"{process.args[:3]} stopped"
        if condition():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.05)


def wait_until_answering(url, processes=(), timeout=30):
    """Wait until `url` answers 200, while `processes` (its servers) run."""

    def answers():
        try:
            return fetch(url)[0] == 200
        except OSError:
            return False

    wait_for(answers, timeout, f"{url} to answer", processes)


def stop(*processes, timeout=20):
    """
    Stop `processes` together (SIGTERM), each killed if it has not ended
    `timeout` seconds later.
    """
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(
    urllib.request.HTTPSHandler(context=UNVERIFIED), NoRedirect
)


def fetch(url, headers=None, method="GET"):
    """
    (status, headers, body) of one request to a server under test: its
    throwaway certificate is not checked and redirects are not followed;
    errors are answers too.
    """
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
