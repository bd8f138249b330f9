"""
Importing a WordPress export: passes over the file, each a stream.

The first pass keeps only what the posts need to find (authors, categories,
tags, Co-Authors Plus terms and guest authors, and each attachment's address,
alt text, caption and credit), so attachments may come anywhere in the file.
The second pass reads the posts in batches: each batch's pictures are
fetched (a few at a time when over HTTP) and stored through the Image model,
then its articles, bylines, tags, body references, old addresses and import
records are written in one transaction. Pages come last, in a third pass
over the file (when it has any). An interrupted run therefore
resumes where it stopped: what was written has its import record, and a
second run finds it unchanged.

Every item is remembered by its WordPress ID (ImportRecord), so a run
changes only what changed in WordPress since the last one, and leaves alone
what an editor has changed here since.

The run's parts: reading the file (wxr.py), turning content into bodies
(content.py), pictures (pictures.py, files from media.py), sections,
authors and tags (taxonomy.py), old addresses (addresses.py), pages
(pages.py), and the report and progress line (report.py).
"""

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..body import referenced_ids
from ..embeds import queue_resolution
from ..models import (
    Article,
    ArticleAuthor,
    ArticleBodyReference,
    ImportRecord,
    TaggedArticle,
    fingerprint,
)
from ..models.imports import explicit_timestamps
from . import wxr
from .addresses import OldAddresses
from .content import GALLERY, GALLERY_IDS, Converter, pictures_in, plain, unsized
from .media import upload_path
from .pages import Pages
from .pictures import Attachment, Pictures
from .report import Progress, Report
from .taxonomy import Taxonomy

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


class WordPressImport(Pictures, Taxonomy, OldAddresses, Pages):
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
        self.coauthor_terms = {}
        self.guest_authors = {}
        self.attachments = {}
        self.by_url = {}
        self.attached = {}
        self.page_slugs = {}
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
                if thing.post_type == "page":
                    self.page_slugs[thing.post_id] = (thing.slug, thing.parent)
        site = self.channel.base_site_url or self.channel.link
        self.source = f"wordpress:{urlsplit(site).hostname or site or 'unknown'}"

    def scan_term(self, term):
        if term.taxonomy == "category":
            self.categories[term.slug] = term
            self.category_ids[term.term_id] = term
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
        self.by_url[upload_path(unsized(attachment.url))] = item.post_id
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
                if thing.post_type == "post":
                    batch.append(thing)
                    if len(batch) >= BATCH:
                        self.import_posts(batch)
                        batch = []
            self.import_posts(batch)
            if self.page_slugs:
                # Pages last, in a pass of their own: their addresses are
                # checked against every section the posts have made.
                for thing in wxr.read(self.path):
                    if isinstance(thing, wxr.Item) and thing.post_type == "page":
                        self.import_page(thing, STATUSES)
                        self.step()
        except Stop:
            self.report.count("stopped_at_limit")
        self.old_taxonomy_addresses()

    def step(self, n=1):
        if settings.DEBUG:
            # Django then keeps every query's SQL (the last 9,000): a long
            # import would hold hundreds of megabytes of bodies in it.
            reset_queries()
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
        self.store_pictures_of([item for item, _, _ in entries])
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

    # One article

    def store_pictures_of(self, items):
        """Fetch and store the pictures `items` show, all together."""
        needed = {}
        for item in items:
            for attachment_id, url, alt in pictures_in(item.content):
                key = self.attachment_key(attachment_id, url, alt)
                if key is not None:
                    needed.setdefault(key, None)
            if GALLERY.search(item.content) and not GALLERY_IDS.search(item.content):
                needed.update(dict.fromkeys(self.attached_to(item.post_id)))
            for key in self.images_of(item):
                needed.setdefault(key, None)
        self.store_pictures(list(needed))

    def convert(self, item):
        """The item's content as a body, what was left out reported."""
        converted = Converter(self.picture_for, self.attached_to).convert(
            item.content, item.post_id
        )
        for name, count in converted.shortcodes.items():
            self.report.note("shortcode", id=item.post_id, shortcode=name, times=count)
        for missing in converted.missing:
            if isinstance(missing, str) and self.attachment_key(None, missing) is None:
                self.report.note("not_in_export", id=item.post_id, src=missing[:300])
        return converted.html

    def row(self, item, stamp, article):
        body = self.convert(item)
        article = article or Article()
        title = plain(item.title) or f"Untitled ({item.post_id})"
        if len(title) > 255:
            self.report.note("truncated", id=item.post_id, field="title")
        article.title = title[:255]
        if article.pk is None:
            article.slug = self.slug_for(item, title)
        article.standfirst = plain(item.excerpt)
        article.body = body
        article.section = self.section_for(item)
        self.status_for(item, article)
        lead = self.images_of(item)
        article.lead_image_id = self.pictures.get(lead[0]) if lead else None
        authors = self.authors_for(item)
        article.byline_names = " ".join(author.name for author in authors)
        self.seo_for(
            item,
            article,
            article.section.name,
            article.standfirst,
            article.byline_names,
        )
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

    def seo_for(self, item, target, section_name="", standfirst="", names=""):
        """
        Yoast's title and description of `item` as `target`'s SEO fields
        (an article or a page), its variables filled in.
        """
        values = {
            "title": target.title,
            "sitename": plain(self.channel.title),
            "sep": "-",
            "page": "",
            "primary_category": section_name,
            "category": section_name,
            "excerpt": standfirst,
            "excerpt_only": standfirst,
            "name": names,
            "date": target.published_at.date().isoformat()
            if target.published_at
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
            setattr(target, field, text)


@dataclass(slots=True)
class Row:
    """One post as it is being written: its article, bylines and tags."""

    item: wxr.Item
    stamp: str
    article: Article
    authors: list
    tags: list
