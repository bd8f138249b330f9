"""
Parts of a reading page kept rendered: {% fragment "name" fragments %}.

The view gives the template one Fragments object, which says under what
each part is kept (the content version, what the page varies on) and for how
long, and holds the parts already read from the cache. The parts the view
names are kept together, as one entry: read in one round trip, and written
in one once the last of them is rendered (or when the page is, for a page
that left one out), rather than one write a part. A view that must not
keep its parts (a preview) says so with `seconds=0`. A template whose
`fragments` is missing is a mistake: it raises while DEBUG is on or under
tests (settings.FRAGMENTS_STRICT), and otherwise renders the part uncached
and logs it once.
"""

import logging

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .. import metrics
from .keys import cache_key
from .plain import plain

logger = logging.getLogger(__name__)


def fragment_key(name, version, vary=()):
    """The cache key of the part `name` of a reading page ({% fragment %})."""
    return cache_key("fragment", name, version, tuple(vary))


class Fragments:
    """
    The kept parts of one page: their content `version`, what they `vary`
    on besides it, how many `seconds` they may be kept (0: neither read nor
    kept), and those of `names` already in the cache, kept together under
    one key (page_key) and read together.
    """

    def __init__(self, names, version, seconds, vary=()):
        self.version = version
        # No version could be read (the cache is down): nothing to key by.
        self.seconds = seconds if version is not None else 0
        self.vary = tuple(vary)
        self.names = tuple(names)
        self.found = {}
        # Parts of `names` rendered since they were read, not yet written.
        self.rendered = {}
        if self.seconds and self.names:
            self.page_key = fragment_key(self.names, version, self.vary)
            self.found = cache.get(self.page_key) or {}

    @classmethod
    def not_kept(cls):
        """Fragments of a page whose parts are never kept (a preview)."""
        return cls((), None, seconds=0)

    def key(self, name):
        """The key of a part kept on its own (one the view does not name)."""
        return fragment_key(name, self.version, self.vary)

    def all_found(self):
        """Whether every part read with the page came from the cache."""
        return bool(self.names) and all(
            self.found.get(name) is not None for name in self.names
        )

    def get(self, name):
        """The kept part `name`, or None."""
        if not self.seconds:
            return None
        if name in self.names:
            return self.found.get(name)
        return cache.get(self.key(name))

    def keep(self, name, value):
        """
        Keep `value` as the part `name`, if parts are kept at all: a part of
        `names` with the others, written once the last of them is (write()).
        """
        if not self.seconds:
            return
        if name not in self.names:
            cache.set(self.key(name), value, timeout=self.seconds)
            return
        self.rendered[name] = value
        if all(part in self.rendered or part in self.found for part in self.names):
            self.write()

    def write(self):
        """
        Write the parts rendered since they were read, with those found, as
        the page's one entry. The view calls it once the page is rendered,
        for a page that rendered only some of its parts.
        """
        if self.rendered:
            self.found = {**self.found, **self.rendered}
            self.rendered = {}
            cache.set(self.page_key, self.found, timeout=self.seconds)


_logged = set()


def cannot_keep(name, problem):
    """A {% fragment %} that cannot be kept: raise in development, else log once."""
    message = f"{{% fragment {name!r} %}} cannot be kept: {problem}"
    if getattr(settings, "FRAGMENTS_STRICT", settings.DEBUG):
        raise ImproperlyConfigured(message)
    if name not in _logged:
        _logged.add(name)
        logger.error("%s; rendered uncached.", message)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, fragments):
        self.nodelist = nodelist
        self.name = name
        self.fragments = fragments

    def render(self, context):
        fragments = self.fragments.resolve(context, ignore_failures=True)
        if not isinstance(fragments, Fragments):
            cannot_keep(
                self.name,
                f"{self.fragments.token!r} is {fragments!r}, not the view's "
                "Fragments (PublicPageMixin.fragments())",
            )
            return self.nodelist.render(context)
        if not fragments.seconds:  # not kept: never read either (previews)
            return self.nodelist.render(context)
        html = fragments.get(self.name)
        metrics.looked_up("fragment", hits=html is not None, misses=html is None)
        if html is None:
            html = self.nodelist.render(context)
            # Kept as plain text (plain()); what a node renders is written
            # as it is, safe or not.
            fragments.keep(self.name, plain(html))
        return html


def do_fragment(parser, token):
    """
    {% fragment "name" fragments %}…{% endfragment %}: the enclosed part of
    a reading page, kept under `fragments` (a Fragments the view provides:
    content version, what the page varies on, lifetime). A part the view has
    already read with the page's others is not read again. Rendered lazily,
    a context whose values are computed on first use runs no query on a hit.
    Nothing that differs between requests (a CSP nonce, a CSRF token) may be
    inside.
    """
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            "'fragment' takes a name and the page's Fragments: "
            '{% fragment "name" fragments %}'
        )
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, parser.compile_filter(bits[2]))
