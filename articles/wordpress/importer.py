"""
Importing a WordPress export: two passes over the file.

The first pass keeps only what the posts need to find (authors, categories,
tags, Co-Authors Plus terms and guest authors, and each attachment's address,
alt text, caption and credit), so attachments may come anywhere in the file.
The second pass reads the posts in batches: each batch's pictures are
fetched (a few at a time when over HTTP) and stored through the Image model,
then its articles, bylines, tags, body references, old addresses and import
records are written in one transaction. An interrupted run therefore
resumes where it stopped: what was written has its import record, and a
second run finds it unchanged.

Every item is remembered by its WordPress ID (ImportRecord), so a run
changes only what changed in WordPress since the last one, and leaves alone
what an editor has changed here since.
"""

import email.utils
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.models import Tag

from ..body import referenced_ids
from ..embeds import queue_resolution
from ..models import (
    Article,
    ArticleAuthor,
    ArticleBodyReference,
    Author,
    Image,
    ImportRecord,
    Redirect,
    Section,
    TaggedArticle,
    fingerprint,
    normalise_path,
    reserved_section_slugs,
)
from ..models.articles import explicit_timestamps
from . import wxr
from .content import GALLERY, GALLERY_IDS, Converter, pictures_in, unsized
from .media import Missing
from .report import Progress, Report

BATCH = 500
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
}
SKIPPED_STATUSES = {"private", "trash"}
YOAST_VARIABLE = re.compile(r"%%(\w+)%%")
CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.S)


class Stop(Exception):
    """The run was asked to stop here (--limit)."""


@dataclass(slots=True)
class Attachment:
    post_id: int
    url: str
    attached_file: str
    alt: str
    caption: str
    credit: str
    title: str
    parent: int
    menu_order: int
    link: str

    def fingerprint(self):
        return fingerprint([self.url, self.alt, self.caption, self.credit])


def plain(value):
    """HTML (or text with entities) as plain words on one line."""
    return " ".join(html.unescape(strip_tags(value or "")).split())


def parse_moment(gmt, local, pub_date):
    """A post's time, from its GMT date, else its local date, else pubDate."""
    for value, zone in ((gmt, UTC), (local, None)):
        if value and not value.startswith("0000"):
            try:
                moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            if zone is None:
                return timezone.make_aware(moment)
            return moment.replace(tzinfo=zone)
    try:
        return email.utils.parsedate_to_datetime(pub_date) if pub_date else None
    except (TypeError, ValueError):
        return None


def path_of(url):
    """An address's path and query, as redirects keep it; None if it has none."""
    parts = urlsplit(url or "")
    if not parts.path and not parts.query:
        return None
    value = normalise_path(
        f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path
    )
    return value if len(value) <= 600 and "\x00" not in value else None


class WordPressImport:
    """
    One run of the importer over the export at `path`. `media`: a
    LocalMedia or RemoteMedia, or None (pictures are left out);
    `sections_map`: {"categories": {category slug: section slug},
    "default": section slug}; `limit`: stop after writing this many posts;
    `progress`: a stream to show the progress line on.
    """

    def __init__(
        self,
        path,
        media=None,
        sections_map=None,
        dry_run=False,
        limit=None,
        progress=None,
        category_base="category",
        tag_base="tag",
    ):
        self.path = path
        self.media = media
        self.map = sections_map or {}
        self.dry_run = dry_run
        self.limit = limit
        # Where the progress line goes (a stream), or None.
        self.show_progress = progress
        self.category_base = category_base.strip("/")
        self.tag_base = tag_base.strip("/")
        self.report = Report()
        self.channel = wxr.Channel()
        self.authors = {}
        self.categories = {}
        self.category_ids = {}
        self.tags = {}
        self.coauthor_terms = {}
        self.guest_authors = {}
        self.attachments = {}
        self.by_url = {}
        self.attached = {}
        self.total = 0
        # What this run has made or found, by WordPress key.
        self.sections = {}
        self.made_authors = {}
        self.made_tags = {}
        self.pictures = {}
        self.written = 0

    # Pass 1

    def scan(self):
        for thing in wxr.read(self.path, self.channel):
            if isinstance(thing, wxr.Author):
                if thing.login:
                    self.authors[thing.login] = thing
            elif isinstance(thing, wxr.Term):
                self.scan_term(thing)
            elif thing.post_type == "attachment":
                self.scan_attachment(thing)
            elif thing.post_type == "guest-author":
                login = thing.meta.get("cap-user_login") or thing.slug.removeprefix(
                    "cap-"
                )
                self.guest_authors[login] = {
                    "name": thing.meta.get("cap-display_name") or thing.title,
                    "bio": thing.meta.get("cap-description", ""),
                    "link": thing.link,
                }
            elif thing.post_type in ("post", "page"):
                self.total += 1
        site = self.channel.base_site_url or self.channel.link
        self.source = f"wordpress:{urlsplit(site).hostname or site or 'unknown'}"

    def scan_term(self, term):
        if term.taxonomy == "category":
            self.categories[term.slug] = term
            self.category_ids[term.term_id] = term
        elif term.taxonomy == "post_tag":
            self.tags[term.slug] = term
        elif term.taxonomy == "author":
            self.coauthor_terms[term.slug] = term

    def scan_attachment(self, item):
        credit = item.meta.get("_media_credit", "")
        if not credit:
            found = CREDIT.search(item.meta.get("_wp_attachment_metadata", ""))
            credit = found.group(1) if found else ""
        attachment = Attachment(
            post_id=item.post_id,
            url=item.attachment_url or item.meta.get("_wp_attached_file", ""),
            attached_file=item.meta.get("_wp_attached_file", ""),
            alt=plain(item.meta.get("_wp_attachment_image_alt", "")),
            caption=plain(item.excerpt),
            credit=plain(credit),
            title=plain(item.title),
            parent=item.parent,
            menu_order=item.menu_order,
            link=item.link,
        )
        self.attachments[item.post_id] = attachment
        self.by_url[urlsplit(unsized(attachment.url)).path] = item.post_id
        if item.parent:
            self.attached.setdefault(item.parent, []).append(item.post_id)

    # The run

    def run(self):
        self.scan()
        self.progress = (
            Progress(self.total, self.show_progress) if self.show_progress else None
        )
        self.slugs = set(Article.objects.values_list("slug", flat=True))
        self.done = 0
        if self.dry_run:
            with transaction.atomic():
                self.import_all()
                transaction.set_rollback(True)
        else:
            self.import_all()
        if self.progress:
            self.progress.show(self.done, self.report.counts, final=True)
        return self.report

    def import_all(self):
        batch = []
        try:
            for thing in wxr.read(self.path):
                if not isinstance(thing, wxr.Item):
                    continue
                if thing.post_type == "page":
                    self.report.count("skipped")
                    self.report.note(
                        "pages",
                        id=thing.post_id,
                        title=plain(thing.title),
                        why="static pages not available",
                    )
                    self.step()
                elif thing.post_type == "post":
                    batch.append(thing)
                    if len(batch) >= BATCH:
                        self.import_posts(batch)
                        batch = []
            self.import_posts(batch)
        except Stop:
            self.report.count("stopped_at_limit")
        self.old_taxonomy_addresses()

    def step(self, n=1):
        self.done += n
        if self.progress:
            self.progress.show(self.done, self.report.counts)

    # Posts

    def import_posts(self, items):
        wanted = []
        for item in items:
            if item.status in STATUSES:
                wanted.append(item)
                continue
            self.report.count("skipped")
            self.report.note(
                "skipped", id=item.post_id, title=plain(item.title), status=item.status
            )
        self.step(len(items) - len(wanted))
        if not wanted:
            return
        records = {
            r.external_id: r
            for r in ImportRecord.objects.of(self.source, "post").filter(
                external_id__in=[str(i.post_id) for i in wanted]
            )
        }
        # Only what deciding needs: most articles will be left alone.
        current = Article.objects.only("pk", "updated_at").in_bulk(
            [r.object_id for r in records.values()]
        )
        new, updates = [], []
        for item in wanted:
            stamp = self.fingerprint(item)
            record = records.get(str(item.post_id))
            if record is None:
                new.append((item, stamp, None))
                continue
            article = current.get(record.object_id)
            decision = record.decide(stamp, article)
            if decision == ImportRecord.Decision.UNCHANGED:
                self.report.count("unchanged")
            elif decision == ImportRecord.Decision.UPDATE:
                updates.append((item, stamp, article))
            elif decision == ImportRecord.Decision.EDITED_HERE:
                self.report.count("edited_here")
                self.report.note("edited_here", id=item.post_id, article=article.pk)
            else:
                self.report.count("deleted_here")
                self.report.note("deleted_here", id=item.post_id)
        if updates:
            full = Article.objects.select_related("section").in_bulk(
                [article.pk for _, _, article in updates]
            )
            updates = [(item, stamp, full[a.pk]) for item, stamp, a in updates]
        to_write = new + updates
        stop = False
        if self.limit is not None and self.written + len(to_write) > self.limit:
            to_write = to_write[: self.limit - self.written]
            stop = True
        self.write_posts(to_write)
        self.written += len(to_write)
        self.step(len(wanted))
        if stop:
            raise Stop

    def fingerprint(self, item):
        return fingerprint(
            [
                item.title,
                item.content,
                item.excerpt,
                item.status,
                item.post_name,
                item.post_date_gmt,
                item.post_date,
                item.password != "",
                item.creator,
                item.terms,
                item.link,
                {k: v for k, v in item.meta.items() if not k.startswith("_edit")},
                [self.attachments[i].fingerprint() for i in self.images_of(item)],
            ]
        )

    def images_of(self, item):
        """The attachments a post's fingerprint depends on (its lead picture)."""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail.isdigit() and int(thumbnail) in self.attachments:
            return [int(thumbnail)]
        return []

    def write_posts(self, entries):
        if not entries:
            return
        # The pictures the batch needs, fetched and stored all together.
        needed = {}
        for item, _, _ in entries:
            for attachment_id, url in pictures_in(item.content):
                key = self.attachment_key(attachment_id, url)
                if key is not None:
                    needed.setdefault(key, None)
            if GALLERY.search(item.content) and not GALLERY_IDS.search(item.content):
                needed.update(dict.fromkeys(self.attached_to(item.post_id)))
            for key in self.images_of(item):
                needed.setdefault(key, None)
        self.store_pictures(list(needed))
        rows = [self.row(item, stamp, article) for item, stamp, article in entries]
        fresh = [row for row in rows if row.article.pk is None]
        updated = [row for row in rows if row.article.pk is not None]
        with transaction.atomic():
            with explicit_timestamps(Article, "created_at", "updated_at"):
                Article.objects.bulk_create([row.article for row in fresh])
            for row in updated:
                row.article.save()
            self.write_links(rows, fresh, updated)
        self.report.count("created", len(fresh))
        self.report.count("updated", len(updated))

    def write_links(self, rows, fresh, updated):
        """Bylines, tags, body references, old addresses and records of `rows`."""
        changed = [row.article.pk for row in updated]
        if changed:
            ArticleAuthor.objects.filter(article__in=changed).delete()
            TaggedArticle.objects.filter(content_object__in=changed).delete()
        bylines, tagged, references, embeds = [], [], [], []
        for row in rows:
            bylines += [
                ArticleAuthor(article=row.article, author=author, position=position)
                for position, author in enumerate(row.authors)
            ]
            tagged += [
                TaggedArticle(content_object=row.article, tag=tag) for tag in row.tags
            ]
        # Saved articles made their own references (Article.save()).
        for row in fresh:
            ids = referenced_ids(row.article.body)
            references += [
                ArticleBodyReference(article=row.article, image_id=pk)
                for pk in ids["image"]
            ]
            references += [
                ArticleBodyReference(article=row.article, embed_id=url)
                for url in ids["embed"]
            ]
            embeds += ids["embed"]
        ArticleAuthor.objects.bulk_create(bylines)
        TaggedArticle.objects.bulk_create(tagged)
        ArticleBodyReference.objects.bulk_create(references)
        queue_resolution(embeds)
        self.write_redirects(
            [
                (path, row.article, "")
                for row in rows
                for path in self.old_paths(row.item, row.article)
            ]
        )
        ImportRecord.record_many(
            self.source,
            [("post", row.item.post_id, row.article, row.stamp) for row in rows],
        )

    # Pictures

    def attachment_key(self, attachment_id, url):
        """The attachment an <img> shows: by its ID, else by its address."""
        if attachment_id in self.attachments:
            return attachment_id
        if url:
            return self.by_url.get(urlsplit(unsized(url)).path)
        return None

    def attached_to(self, post_id):
        """The pictures attached to a post, in their order (a bare [gallery])."""
        ids = self.attached.get(post_id) or []
        return sorted(ids, key=lambda pk: (self.attachments[pk].menu_order, pk))

    def picture_for(self, attachment_id, url):
        key = self.attachment_key(attachment_id, url)
        return self.pictures.get(key) if key is not None else None

    def store_pictures(self, keys):
        """
        Make sure each attachment in `keys` has its library picture (one
        stored by an earlier run is reused), fetching the files not yet
        stored all together. A file that cannot be had is reported.
        """
        keys = [key for key in keys if key not in self.pictures]
        if not keys:
            return
        records = ImportRecord.objects.of(self.source, "attachment").filter(
            external_id__in=[str(key) for key in keys]
        )
        stored = {int(r.external_id): r for r in records}
        existing = Image.objects.in_bulk([r.object_id for r in stored.values()])
        fetch = {}
        for key in keys:
            attachment = self.attachments[key]
            record = stored.get(key)
            image = existing.get(record.object_id) if record else None
            if image is not None:
                self.pictures[key] = image.pk
                if record.fingerprint != attachment.fingerprint():
                    self.update_picture(image, attachment)
            elif record is not None:
                self.pictures[key] = None  # deleted here: not brought back
            else:
                fetch[key] = (attachment.url, attachment.attached_file)
        if not fetch:
            return
        if self.media is None:
            for key in fetch:
                self.pictures[key] = None
                self.report.note(
                    "missing_picture", id=key, why="no --media or --media-url-base"
                )
            return
        if self.dry_run:
            for key in fetch:
                self.pictures[key] = None
            self.report.count("pictures_not_fetched_in_dry_run", len(fetch))
            return
        for key, data in self.media.fetch_all(fetch).items():
            self.pictures[key] = self.store_picture(self.attachments[key], data)

    def picture_fields(self, attachment):
        alt = attachment.alt
        if not alt:
            alt = attachment.title or attachment.caption or "Picture"
            self.report.note("no_alt_text", id=attachment.post_id, used=alt)
        return {
            "alt_text": alt[:300],
            "caption": attachment.caption[:500],
            "credit": attachment.credit[:200],
            "source": attachment.url[:300],
        }

    def store_picture(self, attachment, data):
        if isinstance(data, Missing):
            self.report.note("missing_picture", id=attachment.post_id, why=str(data))
            return None
        name = urlsplit(attachment.url).path.rsplit("/", 1)[-1] or "picture.jpg"
        try:
            with transaction.atomic():
                image = Image.objects.create(
                    file=ContentFile(data, name=name), **self.picture_fields(attachment)
                )
                self.record_picture(image, attachment)
        except (ValidationError, OSError, ValueError) as error:
            why = "; ".join(getattr(error, "messages", [str(error)]))
            self.report.note("missing_picture", id=attachment.post_id, why=why)
            return None
        self.report.count("pictures")
        return image.pk

    def update_picture(self, image, attachment):
        Image.objects.filter(pk=image.pk).update(**self.picture_fields(attachment))
        self.record_picture(image, attachment)

    def record_picture(self, image, attachment):
        ImportRecord.record(
            self.source,
            "attachment",
            attachment.post_id,
            image,
            attachment.fingerprint(),
        )

    # One article

    def row(self, item, stamp, article):
        converted = Converter(self.picture_for, self.attached_to).convert(
            item.content, item.post_id
        )
        for name, count in converted.shortcodes.items():
            self.report.note("shortcode", id=item.post_id, shortcode=name, times=count)
        for missing in converted.missing:
            if isinstance(missing, str):
                self.report.note("not_in_export", id=item.post_id, src=missing[:300])
        article = article or Article()
        title = plain(item.title) or f"Untitled ({item.post_id})"
        if len(title) > 255:
            self.report.note("truncated", id=item.post_id, field="title")
        article.title = title[:255]
        if article.pk is None:
            article.slug = self.slug_for(item, title)
        article.standfirst = plain(item.excerpt)
        article.body = converted.html
        article.section = self.section_for(item)
        self.status_for(item, article)
        lead = self.images_of(item)
        article.lead_image_id = self.pictures.get(lead[0]) if lead else None
        authors = self.authors_for(item)
        article.byline_names = " ".join(author.name for author in authors)
        self.seo_for(item, article)
        return Row(item, stamp, article, authors, self.tags_for(item))

    def status_for(self, item, article):
        published = parse_moment(item.post_date_gmt, item.post_date, item.pub_date)
        article.status = STATUSES[item.status]
        article.published_at = (
            published if article.status == Article.Status.PUBLISHED else None
        )
        if item.password:
            # Never live: an editor decides what becomes of it.
            article.status = Article.Status.DRAFT
            self.report.note("password", id=item.post_id, title=article.title)
        if article.pk is None:
            created = published or timezone.now()
            modified = parse_moment(item.modified_gmt, "", "") or created
            article.created_at = created
            article.updated_at = max(created, modified)

    def slug_for(self, item, title):
        wanted = slugify(item.slug)[:240] or slugify(title)[:240]
        slug = wanted or f"post-{item.post_id}"
        n = 1
        while slug in self.slugs:
            n += 1
            slug = f"{wanted or 'post'}-{n}" if wanted else f"post-{item.post_id}-{n}"
        if slug != item.slug:
            self.report.note("slug", id=item.post_id, was=item.slug, now=slug)
        self.slugs.add(slug)
        return slug

    def seo_for(self, item, article):
        values = {
            "title": article.title,
            "sitename": plain(self.channel.title),
            "sep": "-",
            "page": "",
            "primary_category": article.section.name,
            "category": article.section.name,
            "excerpt": article.standfirst,
            "excerpt_only": article.standfirst,
            "name": article.byline_names,
            "date": article.published_at.date().isoformat()
            if article.published_at
            else "",
        }
        for field, key, most in (
            ("seo_title", "_yoast_wpseo_title", 70),
            ("seo_description", "_yoast_wpseo_metadesc", 160),
        ):
            text = item.meta.get(key, "")
            unknown = set(YOAST_VARIABLE.findall(text)) - set(values)
            if unknown:
                self.report.note(
                    "yoast", id=item.post_id, field=field, dropped=sorted(unknown)
                )
            text = YOAST_VARIABLE.sub(lambda m: values.get(m.group(1), ""), text)
            text = " ".join(plain(text).split()).strip(" -|–")
            if len(text) > most:
                self.report.note("yoast", id=item.post_id, field=field, cut_to=most)
                text = text[: most - 1].rsplit(" ", 1)[0] + "…"
            setattr(article, field, text)

    # Sections, authors and tags, made once each and remembered

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

    # Old addresses

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
            by_pk = Article.objects.select_related("section").in_bulk(
                [r.object_id for r in records]
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


@dataclass(slots=True)
class Row:
    """One post as it is being written: its article, bylines and tags."""

    item: wxr.Item
    stamp: str
    article: Article
    authors: list
    tags: list
