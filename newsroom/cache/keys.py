"""
The one function that builds every cache key of the page cache and what is
kept beside it.

A key is `pages:<kind>[:<code digest>][:<digest of the parts>]`. Its kind
comes first, so keys of two kinds never collide whatever their parts; the
parts are hashed together (written out by serialized(), so ("a", "b") and
("ab",) differ), which keeps keys short and free of the characters a cache
refuses. Whether
the code digest is part of a kind's key is decided here, once: everything
rendered is kept under it (a release never serves what the one before it
rendered), while the content version and the moment of the next scheduled
change, which every release shares, are not.
"""

import hashlib
import marshal

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
        key += ":" + hashlib.sha256(serialized(parts)).hexdigest()
    return key


def serialized(parts):
    """
    `parts` as bytes that differ whenever they do, and are the same in every
    process: marshal's, in its format 0, for plain values (text, numbers,
    booleans, None, and tuples, lists and dicts of them), which writes no
    references between objects and no mark of interned text, so equal
    values give equal bytes wherever they were made; else (a moment, a
    model, a str subclass) their repr. A card's fingerprint was written by
    marshal in a fraction of the time repr() took.
    """
    try:
        return b"m" + marshal.dumps(parts, 0)
    except ValueError:
        return b"r" + repr(parts).encode()
