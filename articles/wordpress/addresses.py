"""
The old addresses of a WordPress import: each post's permalink and
`/?p=ID`, and the old category, tag, author and attachment pages, answered
with 301 through the redirects table.
"""

from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.text import slugify

from ..models import Article, ImportRecord, Redirect, normalise_path


def path_of(url):
    """An address's path and query, as redirects keep it; None if it has none."""
    parts = urlsplit(url or "")
    if not parts.path and not parts.query:
        return None
    value = normalise_path(
        f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path
    )
    return value if len(value) <= 600 and "\x00" not in value else None


class OldAddresses:
    """WordPressImport's old addresses (a mixin)."""

    def old_paths(self, item, article):
        paths = {path_of(item.link), normalise_path(f"/?p={item.post_id}")}
        paths.discard(None)
        paths.discard(article.get_absolute_url())
        return sorted(paths)

    def write_redirects(self, wanted):
        """
        301s from old paths, each to an article or an address (`wanted`:
        (path, article or None, target)); a path that already redirects
        somewhere else is left as it is and reported.
        """
        wanted = {path: (article, target) for path, article, target in wanted}
        for start in range(0, len(wanted), 1000):
            chunk = dict(list(wanted.items())[start : start + 1000])
            existing = {
                r.old_path: r for r in Redirect.objects.filter(old_path__in=chunk)
            }
            new = []
            for path, (article, target) in chunk.items():
                there = existing.get(path)
                if there is None:
                    new.append(Redirect(old_path=path, article=article, target=target))
                elif (there.article_id, there.target) != (
                    article and article.pk,
                    target,
                ):
                    self.report.note(
                        "redirect_conflict", path=path, now=there.destination()
                    )
            Redirect.objects.bulk_create(new)
            self.report.count("redirects", len(new))

    def old_taxonomy_addresses(self):
        """Old category, tag, author and attachment pages → ours."""
        wanted = []
        for key, section in self.sections.items():
            if not key.startswith("category:"):
                continue
            term = self.categories.get(key.removeprefix("category:"))
            if term is None:
                continue
            target = section.get_absolute_url()
            wanted.append((self.category_path(term), None, target))
            wanted.append((normalise_path(f"/?cat={term.term_id}"), None, target))
        for key, tag in self.made_tags.items():
            if key.startswith("slug:"):
                slug = key.removeprefix("slug:")
                target = reverse("articles:tag", args=[tag.slug])
                wanted.append(
                    (normalise_path(f"/{self.tag_base}/{slug}/"), None, target)
                )
                wanted.append((normalise_path(f"/?tag={slug}"), None, target))
        for login, author in self.made_authors.items():
            target = author.get_absolute_url()
            wanted.append((normalise_path(f"/author/{slugify(login)}/"), None, target))
            user = self.authors.get(login)
            if user is not None and user.author_id:
                wanted.append(
                    (normalise_path(f"/?author={user.author_id}"), None, target)
                )
        wanted += self.attachment_addresses()
        wanted = [(path, article, target) for path, article, target in wanted if path]
        self.write_redirects(wanted)

    def category_path(self, term):
        slugs, seen = [term.slug], {term.slug}
        parent = self.categories.get(term.parent)
        while parent is not None and parent.slug not in seen:
            slugs.insert(0, parent.slug)
            seen.add(parent.slug)
            parent = self.categories.get(parent.parent)
        return normalise_path(f"/{self.category_base}/{'/'.join(slugs)}/")

    def attachment_addresses(self):
        """Attachment pages → the article of the post they belong to."""
        parents = sorted({str(a.parent) for a in self.attachments.values() if a.parent})
        articles = {}
        for start in range(0, len(parents), 1000):
            records = ImportRecord.objects.of(self.source, "post").filter(
                external_id__in=parents[start : start + 1000]
            )
            # Only what their addresses need: a body each, for every post
            # with a picture, would hold hundreds of megabytes.
            by_pk = (
                Article.objects.select_related("section")
                .only("slug", "section__slug")
                .in_bulk([r.object_id for r in records])
            )
            for record in records:
                if record.object_id in by_pk:
                    articles[int(record.external_id)] = by_pk[record.object_id]
        wanted = []
        for attachment in self.attachments.values():
            article = articles.get(attachment.parent)
            if article is None:
                continue
            for path in (
                path_of(attachment.link),
                normalise_path(f"/?attachment_id={attachment.post_id}"),
            ):
                if path and path != article.get_absolute_url():
                    wanted.append((path, article, ""))
        return wanted
