"""
Error reports: with SENTRY_DSN set, an error in a request reaches the
reporting server (here a real HTTP server of the test's, speaking the
envelope protocol's receiving end), scrubbed of the reader's address, their
token and what they typed; LOG_FORMAT=json writes one JSON object a line.
"""

import gzip
import json
import logging
import secrets
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
import sentry_sdk
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from newsroom.error_reports import scrub, start_reporting
from newsroom.logs import JsonFormatter

# Made at run time, so that the frames' source lines sent with a report
# cannot hold them.
READER = f"margaret.oduya.{secrets.token_hex(4)}@example.net"
TOKEN = "Zq81" + secrets.token_urlsafe(18)


@csrf_exempt
def failing_view(request, token):
    raise ValueError(f"no subscription for {request.POST['email']} with {token}")


urlpatterns = [path("fail/<str:token>/", failing_view)]


class Collector(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body.decode())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def reporting_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    Collector.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start_reporting(f"http://publickey@127.0.0.1:{server.server_port}/1", "test")
    try:
        yield Collector.received
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # reporting off again for the other tests
        server.shutdown()


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_an_error_report_carries_no_readers_address_token_or_form(
    reporting_server, live_server
):
    form = urlencode(
        {"email": READER, "name": "Margaret Oduya", "street": "12 Quay Road"}
    )
    request = urllib.request.Request(
        f"{live_server.url}/fail/{TOKEN}/?email={READER}&ref=home",
        data=form.encode(),
        headers={"Cookie": f"newsletter_email={READER}"},
    )
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=10)
    assert failed.value.code == 500
    sentry_sdk.flush(timeout=10)
    sent = "\n".join(reporting_server)
    assert "ValueError" in sent and "no subscription for [email]" in sent
    event = next(
        json.loads(line) for line in sent.splitlines() if '"exception"' in line
    )
    assert event["request"]["url"].endswith("/fail/[token]/")
    assert event["request"]["query_string"] == "email=[scrubbed]&ref=[scrubbed]"
    for private in (READER, TOKEN, "Margaret Oduya", "12 Quay Road"):
        assert private not in sent


def test_scrubbing_keeps_the_request_line_and_blanks_what_is_personal():
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "request": {
            "method": "POST",
            "url": f"https://news.example.org/newsletters/confirm/{TOKEN}/",
            "query_string": f"email={READER}&utm=x",
            "data": {"email": READER},
            "cookies": {"sessionid": "s"},
            "headers": {"User-Agent": "Firefox", "Authorization": "Bearer abc"},
        },
        "user": {"email": READER, "ip_address": "203.0.113.9"},
        "logentry": {"message": f"bounce from {READER}"},
    }
    scrubbed = scrub(event)
    assert scrubbed["event_id"] == "0123456789abcdef0123456789abcdef"
    assert scrubbed["request"] == {
        "method": "POST",
        "url": "https://news.example.org/newsletters/confirm/[token]/",
        "query_string": "email=[scrubbed]&utm=[scrubbed]",
        "data": "[scrubbed]",
        "headers": {"User-Agent": "Firefox"},
    }
    assert "user" not in scrubbed
    assert scrubbed["logentry"] == {"message": "bounce from [email]"}


def test_json_log_lines_are_one_object_each_with_the_exception():
    logger = logging.getLogger("newsroom.test")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logger.makeRecord(
            "newsroom.test", logging.ERROR, __file__, 1, "failed: %s", ("x",), None
        )
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR" and parsed["message"] == "failed: x"
    assert parsed["logger"] == "newsroom.test"
    assert "RuntimeError: boom" in parsed["exception"]
