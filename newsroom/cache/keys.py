"""
The one function that builds every cache key of the page cache and what is
kept beside it.

A key is `pages:<kind>[:<code digest>][:<digest of the parts>]`. Its kind
comes first, so keys of two kinds never collide whatever their parts; the
parts are hashed together (their repr, so ("a", "b") and ("ab",) differ),
which keeps keys short and free of the characters a cache refuses. Whether
the code digest is part of a kind's key is decided here, once: everything
rendered is kept under it (a release never serves what the one before it
rendered), while the content version and the moment of the next scheduled
change, which every release shares, are not.
"""

import hashlib

from . import digest

# Each kind of key, and whether it includes the code digest.
KINDS = {
    # The content version every kept render depends on (shared by releases).
    "content-version": False,
    # The next scheduled change, under a content version (shared by releases).
    "schedule": False,
    # A whole page: its address and encoding (it carries its own version).
    "page": True,
    # A part of a page ({% fragment %}): its name, the version, what it varies on.
    "fragment": True,
    # An article's card: the article's card fingerprint.
    "card": True,
    # A value kept under the content version (content_cached): its name.
    "kept": True,
    # What an old address answers (a redirect, 410 Gone or nothing): the
    # version, the path and the query.
    "redirect": True,
}


def cache_key(kind, *parts):
    """The key of the thing of `kind` ("page", "fragment", …) made of `parts`."""
    if kind not in KINDS:
        raise ValueError(f"No such kind of cache key: {kind!r}")
    key = f"pages:{kind}"
    if KINDS[kind]:
        key += f":{digest.code_digest()}"
    if parts:
        key += ":" + hashlib.sha256(repr(parts).encode()).hexdigest()
    return key
