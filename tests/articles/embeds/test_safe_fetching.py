"""
Safe fetching (articles.fetching): only public addresses, only https, only
the hosts named, redirects through the same checks, size limits read
incrementally; every refusal logged with its reason. A real HTTPS server on
127.0.0.1 plays the far side.
"""

import logging

import pytest

from articles.fetching import Refused, Unavailable, address_allowed, fetch

from .provider_server import Answer

ADDRESSES = [
    ("93.184.216.34", True),
    ("2606:4700:4700::1111", True),
    ("10.0.0.1", False),
    ("172.16.5.4", False),
    ("192.168.1.1", False),
    ("100.64.0.1", False),
    ("127.0.0.1", False),
    ("127.8.9.10", False),
    ("169.254.169.254", False),
    ("0.0.0.0", False),
    ("224.0.0.1", False),
    ("239.255.255.250", False),
    ("240.0.0.1", False),
    ("255.255.255.255", False),
    ("198.18.0.1", False),
    ("::1", False),
    ("::", False),
    ("fe80::1", False),
    ("fe80::1%eth0", False),
    ("fc00::1", False),
    ("fd12:3456::1", False),
    ("fec0::1", False),
    ("ff02::1", False),
    ("::ffff:127.0.0.1", False),
    ("::ffff:169.254.169.254", False),
    ("::ffff:10.0.0.1", False),
    ("::ffff:93.184.216.34", True),
    ("2002:7f00:1::", False),
    ("2002:a9fe:a9fe::", False),
    ("64:ff9b::a9fe:a9fe", False),
    ("64:ff9b::5db8:d822", True),
    ("2001:db8::1", False),
    ("not an address", False),
]


@pytest.mark.parametrize(("address", "allowed"), ADDRESSES)
def test_only_public_addresses_are_allowed(address, allowed):
    """Private, loopback, link-local, multicast, reserved, mapped: refused."""
    assert address_allowed(address) is allowed


def test_the_test_server_is_allowed_only_on_its_own_port(settings):
    """The one address and port a test names passes; the same address elsewhere not."""
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", 4443)]
    assert address_allowed("127.0.0.1", 4443)
    assert not address_allowed("127.0.0.1", 4444)


def test_a_named_host_over_https_is_fetched(provider):
    """The body comes back with its content type."""
    provider.answers["/hello"] = Answer(
        body=b"hello", headers={"Content-Type": "text/plain"}
    )
    body, content_type = fetch(
        f"{provider.origin}/hello", hosts={"127.0.0.1"}, max_bytes=100, accept="*/*"
    )
    assert (body, content_type) == (b"hello", "text/plain")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/x", "not https"),
        ("ftp://127.0.0.1/x", "not https"),
        ("https://example.com/x", "host not allowed"),
        ("https://169.254.169.254/latest/meta-data/", "host not allowed"),
    ],
)
def test_other_schemes_and_hosts_are_refused_and_logged(url, reason, caplog):
    """Nothing but https on a named host is asked; the refusal says why."""
    with (
        caplog.at_level(logging.WARNING, "articles.fetching"),
        pytest.raises(Refused, match=reason),
    ):
        fetch(url, hosts={"127.0.0.1"}, max_bytes=100, accept="*/*")
    assert reason in caplog.text


def test_a_private_address_is_refused_after_resolution(caplog):
    """A named host whose address is private is refused before connecting."""
    with (
        caplog.at_level(logging.WARNING, "articles.fetching"),
        pytest.raises(Refused, match="not a public address"),
    ):
        fetch("https://localhost/x", hosts={"localhost"}, max_bytes=10, accept="*/*")
    assert "not a public address" in caplog.text


def test_a_redirect_to_another_port_of_the_loopback_is_refused(provider, caplog):
    """The redirect is checked like the first URL: 127.0.0.1 elsewhere is private."""
    provider.answers["/moved"] = Answer(
        302, headers={"Location": "https://127.0.0.1:9/oembed"}
    )
    with (
        caplog.at_level(logging.WARNING, "articles.fetching"),
        pytest.raises(Refused, match="not a public address"),
    ):
        fetch(
            f"{provider.origin}/moved",
            hosts={"127.0.0.1"},
            max_bytes=100,
            accept="*/*",
        )
    assert "not a public address" in caplog.text


def test_redirects_are_followed_a_few_times_at_most(provider):
    """A redirect loop ends in a refusal."""
    provider.answers["/loop"] = Answer(302, headers={"Location": "/loop"})
    with pytest.raises(Refused, match="too many redirects"):
        fetch(f"{provider.origin}/loop", hosts={"127.0.0.1"}, max_bytes=9, accept="*/*")
    assert provider.requests.count("/loop") == 4


def test_a_declared_length_over_the_limit_is_refused_unread(provider):
    """A Content-Length past the limit is refused before reading the body."""
    provider.answers["/big"] = Answer(body=b"x" * 2000)
    with pytest.raises(Refused, match="larger than 1000 bytes"):
        fetch(
            f"{provider.origin}/big", hosts={"127.0.0.1"}, max_bytes=1000, accept="*/*"
        )


def test_an_undeclared_body_is_cut_off_at_the_limit(provider):
    """A body sent without its length is read a chunk at a time and cut off."""
    provider.answers["/stream"] = Answer(stream_bytes=10 * 1024 * 1024)
    with pytest.raises(Refused, match="larger than 100000 bytes"):
        fetch(
            f"{provider.origin}/stream",
            hosts={"127.0.0.1"},
            max_bytes=100_000,
            accept="*/*",
        )


def test_a_server_answering_with_an_error_is_unavailable(provider):
    """5xx and 429 are worth another try later."""
    provider.answers["/busy"] = Answer(503)
    with pytest.raises(Unavailable):
        fetch(f"{provider.origin}/busy", hosts={"127.0.0.1"}, max_bytes=9, accept="*/*")


def test_a_server_that_is_down_is_unavailable(settings):
    """Nothing listening: unavailable, not refused."""
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", 9)]
    with pytest.raises(Unavailable):
        fetch("https://127.0.0.1:9/x", hosts={"127.0.0.1"}, max_bytes=9, accept="*/*")


def test_an_untrusted_certificate_is_refused(provider, settings):
    """TLS is verified: without the test's authority the server is refused."""
    settings.EMBED_FETCH_CA_FILE = None
    provider.answers["/hello"] = Answer(body=b"hello")
    with pytest.raises(Refused, match="certificate"):
        fetch(
            f"{provider.origin}/hello", hosts={"127.0.0.1"}, max_bytes=9, accept="*/*"
        )
