"""
Revisions of articles. Every save an editor makes keeps the content they can
change (`snapshot`) as a Revision: call `record(article, user)` after the
article, its byline and its tags are saved, inside the same transaction. Any
two revisions compare field by field (`changes`), the body as a word-level
diff; `restore` gives an article an earlier revision's content and records
that as a new revision, so nothing is ever overwritten. A save made over
someone else's is merged field by field (`merge`): what the saver left alone
keeps the stored value, and only a field both changed is asked.
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsroom import formats

from .models import Article, ArticleAuthor, Author, Image, Revision, Section

# Everything a revision keeps, in the order a comparison shows it.
TEXT_FIELDS = [
    "title",
    "slug",
    "standfirst",
    "body",
    "lead_image_caption",
    "seo_title",
    "seo_description",
]


def snapshot(article):
    """
    The editable content of `article` as stored in the database: headline,
    address, standfirst, body, kind, section, byline (names, roles, order),
    tags, lead image and caption, sharing picture, SEO fields, status and
    publication time.
    Plain JSON data; names are kept beside ids so a comparison still reads
    well after an author or section is renamed or deleted.
    """
    bylines = (
        ArticleAuthor.objects.filter(article=article)
        .select_related("author")
        .order_by("position", "pk")
    )
    section = Section.objects.filter(pk=article.section_id).first()
    pictures = Image.objects.in_bulk(
        [pk for pk in (article.lead_image_id, article.share_image_id) if pk]
    )

    def picture(pk):
        image = pictures.get(pk)
        return {"id": image.pk, "alt_text": image.alt_text} if image else None

    return {
        **{name: getattr(article, name) for name in TEXT_FIELDS},
        "kind": article.kind,
        "section": {"id": section.pk, "name": section.name} if section else None,
        "bylines": [
            {"author": b.author_id, "name": b.author.name, "role": b.role}
            for b in bylines
        ],
        "tags": sorted(article.tags.names(), key=str.lower),
        "lead_image": picture(article.lead_image_id),
        "share_image": picture(article.share_image_id),
        "status": article.status,
        # To the second, as the form shows and posts it.
        "published_at": article.published_at.replace(microsecond=0).isoformat()
        if article.published_at
        else None,
    }


def record(article, user=None, comment=""):
    """
    Keep the content `article` has in the database now as a new revision by
    `user` (None for the system), with an optional one-line `comment`
    ("Submitted for review", "Restored …"). Returns the Revision.
    """
    return Revision.objects.create(
        article=article,
        created_by=user if user is not None and user.is_authenticated else None,
        comment=comment[:255],
        content=snapshot(article),
    )


def latest(article):
    """The article's newest revision, or None."""
    return article.revisions.order_by("-created_at", "-pk").first()


# Showing a revision's values


def _text(value):
    return value or ""


def _choice(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value or "—")


def _byline(bylines):
    roles = dict(ArticleAuthor.Role.choices)
    names = (f"{b['name']} ({roles.get(b['role'], b['role'])})" for b in bylines or [])
    return ", ".join(names) or "—"


def _time(value):
    if not value:
        return "—"
    return formats.with_zone(datetime.fromisoformat(value), "weekday_moment")


# (key, label, how to show the value, compare word by word)
FIELDS = [
    ("title", "Headline", _text, True),
    ("slug", "Address (slug)", _text, False),
    ("standfirst", "Standfirst", _text, True),
    ("body", "Body", lambda html: body_text(html), True),
    ("kind", "Kind", _choice(Article.Kind.choices), False),
    ("section", "Section", lambda s: s["name"] if s else "—", False),
    ("bylines", "Byline", _byline, False),
    ("tags", "Tags", lambda tags: ", ".join(tags or []) or "—", False),
    ("lead_image", "Lead image", lambda i: i["alt_text"] if i else "—", False),
    ("lead_image_caption", "Caption", _text, True),
    ("share_image", "Sharing picture", lambda i: i["alt_text"] if i else "—", False),
    ("seo_title", "Title for search engines", _text, True),
    ("seo_description", "Description for search engines", _text, True),
    ("status", "Status", _choice(Article.Status.choices), False),
    ("published_at", "Publication time", _time, False),
]


@dataclass
class Change:
    """One field that differs between two revisions."""

    field: str
    label: str
    before: str
    after: str
    # Safe HTML: the words removed in <del>, the words added in <ins>.
    diff: str = ""


def changes(before, after):
    """
    The fields that differ from the content `before` to the content `after`
    (two snapshots), in form order; text fields carry a word-level diff.
    """
    found = []
    for key, label, show, by_word in FIELDS:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        change = Change(key, label, show(old), show(new))
        if by_word:
            change.diff = word_diff(change.before, change.after)
        found.append(change)
    return found


class _BodyText(HTMLParser):
    """
    Body HTML as text: one line per block, a link's address after its words,
    each body element a line of its own ("[Picture 42]", "[Embed https://…]"),
    so a diff shows elements added, removed and moved.
    """

    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "br", "hr", "ul", "ol"}
    BLOCKS |= {"figure", "figcaption", "aside", "cite", "caption", "tr"}
    ELEMENTS = {
        "picture": "Picture",
        "gallery": "Gallery",
        "embed": "Embed",
        "pull-quote": "Pull quote",
        "fact-box": "Fact box",
        "read-more": "Read more, article",
        "update": "Update",
    }
    # What names an element's subject, for its line.
    SUBJECTS = ("data-image", "data-url", "data-article", "data-at")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        label = self.ELEMENTS.get(attrs.get("data-element"))
        if tag == "table":
            label = "Table"
        if label:
            subject = next((attrs[name] for name in self.SUBJECTS if name in attrs), "")
            self.parts.append(
                f"\n[{label} {subject}]\n" if subject else f"\n[{label}]\n"
            )
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" [{href}]")

    def handle_data(self, data):
        self.parts.append(data)


def body_text(html):
    """The words of a body, one paragraph, heading or list item a line."""
    parser = _BodyText()
    parser.feed(html or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# A body element's line ("[Picture 42]", "[Embed https://…]", "[Table]") is
# one token, so an element moved is one token removed here and added there.
_ELEMENT = r"\[(?:{})(?: [^\]\n]*)?\]".format(
    "|".join(map(re.escape, [*_BodyText.ELEMENTS.values(), "Table"]))
)
_TOKENS = re.compile(rf"\n|{_ELEMENT}|[^\s]+")
_IS_ELEMENT = re.compile(_ELEMENT)


def word_diff(before, after, context=30):
    """
    Safe HTML showing how the text `before` became `after`, word by word:
    removed words in <del>, added words in <ins>, everything escaped. A
    body element (body_text()'s "[Picture 42]" lines) taken out in one place
    and put back in another is shown moved: `<del class="moved">` where it
    was and `<ins class="moved">` where it is now, each saying so. Line
    breaks are kept as newlines (show them with `white-space: pre-line`).
    Unchanged stretches longer than twice `context` words keep only
    `context` words at each end, joined by “…”.
    """
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    moved = _moved_elements(old, new, opcodes)
    # Each move is one removal and one addition, counted down separately.
    left = {"del": Counter(moved), "ins": Counter(moved)}
    parts = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            words = old[i1:i2]
            head = words[:context] if index > 0 else []
            tail = words[-context:] if index < len(opcodes) - 1 else []
            if len(words) > len(head) + len(tail) + 1:
                words = [*head, "…", *tail] if head or tail else ["…"]
            parts.append(_words(words))
            continue
        if i2 > i1:
            parts.append(_changed("del", old[i1:i2], left["del"], "moved from here"))
        if j2 > j1:
            parts.append(_changed("ins", new[j1:j2], left["ins"], "moved here"))
    return mark_safe(" ".join(parts))  # every word went through escape()


def _moved_elements(old, new, opcodes):
    """
    How many times each element token the diff removes is added elsewhere
    (a Counter): those removals and additions are one move each.
    """
    removed, added = Counter(), Counter()
    for op, i1, i2, j1, j2 in opcodes:
        if op != "equal":
            removed.update(t for t in old[i1:i2] if _IS_ELEMENT.fullmatch(t))
            added.update(t for t in new[j1:j2] if _IS_ELEMENT.fullmatch(t))
    return removed & added


def _changed(tag, tokens, moved, note):
    """
    A removed (`tag` "del") or added ("ins") run of tokens; the elements in
    it still counted in `moved` (a Counter, counted down) each in their own
    `<tag class="moved">` that says so.
    """
    parts, run = [], []
    for token in tokens:
        if moved[token] > 0:
            moved[token] -= 1
            if run:
                parts.append(f"<{tag}>{_words(run)}</{tag}>")
                run = []
            parts.append(f'<{tag} class="moved">{escape(token[:-1])}, {note}]</{tag}>')
        else:
            run.append(token)
    if run:
        parts.append(f"<{tag}>{_words(run)}</{tag}>")
    return " ".join(parts)


def _words(tokens):
    return escape(re.sub(r" ?\n ?", "\n", " ".join(tokens)))


# Restoring


@transaction.atomic
def restore(article, revision, user):
    """
    Give `article` the content kept in `revision` and save it, recording a
    new revision by `user`; earlier revisions stay as they are. Status and
    publication time are left as they are now: restoring never publishes,
    schedules or takes an article down. What no longer exists (a deleted
    section, picture or author, an address another article took since) is
    left out. Returns (the new revision, a list of sentences saying what
    was left out).
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    content = revision.content
    notes = []
    for name in TEXT_FIELDS:
        setattr(article, name, content.get(name, getattr(article, name)))
    if Article.objects.exclude(pk=article.pk).filter(slug=article.slug).exists():
        notes.append(
            f"The address “{article.slug}” now belongs to another article; "
            "the current address is kept."
        )
        article.slug = Article.objects.values_list("slug", flat=True).get(pk=article.pk)
    article.kind = content.get("kind", article.kind)
    section = content.get("section")
    if section and Section.objects.filter(pk=section["id"]).exists():
        article.section_id = section["id"]
    elif section:
        notes.append(
            f"The section “{section['name']}” no longer exists; the current "
            "section is kept."
        )
    image = content.get("lead_image")
    if image and not Image.objects.filter(pk=image["id"]).exists():
        notes.append(f"The picture “{image['alt_text']}” no longer exists.")
        image = None
    article.lead_image_id = image["id"] if image else None
    shared = content.get("share_image")
    if shared and not Image.objects.filter(pk=shared["id"]).exists():
        notes.append(
            f"The sharing picture “{shared['alt_text']}” no longer exists; "
            "the lead picture is shared."
        )
        shared = None
    article.share_image_id = shared["id"] if shared else None
    article.save()

    bylines = content.get("bylines", [])
    existing = set(
        Author.objects.filter(pk__in=[b["author"] for b in bylines]).values_list(
            "pk", flat=True
        )
    )
    article.bylines.all().delete()
    for position, byline in enumerate(b for b in bylines if b["author"] in existing):
        ArticleAuthor.objects.create(
            article=article,
            author_id=byline["author"],
            role=byline["role"],
            position=position,
        )
    notes.extend(
        f"{b['name']} is no longer an author here and was left out of the byline."
        for b in bylines
        if b["author"] not in existing
    )
    article.tags.set(content.get("tags", []), clear=True)

    when = formats.written(revision.created_at, "short_moment")
    comment = f"Restored the revision of {when} by {revision.created_by_name}"
    return record(article, user, comment), notes


# Two people editing one article


def editing_token(article):
    """
    What the change form carries to tell, when it is saved, whether someone
    saved the article meanwhile: the newest revision and the time of the
    last save. An article without revisions (saved before they were kept)
    gets its first one here, so later changes can be shown against it.
    """
    newest = latest(article) or record(
        article, None, "As it was when revisions began to be kept"
    )
    return f"{newest.pk}:{article.updated_at.timestamp()}"


@dataclass
class SaveConflict:
    """Saves made since a change form was opened."""

    # The revisions saved since, oldest first (their authors, their times).
    saves: list
    # What they changed, field by field.
    changes: list
    # The token that lets the next save through.
    token: str
    # The content the form was opened with (None if that revision is gone)
    # and the content stored now.
    base: dict | None = None
    stored: dict | None = None

    @property
    def who(self):
        """Who saved meanwhile, and when last: "Aoife Byrne (last at 14:32)"."""
        names = []
        for revision in self.saves:
            if revision.created_by_name not in names:
                names.append(revision.created_by_name)
        who = " and ".join(names) if names else "someone"
        if self.saves:
            who += f" (last at {formats.written(self.saves[-1].created_at, 'time')})"
        return who

    def ask_message(self, asks):
        """Why a save was held back: fields both people changed."""
        fields = ", ".join(ask.label.lower() for ask in asks)
        return (
            f"Not saved: {self.who} saved this article while you were editing it "
            f"and changed what you changed: {fields}. Choose below which version "
            "of each to keep; their other changes and yours are kept."
        )


def save_conflict(article, token):
    """
    Lock the article's row until the transaction ends, and say whether it
    was saved since `token` (from editing_token) was issued: None if not,
    else a SaveConflict naming who saved and showing what they changed.
    """
    stored = Article.objects.select_for_update().filter(pk=article.pk).first()
    if stored is None:
        return None
    newest = latest(stored)
    current = f"{newest.pk if newest else 0}:{stored.updated_at.timestamp()}"
    if token == current:
        return None
    try:
        base_pk = int(token.partition(":")[0])
    except ValueError:
        base_pk = 0
    base = Revision.objects.filter(article=stored, pk=base_pk).first()
    saves = list(
        stored.revisions.filter(pk__gt=base_pk)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    now = snapshot(stored)
    found = changes(base.content, now) if base else []
    return SaveConflict(
        saves=saves,
        changes=found,
        token=current,
        base=base.content if base else None,
        stored=now,
    )


# Merging two people's saves

# The fields a save is merged by: every field a revision keeps but the
# byline, whose rows the form saves as a formset of their own.
MERGED_FIELDS = [key for key, *_ in FIELDS if key != "bylines"]


def comparable(key, value):
    """A snapshot's value of `key` reduced to what a change of it means."""
    if key in ("section", "lead_image", "share_image"):
        return value["id"] if value else None
    if key == "tags":
        return sorted(value or [], key=str.lower)
    if key == "published_at":
        return datetime.fromisoformat(value) if value else None
    if key in TEXT_FIELDS:
        return value or ""
    return value


@dataclass
class Ask:
    """A field both people changed: theirs and yours, shown for a choice."""

    field: str
    label: str
    theirs: str
    yours: str
    # The form's required choice between the two (a bound field), if shown.
    choice: object = None


@dataclass
class Merge:
    """How a save made over someone else's is merged, field by field."""

    # Fields you left as they were: the stored value stands, theirs if
    # they changed it.
    unchanged: list
    # Fields both changed, to different values: the saver chooses.
    asks: list


def merge(base, stored, yours):
    """
    Merge a save into an article saved meanwhile. `base` is the content the
    form was opened with, `stored` the content saved since, `yours` the
    content posted (snapshots, `yours` holding only the fields the form
    has). A field you left as it was keeps the stored value, whatever it
    is now; a field only you changed is yours; a field both changed, to
    different values, is asked.
    """
    unchanged, asks = [], []
    for key in MERGED_FIELDS:
        if key not in yours:
            continue
        was, now, mine = (comparable(key, c.get(key)) for c in (base, stored, yours))
        if mine == was:
            unchanged.append(key)
        elif now not in (was, mine):
            asks.append(ask(key, stored, yours))
    return Merge(unchanged=unchanged, asks=asks)


def ask(key, stored, yours):
    """The field `key` as stored and as you have it, shown side by side."""
    label, show = next((label, show) for k, label, show, _ in FIELDS if k == key)
    return Ask(key, label, show(stored.get(key)), show(yours.get(key)))


def posted_content(cleaned_data):
    """
    What a change form posted (its cleaned data), in the shape `snapshot`
    keeps: only the fields the form has, the byline aside (its rows are a
    formset of their own).
    """
    content = {}
    for key in MERGED_FIELDS:
        if key not in cleaned_data:
            continue
        value = cleaned_data[key]
        if key == "section" and value is not None:
            value = {"id": value.pk, "name": value.name}
        elif key in ("lead_image", "share_image") and value is not None:
            value = {"id": value.pk, "alt_text": value.alt_text}
        elif key == "tags":
            value = sorted(value or [], key=str.lower)
        elif key == "published_at" and value is not None:
            value = value.replace(microsecond=0).isoformat()
        content[key] = value
    return content
