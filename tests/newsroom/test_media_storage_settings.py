"""
MEDIA_STORAGE and django-storages' AWS_ variables, as the settings read
them: the S3 backend they select, the public addresses files get, the CSP
that lets pages show them, and the errors a wrong configuration gives.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from storages.backends.s3 import S3Storage

from newsroom import media_storage

READ_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "default": settings.STORAGES["default"],
    "MEDIA_URL": settings.MEDIA_URL,
    "img-src": settings.SECURE_CSP["img-src"],
}, default=repr))
"""


def settings_with(**variables):
    """Import the settings in a process with these environment variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name != "MEDIA_STORAGE" and not name.startswith("AWS_")
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + READ_SETTINGS],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_file_system_is_the_default():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert read["MEDIA_URL"] == "/media/"


def test_s3_selects_django_storages_with_public_unsigned_never_overwritten_files():
    """
    MEDIA_STORAGE=s3 with a MinIO-like endpoint: files addressed by path on
    the endpoint, without signatures, never overwritten; the CSP lets pages
    show pictures from there.
    """
    result = settings_with(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="herald-media",
        AWS_S3_ENDPOINT_URL="https://minio.example.org:9000",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = read["default"]["OPTIONS"]
    assert options["bucket_name"] == "herald-media"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert read["MEDIA_URL"] == "https://minio.example.org:9000/herald-media/"
    assert "https://minio.example.org:9000" in read["img-src"]


def test_a_cdn_domain_is_where_pages_find_pictures_and_what_the_csp_allows():
    result = settings_with(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="herald-media",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_S3_CUSTOM_DOMAIN="pictures.example.org",
        AWS_LOCATION="media",
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["MEDIA_URL"] == "https://pictures.example.org/media/"
    assert read["img-src"][-1] == "https://pictures.example.org"
    assert "amazonaws" not in json.dumps(read["img-src"])


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"MEDIA_STORAGE": "s3"},
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME",
        ),
        ({"MEDIA_STORAGE": "disk"}, "MEDIA_STORAGE must be filesystem or s3"),
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "herald-media",
                "AWS_S3_ENDPOINT_URL": "minio:9000",
            },
            "AWS_S3_ENDPOINT_URL must be an address",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "herald-media",
                "AWS_S3_ADDRESSING_STYLE": "auto",
            },
            "AWS_S3_ADDRESSING_STYLE must be path or virtual",
        ),
    ],
)
def test_a_wrong_storage_configuration_stops_with_a_clear_message(variables, message):
    result = settings_with(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured: " + message in result.stderr


@pytest.mark.parametrize(
    "where",
    [
        {},
        {"region_name": "eu-west-1"},
        {"region_name": "eu-west-1", "addressing_style": "path"},
        {"endpoint_url": "http://127.0.0.1:9000", "region_name": "us-east-1"},
        {"endpoint_url": "https://minio.example.org", "addressing_style": "virtual"},
        {"endpoint_url": "https://account.r2.cloudflarestorage.com"},
        {"region_name": "eu-west-1", "location": "herald/"},
    ],
)
def test_addresses_are_those_the_s3_client_would_build(where):
    """
    The public address MEDIA_URL and files are given (one string joined per
    file) is the one boto3 itself builds for the object, unsigned.
    """
    storage, media_url = media_storage.s3(bucket_name="herald-media", **where)
    options = storage["OPTIONS"]
    name = "renditions/2026/12/harbour at dawn-card-800.avif"
    ours = S3Storage(**options).url(name)
    boto3s = S3Storage(**{**options, "custom_domain": None}).url(name)
    assert ours == boto3s
    assert ours.startswith(media_url)
    assert "?" not in ours
