"""The test server that plays an oEmbed provider, for the embeds' tests."""

import pytest

from .provider_server import ProviderServer, certificate


@pytest.fixture(scope="session")
def provider_certificate(tmp_path_factory):
    return certificate(tmp_path_factory.mktemp("provider"))


@pytest.fixture
def provider(provider_certificate, settings):
    """
    The test server, configured as YouTube's oEmbed endpoint (at /oembed)
    and let past the private-address rule; YouTube's own patterns and
    no-cookie iframe are kept.
    """
    cert, key = provider_certificate
    server = ProviderServer(cert, key).start()
    youtube = next(p for p in settings.EMBED_PROVIDERS if p["name"] == "YouTube")
    settings.EMBED_PROVIDERS = [{**youtube, "endpoint": f"{server.origin}/oembed"}]
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", server.server_address[1])]
    settings.EMBED_FETCH_CA_FILE = str(cert)
    yield server
    server.stop()
