"""
Image pipeline: checking uploads, cleaning originals, encoding renditions.

Plain functions on files and Pillow images. When a picture is saved
(articles.models.Image.save) its original is cleaned and one small JPEG is
made at once (`encode_small`); the full set (`encode_renditions`,
`encode_shapes`) is made by the worker (articles.renditions). No page request
ever resizes a picture.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, ImageCms, ImageOps, UnidentifiedImageError
from PIL import Image as PILImage

# Widths offered in srcset. A picture narrower than the smallest gets one
# rendition at its own width; none is ever enlarged.
RENDITION_WIDTHS = (400, 800, 1200, 1600)

# Rendition formats, best first. AVIF at encoder speed 8 adds about half to
# the time WebP and JPEG take (about 0.4 s for a 3000×2000 photograph on a
# busy two-core machine: 1.3 s instead of 0.85 s, once per upload, never per
# page view) for files as small as WebP's or smaller; at the default speed 6
# it would take ten times as long. benchmarks/renditions.py prints the figures.
RENDITION_FORMATS = ("avif", "webp", "jpeg")

# Widths up to this are what phones are sent, often the page's largest
# picture over a slow connection: their AVIF is encoded at speed 7, for files
# a few to thirty per cent smaller at the same or a slightly better fidelity
# (PSNR), in about twice the time, which at these sizes is some tens of
# milliseconds a rendition. Wider renditions stay at speed 8.
PHONE_WIDTH = 800
PHONE_AVIF_SPEED = 7

# The JPEG an <img src> names (browsers that read no srcset, feeds, emails):
# the widest rendition at most this wide.
FALLBACK_WIDTH = 800

# Pillow format names we accept as uploads, and the words the error uses.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ACCEPTED_DESCRIPTION = "a JPEG, PNG, WebP or GIF picture"

_ENCODER_OPTIONS = {
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "avif": {"format": "AVIF", "quality": 60, "speed": 8},
}


@dataclass
class CleanOriginal:
    """An upload without its metadata, ready to store."""

    content: ContentFile
    width: int
    height: int
    # Made from the pixels already decoded; None when they were not decoded.
    small: "EncodedRendition | None" = None


@dataclass
class EncodedRendition:
    format: str
    width: int
    height: int
    content: ContentFile
    shape: str = ""


@dataclass(frozen=True)
class Shape:
    """
    A fixed aspect ratio cut from the picture around its focal point.
    `widths` as for RENDITION_WIDTHS (nothing enlarged) unless `exact`, when
    the one width is made whatever the picture's size: social networks want
    their sharing image at its full size.
    """

    name: str
    ratio: tuple
    widths: tuple
    formats: tuple
    exact: bool = False


# The cards' 3:2 (up to 38rem wide, twice that on dense screens) and the
# 1.91:1 sharing image for Open Graph and Twitter cards, in JPEG: not every
# social network reads AVIF or WebP.
SHAPES = (
    Shape("card", (3, 2), (400, 800, 1200), RENDITION_FORMATS),
    Shape("share", (1200, 630), (1200,), ("jpeg",), exact=True),
)


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params)


def _looks_like_svg(uploaded, head):
    name = PurePath(getattr(uploaded, "name", "") or "").suffix.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        name in {".svg", ".svgz"}
        or text.startswith(b"<svg")
        or (text.startswith(b"<?xml") and b"<svg" in head.lower())
    )


def apply_pixel_limit():
    """
    Set Pillow's decompression-bomb limit from settings.IMAGE_MAX_PIXELS and
    return it. Process-wide, but one deployment always sets the same value.
    """
    PILImage.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
    return PILImage.MAX_IMAGE_PIXELS


def open_upload(uploaded, draft_width=None):
    """
    Open an uploaded file as a fully decoded Pillow image, or raise a
    ValidationError that says what is wrong with it. With `draft_width`, a
    JPEG is decoded at the smallest of its scales (1/8, 1/4, 1/2) at least
    that wide: every byte of it is still read and decoded, so damage shows as
    surely, at a fraction of the cost. Its size is then the reduced one.

    Refused: files over settings.IMAGE_MAX_UPLOAD_BYTES, SVG drawings, anything
    Pillow cannot read, formats other than ACCEPTED_FORMATS, damaged files, and
    pictures with more pixels than settings.IMAGE_MAX_PIXELS (decompression
    bombs: Pillow's own warning and error count as refusals too).
    """
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        _refuse(
            "This file is %(size)s; pictures may be at most %(limit)s.",
            "too_large",
            size=filesizeformat(uploaded.size),
            limit=filesizeformat(limit),
        )
    uploaded.seek(0)
    head = uploaded.read(512)
    uploaded.seek(0)
    if _looks_like_svg(uploaded, head):
        _refuse(
            "SVG drawings are not accepted (they can carry scripts). "
            "Upload %(accepted)s.",
            "svg",
            accepted=ACCEPTED_DESCRIPTION,
        )
    max_pixels = apply_pixel_limit()
    try:
        # catch_warnings is process-wide before Python 3.14; should another
        # thread reset the filter meanwhile, the explicit pixel count below
        # still refuses the picture.
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(uploaded)
            if picture.format not in ACCEPTED_FORMATS:
                _refuse(
                    "This is a %(format)s file. Upload %(accepted)s.",
                    "format",
                    format=picture.format,
                    accepted=ACCEPTED_DESCRIPTION,
                )
            if picture.width * picture.height > max_pixels:
                raise PILImage.DecompressionBombError
            if draft_width:
                scale = draft_width / picture.width
                height = max(1, round(picture.height * scale))
                picture.draft(None, (draft_width, height))
            picture.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        _refuse(
            "This picture has too many pixels to process safely (at most "
            "%(limit)s million). Scale it down and upload it again.",
            "too_many_pixels",
            limit=f"{max_pixels / 1_000_000:g}",
        )
    except UnidentifiedImageError:
        _refuse(
            "This file is not a picture. Upload %(accepted)s.",
            "not_an_image",
            accepted=ACCEPTED_DESCRIPTION,
        )
    except (OSError, SyntaxError, ValueError):
        _refuse("This picture is damaged or incomplete and cannot be read.", "damaged")
    return picture


def clean_original(uploaded):
    """
    Store an upload without EXIF, GPS, XMP or comments, upright (cameras
    record the orientation in EXIF instead of turning the pixels). A JPEG
    that is upright already, in colour or greyscale, loses its metadata
    segments and keeps its compressed pixels as they are
    (`stripped_upright_jpeg`: no loss, and a large photograph costs a
    reduced-scale decode, to check it and make the small JPEG, instead of a
    full decode and re-encode). Other JPEGs are turned or converted and
    re-encoded as JPEG; everything else becomes a lossless PNG.
    """
    stripped = stripped_upright_jpeg(uploaded)
    if stripped is not None:
        picture = open_upload(uploaded, draft_width=FALLBACK_WIDTH * 2)
        stripped.small = _encode_small(picture, picture.info.get("icc_profile"))
        return stripped
    opened = open_upload(uploaded)
    fmt, extension = ("JPEG", "jpg") if opened.format == "JPEG" else ("PNG", "png")
    # In place: a picture already upright is not copied (a large one's copy
    # would cost a quarter of a second).
    ImageOps.exif_transpose(opened, in_place=True)
    picture = opened
    if fmt == "JPEG" and picture.mode not in {"RGB", "L"}:
        picture = _to_rgb(picture)
    if fmt == "PNG" and picture.mode not in {"RGB", "RGBA", "L", "LA"}:
        picture = picture.convert("RGBA")
    # Only the colour profile survives (without it colours shift); Pillow
    # would otherwise carry comments and other chunks over from `info`.
    icc = picture.info.get("icc_profile")
    picture.info = {}
    options = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options["quality"] = 92
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return CleanOriginal(
        content=ContentFile(buffer.getvalue(), name=f"{_stem(uploaded)}.{extension}"),
        width=picture.width,
        height=picture.height,
        small=_encode_small(picture, icc),
    )


def _stem(uploaded):
    return PurePath(uploaded.name or "picture").stem or "picture"


def stripped_upright_jpeg(uploaded):
    """
    An upload that is a JPEG in RGB or greyscale with no EXIF turn to apply,
    without its metadata (`strip_jpeg`), as a CleanOriginal with no small
    JPEG: its size read from its headers, its pixels neither decoded nor
    checked (a damaged scan shows when the renditions are made). None for
    any other file, and for one over the upload or pixel limits or not laid
    out as a JPEG should be: clean_original decodes those, or says what is
    wrong with them.
    """
    if uploaded.size is not None and uploaded.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        return None
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(uploaded) as opened:
                upright = opened.getexif().get(ExifTags.Base.Orientation, 1) == 1
                if opened.format != "JPEG" or opened.mode not in {"RGB", "L"}:
                    return None
                size = opened.size
        if not upright or size[0] * size[1] > apply_pixel_limit():
            return None
        uploaded.seek(0)
        content = strip_jpeg(uploaded.read())
    except Exception:
        return None
    finally:
        uploaded.seek(0)
    return CleanOriginal(
        content=ContentFile(content, name=f"{_stem(uploaded)}.jpg"),
        width=size[0],
        height=size[1],
    )


# Segments a stored JPEG keeps besides those that code its pixels: the JFIF
# header (pixel density), the colour profile (APP2 "ICC_PROFILE", possibly in
# several chunks) and Adobe's (APP14, how to read the colour channels).
_KEPT_APP_SEGMENTS = {0xE0: b"JFIF\0", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}


def strip_jpeg(data):
    """
    The JPEG `data` without its metadata: EXIF (GPS, camera, thumbnail),
    XMP, IPTC, comments and every other application segment but those in
    _KEPT_APP_SEGMENTS, and nothing after its end marker. The compressed
    pixels are copied unchanged. Raises ValueError for data not laid out as a
    JPEG should be.
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("no start of image")
    kept = [data[:2]]
    position, end = 2, len(data)
    while position + 1 < end:
        if data[position] != 0xFF:
            raise ValueError(f"marker expected at {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            kept.append(data[position : position + 2])
            return b"".join(kept)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            kept.append(data[position : position + 2])
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        following = position + 2 + length
        if length < 2 or following > end:
            raise ValueError(f"segment at {position} is cut short")
        payload = data[position + 4 : following]
        prefix = _KEPT_APP_SEGMENTS.get(marker)
        is_metadata = marker == 0xFE or (
            0xE0 <= marker <= 0xEF and not (prefix and payload.startswith(prefix))
        )
        if not is_metadata:
            kept.append(data[position:following])
        position = following
        if marker == 0xDA:  # a scan: its coded data runs to the next marker
            scan = position
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= end:
                    raise ValueError("the scan is cut short")
                if data[scan + 1] == 0 or 0xD0 <= data[scan + 1] <= 0xD7:
                    scan += 2  # a stuffed 0xFF, or a restart marker
                elif data[scan + 1] == 0xFF:
                    scan += 1  # fill bytes before a marker
                else:
                    break
            kept.append(data[position:scan])
            position = scan
    raise ValueError("no end of image")


def _to_rgb(picture):
    """
    Convert to RGB. A CMYK picture (print agencies send them) is converted
    through its colour profile to sRGB when it has one; the CMYK profile must
    not stay attached to RGB pixels either way.
    """
    icc = picture.info.get("icc_profile")
    if picture.mode == "CMYK" and icc:
        try:
            converted = ImageCms.profileToProfile(
                picture,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except ImageCms.PyCMSError:
            converted = picture.convert("RGB")
    else:
        converted = picture.convert("RGB")
    if picture.mode == "CMYK":
        converted.info.pop("icc_profile", None)
    return converted


def rendition_sizes(width, height, widths=RENDITION_WIDTHS):
    """
    (width, height) pairs to make for a picture of this size: each of `widths`
    the picture is at least as wide as, or its own size when it is narrower
    than all of them. The aspect ratio is kept; nothing is enlarged.
    """
    chosen = [w for w in widths if w <= width] or [width]
    return [(w, max(1, round(height * w / width))) for w in chosen]


def _for_format(picture, fmt):
    if fmt == "jpeg":
        if picture.mode in {"RGBA", "LA"} or "transparency" in picture.info:
            rgba = picture.convert("RGBA")
            background = PILImage.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return picture if picture.mode in {"RGB", "L"} else picture.convert("RGB")
    return picture if picture.mode in {"RGB", "RGBA"} else picture.convert("RGBA")


def crop_box(width, height, ratio, focal_x, focal_y):
    """
    The largest (left, top, right, bottom) box of aspect ratio `ratio`
    (a (width, height) pair) inside a `width` × `height` picture, centred on
    the focal point (fractions 0–1 from the left and top) as far as the
    picture's edges allow. The focal point is always inside the box.
    """
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:  # wider than the shape
        box_w, box_h = max(1, min(width, round(height * ratio_w / ratio_h))), height
    else:
        box_w, box_h = width, max(1, min(height, round(width * ratio_h / ratio_w)))
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def shape_sizes(box_width, shape):
    """(width, height) pairs to make of `shape` from a crop `box_width` wide."""
    ratio_w, ratio_h = shape.ratio
    if shape.exact:
        widths = shape.widths
    else:
        widths = [w for w in shape.widths if w <= box_width] or [box_width]
    return [(w, max(1, round(w * ratio_h / ratio_w))) for w in widths]


def _open_source(source):
    apply_pixel_limit()
    source.seek(0)
    with PILImage.open(source) as opened:
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    icc = picture.info.get("icc_profile")
    picture.info = {}
    return picture, icc


def encode_shapes(source, focal_x, focal_y, shapes=SHAPES, formats=None):
    """
    Cut each of `shapes` from the stored original `source` around the focal
    point and encode it at the shape's widths in its formats (those also in
    `formats`, when given). Returns EncodedRendition objects with `shape` set.
    """
    picture, icc = _open_source(source)
    encoded = []
    for shape in shapes:
        box = crop_box(picture.width, picture.height, shape.ratio, focal_x, focal_y)
        cropped = picture.crop(box)
        chosen = [f for f in shape.formats if formats is None or f in formats]
        for item in _encode_sizes(
            cropped, shape_sizes(box[2] - box[0], shape), chosen, icc
        ):
            item.shape = shape.name
            encoded.append(item)
    return encoded


def encode_renditions(source, formats=RENDITION_FORMATS, widths=RENDITION_WIDTHS):
    """
    Resize the stored original `source` (a file) to every rendition size and
    encode each size in every format. Returns EncodedRendition objects, widest
    first. Smaller sizes are resized from the next larger one, which is much
    faster than going back to the original each time and looks the same.
    """
    picture, icc = _open_source(source)
    sizes = rendition_sizes(picture.width, picture.height, widths)
    return _encode_sizes(picture, sizes, formats, icc)


def encode_small(source):
    """
    The one JPEG a picture is shown with until the worker has made its full
    set, from the stored original `source` (clean_original makes it from
    the upload's pixels instead, see `_encode_small`). A JPEG original is
    decoded at a reduced scale (its DCT scaling), which is much cheaper.
    """
    apply_pixel_limit()
    source.seek(0)
    with PILImage.open(source) as opened:
        # The stored original is upright already (clean_original).
        ((width, height),) = rendition_sizes(*opened.size, widths=(FALLBACK_WIDTH,))
        # Never below twice the target, so Lanczos still has pixels to average.
        opened.draft(None, (width * 2, height * 2))
        opened.load()
        icc = opened.info.get("icc_profile")
        opened.info = {}
        return _encode_small(opened, icc)


def _encode_small(picture, icc):
    """
    FALLBACK_WIDTH wide (the <img src> of every page, sharp enough in a
    column), or the picture's own width when narrower; in JPEG. Reduced by
    whole factors first, then resampled: tens of milliseconds even from 30
    megapixels.
    """
    ((width, height),) = rendition_sizes(*picture.size, widths=(FALLBACK_WIDTH,))
    if (width, height) != picture.size:
        picture = picture.resize(
            (width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
        )
    return _encode_sizes(picture, [(width, height)], ("jpeg",), icc)[0]


def expected_renditions(width, height, focal_x, focal_y):
    """
    What make_renditions makes for a `width` × `height` picture with this
    focal point, as a set of (shape, format, width): what pages may expect
    of a picture whose renditions are complete for the current sizes.
    """
    expected = {
        ("", fmt, w)
        for w, _h in rendition_sizes(width, height)
        for fmt in RENDITION_FORMATS
    }
    for shape in SHAPES:
        left, _top, right, _bottom = crop_box(
            width, height, shape.ratio, focal_x, focal_y
        )
        expected |= {
            (shape.name, fmt, w)
            for w, _h in shape_sizes(right - left, shape)
            for fmt in shape.formats
        }
    return expected


def encoder_options(fmt, width):
    """Pillow's save() options for a rendition of `fmt` this many pixels wide."""
    options = dict(_ENCODER_OPTIONS[fmt])
    if fmt == "avif" and width <= PHONE_WIDTH:
        options["speed"] = PHONE_AVIF_SPEED
    return options


def _encode_sizes(picture, sizes, formats, icc):
    encoded = []
    current = picture
    for width, height in sorted(sizes, reverse=True):
        if (width, height) != current.size:
            current = current.resize((width, height), PILImage.Resampling.LANCZOS)
        for fmt in formats:
            buffer = io.BytesIO()
            options = encoder_options(fmt, width)
            if icc:
                options["icc_profile"] = icc
            _for_format(current, fmt).save(buffer, **options)
            encoded.append(
                EncodedRendition(
                    format=fmt,
                    width=width,
                    height=height,
                    content=ContentFile(buffer.getvalue()),
                )
            )
    return encoded
