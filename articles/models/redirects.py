"""
Redirects: old addresses answered with 301, 302 or 410 Gone, in one table.

An automatic redirect points at its article (made when the article's slug
or section changes), so it follows the article wherever it moves next and
stops answering (404) while the article is not live. A hand-made one points
at a path of this site, or, for editors, at an address on another site.

Addresses are kept normalised (normalise_path): a leading slash, and a
trailing slash as the site's own addresses have, unless the last segment
names a file ("/feed.xml", "/index.php"), percent-escapes decoded as
Django decodes a request's path; a query string is kept and
matched exactly, so "/?p=12" and "/?p=13" are two redirects, and a request
whose query matches none falls back to a redirect of its bare path.
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from newsroom.cache import ReaderVisible, ReaderVisibleQuerySet


def normalise_path(value, decode=True):
    """
    `value` (a path, with or without its leading slash, or an address on
    this site) as redirects keep it: "/old/page/?p=1". A request's path,
    which Django has already decoded, is not decoded again (`decode`).
    """
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and is_own_host(parts.netloc):
        value = parts.path or "/"
        if parts.query:
            value = f"{value}?{parts.query}"
        parts = urlsplit(value)
    # Requests are matched by their decoded path: "/caf%C3%A9/" is "/café/".
    path, query = (unquote(parts.path) if decode else parts.path), parts.query
    if not path.startswith("/"):
        path = f"/{path}"
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path = f"{path}/"
    return f"{path}?{query}" if query else path


def own_hosts():
    return {urlsplit(settings.SITE_URL).netloc.lower()} | {
        host.lower() for host in settings.ALLOWED_HOSTS if host and "*" not in host
    }


def is_own_host(netloc):
    return netloc.lower() in own_hosts()


def is_offsite(target):
    """Whether `target` is an address on another site."""
    parts = urlsplit(target or "")
    return bool(parts.scheme) and not is_own_host(parts.netloc)


class RedirectQuerySet(ReaderVisibleQuerySet):
    def for_request(self, path, query="", exact=False):
        """
        The redirect answering a request for `path` with `query` (one
        query): the one for the path and query, else (unless `exact`) the
        one for the path.
        """
        bare = normalise_path(path, decode=False)
        if "\x00" in bare or "\x00" in query:
            return None  # no address holds one (PostgreSQL text cannot)
        candidates = [f"{bare}?{query}", bare] if query else [bare]
        if exact:
            candidates = candidates[:1]
        found = {
            redirect.old_path: redirect
            for redirect in self.filter(old_path__in=candidates).select_related(
                "article__section"
            )
        }
        return next((found[c] for c in candidates if c in found), None)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(old_path__icontains=text)
            | models.Q(target__icontains=text)
            | models.Q(article__title__icontains=text)
        )


class Redirect(ReaderVisible, models.Model):
    """An old address and what it answers (see the module's docstring)."""

    class Status(models.IntegerChoices):
        MOVED_PERMANENTLY = 301, "301 Moved permanently"
        FOUND = 302, "302 Found (temporary)"
        GONE = 410, "410 Gone"

    old_path = models.CharField(
        "old address",
        max_length=600,
        unique=True,
        help_text="A path on this site, such as /2019/05/old-story/ or /?p=123.",
    )
    status = models.PositiveSmallIntegerField(
        choices=Status.choices, default=Status.MOVED_PERMANENTLY
    )
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text="Made when the article moved: answers with its current address.",
    )
    target = models.CharField(
        "new address",
        max_length=2000,
        blank=True,
        help_text="A path on this site (/news/new-story/) or, for editors, "
        "an address on another site (https://…). Empty for 410 Gone.",
    )
    hits = models.PositiveIntegerField(default=0, editable=False)
    last_hit_at = models.DateTimeField("last hit", null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]
        permissions = [("offsite_redirect", "Can redirect to other sites")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=410)
                | models.Q(article__isnull=False)
                | ~models.Q(target=""),
                name="redirect_has_somewhere_to_go",
                violation_error_message="A redirect needs a new address.",
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.destination() or self.get_status_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.collapse_chains_into_this()

    def clean(self):
        self.old_path = normalise_path(self.old_path)
        if "\x00" in self.old_path:
            raise ValidationError({"old_path": "An address cannot hold %00."})
        if self.status == self.Status.GONE:
            self.target = ""
            return
        if self.article_id is not None:
            return
        if not self.target.strip():
            raise ValidationError({"target": "Give the new address."})
        self.target = clean_target(self.target)
        collapsed = Redirect.objects.exclude(pk=self.pk).filter(
            old_path=self.target, status__in=[301, 302]
        )
        onward = collapsed.select_related("article__section").first()
        if onward is not None:
            # A chain is collapsed: A → B where B → C becomes A → C.
            if onward.article_id is not None:
                self.article = onward.article
                self.target = ""
            else:
                self.target = onward.target
        if self.target == self.old_path:
            message = (
                "This address redirects to itself."
                if onward is None
                else f"This would make a loop: {self.target} already "
                f"redirects back to {self.old_path}."
            )
            raise ValidationError({"target": message})

    @property
    def automatic(self):
        return self.article_id is not None

    def destination(self):
        """Where the redirect sends readers now (None for 410 Gone)."""
        if self.status == self.Status.GONE:
            return None
        if self.article_id is not None:
            return self.article.get_absolute_url()
        return self.target

    def collapse_chains_into_this(self):
        """Redirects to this one's old address go straight to its destination."""
        if self.status == self.Status.GONE:
            return
        earlier = Redirect.objects.filter(
            target=self.old_path, article__isnull=True
        ).exclude(pk=self.pk)
        if self.article_id is not None:
            earlier.update(article=self.article_id, target="")
        else:
            earlier.update(target=self.target)


def clean_target(target):
    """A redirect's new address as kept: a normalised path, or an http(s) URL."""
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                {"target": "Give a path on this site or an http(s) address."}
            )
        if is_own_host(parts.netloc):
            return normalise_path(target)
        return target
    if any(ch.isspace() for ch in target):
        raise ValidationError({"target": "An address cannot contain spaces."})
    target = normalise_path(target)
    if "\x00" in target:
        raise ValidationError({"target": "An address cannot hold %00."})
    return target
