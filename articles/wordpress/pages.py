"""
The pages of a WordPress import: each becomes a static page at the address
it had (its permalink's path, or its parents' slugs and its own), with its
body converted as a post's is; `/?page_id=ID` answers 301 to it. A page
whose address the paper already uses (a section's, another page's) is
reported and left out.
"""

from django.db import transaction

from ..models import ImportRecord, Page, normalise_path, page_path_problem
from .addresses import path_of
from .content import plain


class Pages:
    """WordPressImport's pages (a mixin)."""

    def page_path(self, item):
        """The page's address: its permalink's path, else made of slugs."""
        path = path_of(item.link)
        if path and "?" not in path and path != "/":
            return path
        slugs, seen, current = [], set(), (item.slug, item.parent)
        while current and current[0] not in seen:
            slugs.insert(0, current[0])
            seen.add(current[0])
            current = self.page_slugs.get(current[1])
        return normalise_path("/".join(filter(None, slugs)) or f"page-{item.post_id}")

    def import_page(self, item, statuses):
        if item.status not in statuses:
            self.report.count("skipped")
            self.report.note(
                "skipped", id=item.post_id, title=plain(item.title), status=item.status
            )
            return
        stamp = self.fingerprint(item)
        record = (
            ImportRecord.objects.of(self.source, "page")
            .filter(external_id=str(item.post_id))
            .first()
        )
        page = record and Page.objects.filter(pk=record.object_id).first()
        if record is not None:
            decision = record.decide(stamp, page)
            if decision == ImportRecord.Decision.UNCHANGED:
                self.report.count("unchanged")
                return
            if decision != ImportRecord.Decision.UPDATE:
                kind = "edited_here" if page else "deleted_here"
                self.report.count(kind)
                self.report.note(kind, id=item.post_id, page=page and page.pk)
                return
        path = self.page_path(item)
        taken = Page.objects.filter(path=path).exclude(pk=page and page.pk).exists()
        problem = "Another page has this address." if taken else None
        if page is None or page.path != path:
            problem = problem or page_path_problem(path)
        if problem:
            self.report.count("skipped")
            self.report.note("page_path", id=item.post_id, path=path, why=problem)
            return
        self.store_pictures_of([item])
        fresh = page is None
        page = page or Page()
        page.title = (plain(item.title) or f"Untitled ({item.post_id})")[:255]
        page.path = path
        page.body = self.convert(item)
        self.status_for(item, page)
        self.seo_for(item, page, standfirst=plain(item.excerpt))
        with transaction.atomic():
            page.save()
            ImportRecord.record(self.source, "page", item.post_id, page, stamp)
            olds = {path_of(item.link), normalise_path(f"/?page_id={item.post_id}")}
            olds.discard(None)
            olds.discard(page.path)
            self.write_redirects([(old, None, page.path) for old in sorted(olds)])
        self.report.count("created" if fresh else "updated")
