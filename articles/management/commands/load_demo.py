"""
Build the demo paper: sections, staff, pictures, articles, static pages and an
admin account.
"""

import itertools
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles import demo, renditions, roles
from articles.embeds import provider_for
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    LiveEntry,
    Page,
    ResolvedEmbed,
    Section,
    TaggedArticle,
)
from articles.models.imports import explicit_timestamps
from articles.signals import demo_paper_loading

DEMO_PASSWORD = "newsroom-demo"
# One account per role: (username, role or None for the superuser, the
# slug of the demo Author it writes as, or None).
DEMO_ACCOUNTS = [
    ("admin", None, None),
    ("editor", roles.EDITOR, "aoife-brennan"),
    ("writer", roles.WRITER, "ciaran-mulcahy"),
    ("contributor", roles.CONTRIBUTOR, "helen-rafferty"),
    ("circulation", "Circulation", None),
]
DEFAULT_ARTICLES = 300


def two_factor_note():
    """What the demo's staff must do to sign in besides the password."""
    policy = settings.STAFF_TWO_FACTOR
    if policy == "off":
        return (
            "Two-factor sign-in is off (STAFF_TWO_FACTOR=off): the demo accounts "
            "sign in with the password alone."
        )
    who = "every account" if policy == "all" else "admin and editor"
    return (
        f"Two-factor sign-in is on (STAFF_TWO_FACTOR={policy}): {who} must add "
        "an authenticator app or a passkey at their first sign-in."
    )


BATCH_SIZE = 2000


def parse_article_count(value):
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"--articles must be a whole number, not {value!r}."
        ) from None
    if count < 1:
        raise CommandError(f"--articles must be at least 1, not {count}.")
    return count


class Command(BaseCommand):
    help = (
        "Fill the database with a demo regional daily: sections, authors, "
        "pictures, a few months of articles (the latest of them using every "
        "body element, their embeds already resolved), live coverage of a "
        "storm and of a county final still going on, and an admin account. "
        "Running it again adds nothing that is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            default=str(DEFAULT_ARTICLES),
            metavar="N",
            help=f"How many articles to make, the showcase's included "
            f"(default {DEFAULT_ARTICLES}).",
        )

    def handle(self, *args, articles, **options):
        count = parse_article_count(articles)
        # Anchored to the hour so that runs within the same hour build the same
        # archive; later runs find every slug already there and add nothing.
        reference = timezone.now().replace(minute=0, second=0, microsecond=0)
        timed = self.timer(options["verbosity"])
        sections = timed("sections", self.load_sections)
        authors = timed("authors", self.load_authors)
        pictures = timed("pictures and renditions", self.load_images)
        tags = timed("tags", self.load_tags)
        timed("embeds", self.load_embeds)
        showcase = timed(
            "showcase articles",
            self.load_showcase,
            count,
            reference,
            sections,
            authors,
            pictures,
            tags,
        )
        live = timed(
            "live coverage",
            self.load_live,
            count - showcase["count"],
            timezone.now(),
            sections,
            authors,
            pictures,
            tags,
        )
        made = timed(
            "articles, bylines, tags and corrections",
            self.load_articles,
            count - showcase["count"] - live["count"],
            reference,
            sections,
            authors,
            pictures,
            tags,
        )
        static_pages = timed("static pages", self.load_static_pages)
        others = timed("other apps' demo content", self.load_other_apps)
        timed("planner statistics", self.analyze)
        user_note = timed("staff accounts", self.load_staff_accounts, authors)
        made_parts = [
            f"{len(sections)} sections",
            f"{len(authors)} authors",
            f"{len(pictures)} pictures",
            f"{static_pages} new static pages",
            *others,
            f"{showcase['made'] + live['made'] + made} new articles",
        ]
        self.stdout.write(
            f"{settings.SITE_NAME}: {', '.join(made_parts)} "
            f"({Article.objects.count()} in all)."
        )
        self.stdout.write(user_note)
        self.stdout.write(two_factor_note())

    def timer(self, verbosity):
        """Run a step; at -v2 and above, say how long it took."""

        def timed(label, function, *args):
            started = time.perf_counter()
            result = function(*args)
            if verbosity >= 2:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"  {label}: {elapsed:.1f} s")
            return result

        return timed

    def load_sections(self):
        sections = {}
        for position, (name, slug, description) in enumerate(demo.SECTIONS):
            sections[slug], _ = Section.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "position": (position + 1) * 10,
                },
            )
        return sections

    def load_static_pages(self):
        """The static pages whose addresses are free; how many were made."""
        made = 0
        for page in demo.STATIC_PAGES:
            _, created = Page.objects.get_or_create(
                path=page.path,
                defaults={
                    "title": page.title,
                    "body": page.html(settings.SITE_NAME),
                    "seo_description": page.seo_description,
                    "in_footer": page.footer is not None,
                    "footer_position": page.footer or 0,
                    "status": Page.Status.PUBLISHED,
                },
            )
            made += created
        return made

    def load_authors(self):
        authors = {}
        for author in demo.AUTHORS:
            authors[author.slug], _ = Author.objects.get_or_create(
                slug=author.slug,
                defaults={
                    "name": author.name,
                    "role": author.role,
                    "bio": author.bio.format(paper=settings.SITE_NAME),
                },
            )
        return authors

    def load_images(self):
        """The picture pool, keyed by picture; existing pictures are reused."""
        credit = f"Illustration: Ailbhe Joyce/{settings.SITE_NAME}"
        images = {}
        for picture in demo.image_pool():
            image = Image.objects.filter(
                credit=credit, file__contains=f"/{picture.key}"
            ).first()
            if image is None:
                image = Image.objects.create(
                    file=ContentFile(picture.draw(), name=f"{picture.key}.jpg"),
                    alt_text=picture.alt_text,
                    caption=picture.caption,
                    credit=credit,
                    licence="Staff illustration: all rights reserved",
                    source=f"{settings.SITE_NAME} picture desk",
                )
            if (
                image.renditions_status != Image.RenditionsStatus.READY
                or image.missing_renditions()
            ):
                # Made here rather than by the worker, which may not run yet;
                # pictures stored before the current sizes get them now.
                renditions.build(image, full=True, retry=False)
            images[picture.key] = image
        return images

    def load_tags(self):
        tags = {}
        for name in demo.TAGS:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
            tags[name] = tag
        return tags

    def load_embeds(self):
        """
        The showcase's embeds, written as resolved (with the thumbnail drawn
        here), so the worker never asks a provider about them; a row that is
        resolved already is left alone. Written before the articles, whose
        saves queue only the embeds that have no row.
        """
        for embed in demo.EMBEDS:
            if provider_for(embed.url) is None:
                continue  # A provider this site does not offer: a link card.
            row = ResolvedEmbed.objects.filter(url=embed.url).first()
            if row is not None and row.is_resolved:
                continue
            row = row or ResolvedEmbed(url=embed.url)
            row.provider = embed.provider
            row.title = embed.title
            row.author_name = embed.author_name
            row.iframe_src = embed.iframe_src
            row.width, row.height = embed.width, embed.height
            row.thumbnail = ContentFile(
                embed.draw(), name=f"demo-{slugify(embed.provider)}.jpg"
            )
            row.status = ResolvedEmbed.Status.RESOLVED
            row.resolved_at = timezone.now()
            row.last_error = ""
            row.save()

    def load_showcase(self, count, reference, sections, authors, pictures, tags):
        """
        The showcase articles that are not there yet, at most `count` of
        them, each saved on its own so that its body's references are made
        (Article.save()). Returns how many the paper holds and how many are new.
        """
        slugs = demo.showcase_slugs()[:count]
        ids = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        wanted = demo.showcase_articles(
            reference,
            {key: image.pk for key, image in pictures.items()},
            ids,
            skip=set(ids) | set(demo.showcase_slugs()[count:]),
        )
        made, batch = [], []
        with (
            transaction.atomic(),
            explicit_timestamps(Article, "created_at", "updated_at"),
        ):
            for article in wanted:
                row = self.article_row(
                    article, sections, authors, pictures.get(article.lead)
                )
                row.save()
                ids[article.slug] = row.pk
                made.append(row)
                batch.append(article)
            self.link_articles(made, batch, authors, tags)
        return {"count": len(slugs), "made": len(made)}

    def load_live(self, count, now, sections, authors, pictures, tags):
        """
        The live articles (live.toml) that are not there yet, at most `count`
        of them, each with its entries, posted in the hours before `now`: the
        coverage still going on looks live the moment the demo is loaded.
        One already there keeps its entries, and gets none added.
        """
        slugs = demo.live_slugs()[:count]
        there = set(
            Article.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        )
        wanted = demo.live_coverage(
            now,
            {key: image.pk for key, image in pictures.items()},
            skip=there | set(demo.live_slugs()[count:]),
        )
        made = 0
        with (
            transaction.atomic(),
            explicit_timestamps(Article, "created_at", "updated_at"),
            explicit_timestamps(LiveEntry, "created_at", "updated_at"),
        ):
            for article in wanted:
                row = self.article_row(
                    article, sections, authors, pictures.get(article.lead)
                )
                row.live_state = article.live_state
                row.save()
                self.link_articles([row], [article], authors, tags)
                for entry in article.entries:
                    # Saved one by one, as the posting page does: the body is
                    # cleaned as a posted one is.
                    saved = LiveEntry.objects.create(
                        article=row,
                        headline=entry.headline,
                        body=entry.body,
                        pinned=entry.pinned,
                        key_event=entry.key_event,
                        created_at=entry.posted_at,
                        updated_at=entry.posted_at,
                    )
                    saved.authors.add(authors[entry.author])
                made += 1
        return {"count": len(slugs), "made": made}

    def load_articles(self, count, reference, sections, authors, pictures, tags):
        """Insert the articles that are not there yet, in batches."""
        existing = set(Article.objects.values_list("slug", flat=True))
        generated = demo.generate_articles(count, reference, skip=existing)
        pool = {}
        for picture in demo.image_pool():
            pool.setdefault(picture.scene, []).append(pictures[picture.key])
        made = 0
        while batch := list(itertools.islice(generated, BATCH_SIZE)):
            # ArticleQuerySet.bulk_create sanitizes the bodies as save() would.
            rows = [
                self.article_row(a, sections, authors, self.pick_image(pool, a))
                for a in batch
            ]
            with (
                transaction.atomic(),
                explicit_timestamps(Article, "created_at", "updated_at"),
            ):
                created = Article.objects.bulk_create(rows)
                self.link_articles(created, batch, authors, tags)
            made += len(created)
        return made

    @staticmethod
    def article_row(a, sections, authors, lead_image):
        """The unsaved Article of a demo article."""
        return Article(
            title=a.title,
            slug=a.slug,
            standfirst=a.standfirst,
            body=a.body,
            kind=a.kind,
            section=sections[a.section],
            status=a.status,
            published_at=a.published_at,
            created_at=a.written_at,
            updated_at=(a.correction[1] if a.correction else a.published_at)
            or a.written_at,
            lead_image=lead_image,
            # Written with the row, so that the bylines inserted next
            # find the names current and rewrite no article.
            byline_names=" ".join(authors[slug].name for slug, _ in a.bylines),
        )

    @staticmethod
    def pick_image(pool, article):
        if article.scene is None:
            return None
        scene = pool[article.scene]
        return scene[article.index % len(scene)]

    @staticmethod
    def link_articles(created, batch, authors, tags):
        bylines, tagged, corrections = [], [], []
        for row, article in zip(created, batch, strict=True):
            bylines.extend(
                ArticleAuthor(
                    article=row, author=authors[slug], role=role, position=position
                )
                for position, (slug, role) in enumerate(article.bylines)
            )
            tagged.extend(
                TaggedArticle(content_object=row, tag=tags[name])
                for name in article.tags
            )
            if article.correction:
                text, corrected_at = article.correction
                corrections.append(
                    Correction(article=row, text=text, corrected_at=corrected_at)
                )
        ArticleAuthor.objects.bulk_create(bylines)
        TaggedArticle.objects.bulk_create(tagged)
        Correction.objects.bulk_create(corrections)

    @staticmethod
    def load_other_apps():
        """
        Other apps' demo content (newsletters and their promos, delivery
        areas, …), added by their receivers of demo_paper_loading; returns
        what each says it made.
        """
        replies = demo_paper_loading.send(sender=Command)
        return [reply for _, reply in replies if reply]

    @staticmethod
    def analyze():
        """
        Refresh PostgreSQL's planner statistics after a bulk load: with stale
        ones, author and tag pages over 100,000 articles pick slow plans.
        """
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def load_staff_accounts(self, authors):
        """
        The superuser and one account per role, all with the demo password,
        the writing ones linked to demo authors; an account whose password
        was changed is left alone. Returns the lines that say how to log in.
        """
        roles.ensure_roles()
        User = get_user_model()
        lines = [f"Demo logins at /admin/, password “{DEMO_PASSWORD}”:"]
        for username, role, author_slug in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                if role is None:
                    user = User.objects.create_superuser(
                        username, f"{username}@example.org", DEMO_PASSWORD
                    )
                else:
                    user = User.objects.create_user(
                        username,
                        f"{username}@example.org",
                        DEMO_PASSWORD,
                        is_staff=True,
                    )
                    user.groups.add(Group.objects.get(name=role))
            elif not user.check_password(DEMO_PASSWORD):
                lines.append(
                    f"  {username}: already exists with a password of its own "
                    f"(reset it with `manage.py changepassword {username}`)"
                )
                continue
            author = authors.get(author_slug)
            if author is not None and author.user_id is None:
                author.user = user
                author.save(update_fields=["user"])
            role_name = role or "superuser"
            writes_as = (
                f", writes as {author.name}"
                if author is not None and author.user_id == user.pk
                else ""
            )
            lines.append(f"  {username} ({role_name}{writes_as})")
        return "\n".join(lines)
