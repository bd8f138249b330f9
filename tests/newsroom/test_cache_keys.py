"""
Every key of the page cache and what is kept beside it comes from one
function, newsroom.cache.keys.cache_key: kinds never collide, and each kind
includes the code digest and the content version as it must.
"""

import sys
from datetime import UTC, datetime

import pytest

from newsroom.cache import cache_key, digest, keys
from newsroom.cache.fragments import fragment_key
from newsroom.cache.pages import page_key
from newsroom.cache.versions import CONTENT_VERSION_KEY


@pytest.fixture
def release(monkeypatch):
    """Switch the code digest, as a new release would."""

    def to(name):
        monkeypatch.setattr(digest, "code_digest", lambda: name)

    to("release-1")
    return to


def environ(path="/news/", encoding="gzip"):
    return {
        "wsgi.url_scheme": "https",
        "HTTP_HOST": "example.org",
        "PATH_INFO": path,
        "HTTP_ACCEPT_ENCODING": encoding,
    }


def test_the_same_parts_under_two_kinds_never_make_the_same_key(release):
    made = {kind: cache_key(kind, "home", 7) for kind in keys.KINDS}
    assert len(set(made.values())) == len(keys.KINDS)
    for kind, key in made.items():
        assert key.startswith(f"pages:{kind}:")


def test_parts_are_told_apart_however_they_are_split(release):
    assert cache_key("kept", "ab", "c") != cache_key("kept", "a", "bc")
    assert cache_key("kept", ("a", "b")) != cache_key("kept", "a", "b")


def test_parts_are_told_apart_by_type(release):
    made = {
        cache_key("kept", part)
        for part in (1, True, 1.0, "1", None, (1,), [1], {1: 1}, b"1")
    }
    assert len(made) == 9


def test_equal_parts_make_equal_keys_however_their_text_was_made(release):
    # Interned text or not, shared objects or copies: marshal's format 0
    # writes neither mark, so another process makes the same key.
    word = sys.intern("harbour")
    built = "".join(["har", "bour"])
    assert built is not word
    assert cache_key("kept", (word, word, {"a": [word]})) == cache_key(
        "kept", (built, "".join(["harb", "our"]), {"a": [built]})
    )
    assert keys.serialized((word,)) == keys.serialized((built,))


def test_parts_marshal_cannot_write_are_keyed_by_their_repr(release):
    moment = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert keys.serialized((moment,)).startswith(b"r")
    assert keys.serialized(("plain",)).startswith(b"m")
    assert cache_key("kept", moment) == cache_key("kept", moment)
    assert cache_key("kept", moment) != cache_key("kept", moment.replace(minute=31))
    assert cache_key("kept", moment.isoformat()) != cache_key("kept", moment)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No such kind"):
        cache_key("pages", "home")


def test_rendered_things_change_key_with_the_release(release):
    before = {
        "page": page_key(environ()),
        "fragment": fragment_key("article-body", 7, ("/news/a/",)),
        "card": cache_key("card", ("fingerprint",)),
        "kept": cache_key("kept", "sections", 7),
    }
    release("release-2")
    after = {
        "page": page_key(environ()),
        "fragment": fragment_key("article-body", 7, ("/news/a/",)),
        "card": cache_key("card", ("fingerprint",)),
        "kept": cache_key("kept", "sections", 7),
    }
    for kind in before:
        assert before[kind] != after[kind], kind


def test_the_version_and_the_schedule_are_shared_by_releases(release):
    version, schedule = CONTENT_VERSION_KEY, cache_key("schedule", 7)
    release("release-2")
    assert cache_key("content-version") == version == "pages:content-version"
    assert cache_key("schedule", 7) == schedule


def test_fragments_and_kept_values_change_key_with_the_content_version(release):
    assert fragment_key("home-body", 7) != fragment_key("home-body", 8)
    assert cache_key("kept", "sections", 7) != cache_key("kept", "sections", 8)
    assert cache_key("schedule", 7) != cache_key("schedule", 8)


def test_a_page_key_covers_its_address_and_encoding(release):
    keys_made = {
        page_key(environ()),
        page_key(environ(encoding="")),
        page_key(environ(path="/news/other/")),
        page_key({**environ(), "QUERY_STRING": "page=2"}),
    }
    assert len(keys_made) == 4


def test_a_fragment_key_covers_what_the_page_varies_on(release):
    assert fragment_key("list-body", 7, ("section", 1)) != fragment_key(
        "list-body", 7, ("section", 2)
    )
    assert fragment_key("list-body", 7) != fragment_key("list-links", 7)
