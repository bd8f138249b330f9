"""
`manage.py import_wordpress`: a WordPress export built here, with pictures
in a local uploads folder or on a real HTTPS server, comes in as articles
with their bylines, sections, tags, pictures and old addresses; a second
run changes nothing, an interrupted one resumes.
"""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import ExifTags
from PIL import Image as PILImage
from taggit.models import Tag

from articles import images
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Image,
    ImportRecord,
    Page,
    Redirect,
    Section,
)
from articles.wordpress import content
from tests.articles.embeds.provider_server import (
    Answer,
    Handler,
    ProviderServer,
    certificate,
)
from tests.articles.wordpress_export import Export, Post
from tests.html import parse

pytestmark = pytest.mark.django_db

SITE = "https://old.example.com"
UPLOADS = f"{SITE}/wp-content/uploads"
# PHP's serialize() of the attachment metadata WordPress keeps, credit included.
METADATA = (
    'a:2:{s:5:"width";i:64;s:10:"image_meta";a:2:{s:6:"credit";'
    's:13:"Seán Photographer";s:7:"caption";s:0:"";}}'
).replace("s:13:", f"s:{len('Seán Photographer'.encode())}:")


def jpeg(colour=(30, 90, 160)):
    output = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(output, "JPEG")
    return output.getvalue()


def attachment(post_id, name, parent=0, alt="", caption="", meta=None):
    return Post(
        post_id,
        title=f"Picture {post_id}",
        post_type="attachment",
        status="inherit",
        excerpt=caption,
        parent=parent,
        link=f"{SITE}/2019/05/harbour-plan/{name.split('.')[0]}/",
        attachment_url=f"{UPLOADS}/2019/05/{name}",
        meta={
            "_wp_attached_file": f"2019/05/{name}",
            **({"_wp_attachment_image_alt": alt} if alt else {}),
            **(meta or {}),
        },
    )


HARBOUR_BODY = "\n".join(
    [
        "The council met on Tuesday.",
        "",
        "It agreed the plan.",
        "Work starts in June.",
        "",
        '[caption id="attachment_101" align="aligncenter" width="300"]'
        f'<a href="{UPLOADS}/2019/05/quay.jpg"><img class="size-medium wp-image-101"'
        f' src="{UPLOADS}/2019/05/quay-300x200.jpg" alt="" /></a>'
        " The quay, <em>before</em> the works.[/caption]",
        "",
        '[gallery ids="102,103"]',
        "",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "",
        '[contact-form-7 id="5" title="Tips"]',
        "",
        "Inline: <img"
        ' src="https://i0.wp.com/old.example.com/wp-content/uploads/2019/05/'
        'boats-1024x768.jpg?resize=1024%2C768" alt="Boats" />',
    ]
)

BLOCK_BODY = "\n".join(
    [
        "<!-- wp:paragraph -->",
        "<p>A block post.</p>",
        "<!-- /wp:paragraph -->",
        "",
        '<!-- wp:image {"id":102,"align":"wide"} -->',
        '<figure class="wp-block-image alignwide">'
        f'<img src="{UPLOADS}/2019/05/net.jpg" alt="" class="wp-image-102"/>'
        "<figcaption>Nets drying.</figcaption></figure>",
        "<!-- /wp:image -->",
        "",
        '<!-- wp:embed {"url":"https://vimeo.com/76979871","type":"video"} -->',
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">',
        "https://vimeo.com/76979871",
        "</div></figure>",
        "<!-- /wp:embed -->",
    ]
)


def build_export(variant="self-hosted"):
    export = Export(variant, site=SITE)
    export.authors = [(1, "jdoe", "Jane Doe"), (2, "mbrown", "Mark Brown")]
    export.categories = [
        (10, "news", "News", ""),
        (11, "sport", "Sport", ""),
        (12, "harbour-news", "Harbour news", "news"),
    ]
    export.tags = [(20, "harbour", "Harbour"), (21, "council", "Council")]
    export.terms = [
        (30, "author", "cap-jdoe", "jdoe"),
        (31, "author", "cap-guest-writer", "guest-writer"),
    ]
    export.items = [
        attachment(100, "harbour.jpg", parent=1, alt="The harbour at dawn",
                   caption="Dawn over the harbour.", meta={
                       "_wp_attachment_metadata": METADATA}),
        attachment(101, "quay.jpg", parent=1, alt="The quay"),
        attachment(102, "net.jpg", parent=1, alt="Nets"),
        attachment(103, "rope.jpg", parent=1, alt="Ropes"),
        attachment(104, "lost.jpg", parent=8, alt="Gone"),
        attachment(106, "boats.jpg", parent=1),
        Post(
            200,
            title="Gráinne Guest",
            post_type="guest-author",
            slug="cap-guest-writer",
            meta={
                "cap-user_login": "guest-writer",
                "cap-display_name": "Gráinne Guest",
                "cap-description": "Gráinne writes about the sea.",
            },
        ),
        Post(
            1,
            title="Harbour plan &#8211; agreed",
            slug="harbour-plan",
            link=f"{SITE}/2019/05/harbour-plan/",
            content=HARBOUR_BODY,
            excerpt="<p>The council agreed the harbour plan.</p>",
            categories=[("sport", "Sport"), ("news", "News")],
            tags=[("harbour", "Harbour"), ("council", "Council")],
            coauthors=["jdoe", "guest-writer"],
            meta={
                "_thumbnail_id": "100",
                "_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%% %%page%%",
                "_yoast_wpseo_metadesc": "All about the %%focuskw%% harbour plan.",
            },
        ),
        Post(2, title="Coming soon", slug="coming-soon", date="2031-01-01 09:00:00",
             status="future", categories=[("news", "News")]),
        Post(3, title="Private note", slug="private-note", status="private"),
        Post(4, title="A draft", slug="a-draft", status="draft",
             categories=[("news", "News")]),
        Post(5, title="For review", slug="for-review", status="pending",
             categories=[("news", "News")], creator="mbrown"),
        Post(6, title="Members only", slug="members-only", password="secret",
             categories=[("news", "News")]),
        Post(
            7,
            title="Привет",
            slug="%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82",
            link=f"{SITE}/2019/05/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82/",
            content="Hello in Russian.",
            categories=[("harbour-news", "Harbour news")],
        ),
        Post(
            8,
            title="Café society",
            slug="caf%c3%a9-society",
            link=f"{SITE}/2019/05/caf%c3%a9-society/",
            content=f'<img class="wp-image-104" src="{UPLOADS}/2019/05/lost.jpg">'
            "\n\nWords stay.",
            categories=[("news", "News")],
            meta={"_thumbnail_id": "104"},
        ),
        Post(9, title="Binned", slug="binned", status="trash"),
        Post(10, title="Blocks", slug="blocks", content=BLOCK_BODY,
             categories=[("news", "News")]),
        # Its featured picture comes later in the file.
        Post(11, title="Late picture", slug="late-picture",
             categories=[("news", "News")], meta={"_thumbnail_id": "105"}),
        Post(50, title="About us", slug="about", post_type="page",
             link=f"{SITE}/about/", content="Who we are.\n\nWhere we are.",
             meta={"_yoast_wpseo_title": "About %%sitename%%"}),
        # A child page under its parent's address; a page whose permalink
        # is plain takes its slugs.
        Post(51, title="Our team", slug="team", post_type="page", parent=50,
             link=f"{SITE}/?page_id=51", content="Jane and Gráinne."),
        # The address of a section here: left out, reported.
        Post(52, title="News", slug="news", post_type="page",
             link=f"{SITE}/news/"),
        attachment(105, "late.jpg", parent=11, alt="Late"),
    ]  # fmt: skip
    return export


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2019/05").mkdir(parents=True)
    for name in ("harbour", "quay", "net", "rope", "late", "boats"):
        (folder / f"2019/05/{name}.jpg").write_bytes(jpeg())
    return folder


@pytest.fixture
def export_file(tmp_path):
    return build_export().write(tmp_path / "export.xml")


def run(export_file, *args):
    out = io.StringIO()
    report = export_file.parent / f"report-{len(list(export_file.parent.glob('r*')))}"
    call_command(
        "import_wordpress", str(export_file), *args, "--report", str(report),
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return json.loads(report.read_text()), out.getvalue()


def article_of(post_id, source="wordpress:old.example.com"):
    record = ImportRecord.objects.get(source=source, kind="post", external_id=post_id)
    return Article.objects.get(pk=record.object_id)


def test_an_export_comes_in_with_statuses_bylines_sections_tags_and_seo(
    export_file, uploads
):
    report, summary = run(export_file, "--media", str(uploads))

    assert Article.objects.count() == 9
    harbour = article_of(1)
    assert harbour.title == "Harbour plan – agreed"
    assert harbour.slug == "harbour-plan"
    assert harbour.is_published()
    assert harbour.standfirst == "The council agreed the harbour plan."
    # The first of its two categories.
    assert harbour.section.slug == "sport"
    assert [b.author.name for b in harbour.ordered_bylines()] == [
        "Jane Doe",
        "Gráinne Guest",
    ]
    assert Author.objects.get(name="Gráinne Guest").bio == (
        "Gráinne writes about the sea."
    )
    assert sorted(harbour.tags.names()) == ["Council", "Harbour"]
    assert harbour.seo_title == "Harbour plan – agreed - The Old Gazette"
    assert harbour.seo_description == "All about the harbour plan."
    assert report["notes"]["yoast"]["examples"][0]["dropped"] == ["focuskw"]

    coming = article_of(2)
    assert coming.status == Article.Status.PUBLISHED
    assert coming.published_at.year == 2031 and not coming.is_published()
    assert article_of(4).status == Article.Status.DRAFT
    assert article_of(5).status == Article.Status.REVIEW
    assert article_of(5).bylines.get().author.name == "Mark Brown"
    members = article_of(6)
    assert members.status == Article.Status.DRAFT
    assert report["notes"]["password"]["examples"][0]["id"] == 6
    skipped = {n["id"]: n["status"] for n in report["notes"]["skipped"]["examples"]}
    assert skipped == {3: "private", 9: "trash"}
    assert not Article.objects.filter(title__in=["Private note", "Binned"]).exists()
    about = Page.objects.get(path="/about/")
    assert (about.title, about.status) == ("About us", Page.Status.PUBLISHED)
    assert about.body == "<p>Who we are.</p>\n<p>Where we are.</p>"
    assert about.seo_title == "About The Old Gazette"
    assert Page.objects.get(path="/about/team/").title == "Our team"
    assert report["notes"]["page_path"]["examples"][0]["id"] == 52
    assert not Page.objects.filter(title="News").exists()
    assert "Shortcodes left as text: 1" in summary

    # Non-ASCII slugs: made ASCII (Latin letters kept), the change reported.
    assert article_of(8).slug == "cafe-society"
    assert article_of(7).slug == "post-7"
    assert article_of(7).section.slug == "harbour-news"
    assert {n["now"] for n in report["notes"]["slug"]["examples"]} >= {
        "cafe-society",
        "post-7",
    }


def test_pictures_become_the_lead_picture_and_body_elements(export_file, uploads):
    report, _ = run(export_file, "--media", str(uploads))

    harbour = article_of(1)
    lead = harbour.lead_image
    assert (lead.alt_text, lead.caption, lead.credit) == (
        "The harbour at dawn",
        "Dawn over the harbour.",
        "Seán Photographer",
    )
    quay = Image.objects.get(alt_text="The quay")
    net, rope = Image.objects.get(alt_text="Nets"), Image.objects.get(alt_text="Ropes")
    body = harbour.body
    assert (
        f'<figure data-element="picture" data-image="{quay.pk}"><figcaption>'
        "The quay, <em>before</em> the works.</figcaption></figure>"
    ) in body
    assert (
        f'<figure data-element="gallery"><figure data-element="picture" '
        f'data-image="{net.pk}"><figcaption></figcaption></figure>'
        f'<figure data-element="picture" data-image="{rope.pk}">'
    ) in body
    assert (
        '<figure data-element="embed" '
        'data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
    ) in body
    assert "<p>It agreed the plan.<br>\nWork starts in June.</p>" in body
    assert '[contact-form-7 id="5" title="Tips"]' in body
    # An inline picture found by its address (a smaller size of it, on a
    # CDN); with no alt text of its own it takes the attachment's title.
    boats = Image.objects.get(alt_text="Picture 106")
    assert f'data-image="{boats.pk}"' in body
    assert {quay.pk, net.pk, rope.pk, boats.pk} <= set(
        harbour.body_references.values_list("image_id", flat=True)
    )
    # Each picture stored once, though the gallery's also appears in a block.
    blocks = article_of(10).body
    assert (
        f'<figure data-element="picture" data-image="{net.pk}" '
        'data-placement="wide"><figcaption>Nets drying.</figcaption></figure>'
    ) in blocks
    assert 'data-url="https://vimeo.com/76979871"' in blocks
    assert "wp:" not in blocks
    assert Image.objects.filter(alt_text="Nets").count() == 1
    # A featured picture further down the file than its post.
    assert article_of(11).lead_image.alt_text == "Late"

    cafe = article_of(8)
    assert cafe.lead_image is None
    assert cafe.body == "<p>Words stay.</p>"
    missing = report["notes"]["missing_picture"]["examples"]
    assert [m["id"] for m in missing] == [104]


def test_pictures_come_in_unencoded_and_wait_for_the_worker(
    export_file, uploads, settings, client
):
    """
    An upright JPEG is stored as it came, without its metadata and with its
    size read from its headers; no rendition is made during the import (the
    page shows the original at its own size) and the worker is queued, which
    then makes them all. Another kind of file is cleaned as an upload is.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "Harbour Camera Co"
    output = io.BytesIO()
    PILImage.new("RGB", (120, 80), (200, 90, 30)).save(output, "JPEG", exif=exif)
    (uploads / "2019/05/harbour.jpg").write_bytes(output.getvalue())
    output = io.BytesIO()
    PILImage.new("RGB", (64, 48), (0, 90, 30)).save(output, "PNG")
    (uploads / "2019/05/quay.jpg").write_bytes(output.getvalue())
    earlier = list(DBTaskResult.objects.values_list("pk", flat=True))

    run(export_file, "--media", str(uploads))

    lead = article_of(1).lead_image
    assert (lead.width, lead.height) == (120, 80)
    assert lead.renditions_status == Image.RenditionsStatus.WAITING
    assert lead.renditions_due_at <= timezone.now()
    assert lead.rendition_index == [] and not lead.renditions.exists()
    stored = lead.file.read()
    assert b"Harbour Camera Co" not in stored
    assert images.strip_jpeg((uploads / "2019/05/harbour.jpg").read_bytes()) == stored
    img = parse(client.get(article_of(1).get_absolute_url())).select_one(
        "article picture img"
    )
    assert img["src"] == lead.file.url
    assert (img["width"], img["height"]) == ("120", "80")
    queued = DBTaskResult.objects.exclude(pk__in=earlier)
    assert "articles.renditions.make_due_renditions" in {
        task.task_path for task in queued
    }
    # Not a JPEG: cleaned (a PNG) with its small JPEG, as an upload.
    quay = Image.objects.get(alt_text="The quay")
    assert quay.file.name.endswith(".png")
    assert quay.renditions.count() == 1

    call_command("make_renditions", "--missing", stdout=io.StringIO())

    lead.refresh_from_db()
    assert lead.renditions_status == Image.RenditionsStatus.READY
    assert not lead.missing_renditions()


def test_an_inline_picture_not_in_the_export_is_taken_from_the_uploads(
    tmp_path, uploads
):
    """
    An <img> of an uploaded file the export names no attachment for comes
    in from --media by its address's path, with the <img>'s alt text, once
    however many posts show it; a second run changes nothing. One outside
    the uploads folder, or whose file is not there, is reported.
    """
    (uploads / "2019/05/stray-300x200.jpg").write_bytes(jpeg())
    stray = f'<img src="{UPLOADS}/2019/05/stray-300x200.jpg?w=300" alt="A stray cat">'
    export = Export(site=SITE)
    export.authors = [(1, "jdoe", "Jane Doe")]
    export.items = [
        Post(1, title="Strays", slug="strays", content=f"One.\n\n{stray}"),
        Post(2, title="Again", slug="again", content=f"Two.\n\n{stray}"),
        Post(
            3,
            title="Elsewhere",
            slug="elsewhere",
            content='<img src="https://elsewhere.example.org/cat.jpg">\n\n'
            f'<img src="{UPLOADS}/2019/05/gone.jpg">',
        ),
    ]
    path = export.write(tmp_path / "export.xml")

    report, _ = run(path, "--media", str(uploads))

    picture = Image.objects.get()
    assert picture.alt_text == "A stray cat"
    assert (picture.width, picture.height) == (64, 48)
    for post_id in (1, 2):
        assert f'data-image="{picture.pk}"' in article_of(post_id).body
    assert article_of(3).body == ""
    outside = report["notes"]["not_in_export"]["examples"]
    assert [n["src"] for n in outside] == ["https://elsewhere.example.org/cat.jpg"]
    missing = report["notes"]["missing_picture"]["examples"]
    assert [n["id"] for n in missing] == ["file:2019/05/gone.jpg"]

    report, _ = run(path, "--media", str(uploads))
    assert report["counts"] == {"unchanged": 3}
    assert Image.objects.count() == 1


def test_old_permalinks_and_query_addresses_answer_301(export_file, uploads, client):
    run(export_file, "--media", str(uploads))
    harbour = article_of(1)
    cafe = article_of(8)
    russian = article_of(7)

    for old, article in [
        ("/2019/05/harbour-plan/", harbour),
        ("/?p=1", harbour),
        ("/2019/05/caf%C3%A9-society/", cafe),
        ("/?p=8", cafe),
        ("/2019/05/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/", russian),
        ("/2019/05/harbour-plan/harbour/", harbour),  # its attachment page
        ("/?attachment_id=101", harbour),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == article.get_absolute_url(), old

    for old, target in [("/?page_id=50", "/about/"), ("/?page_id=51", "/about/team/")]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == target, old
    assert client.get("/about/team/").status_code == 200

    sport = Section.objects.get(slug="sport")
    harbour_tag = Tag.objects.get(name="Harbour")
    jane = Author.objects.get(name="Jane Doe")
    guest = Author.objects.get(name="Gráinne Guest")
    for old, target in [
        ("/category/sport/", sport.get_absolute_url()),
        ("/?cat=11", sport.get_absolute_url()),
        ("/category/news/harbour-news/", "/harbour-news/"),
        ("/tag/harbour/", f"/tags/{harbour_tag.slug}/"),
        ("/author/jdoe/", jane.get_absolute_url()),
        ("/?author=1", jane.get_absolute_url()),
        ("/author/guest-writer/", guest.get_absolute_url()),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == target, old


def everything_imported():
    return {
        "articles": list(Article.objects.values_list("pk", "updated_at", "body")),
        "bylines": list(ArticleAuthor.objects.values_list("pk", flat=True)),
        "images": list(Image.objects.values_list("pk", "alt_text", "credit")),
        "redirects": list(Redirect.objects.values_list("pk", "old_path")),
        "authors": Author.objects.count(),
        "sections": Section.objects.count(),
        "tags": Tag.objects.count(),
        "records": list(ImportRecord.objects.values_list("pk", "fingerprint")),
        "pages": list(Page.objects.values_list("pk", "updated_at", "body")),
    }


def test_a_second_run_changes_nothing(export_file, uploads):
    run(export_file, "--media", str(uploads))
    before = everything_imported()

    report, _ = run(export_file, "--media", str(uploads))

    assert report["counts"]["unchanged"] == 11
    assert "created" not in report["counts"] and "updated" not in report["counts"]
    assert everything_imported() == before


def test_a_run_writes_what_changed_in_wordpress_but_not_what_editors_changed_here(
    tmp_path, uploads
):
    export = build_export()
    path = export.write(tmp_path / "export.xml")
    run(path, "--media", str(uploads))
    edited = article_of(4)
    edited.title = "A draft, rewritten here"
    edited.save()
    posts = {post.post_id: post for post in export.items}
    posts[1].title = "Harbour plan: agreed at last"
    posts[4].title = "A draft, changed there"
    export.items.append(
        Post(12, title="Brand new", slug="brand-new", categories=[("news", "News")])
    )
    export.write(path)

    report, _ = run(path, "--media", str(uploads))

    assert report["counts"]["updated"] == 1
    assert report["counts"]["created"] == 1
    assert report["counts"]["edited_here"] == 1
    assert article_of(1).title == "Harbour plan: agreed at last"
    assert article_of(1).bylines.count() == 2
    assert article_of(4).title == "A draft, rewritten here"
    assert article_of(12).title == "Brand new"
    assert Article.objects.count() == 10


def test_an_interrupted_run_resumes_without_duplicates(export_file, uploads):
    first, _ = run(export_file, "--media", str(uploads), "--limit", "3")
    assert Article.objects.count() == 3
    assert first["counts"]["stopped_at_limit"] == 1

    second, _ = run(export_file, "--media", str(uploads))

    assert second["counts"]["unchanged"] == 3
    assert second["counts"]["created"] == 6 + 2
    assert Article.objects.count() == 9
    assert Image.objects.filter(alt_text="The harbour at dawn").count() == 1
    assert Redirect.objects.filter(old_path="/?p=1").count() == 1


def test_the_wordpress_com_variant_reads_the_same(tmp_path, uploads):
    path = build_export("wordpress.com").write(tmp_path / "export.xml")
    run(path, "--media", str(uploads))
    harbour = article_of(1)
    assert harbour.title == "Harbour plan – agreed"
    assert harbour.lead_image.credit == "Seán Photographer"
    assert len(harbour.ordered_bylines()) == 2
    assert Article.objects.count() == 9


def test_a_mapping_file_chooses_the_sections(export_file, uploads, tmp_path):
    mapping = tmp_path / "sections.toml"
    mapping.write_text(
        'default = "news"\n[categories]\nsport = "local"\nharbour-news = "local"\n'
    )
    run(export_file, "--media", str(uploads), "--sections", str(mapping))
    assert article_of(1).section.slug == "local"
    assert article_of(7).section.slug == "local"
    assert article_of(4).section.slug == "news"
    assert not Section.objects.filter(slug="sport").exists()


def test_pictures_come_over_https_and_a_missing_one_is_reported(
    export_file, tmp_path, settings
):
    cert, key = certificate(tmp_path)
    server = ProviderServer(cert, key).start()
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", server.server_address[1])]
    settings.EMBED_FETCH_CA_FILE = str(cert)
    for name in ("harbour", "quay", "net", "rope", "late", "boats"):
        server.answers[f"/uploads/2019/05/{name}.jpg"] = Answer(
            body=jpeg(), headers={"Content-Type": "image/jpeg"}
        )
    try:
        report, _ = run(
            export_file, "--media-url-base", f"{server.origin}/uploads/",
            "--media-concurrency", "2",
        )  # fmt: skip
    finally:
        server.stop()
    assert article_of(1).lead_image.alt_text == "The harbour at dawn"
    assert Image.objects.count() == 6
    missing = report["notes"]["missing_picture"]["examples"]
    assert [m["id"] for m in missing] == [104]
    assert "answered 404" in missing[0]["why"]


def test_a_dry_run_writes_nothing(export_file, uploads):
    report, summary = run(export_file, "--media", str(uploads), "--dry-run")
    assert report["counts"]["created"] == 9 + 2
    assert summary.startswith("Dry run (nothing written)")
    assert not Page.objects.exists()
    assert not Article.objects.exists()
    assert not Redirect.objects.exists()
    assert not ImportRecord.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "No such file"),
        ("<html><body>Not an export</body></html>", "not a WordPress export"),
        ('<rss version="2.0"><channel><title>Feed</title></channel></rss>',
         "not a WordPress export"),
        ('<rss version="2.0"><channel><item><title>Broken', "not well-formed XML"),
    ],
)  # fmt: skip
def test_bad_input_stops_with_one_line_saying_why(tmp_path, text, message):
    path = tmp_path / "export.xml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_wordpress", str(path), stdout=io.StringIO())
    assert "\n" not in str(raised.value)
    assert not Article.objects.exists()


def test_a_bad_mapping_file_stops_with_one_line(export_file, tmp_path):
    mapping = tmp_path / "sections.toml"
    mapping.write_text("[categories\n")
    with pytest.raises(CommandError, match="not valid TOML"):
        call_command(
            "import_wordpress", str(export_file), "--sections", str(mapping),
            stdout=io.StringIO(),
        )  # fmt: skip


def test_autop_makes_paragraphs_and_keeps_blocks():
    body = content.autop("One\ntwo\n\n<h2>Head</h2>\nThree\n\n<ul><li>a</li></ul>")
    assert body == (
        "<p>One<br>\ntwo</p>\n<h2>Head</h2>\n<p>Three</p>\n<ul>\n<li>a</li>\n</ul>"
    )


def test_an_edited_article_keeps_its_timestamp_check(export_file, uploads):
    """An import never stamps articles with the time of the run."""
    run(export_file, "--media", str(uploads))
    harbour = article_of(1)
    assert harbour.updated_at - harbour.published_at < timedelta(minutes=1)
    assert harbour.created_at < timezone.now() - timedelta(days=365)


def test_a_progress_line_shows_counts_and_time_left(export_file, uploads):
    errors = io.StringIO()
    call_command(
        "import_wordpress", str(export_file), "--media", str(uploads),
        verbosity=2, stdout=io.StringIO(), stderr=errors,
    )  # fmt: skip
    # One line, written over as it goes, ended once at the end.
    assert errors.getvalue().count("\n") == 1
    last = errors.getvalue().rsplit("\r", 1)[-1]
    assert last.startswith("14/14 items · ")
    assert "s left · 11 new, 0 updated, 0 unchanged, 3 skipped" in last


def test_posts_go_in_with_a_number_of_queries_that_does_not_grow_with_them(
    tmp_path, django_assert_max_num_queries
):
    export = Export(site=SITE)
    export.authors = [(1, "jdoe", "Jane Doe")]
    export.items = [
        Post(
            n,
            title=f"Story {n}",
            slug=f"story-{n}",
            link=f"{SITE}/2020/01/story-{n}/",
            content="One.\n\nTwo.",
            categories=[("news", "News")],
            tags=[("harbour", "Harbour")],
        )
        for n in range(1, 151)
    ]
    path = export.write(tmp_path / "export.xml")
    # Fewer queries than posts: sections, authors and tags are looked up once
    # each, and each batch is written in bulk.
    with django_assert_max_num_queries(40):
        call_command("import_wordpress", str(path), stdout=io.StringIO())
    assert Article.objects.count() == 150
    assert Redirect.objects.count() == 2 * 150 + 4


class BusyOnceHandler(Handler):
    """Answers 503 to the first request for each path, then as configured."""

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path not in self.server.seen:
            self.server.seen.add(path)
            self.server.requests.append(self.path)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def test_a_picture_server_that_is_busy_is_asked_again(export_file, tmp_path, settings):
    cert, key = certificate(tmp_path)
    server = ProviderServer(cert, key)
    server.RequestHandlerClass = BusyOnceHandler
    server.seen = set()
    server.start()
    settings.EMBED_FETCH_ALLOWED_ADDRESSES = [("127.0.0.1", server.server_address[1])]
    settings.EMBED_FETCH_CA_FILE = str(cert)
    for name in ("harbour", "quay", "net", "rope", "late", "boats"):
        server.answers[f"/uploads/2019/05/{name}.jpg"] = Answer(body=jpeg())
    try:
        run(export_file, "--media-url-base", f"{server.origin}/uploads/")
    finally:
        server.stop()
    assert article_of(1).lead_image.alt_text == "The harbour at dawn"
    assert Image.objects.count() == 6
    asked = [path for path in server.requests if path.endswith("harbour.jpg")]
    assert len(asked) == 2
