"""
The sections, authors and tags of a WordPress import, each made (or found)
once and remembered for the run.
"""

from django.utils.text import slugify
from taggit.models import Tag

from ..models import Author, ImportRecord, Section, fingerprint, reserved_section_slugs
from .content import plain


class Taxonomy:
    """WordPressImport's sections, authors and tags (a mixin)."""

    def section_for(self, item):
        categories = [slug for slug, _ in item.terms_of("category")]
        primary = item.meta.get("_yoast_wpseo_primary_category", "").strip()
        if primary in self.category_ids:
            slug = self.category_ids[primary].slug
            categories = [slug] + [c for c in categories if c != slug]
        mapped = self.map.get("categories", {})
        for slug in categories:
            if slug in mapped:
                return self.section(mapped[slug], slug)
        if self.map.get("default"):
            return self.section(self.map["default"], None)
        if not categories:
            self.report.note("no_category", id=item.post_id)
            default = Section.objects.order_by("position", "pk").first()
            return default or self.section("news", None, name="News")
        return self.section(slugify(categories[0]) or "news", categories[0])

    def section(self, slug, category, name=None):
        """The section `slug` (made when new, named after `category`)."""
        if slug in self.sections:
            return self.sections[slug]
        term = self.categories.get(category) if category else None
        name = name or (plain(term.name) if term else "") or slug.replace("-", " ")
        section = (
            Section.objects.filter(slug=slug).first()
            or Section.objects.filter(name=name[:100]).first()
        )
        if section is None:
            if slug in reserved_section_slugs():
                slug = f"{slug}-section"
            section = Section.objects.filter(slug=slug).first()
        if section is None:
            section = Section.objects.create(
                slug=slug[:100],
                name=name[:100] if name != name.lower() else name[:100].capitalize(),
                description=plain(term.description) if term else "",
                position=(Section.objects.count() + 1) * 10,
            )
            self.report.count("sections_created")
        self.sections[slug] = section
        if category:
            self.sections.setdefault(f"category:{category}", section)
        return section

    def authors_for(self, item):
        coauthors = [slug for slug, _ in item.terms_of("author")]
        logins = [slug.removeprefix("cap-") for slug in coauthors] or [item.creator]
        found = []
        for login in filter(None, logins):
            author = self.author(login)
            if author not in found:
                found.append(author)
        return found

    def author(self, login):
        if login in self.made_authors:
            return self.made_authors[login]
        user = self.authors.get(login)
        guest = self.guest_authors.get(login)
        term = self.coauthor_terms.get(f"cap-{login}")
        if user is not None:
            name = user.display_name or f"{user.first_name} {user.last_name}".strip()
        elif guest is not None:
            name = plain(guest["name"])
        else:
            name = plain(term.name) if term else ""
        name = (name or login)[:150]
        record = (
            ImportRecord.objects.of(self.source, "author")
            .filter(external_id=login)
            .first()
        )
        author = record and Author.objects.filter(pk=record.object_id).first()
        if author is None:
            slug = slugify(login)[:150] or slugify(name)[:150] or "author"
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                author = Author.objects.create(
                    name=name, slug=slug, bio=plain(guest["bio"]) if guest else ""
                )
                self.report.count("authors_created")
            ImportRecord.record(self.source, "author", login, author, fingerprint(name))
        self.made_authors[login] = author
        return author

    def tags_for(self, item):
        tags = []
        for slug, name in item.terms_of("post_tag"):
            name = plain(name)[:100]
            if not name:
                continue
            key = name.lower()
            if key not in self.made_tags:
                tag = Tag.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name)
                    self.report.count("tags_created")
                self.made_tags[key] = tag
                self.made_tags.setdefault(f"slug:{slug}", tag)
            if self.made_tags[key] not in tags:
                tags.append(self.made_tags[key])
        return tags
