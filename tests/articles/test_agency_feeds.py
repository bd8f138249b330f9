"""
Agency copy (`manage.py import_feed`): RSS, Atom and ninjs stories become
drafts credited to the agency, keyed by the agency's IDs, so a re-run
updates what nobody here has touched and leaves the rest alone; bad input
changes nothing and says why in a line; the desk finds agency copy in the
article list.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from xml.sax.saxutils import escape

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.agency import FeedError, read_feed, take_in
from articles.models import Article, ArticleAuthor, Author, ImportRecord, Revision
from tests.factories import make_article, make_editor, make_section
from tests.hostile import hostile_text
from tests.servers import database_url

from .embeds.provider_server import Answer, ProviderServer, certificate, jpeg_bytes

pytestmark = pytest.mark.django_db

Status = Article.Status


def rss(*items):
    """
    An RSS 2.0 feed of `items`: dicts of guid, title, description, body, tags
    and more XML for the item.
    """
    entries = "".join(
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        + (f"<guid isPermaLink='false'>{item['guid']}</guid>" if "guid" in item else "")
        + f"<link>https://agency.example/{item.get('guid', 'x')}</link>"
        f"<description>{escape(item.get('description', ''))}</description>"
        + (
            f"<content:encoded><![CDATA[{item['body']}]]></content:encoded>"
            if "body" in item
            else ""
        )
        + "".join(f"<category>{escape(tag)}</category>" for tag in item.get("tags", []))
        + item.get("xml", "")
        + "<pubDate>Sun, 06 Dec 2026 09:00:00 GMT</pubDate></item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        "<title>Agency wire</title><link>https://agency.example/</link>"
        f"<description>Stories</description>{entries}</channel></rss>"
    ).encode()


def atom(*entries):
    """An Atom 1.0 feed of `entries` (XML strings of each entry's inside)."""
    inside = "".join(f"<entry>{entry}</entry>" for entry in entries)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        "<id>urn:agency:wire</id><updated>2026-12-06T09:00:00Z</updated>"
        f"{inside}</feed>"
    ).encode()


def ninjs_item(uri, headline, body="<p>Body.</p>", **more):
    return {
        "uri": uri,
        "type": "text",
        "versioncreated": "2026-12-06T09:00:00Z",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        **more,
    }


@pytest.fixture
def section():
    return make_section(name="World", slug="world")


def import_feed(tmp_path, data, *, section="world", author="Wire Agency"):
    """Run the command on `data` written to a file; its summary line."""
    path = tmp_path / "feed"
    path.write_bytes(data)
    out = StringIO()
    call_command(
        "import_feed", str(path), "--section", section, "--author", author, stdout=out
    )
    return out.getvalue().strip()


def imported(title):
    return Article.objects.get(title=title)


def test_rss_items_become_drafts_credited_to_the_agency(tmp_path, section):
    feed = rss(
        {
            "guid": "urn:wire:1",
            "title": "Harbour reopens",
            "description": "<p>Ships are <b>back</b> after the storm.</p>",
            "body": "<p>The harbour reopened on Sunday.</p><h2>Damage</h2>",
            "tags": ["Shipping", "Weather", "04011000", "shipping"],
        },
        {"guid": "urn:wire:2", "title": "Rates & bonds", "description": "Calm."},
    )
    summary = import_feed(tmp_path, feed)
    assert summary == "Wire Agency: 2 new, 0 updated, 0 unchanged, 0 left alone."

    harbour = imported("Harbour reopens")
    assert harbour.status == Status.DRAFT and harbour.published_at is None
    assert harbour.section == section
    assert harbour.standfirst == "Ships are back after the storm."
    assert harbour.body == "<p>The harbour reopened on Sunday.</p><h2>Damage</h2>"
    assert sorted(harbour.tags.names()) == ["Shipping", "Weather"]
    agency = Author.objects.get(name="Wire Agency")
    assert [(b.author, b.role) for b in harbour.bylines.all()] == [
        (agency, ArticleAuthor.Role.AGENCY)
    ]
    assert harbour.byline_names == "Wire Agency"
    record = ImportRecord.objects.for_object(harbour).get()
    assert (record.source, record.kind, record.external_id) == (
        "agency:Wire Agency",
        "story",
        "urn:wire:1",
    )
    assert record.written_at == harbour.updated_at
    revision = Revision.objects.get(article=harbour)
    assert revision.comment == "Imported from Wire Agency's feed"

    # Without content:encoded the description is the body too.
    rates = imported("Rates & bonds")
    assert (rates.standfirst, rates.body) == ("Calm.", "Calm.")
    assert rates.slug == "rates-bonds"


def test_an_agency_author_is_reused_not_made_again(tmp_path, section):
    agency = Author.objects.create(name="Wire Agency", slug="wire")
    import_feed(tmp_path, rss({"guid": "a", "title": "One"}))
    assert Author.objects.filter(name="Wire Agency").get() == agency


def test_atom_entries_of_every_text_type_become_drafts(tmp_path, section):
    feed = atom(
        "<id>tag:agency.example,2026:1</id>"
        '<title type="html">Talks &lt;em&gt;resume&lt;/em&gt;</title>'
        '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "Both sides <b>agree</b> to meet.</div></summary>"
        '<content type="html">&lt;p&gt;Talks resume in Geneva.&lt;/p&gt;</content>'
        '<category term="politics" label="Politics"/><category term="Europe"/>',
        "<id>tag:agency.example,2026:2</id><title>Plain story</title>"
        '<content type="text">First paragraph &amp; more.\n\nSecond one.</content>',
    )
    assert import_feed(tmp_path, feed).startswith("Wire Agency: 2 new,")
    talks = imported("Talks resume")
    assert talks.standfirst == "Both sides agree to meet."
    assert talks.body == "<p>Talks resume in Geneva.</p>"
    assert sorted(talks.tags.names()) == ["Europe", "Politics"]
    plain = imported("Plain story")
    assert plain.body == "<p>First paragraph &amp; more.</p><p>Second one.</p>"
    assert ImportRecord.objects.for_object(plain).get().external_id == (
        "tag:agency.example,2026:2"
    )


@pytest.mark.parametrize(
    "shape",
    ["single item", "list", "items object"],
)
def test_ninjs_stories_are_read_alone_or_in_a_list(tmp_path, section, shape):
    story = ninjs_item(
        "urn:newsml:wire:20261206:1",
        "Bridge opens",
        body="<html><head><title>Bridge</title></head>"
        "<body><p>The bridge opened.</p></body></html>",
        descriptions=[{"role": "summary", "value": "A new crossing."}],
        subjects=[{"name": "Transport"}, {"name": "13010000"}, {"uri": "x:1"}],
    )
    picture = {"uri": "urn:newsml:wire:pic:1", "type": "picture"}
    document = {
        "single item": story,
        "list": [story, picture],
        "items object": {"items": [story, picture]},
    }[shape]
    summary = import_feed(tmp_path, json.dumps(document).encode())
    assert summary.startswith("Wire Agency: 1 new, 0 updated, 0 unchanged")
    bridge = imported("Bridge opens")
    assert bridge.body == "<p>The bridge opened.</p>"
    assert bridge.standfirst == "A new crossing."
    assert list(bridge.tags.names()) == ["Transport"]
    assert ImportRecord.objects.for_object(bridge).get().external_id == (
        "urn:newsml:wire:20261206:1"
    )
    if shape != "single item":
        assert summary.endswith("1 skipped (no ID, no text, or not a story).")


def test_a_ninjs_plain_text_body_becomes_paragraphs(tmp_path, section):
    story = ninjs_item("urn:1", "Plain", body="")
    story["bodies"] = [
        {"role": "nitf", "contenttype": "application/xml", "value": "<nitf/>"},
        {"contenttype": "text/plain", "value": "One <two>.\n\nThree."},
    ]
    import_feed(tmp_path, json.dumps(story).encode())
    assert imported("Plain").body == "<p>One &lt;two&gt;.</p><p>Three.</p>"


def test_withheld_and_cancelled_ninjs_items_are_not_taken(tmp_path, section):
    items = [
        ninjs_item("urn:1", "Held", pubstatus="withheld"),
        ninjs_item("urn:2", "Cancelled", pubstatus="canceled"),
        ninjs_item("urn:3", "Usable", pubstatus="usable"),
    ]
    summary = import_feed(tmp_path, json.dumps(items).encode())
    assert summary.startswith("Wire Agency: 1 new,")
    assert list(Article.objects.values_list("title", flat=True)) == ["Usable"]


def stories(*changed):
    """The agency's five stories; those numbered in `changed` rewritten."""
    return rss(
        *(
            {
                "guid": f"urn:{n}",
                "title": f"Story {n}",
                "description": f"Summary {n}" + (" (new lead)" if n in changed else ""),
                "body": f"<p>Text {n}.</p>",
            }
            for n in range(1, 6)
        )
    )


def test_a_rerun_updates_untouched_drafts_and_leaves_the_rest_alone(tmp_path, section):
    assert import_feed(tmp_path, stories()).endswith(
        "5 new, 0 updated, 0 unchanged, 0 left alone."
    )
    untouched, edited, published, reviewed, deleted = (
        imported(f"Story {n}") for n in range(1, 6)
    )
    edited.title = "Story 2, as the desk rewrote it"
    edited.save()
    # Published and sent for review without the edit showing in updated_at:
    # the status alone keeps the importer off them.
    Article.objects.filter(pk=published.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    Article.objects.filter(pk=reviewed.pk).update(status=Status.REVIEW)
    deleted.delete()

    again = stories(1, 2, 3, 4, 5)
    summary = import_feed(tmp_path, again)
    assert summary == "Wire Agency: 0 new, 1 updated, 0 unchanged, 4 left alone."
    untouched.refresh_from_db()
    assert untouched.standfirst == "Summary 1 (new lead)"
    assert untouched.status == Status.DRAFT
    assert ImportRecord.objects.for_object(untouched).get().written_at == (
        untouched.updated_at
    )
    assert list(
        Revision.objects.filter(article=untouched)
        .order_by("pk")
        .values_list("comment", flat=True)
    ) == ["Imported from Wire Agency's feed", "Updated from Wire Agency's feed"]
    edited.refresh_from_db()
    assert (edited.title, edited.standfirst) == (
        "Story 2, as the desk rewrote it",
        "Summary 2",
    )
    for article in (published, reviewed):
        article.refresh_from_db()
        assert article.standfirst == f"Summary {article.title[-1]}"
    assert not Article.objects.filter(title="Story 5").exists()
    assert Article.objects.count() == 4

    # The same feed once more: nothing to write; nothing made twice.
    summary = import_feed(tmp_path, again)
    assert summary == "Wire Agency: 0 new, 0 updated, 1 unchanged, 4 left alone."
    assert Article.objects.count() == 4
    assert ImportRecord.objects.count() == 5


def test_new_stories_are_added_beside_those_already_in(tmp_path, section):
    import_feed(tmp_path, rss({"guid": "urn:1", "title": "First"}))
    summary = import_feed(
        tmp_path,
        rss({"guid": "urn:1", "title": "First"}, {"guid": "urn:2", "title": "Second"}),
    )
    assert summary == "Wire Agency: 1 new, 0 updated, 1 unchanged, 0 left alone."
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "First",
        "Second",
    ]


def test_two_agencies_keep_their_ids_apart(tmp_path, section):
    feed = rss({"guid": "urn:1", "title": "Same ID"})
    import_feed(tmp_path, feed, author="Wire Agency")
    summary = import_feed(tmp_path, feed, author="Other Agency")
    assert summary.startswith("Other Agency: 1 new,")
    assert Article.objects.filter(title="Same ID").count() == 2


def test_a_story_with_the_same_headline_gets_its_own_address(tmp_path, section):
    make_article(title="Storm", slug="storm", section=section)
    import_feed(tmp_path, rss({"guid": "urn:1", "title": "Storm"}))
    assert Article.objects.get(title="Storm", status=Status.DRAFT).slug == "storm-2"


def test_hostile_html_from_the_agency_is_sanitized(tmp_path, section):
    body = (
        "<p onclick='steal()'>Text <a href='javascript:alert(1)'>link</a></p>"
        "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"
        "<iframe src='https://evil.example/'></iframe>"
        "<style>body{display:none}</style><p style='color:red'>More</p>"
        "<form action='https://evil.example/'><input name=p></form>"
    )
    feed = rss(
        {
            "guid": "urn:1",
            "title": "<script>alert(1)</script>Headline",
            "description": "<img src=x onerror=alert(2)>Summary",
            "body": body,
        }
    )
    import_feed(tmp_path, feed)
    article = Article.objects.get()
    assert article.title == "alert(1) Headline"
    assert article.standfirst == "Summary"
    assert article.body == "<p>Text <a>link</a></p><p>More</p>"
    page = Article.objects.filter(pk=article.pk)
    assert not page.filter(body__icontains="script").exists()


def test_hostile_html_in_ninjs_is_sanitized(tmp_path, section):
    story = ninjs_item(
        "urn:1",
        "Safe",
        body="<p>Fine</p><svg><script>alert(1)</script></svg>"
        "<a href='data:text/html,x'>x</a>",
    )
    import_feed(tmp_path, json.dumps(story).encode())
    assert imported("Safe").body == "<p>Fine</p><a>x</a>"


BAD_INPUT = [
    (b"<rss><channel><item><title>Cut off", "Broken XML"),
    (b'{"uri": "urn:1", "headlines": [', "Broken JSON"),
    (b"<html><body><p>A web page</p></body></html>", "the XML's root is <html>"),
    (b"Just some words.", "neither XML (RSS, Atom) nor JSON"),
    (b'{"title": "No uri"}', "neither a ninjs item nor a list"),
    (b'"a string"', "Not a feed"),
]


@pytest.mark.parametrize(("data", "reason"), BAD_INPUT)
def test_input_that_is_not_a_feed_changes_nothing(tmp_path, section, data, reason):
    with pytest.raises(CommandError, match=re.escape(reason)) as failure:
        import_feed(tmp_path, data)
    assert "\n" not in str(failure.value)
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not ImportRecord.objects.exists()


def test_an_unknown_section_changes_nothing(tmp_path, section):
    with pytest.raises(CommandError, match="No section with the slug “sport”"):
        import_feed(tmp_path, rss({"guid": "urn:1", "title": "A"}), section="sport")
    assert not Article.objects.exists() and not Author.objects.exists()


# Committed, so that the program's own connection finds the database free.
@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_with_one_line(tmp_path):
    """Run as a program: the reason on one line of stderr, exit status 1."""
    path = tmp_path / "feed.xml"
    path.write_bytes(rss({"guid": "urn:1", "title": "A"}))
    command = [sys.executable, "manage.py", "import_feed", str(path)]
    done = subprocess.run(
        [*command, "--section", "nowhere", "--author", "Wire Agency"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr == "CommandError: No section with the slug “nowhere”.\n"
    assert done.stdout == ""


def test_a_missing_file_is_reported(section):
    with pytest.raises(CommandError, match="could not be read: No such file"):
        call_command(
            "import_feed", "/nonexistent/feed.xml", "--section", "world",
            "--author", "Wire Agency",
        )  # fmt: skip


any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | hostile_text,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


def either(*values):
    """One of `values`, or anything at all in its place (a wrong type)."""
    return st.one_of(*values, any_json)


entry = st.fixed_dictionaries(
    {"value": either(hostile_text)},
    optional={
        "role": either(st.sampled_from(["main", "summary", "text"])),
        "contenttype": either(st.sampled_from(["text/html", "text/plain", "x/y"])),
    },
)
entries = either(st.lists(entry, max_size=3))
ninjs_items = st.fixed_dictionaries(
    {"uri": either(hostile_text)},
    optional={
        "type": either(st.sampled_from(["text", "picture"])),
        "pubstatus": either(st.sampled_from(["usable", "canceled"])),
        "headlines": entries,
        "headline": either(hostile_text),
        "bodies": entries,
        "body_text": either(hostile_text),
        "descriptions": entries,
        "subjects": either(
            st.lists(st.fixed_dictionaries({"name": either(hostile_text)}))
        ),
        "keywords": either(st.lists(either(hostile_text), max_size=3)),
    },
)
ninjs_documents = st.one_of(
    ninjs_items,
    st.lists(either(ninjs_items), max_size=4),
    st.fixed_dictionaries({"items": either(st.lists(ninjs_items, max_size=4))}),
    any_json,
)


@hypothesis_settings(max_examples=150)
@given(document=ninjs_documents)
def test_any_json_is_read_as_stories_or_refused_in_a_line(section, document):
    """
    Whatever the JSON (wrong types anywhere, NUL bytes, lone surrogates,
    markup), it is refused with a FeedError or its stories are taken in.
    """
    data = json.dumps(document).encode()
    try:
        feed = read_feed(data)
    except FeedError as error:
        assert "\n" not in str(error)
        return
    take_in(feed, section, "Wire Agency")
    agency = Author.objects.get(name="Wire Agency")
    records = ImportRecord.objects.filter(source="agency:Wire Agency")
    assert set(records.values_list("external_id", flat=True)) >= {
        story.external_id for story in feed.stories
    }
    assert Article.objects.filter(authors=agency).count() == records.count()


@pytest.fixture(scope="module")
def agency_certificate(tmp_path_factory):
    return certificate(tmp_path_factory.mktemp("agency"))


@pytest.fixture
def agency(agency_certificate, settings):
    """A real HTTPS server on 127.0.0.1 playing the agency's feed server."""
    cert, key = agency_certificate
    server = ProviderServer(cert, key).start()
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", server.server_address[1])]
    settings.EMBED_FETCH_CA_FILE = str(cert)
    yield server
    server.stop()


def import_url(url):
    out = StringIO()
    call_command(
        "import_feed", url, "--section", "world", "--author", "Wire Agency", stdout=out
    )
    return out.getvalue().strip()


def test_a_feed_is_fetched_from_its_url(agency, section):
    agency.answers["/wire.json"] = Answer(
        body=[ninjs_item("urn:1", "Over the wire")],
        headers={"Content-Type": "application/json"},
    )
    agency.answers["/wire.atom"] = Answer(
        body=atom("<id>urn:2</id><title>Atom over the wire</title>"),
        headers={"Content-Type": "application/atom+xml"},
    )
    assert import_url(f"{agency.origin}/wire.json").startswith("Wire Agency: 1 new,")
    assert import_url(f"{agency.origin}/wire.atom").startswith("Wire Agency: 1 new,")
    assert agency.requests == ["/wire.json", "/wire.atom"]
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("path", "answer", "reason"),
    [
        ("/missing", Answer(404), "answered 404"),
        ("/busy", Answer(503), "answered 503"),
        ("/huge", Answer(stream_bytes=24 * 1024 * 1024), "larger than"),
        ("/page", Answer(body=b"<html></html>"), "the XML's root is <html>"),
    ],
)
def test_a_feed_server_that_fails_changes_nothing(
    agency, section, path, answer, reason
):
    agency.answers[path] = answer
    with pytest.raises(CommandError, match=reason):
        import_url(f"{agency.origin}{path}")
    assert not Article.objects.exists()


def test_an_unreachable_or_private_url_is_refused(section, settings):
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", 9)]
    with pytest.raises(CommandError, match="could not be fetched"):
        import_url("https://127.0.0.1:9/feed")
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = []
    with pytest.raises(CommandError, match="not a public address"):
        import_url("https://localhost/feed")
    with pytest.raises(CommandError, match="not https"):
        import_url("http://agency.example/feed")
    assert not Article.objects.exists()


# The article list's own queries (session, user, permissions, counts, rows,
# filters' choices, thumbnails' renditions), however many rows it shows.
AGENCY_LIST_QUERIES = 13


def test_the_desk_lists_agency_copy(
    tmp_path, section, client, django_assert_max_num_queries
):
    """
    "From agencies" lists what came from any agency's feed, and nothing
    else imported, in the same number of queries for 2 rows or 12.
    """
    import_feed(tmp_path, rss({"guid": "urn:1", "title": "Wire one"}))
    import_feed(tmp_path, rss({"guid": "urn:1", "title": "Wire two"}), author="B")
    make_article(title="Our own", section=section)
    other = make_article(title="From the old site", section=section)
    ImportRecord.record("wordpress:old.example", "post", 1, other, "f")
    client.force_login(make_editor())
    url = reverse("admin:articles_article_changelist")
    client.get(url, {"desk": "agency"})
    with django_assert_max_num_queries(AGENCY_LIST_QUERIES):
        page = client.get(url, {"desk": "agency"})
    assert page.status_code == 200
    assert "From agencies" in page.text
    assert sorted(a.title for a in page.context["cl"].result_list) == [
        "Wire one",
        "Wire two",
    ]
    for n in range(10):
        import_feed(tmp_path, rss({"guid": f"urn:more:{n}", "title": f"More {n}"}))
    with django_assert_max_num_queries(AGENCY_LIST_QUERIES):
        page = client.get(url, {"desk": "agency"})
    assert len(page.context["cl"].result_list) == 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's transactions take the write lock as they begin",
)
def test_two_runs_at_once_take_each_story_in_once(section):
    """
    A second run started while the first is still writing waits for it,
    then finds its stories and its author: nothing is made twice.
    """
    feed = read_feed(stories())
    outcomes = []

    def second_run():
        try:
            outcomes.append(str(take_in(feed, section, "Wire Agency")))
        finally:
            connection.close()

    second = threading.Thread(target=second_run)
    with transaction.atomic():
        first = take_in(feed, section, "Wire Agency")
        second.start()
        wait_for_a_run_waiting_on_a_lock()
    second.join()
    assert str(first) == "5 new, 0 updated, 0 unchanged, 0 left alone"
    assert outcomes == ["0 new, 0 updated, 5 unchanged, 0 left alone"]
    assert Article.objects.count() == 5
    assert Author.objects.filter(name="Wire Agency").count() == 1


def wait_for_a_run_waiting_on_a_lock():
    with connection.cursor() as cursor:
        for _ in range(400):
            # Inside a transaction the activity view is read once and kept,
            # unless its snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("The second run never waited for the first.")


def serve_picture(agency, path, **size):
    agency.answers[path] = Answer(
        body=jpeg_bytes(**size), headers={"Content-Type": "image/jpeg"}
    )
    return f"{agency.origin}{path}"


def test_a_ninjs_picture_becomes_the_lead_credited_to_the_agency(
    agency, section, tmp_path
):
    """
    The first associated picture, in its widest rendition that is not too
    wide, comes in once with its caption, alt text and the photographer's
    and agency's credit; a re-run uses it again without asking for it.
    """
    serve_picture(agency, "/pictures/preview.jpg", width=640, height=360)
    story = ninjs_item(
        "urn:story:1",
        "Boats return",
        associations=[
            {
                "name": "featureimage",
                "type": "picture",
                "uri": "urn:picture:1",
                "by": "Ann Photo",
                "headlines": [{"value": "Fishing boats in the harbour"}],
                "descriptions": [{"role": "caption", "value": "Back at dawn."}],
                "renditions": [
                    {"name": "thumb", "href": f"{agency.origin}/t.jpg", "width": 90},
                    {"name": "hires", "href": f"{agency.origin}/h.jpg", "width": 6000},
                    {
                        "name": "preview",
                        "href": f"{agency.origin}/pictures/preview.jpg",
                        "width": 640,
                    },
                ],
            }
        ],
    )
    summary = import_feed(tmp_path, json.dumps(story).encode())
    assert summary == "Wire Agency: 1 new, 0 updated, 0 unchanged, 0 left alone."
    article = imported("Boats return")
    image = article.lead_image
    assert (image.alt_text, image.caption, image.credit) == (
        "Fishing boats in the harbour",
        "Back at dawn.",
        "Ann Photo / Wire Agency",
    )
    assert (image.width, image.height) == (640, 360)
    assert image.renditions.exists()
    assert agency.requests == ["/pictures/preview.jpg"]
    assert ImportRecord.objects.for_object(image).get().external_id == "urn:picture:1"

    story["headlines"] = [{"role": "main", "value": "Boats return at last"}]
    import_feed(tmp_path, json.dumps(story).encode())
    article.refresh_from_db()
    assert (article.title, article.lead_image) == ("Boats return at last", image)
    assert agency.requests == ["/pictures/preview.jpg"]


def test_rss_and_atom_pictures_become_leads(agency, section, tmp_path):
    """Media RSS content (its own credit kept when it names the agency) and
    an Atom enclosure (credited to the agency)."""
    media = serve_picture(agency, "/media.jpg")
    enclosure = serve_picture(agency, "/enclosure.jpg")
    feed = rss(
        {
            "guid": "urn:1",
            "title": "With media",
            "xml": f'<media:content url="{media}" medium="image">'
            "<media:title>Crowd at the quay</media:title>"
            "<media:credit>Bo Lens/Wire Agency</media:credit>"
            "<media:description>The quay on Sunday.</media:description>"
            "</media:content>",
        }
    )
    import_feed(tmp_path, feed)
    image = imported("With media").lead_image
    assert (image.alt_text, image.caption, image.credit) == (
        "Crowd at the quay",
        "The quay on Sunday.",
        "Bo Lens/Wire Agency",
    )
    import_feed(
        tmp_path,
        atom(
            "<id>urn:2</id><title>With enclosure</title>"
            f'<link rel="enclosure" type="image/jpeg" href="{enclosure}"'
            ' title="The new bridge"/>'
        ),
    )
    image = imported("With enclosure").lead_image
    assert (image.alt_text, image.caption, image.credit) == (
        "The new bridge",
        "The new bridge",
        "Wire Agency",
    )


def test_a_picture_that_cannot_be_had_leaves_its_story_without_it(
    agency, section, tmp_path
):
    """Missing, not a picture, or at a private address: the story comes in
    without it, and the summary says so."""
    agency.answers["/text.jpg"] = Answer(body=b"not a picture")

    def with_picture(n, href):
        return ninjs_item(
            f"urn:{n}",
            f"Story {n}",
            associations=[
                {"type": "picture", "uri": f"urn:p:{n}", "renditions": [{"href": href}]}
            ],
        )

    items = [
        with_picture(1, f"{agency.origin}/missing.jpg"),
        with_picture(2, f"{agency.origin}/text.jpg"),
        with_picture(3, "https://10.0.0.1/private.jpg"),
    ]
    summary = import_feed(tmp_path, json.dumps(items).encode())
    assert summary == (
        "Wire Agency: 3 new, 0 updated, 0 unchanged, 0 left alone; 3 without "
        "their picture (it could not be fetched or is not a picture)."
    )
    assert not Article.objects.filter(lead_image__isnull=False).exists()
    assert not ImportRecord.objects.filter(kind="picture").exists()
