"""Focal points: set by a click on the picture, kept inside every fixed-shape crop."""

import io

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles import images
from articles.models import Image
from tests.factories import make_article, make_editor, make_image, upload
from tests.html import form_data, parse

pytestmark = pytest.mark.django_db

FOCAL_POINTS = [
    (0.0, 0.0),
    (1.0, 0.0),
    (0.0, 1.0),
    (1.0, 1.0),
    (0.5, 0.5),
    (0.9, 0.1),
    (0.05, 0.7),
    (0.33, 0.999),
]
SHAPES = {shape.name: shape for shape in images.SHAPES}
PICTURE_SIZES = [(3000, 2000), (2000, 3000), (1000, 1000), (4000, 1000), (600, 2400)]


@pytest.mark.parametrize("shape", images.SHAPES, ids=lambda shape: shape.name)
@pytest.mark.parametrize(("width", "height"), PICTURE_SIZES)
@pytest.mark.parametrize(("focal_x", "focal_y"), FOCAL_POINTS)
def test_crop_box_has_the_shape_and_keeps_the_focal_point_inside(
    shape, width, height, focal_x, focal_y
):
    """
    Whatever the picture's proportions and wherever its focal point (corners
    included), the crop lies inside the picture, has the shape's aspect
    ratio, is as large as the picture allows, and contains the focal point.
    """
    left, top, right, bottom = images.crop_box(
        width, height, shape.ratio, focal_x, focal_y
    )
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    ratio_w, ratio_h = shape.ratio
    assert abs((right - left) / (bottom - top) - ratio_w / ratio_h) < 0.01
    assert (right - left) == width or (bottom - top) == height
    assert left <= focal_x * width <= right
    assert top <= focal_y * height <= bottom


def picture_with_a_red_spot(width, height, spot_x, spot_y, radius=40):
    """A grey JPEG with a red square centred on (spot_x, spot_y)."""
    picture = PILImage.new("RGB", (width, height), (128, 128, 128))
    box = (spot_x - radius, spot_y - radius, spot_x + radius, spot_y + radius)
    picture.paste((220, 0, 0), box)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    return upload("spot.jpg", buffer.getvalue())


def is_red(pixel):
    red, green, blue = pixel[:3]
    return red > 170 and green < 70 and blue < 70


@pytest.mark.parametrize(
    ("width", "height", "focal_x", "focal_y"),
    [(3000, 1000, 0.9, 0.1), (1000, 2500, 0.2, 0.95), (1600, 1600, 0.5, 0.02)],
)
def test_saved_picture_gets_card_and_sharing_crops_showing_its_focal_point(
    width, height, focal_x, focal_y
):
    """
    Saving a picture makes 3:2 card renditions and a 1200 × 630 JPEG sharing
    image, each cut so that the spot at the focal point is in the frame (a
    centred crop would cut it off).
    """
    spot = (round(focal_x * width), round(focal_y * height))
    image = make_image(
        file=picture_with_a_red_spot(width, height, *spot),
        focal_point_x=focal_x,
        focal_point_y=focal_y,
    )
    cards = image.renditions.filter(shape="card")
    assert {r.format for r in cards} == set(images.RENDITION_FORMATS)
    share = image.renditions.get(shape="share")
    assert (share.format, share.width, share.height) == ("jpeg", 1200, 630)
    for rendition in [*cards.filter(format="jpeg"), share]:
        left, top, right, bottom = images.crop_box(
            width, height, SHAPES[rendition.shape].ratio, focal_x, focal_y
        )
        scale = rendition.width / (right - left)
        at = (
            min(round((spot[0] - left) * scale), rendition.width - 1),
            min(round((spot[1] - top) * scale), rendition.height - 1),
        )
        with PILImage.open(rendition.file.path) as encoded:
            assert encoded.size == (rendition.width, rendition.height)
            assert is_red(encoded.getpixel(at)), (rendition, at)
    centred = images.crop_box(width, height, (1200, 630), 0.5, 0.5)
    assert not (
        centred[0] <= spot[0] - 40
        and spot[0] + 40 <= centred[2]
        and centred[1] <= spot[1] - 40
        and spot[1] + 40 <= centred[3]
    ), "the spot must be outside a centred crop for this test to mean anything"


def test_moving_the_focal_point_cuts_the_crops_again_and_keeps_the_rest():
    """
    A new focal point remakes only the fixed-shape renditions; the picture's
    own-shape renditions stay as they were.
    """
    image = make_image(file=picture_with_a_red_spot(3000, 1000, 150, 500))
    own = set(image.renditions.filter(shape="").values_list("pk", flat=True))
    shaped = set(image.renditions.exclude(shape="").values_list("pk", flat=True))
    image = Image.objects.get(pk=image.pk)
    image.focal_point_x = 0.05
    image.save()
    assert set(image.renditions.filter(shape="").values_list("pk", flat=True)) == own
    remade = image.renditions.exclude(shape="")
    assert not set(remade.values_list("pk", flat=True)) & shaped
    share = remade.get(shape="share")
    with PILImage.open(share.file.path) as encoded:
        # The crop now starts at the left edge, where the spot is.
        assert is_red(encoded.getpixel((round(150 * 630 / 1000), 315)))


def test_clicking_the_picture_on_its_admin_page_sets_the_focal_point(client):
    """
    The picture on the image's change form is an <input type="image">: the
    browser sends where it was clicked, the focal point becomes that spot as
    fractions of the picture, the crops are cut around it, and the editor
    stays on the page.
    """
    client.force_login(make_editor())
    image = make_image(file=picture_with_a_red_spot(1600, 1000, 1400, 100))
    url = reverse("admin:articles_image_change", args=[image.pk])
    response = client.get(url)
    page = parse(response)
    picker = page.select_one('form input[type="image"][name="focal_point"]')
    assert picker["width"] == "800" and picker["height"] == "500"
    # Enter in a text field presses the form's first button: Save, not the picture.
    first_button = page.select_one(
        'form#image_form input[type="submit"], form#image_form input[type="image"]'
    )
    assert first_button["name"] == "_save"
    data = form_data(response, "form#image_form")
    data.update({"focal_point.x": "700", "focal_point.y": "50"})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    image.refresh_from_db()
    assert (image.focal_point_x, image.focal_point_y) == (0.875, 0.1)
    card = image.renditions.get(shape="card", format="jpeg", width=800)
    with PILImage.open(card.file.path) as encoded:
        # Box 1500 × 1000 from x = 100: the spot at 1400, 100 is at 700, 53.
        assert is_red(encoded.getpixel((round(1300 * 800 / 1500), 53)))


def test_sharing_tags_point_to_the_1200_by_630_crop(client, settings):
    """og:image and twitter:image are the 1200 × 630 JPEG, with its size given."""
    settings.SITE_URL = "https://news.example.org"
    image = make_image(file=picture_with_a_red_spot(1600, 1200, 800, 600))
    article = make_article(lead_image=image)
    page = parse(client.get(article.get_absolute_url()))
    og_image = page.select_one('meta[property="og:image"]')["content"]
    share = image.renditions.get(shape="share")
    assert og_image == "https://news.example.org" + share.file.url
    assert page.select_one('meta[name="twitter:image"]')["content"] == og_image
    assert page.select_one('meta[property="og:image:width"]')["content"] == "1200"
    assert page.select_one('meta[property="og:image:height"]')["content"] == "630"
    with PILImage.open(share.file.path) as encoded:
        assert encoded.size == (1200, 630)


def test_cards_show_the_3_by_2_crop_without_inline_style(client):
    """
    Article cards use the card renditions (3:2, cut around the focal point)
    with their own width and height; the page needs no style attribute.
    """
    make_article(
        lead_image=make_image(file=picture_with_a_red_spot(2000, 800, 100, 400))
    )
    response = client.get(reverse("articles:home"))
    page = parse(response)
    card_image = page.select_one(".card__image img")
    assert "-card-" in card_image["src"]
    assert (card_image["width"], card_image["height"]) == ("800", "533")
    for source in page.select_one(".card__image").select("source"):
        assert all("-card-" in part for part in source["srcset"].split(", "))
    assert not page.select("[style]")
    assert "style-src 'self'" in response["Content-Security-Policy"]
