"""
Safe fetching from the outside world, for embeds (the oEmbed answer and the
thumbnail it names: articles.embeds) and agency feeds (`manage.py
import_feed`).

`fetch()` asks only https URLs on the hosts it is given; resolves their names
itself and refuses any that has a private, loopback, link-local, multicast,
reserved or unspecified address among its addresses (`address_allowed`),
then connects to the address it checked, so a second lookup cannot swap it
(DNS rebinding); follows a few redirects, each through the same checks; and
stops reading past a size and a time limit. A refusal raises `Refused` and is
logged with its reason and host; a provider that is down or slow raises
`Unavailable`, worth trying again later.
"""

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
USER_AGENT = "Newsroom embed resolver"


class Refused(Exception):
    """The URL or its answer breaks a rule: asking again will not help."""


class Unavailable(Exception):
    """The server is down, slow or busy: worth asking again later."""


def address_allowed(address, port=None):
    """
    Whether `address` (an IPv4 or IPv6 address, as text) is a public one we
    may connect to. IPv4 addresses written as IPv6 (mapped, 6to4) are judged
    as the IPv4 address they carry. The addresses and ports tests name in
    EMBED_FETCH_ALLOWED_ADDRESSES are let through.
    """
    allowed = {tuple(pair) for pair in settings.EMBED_FETCH_ALLOWED_ADDRESSES}
    if (address, port) in allowed:
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        carried = ip.ipv4_mapped or ip.sixtofour
        if carried is not None:
            ip = carried
    if ip.version == 6 and ip in ipaddress.ip_network("64:ff9b::/96"):
        return address_allowed(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
    )


def refuse(reason, host):
    logger.warning("Embed fetch refused (%s): %s", host, reason)
    return Refused(reason)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an address already checked, verified for `host`."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context():
    context = ssl.create_default_context(cafile=settings.EMBED_FETCH_CA_FILE)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def checked_address(host, port):
    """The address to connect to for `host`, once every address it has passed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unavailable(f"{host} could not be resolved") from error
    addresses = [info[4][0] for info in found]
    if not addresses or not all(address_allowed(a, port) for a in addresses):
        raise refuse("not a public address", host)
    return addresses[0]


def fetch(url, *, hosts, max_bytes, accept):
    """
    GET `url` and return (body, content type). Every hop must be https, on
    one of `hosts`, at a public address; the body may not exceed `max_bytes`
    nor take more than EMBED_FETCH_SECONDS in all.
    """
    deadline = time.monotonic() + settings.EMBED_FETCH_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme != "https":
            raise refuse(f"{parts.scheme or 'no'} scheme, not https", host)
        if host not in hosts:
            raise refuse("host not allowed", host)
        try:
            port = parts.port or 443
        except ValueError as error:
            raise refuse("bad port", host) from error
        address = checked_address(host, port)
        connection = PinnedHTTPSConnection(
            host,
            port,
            address=address,
            timeout=max(deadline - time.monotonic(), 0.1),
            context=tls_context(),
        )
        try:
            path = parts.path or "/"
            connection.request(
                "GET",
                f"{path}?{parts.query}" if parts.query else path,
                headers={"Accept": accept, "User-Agent": USER_AGENT},
            )
            response = connection.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                url = urljoin(url, response.getheader("Location", ""))
                continue
            if response.status == 429 or response.status >= 500:
                raise Unavailable(f"{host} answered {response.status}")
            if response.status != 200:
                raise refuse(f"answered {response.status}", host)
            body = read_limited(response, max_bytes, deadline, host)
            return body, response.getheader("Content-Type", "")
        except ssl.SSLCertVerificationError as error:
            raise refuse("certificate not valid", host) from error
        except (OSError, http.client.HTTPException) as error:
            raise Unavailable(f"{host}: {type(error).__name__}") from error
        finally:
            connection.close()
    raise refuse("too many redirects", host)


def read_limited(response, max_bytes, deadline, host):
    """The body, read a chunk at a time and cut off past the limits."""
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise refuse(f"larger than {max_bytes} bytes", host)
    chunks, size = [], 0
    while chunk := response.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise refuse(f"larger than {max_bytes} bytes", host)
        if time.monotonic() > deadline:
            raise Unavailable(f"{host} was too slow")
        chunks.append(chunk)
    return b"".join(chunks)
