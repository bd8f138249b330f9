"""
Error reports to Sentry (SENTRY_DSN), with nothing of a reader's in them.

Every event passes through `scrub` before it leaves: the request keeps its
method, its path (tokens in it blanked) and harmless headers, never its body,
cookies or query values; frames carry no local variables; and the text of
messages, exceptions, breadcrumbs and extras has its email addresses and
token-like strings blanked.
A subscriber's address in an exception's message therefore arrives as
"[email]", a confirmation token in a URL as "[token]".
"""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
# Opaque tokens: long runs of letters and digits (and the separators of
# base64url and signed values) holding at least two digits.
TOKEN = re.compile(r"(?=(?:[\w:.-]*\d){2})(?=[\w:.-]*[A-Za-z])[\w:.-]{20,}")
SAFE_HEADERS = {
    "accept",
    "accept-encoding",
    "accept-language",
    "content-length",
    "content-type",
    "host",
    "user-agent",
    "x-forwarded-proto",
}
SCRUBBED = "[scrubbed]"


def blank(text):
    return TOKEN.sub("[token]", EMAIL.sub("[email]", text))


def walk(value):
    if isinstance(value, str):
        return blank(value)
    if isinstance(value, dict):
        return {key: walk(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [walk(item) for item in value]
    return value


def scrub_request(request):
    kept = {
        "method": request.get("method"),
        "url": request.get("url"),
        "headers": {
            name: value
            for name, value in (request.get("headers") or {}).items()
            if name.lower() in SAFE_HEADERS
        },
    }
    if request.get("query_string"):
        names = [part.split("=", 1)[0] for part in request["query_string"].split("&")]
        kept["query_string"] = "&".join(f"{name}={SCRUBBED}" for name in names)
    if "data" in request:
        kept["data"] = SCRUBBED
    return kept


def scrub(event, hint=None):
    """The event as it may leave: see the module's docstring."""
    if "request" in event:
        event["request"] = walk(scrub_request(event["request"]))
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = blank(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if crumb.get("category") == "query":
            crumb.pop("data", None)
        for key in ("message", "data"):
            if key in crumb:
                crumb[key] = walk(crumb[key])
    # What a log call or capture_message said, and what code added.
    for key in ("message", "logentry", "extra", "tags"):
        if key in event:
            event[key] = walk(event[key])
    return event


def start_reporting(dsn, environment):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=0,
    )
