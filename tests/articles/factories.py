"""Factories for the editors' admin and image tests."""

import io

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL.ExifTags import GPS, IFD, Base

EDITOR_MODELS = ("article", "author", "section", "image")


def make_staff_user(username="staff", permissions=(), **kwargs):
    """A staff account (not superuser) with the given "app.codename" permissions."""
    user = User.objects.create_user(
        username=username, password="correct horse battery", is_staff=True, **kwargs
    )
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_editor(username="editor"):
    """
    A staff account with every permission on articles, authors, sections and
    images, and the view permission on tags (for tag suggestions).
    """
    return make_staff_user(
        username,
        [
            f"articles.{action}_{model}"
            for model in EDITOR_MODELS
            for action in ("add", "change", "delete", "view")
        ]
        + ["taggit.view_tag"],
    )


def jpeg_with_exif(width=2000, height=1000, orientation=6):
    """
    A camera-style JPEG: EXIF with an orientation, a camera make, GPS
    coordinates, and a JPEG comment. The left half is red, the right blue, so
    a test can tell which way up it was stored.
    """
    picture = PILImage.new("RGB", (width, height), (200, 20, 20))
    picture.paste((20, 20, 200), (width // 2, 0, width, height))
    exif = picture.getexif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = "Harbour Camera Co."
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (53.0, 20.0, 42.0)
    gps[GPS.GPSLongitudeRef] = "W"
    gps[GPS.GPSLongitude] = (6.0, 15.0, 30.0)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, comment=b"home address")
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)
