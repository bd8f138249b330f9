"""The image pipeline: checked uploads, clean originals, renditions, cleanup."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageChops, ImageCms

from articles import images
from articles.models import Article, Image, Rendition, prefetch_renditions
from tests.factories import (
    image_bytes,
    image_upload,
    jpeg_with_exif,
    make_article,
    make_editor,
    make_image,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def shape_files(width, height):
    """How many files the fixed shapes make of a `width` × `height` picture."""
    total = 0
    for shape in images.SHAPES:
        left, _, right, _ = images.crop_box(width, height, shape.ratio, 0.5, 0.5)
        total += len(images.shape_sizes(right - left, shape)) * len(shape.formats)
    return total


def post_image(client, file, **data):
    payload = {
        "file": file,
        "alt_text": "Boats in the harbour at dawn",
        "caption": "Fishing boats return to Howth.",
        "credit": "Jane Photographer",
        "focal_point_x": "0.5",
        "focal_point_y": "0.5",
        **data,
    }
    return client.post(reverse("admin:articles_image_add"), payload)


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def svg_bytes():
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        b'width="10" height="10"><script>alert(1)</script></svg>'
    )


@pytest.mark.parametrize(
    ("name", "data", "overrides", "message"),
    [
        (
            "notes.jpg",
            b"Minutes of the council meeting, not a picture.\n" * 20,
            {},
            "This file is not a picture.",
        ),
        ("logo.svg", svg_bytes(), {}, "SVG drawings are not accepted"),
        ("logo.jpg", svg_bytes(), {}, "SVG drawings are not accepted"),
        (
            "big.jpg",
            image_bytes(400, 300),
            {"IMAGE_MAX_UPLOAD_BYTES": 1000},
            "pictures may be at most 1000",
        ),
        (
            "bomb.png",
            image_bytes(1200, 1000, "PNG"),
            {"IMAGE_MAX_PIXELS": 1_000_000},
            "too many pixels to process safely (at most 1 million)",
        ),
        (
            "bigger-bomb.png",
            image_bytes(3000, 3000, "PNG"),
            {"IMAGE_MAX_PIXELS": 1_000_000},
            "too many pixels to process safely",
        ),
        (
            "cut-short.jpg",
            image_bytes(800, 600)[:2000],
            {},
            "damaged or incomplete",
        ),
        ("scan.bmp", image_bytes(40, 30, "BMP"), {}, "This is a BMP file."),
    ],
    ids=[
        "text",
        "svg",
        "svg-renamed",
        "too-large",
        "bomb",
        "bomb-error",
        "truncated",
        "bmp",
    ],
)
def test_bad_upload_gets_a_clear_error_and_stores_nothing(
    editor_client, settings, name, data, overrides, message
):
    """Refused uploads show why, keep what was typed, and leave no row or file."""
    for key, value in overrides.items():
        setattr(settings, key, value)
    response = post_image(editor_client, upload(name, data))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["file"])
    assert "Boats in the harbour at dawn" in response.content.decode()
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files() == []


def test_caption_credit_and_alt_text_are_required_on_upload(editor_client):
    """An upload without alt text, caption or credit is refused field by field."""
    response = post_image(
        editor_client,
        upload("photo.jpg", image_bytes(800, 600)),
        alt_text="",
        caption="",
        credit="",
    )
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"alt_text", "caption", "credit"}
    assert not Image.objects.exists()
    assert stored_files() == []


def test_uploaded_photo_is_stored_upright_without_exif_and_with_renditions(
    editor_client,
):
    """
    A camera JPEG turned by its EXIF orientation is stored rotated upright,
    with no EXIF, GPS or comment, and gets AVIF, WebP and JPEG renditions at
    every standard width up to its own, never larger.
    """
    response = post_image(editor_client, upload("camera.jpg", jpeg_with_exif()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 2000)  # orientation 6: a quarter turn
    assert image.uploaded_by.username == "editor"
    with PILImage.open(image.file.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1000, 2000)
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert "comment" not in stored.info
        # Turned clockwise: the red left half of the sensor is now on top.
        assert stored.getpixel((500, 100))[0] > 150
        assert stored.getpixel((500, 1900))[2] > 150
    made = sorted(
        (r.format, r.width, r.height) for r in image.renditions.filter(shape="")
    )
    assert made == sorted(
        (fmt, width, width * 2)
        for fmt in images.RENDITION_FORMATS
        for width in (400, 800)
    )
    for rendition in image.renditions.all():
        with PILImage.open(rendition.file.path) as encoded:
            assert encoded.format.lower() == rendition.format
            assert encoded.size == (rendition.width, rendition.height)
            assert not encoded.getexif()


@pytest.mark.parametrize(
    "layout",
    [{}, {"progressive": True}, {"restart_marker_rows": 1}],
    ids=["baseline", "progressive", "restart-markers"],
)
def test_an_upright_jpeg_keeps_its_coded_pixels_and_loses_its_metadata(layout):
    """
    An upright JPEG is stored without EXIF (GPS, camera), XMP, comment or
    anything after its end, with its colour profile, and decodes to exactly
    the uploaded pixels: its coded data is copied, not encoded again.
    """
    noise = PILImage.effect_noise((640, 480), 60)
    picture = PILImage.merge("RGB", (noise, noise.rotate(90), noise.transpose(0)))
    exif = PILImage.Exif()
    exif[0x010F] = "Harbour Camera Co."
    exif[0x8825] = {1: "N", 2: (53.0, 20.0, 0.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    picture.save(
        buffer,
        "JPEG",
        quality=85,
        exif=exif,
        icc_profile=icc,
        comment=b"shot from the pier",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret place</x:xmpmeta>",
        **layout,
    )
    # Some cameras append more after the end of the image.
    uploaded = buffer.getvalue() + b"appended after the end"

    image = make_image(file=upload("pier.jpg", uploaded))

    stored = Path(image.file.path).read_bytes()
    assert stored.endswith(b"\xff\xd9")
    for secret in (
        b"Exif",
        b"Harbour Camera",
        b"from the pier",
        b"xmpmeta",
        b"appended",
    ):
        assert secret in uploaded and secret not in stored
    with (
        PILImage.open(image.file.path) as kept,
        PILImage.open(io.BytesIO(uploaded)) as sent,
    ):
        assert not kept.getexif()
        assert kept.info.get("icc_profile") == icc
        assert (
            ImageChops.difference(kept.convert("RGB"), sent.convert("RGB")).getbbox()
            is None
        )
    assert (image.width, image.height) == (640, 480)
    assert len(stored) < len(uploaded)


def test_renditions_cover_all_widths_and_keep_the_aspect_ratio():
    """A 3000×2000 picture gets 400, 800, 1200 and 1600 wide copies at 3:2."""
    image = make_image(file=image_upload("wide.jpg", 3000, 2000))
    own_shape = image.renditions.filter(shape="")
    sizes = {(r.width, r.height) for r in own_shape}
    assert sizes == {(400, 267), (800, 533), (1200, 800), (1600, 1067)}
    assert own_shape.count() == 4 * len(images.RENDITION_FORMATS)


def test_avif_for_phones_is_encoded_with_more_care_than_the_wider_sizes(monkeypatch):
    """
    The widths phones get (up to 800) go out as AVIF at encoder speed 7, the
    wider ones at 8; WebP and JPEG are the same at every width.
    """
    assert images.encoder_options("avif", 400)["speed"] == 7
    assert images.encoder_options("avif", 800)["speed"] == 7
    assert images.encoder_options("avif", 1200)["speed"] == 8
    for fmt in ("webp", "jpeg"):
        assert images.encoder_options(fmt, 400) == images.encoder_options(fmt, 1600)
    source = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), "teal").save(source, "JPEG")
    saved = []
    original_save = PILImage.Image.save

    def save(picture, buffer, **options):
        saved.append((picture.width, options["format"], options.get("speed")))
        return original_save(picture, buffer, **options)

    monkeypatch.setattr(PILImage.Image, "save", save)
    images.encode_renditions(source, formats=("avif",))
    assert saved == [
        (1600, "AVIF", 8),
        (1200, "AVIF", 8),
        (800, "AVIF", 7),
        (400, "AVIF", 7),
    ]


def test_narrow_picture_gets_one_rendition_at_its_own_width():
    """A picture narrower than 400 pixels is never enlarged."""
    image = make_image(file=image_upload("small.jpg", 300, 200))
    own_shape = image.renditions.filter(shape="")
    assert {(r.format, r.width, r.height) for r in own_shape} == {
        (fmt, 300, 200) for fmt in images.RENDITION_FORMATS
    }


def test_transparent_png_keeps_alpha_in_webp_and_gets_white_behind_jpeg():
    """PNG originals stay lossless PNG; JPEG renditions have no transparency."""
    buffer = io.BytesIO()
    PILImage.new("RGBA", (500, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    image = make_image(file=upload("logo.png", buffer.getvalue(), "image/png"))
    assert image.file.name.endswith(".png")
    jpeg = image.renditions.get(shape="", format="jpeg")
    webp = image.renditions.get(shape="", format="webp")
    with PILImage.open(jpeg.file.path) as encoded:
        assert encoded.mode == "RGB"
        assert encoded.getpixel((10, 10)) == (255, 255, 255)
    with PILImage.open(webp.file.path) as encoded:
        assert encoded.mode == "RGBA"


def test_cmyk_jpeg_is_stored_as_rgb():
    """Print-ready CMYK JPEGs become RGB, which every browser shows right."""
    buffer = io.BytesIO()
    PILImage.new("CMYK", (500, 300), (0, 255, 255, 0)).save(buffer, "JPEG")
    image = make_image(file=upload("print.jpg", buffer.getvalue()))
    with PILImage.open(image.file.path) as stored:
        assert stored.mode == "RGB"
        red, green, blue = stored.getpixel((10, 10))
        assert red > 200 and green < 60 and blue < 60


def test_objects_create_refuses_a_non_picture_and_stores_nothing():
    """Code paths outside the admin get the same refusal, as an exception."""
    with pytest.raises(ValidationError, match="not a picture"):
        Image.objects.create(
            file=upload("x.jpg", b"plain text, not an image"), alt_text="x"
        )
    assert not Image.objects.exists()
    assert stored_files() == []


def test_new_file_rebuilds_renditions_and_removes_the_old_files(
    django_capture_on_commit_callbacks,
):
    """Replacing the picture replaces its renditions and deletes the old files."""
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image(file=image_upload("first.jpg", 1600, 900))
    old_files = stored_files()
    assert len(old_files) == 1 + 4 * len(images.RENDITION_FORMATS) + shape_files(
        1600, 900
    )
    with django_capture_on_commit_callbacks(execute=True):
        image.file = image_upload("second.jpg", 900, 600)
        image.save()
    image.refresh_from_db()
    assert (image.width, image.height) == (900, 600)
    assert {r.width for r in image.renditions.filter(shape="")} == {400, 800}
    new_files = stored_files()
    assert not set(old_files) & set(new_files)
    assert len(new_files) == 1 + 2 * len(images.RENDITION_FORMATS) + shape_files(
        900, 600
    )


def test_saving_without_a_new_file_keeps_the_renditions():
    """Editing the caption leaves the renditions alone."""
    image = make_image()
    before = set(image.renditions.values_list("pk", flat=True))
    image = Image.objects.get(pk=image.pk)
    image.caption = "A new caption."
    image.save()
    assert set(image.renditions.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_an_image_deletes_its_files(how, django_capture_on_commit_callbacks):
    """Original and renditions disappear from storage with the row."""
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image()  # its small JPEG goes when the full set commits
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "instance":
            image.delete()
        else:
            Image.objects.filter(pk=image.pk).delete()
    assert not Rendition.objects.exists()
    assert stored_files() == []


def test_picture_methods_read_the_stored_sources_without_queries(
    django_assert_num_queries,
):
    """
    srcset, sources and the fallback come from the picture's stored sources,
    loaded with it by ArticleQuerySet.for_listing, which leaves the rendition
    index in the database: no query of their own.
    """
    make_article(lead_image=make_image(file=image_upload("lead.jpg", 2000, 1000)))
    article = Article.objects.for_listing().get()
    with django_assert_num_queries(0):
        image = article.lead_image
        jpeg = image.jpeg_srcset
        sources = image.sources
        url, width, height = image.fallback()
        card = image.in_shape("card")
        card_fallback = (card.fallback_url, card.width, card.height)
        image.rendition_signature()
    assert "rendition_index" in image.get_deferred_fields()
    urls = [part.split(" ") for part in jpeg.split(", ")]
    assert [width for _, width in urls] == ["400w", "800w", "1200w", "1600w"]
    assert all(u.startswith(settings.MEDIA_URL) and u.endswith(".jpg") for u, _ in urls)
    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    assert sources[1]["srcset"] == image.srcset("webp")
    assert (width, height) == (800, 400)
    assert url == image.fallback_url and url.endswith(".jpg")
    assert card_fallback[1:] == (800, 533)


def test_listed_pictures_whose_stored_sources_do_not_hold_share_one_query(
    settings, django_assert_num_queries
):
    """
    Read without their index (ArticleQuerySet.for_listing), pictures whose
    stored sources were made under another recipe read their renditions,
    all of them in one query (prefetch_renditions).
    """
    for _ in range(3):
        make_article(lead_image=make_image())
    settings.MEDIA_URL = "https://media.example.ie/"
    pictures = [article.lead_image for article in Article.objects.for_listing()]
    with django_assert_num_queries(1):
        prefetch_renditions(pictures)
        for picture in pictures:
            assert picture.webp_srcset.startswith("https://media.example.ie/")
            assert picture.in_shape("card").fallback_url
            assert picture.rendition_signature()


def test_making_renditions_records_their_index_on_the_picture():
    image = make_image(file=image_upload("wide.jpg", 900, 600))
    stored = Image.objects.get(pk=image.pk).rendition_index
    rows = image.renditions.order_by("shape", "format", "width")
    assert stored == [[r.shape, r.format, r.width, r.height, r.file.name] for r in rows]
    assert ["", "jpeg", 800, 533] in [entry[:4] for entry in stored]


def test_making_renditions_stores_each_shapes_srcsets_and_img_jpeg():
    """
    The srcset of every format and the <img> JPEG of the whole picture and
    of each crop are written on the picture with its renditions, and pages
    read them as they are, building nothing from the renditions.
    """
    image = make_image(file=image_upload("lead.jpg", 2000, 1000))
    built = Image.objects.get(pk=image.pk)
    built.picture_sources = None
    expected = (
        built.avif_srcset,
        built.webp_srcset,
        built.jpeg_srcset,
        built.fallback_url,
        built.in_shape("card").fallback_url,
        (built.in_shape("card").width, built.in_shape("card").height),
    )
    stored = Image.objects.get(pk=image.pk)
    assert set(stored.picture_sources["shapes"]) == {"", "card", "share"}
    card = stored.in_shape("card")
    shown = (
        stored.avif_srcset,
        stored.webp_srcset,
        stored.jpeg_srcset,
        stored.fallback_url,
        card.fallback_url,
        (card.width, card.height),
    )
    assert shown == expected
    assert "_shown_renditions" not in stored.__dict__


def test_stored_sources_made_for_another_media_url_are_not_used(settings):
    """A moved media host shows at once, before the renditions are made again."""
    image = make_image()
    settings.MEDIA_URL = "https://media.example.ie/"
    image = Image.objects.get(pk=image.pk)
    assert image.webp_srcset.startswith("https://media.example.ie/")
    assert image.fallback_url.startswith("https://media.example.ie/")


def test_a_rendition_changed_one_by_one_makes_the_index_unknown():
    """
    Renditions written outside make_renditions are read from the table
    again: the recorded index could no longer be trusted.
    """
    image = make_image()
    image.renditions.filter(format="avif").delete()
    reloaded = Image.objects.get(pk=image.pk)
    assert reloaded.rendition_index is None
    assert reloaded.picture_sources is None
    assert reloaded.avif_srcset == ""
    assert reloaded.webp_srcset


def test_picture_methods_fetch_renditions_once_without_an_index(
    django_assert_num_queries,
):
    """Without an index the picture methods share one query per image."""
    image = make_image()
    Image.objects.filter(pk=image.pk).update(rendition_index=None)
    image = Image.objects.get(pk=image.pk)
    with django_assert_num_queries(1):
        assert image.webp_srcset
        assert image.avif_srcset
        assert image.fallback_url
        assert image.thumbnail_rendition.width == 400


def test_a_whole_picture_and_its_card_crop_choose_their_img_jpeg_by_one_rule(
    monkeypatch,
):
    """
    The <img src> JPEG is the widest rendition at most FALLBACK_WIDTH wide,
    for the whole picture and for a shape alike: one rule, one setting.
    """
    image = make_image(file=image_upload("lead.jpg", 2000, 1000))
    card = image.in_shape("card")
    assert card is not image
    assert image.fallback_rendition.width == 800
    assert card.fallback_rendition.width == 800
    monkeypatch.setattr(images, "FALLBACK_WIDTH", 1200)
    assert image.fallback_rendition.width == 1200
    assert card.fallback_rendition.width == 1200
    assert (card.width, card.height) == (1200, 800)


def test_a_stored_rendition_makes_its_file_only_when_asked():
    from django.core.files.storage import default_storage

    from articles.models.renditions import StoredRendition

    name = "renditions/2026/12/harbour-card-400.jpg"
    rendition = StoredRendition("card", "jpeg", 400, 225, name)
    assert "file" not in vars(rendition)
    assert rendition.file.name == name
    assert rendition.file.url == default_storage.url(name)
