"""
The embed providers in settings: which pasted URLs each accepts, the iframe
readers get from it after pressing (on the no-cookie host where there is
one), and the CSP's frame-src, which lists exactly their iframe hosts.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from articles.embeds import provider_for

PASTED = [
    (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    (
        "https://youtu.be/dQw4w9WgXcQ",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ),
    (
        "https://vimeo.com/76979871",
        "Vimeo",
        "https://player.vimeo.com/video/76979871?dnt=1",
    ),
    (
        "https://x.com/GardaInfo/status/1790000000000000000",
        "X",
        "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000&dnt=true",
    ),
    (
        "https://www.instagram.com/p/C1a2B3c4D5e/",
        "Instagram",
        "https://www.instagram.com/p/C1a2B3c4D5e/embed/",
    ),
    (
        "https://www.facebook.com/corkcitycouncil/posts/pfbid02abc",
        "Facebook",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com"
        "%2Fcorkcitycouncil%2Fposts%2Fpfbid02abc",
    ),
    (
        "https://www.tiktok.com/@rte/video/7300000000000000000",
        "TikTok",
        "https://www.tiktok.com/embed/v2/7300000000000000000",
    ),
    (
        "https://bsky.app/profile/rte.ie/post/3kabc123xyz",
        "Bluesky",
        "https://embed.bsky.app/embed/rte.ie/app.bsky.feed.post/3kabc123xyz",
    ),
    (
        "https://www.threads.net/@rte/post/C9abcDEF",
        "Threads",
        "https://www.threads.net/@rte/post/C9abcDEF/embed",
    ),
    (
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "Spotify",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
    ),
    (
        "https://soundcloud.com/rte-radio/budget-2027",
        "SoundCloud",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com"
        "%2Frte-radio%2Fbudget-2027",
    ),
    (
        "https://datawrapper.dwcdn.net/Ab1Cd/3/",
        "Datawrapper",
        "https://datawrapper.dwcdn.net/Ab1Cd/",
    ),
    (
        "https://public.flourish.studio/visualisation/17345678/",
        "Flourish",
        "https://flo.uri.sh/visualisation/17345678/embed",
    ),
    (
        "https://www.google.com/maps/place/Cork/@51.8985,-8.4756,14z",
        "Google Maps",
        "https://maps.google.com/maps?ll=51.8985,-8.4756&z=14&output=embed",
    ),
]


@pytest.mark.parametrize(("url", "name", "frame"), PASTED)
def test_each_provider_accepts_its_urls_and_builds_its_iframe(url, name, frame):
    """A pasted URL finds its provider, whose iframe is built from the URL."""
    provider = provider_for(url)
    assert provider.name == name
    assert provider.frame_src(url) == frame


def test_openstreetmap_frame_is_built_from_the_map_position_without_oembed():
    """An OpenStreetMap link becomes the export iframe around its marker."""
    url = "https://www.openstreetmap.org/?mlat=53.3498&mlon=-6.2603#map=15/53.3498/-6.2603"
    provider = provider_for(url)
    assert provider.name == "OpenStreetMap"
    assert provider.oembed_url(url) is None
    frame = provider.frame_src(url)
    assert frame.startswith("https://www.openstreetmap.org/export/embed.html?bbox=")
    assert frame.endswith("&layer=mapnik&marker=53.3498,-6.2603")


def test_every_default_provider_has_an_https_endpoint_or_none():
    """Endpoints are https; only the two map providers go without one."""
    without = set()
    for entry in settings.EMBED_PROVIDERS:
        if entry["endpoint"] is None:
            without.add(entry["name"])
        else:
            assert entry["endpoint"].startswith("https://")
    assert without == {"OpenStreetMap", "Google Maps"}
    assert len(settings.EMBED_PROVIDERS) == 14


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://www.example.com/news",
        "",
    ],
)
def test_urls_of_no_configured_provider_have_none(url):
    """Plain http, look-alike hosts and other sites find no provider."""
    assert provider_for(url) is None


def test_meta_providers_are_not_asked_without_an_access_token(settings):
    """Instagram and Facebook's endpoints need the token; without it, no request."""
    settings.EMBED_META_ACCESS_TOKEN = ""
    url = "https://www.instagram.com/p/C1a2B3c4D5e/"
    assert provider_for(url).oembed_url(url) is None
    settings.EMBED_META_ACCESS_TOKEN = "123|abc"
    assert "access_token=123%7Cabc" in provider_for(url).oembed_url(url)


def test_providers_can_be_limited_to_a_list(settings):
    """A provider left out of EMBED_PROVIDERS accepts nothing."""
    settings.EMBED_PROVIDERS = [
        p for p in settings.EMBED_PROVIDERS if p["name"] == "Vimeo"
    ]
    assert provider_for("https://youtu.be/dQw4w9WgXcQ") is None
    assert provider_for("https://vimeo.com/76979871").name == "Vimeo"


def test_csp_frame_src_lists_exactly_the_providers_iframe_hosts():
    """frame-src names each provider's iframe host and nothing else."""
    hosts = {
        "https://" + urlsplit(entry["frame"]).netloc
        for entry in settings.EMBED_PROVIDERS
    }
    assert set(settings.SECURE_CSP["frame-src"]) == hosts
    assert "https://www.youtube-nocookie.com" in hosts
    assert "https://www.youtube.com" not in hosts


@pytest.mark.django_db
def test_pages_send_the_frame_src_in_their_policy(client):
    """The policy readers' browsers get carries the same frame-src."""
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    frame_src = next(
        part.split()[1:]
        for part in policy.split(";")
        if part.strip().startswith("frame-src")
    )
    assert set(frame_src) == set(settings.SECURE_CSP["frame-src"])
