"""
Where pictures are stored and served from: the S3-compatible object storage
settings (django-storages' S3 backend) the settings module builds from its
environment variables, and the public address the stored files have there.
"""

from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"

# A stored file's name is never used for other content (names never overwrite
# one another, a replaced picture gets a new name), so browsers and CDNs may
# keep every file for a year without asking again.
S3_CACHE_CONTROL = "public, max-age=31536000, immutable"

# A bucket that does not answer costs a save seconds, not the worker's whole
# time-out (boto3 waits a minute a try by default): the editor is told and
# the form kept (articles.admin.images).
S3_TIMEOUTS = {
    "connect_timeout": 3,
    "read_timeout": 15,
    "retries": {"mode": "standard", "max_attempts": 3},
}

# What asking the storage about a file may raise: the disk's errors, or the
# S3 client's when the bucket cannot be reached or refuses.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def origin(url):
    """The scheme and host of an absolute URL ("" for a relative one)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def s3(
    *,
    bucket_name,
    endpoint_url=None,
    region_name=None,
    access_key=None,
    secret_key=None,
    custom_domain=None,
    url_protocol="https:",
    addressing_style=None,
    location="",
):
    """
    The STORAGES["default"] entry for pictures in an S3 bucket, and the
    MEDIA_URL their public addresses start with, as a pair.

    Files are public: their URLs carry no signature (which would expire, and
    would make every page's addresses differ), so the bucket must be readable
    by anyone, or sit behind a CDN (`custom_domain`) that is. A name already
    taken gets a suffix rather than overwriting the file. Without an
    `addressing_style`, a bucket on another S3-compatible server
    (`endpoint_url`: MinIO, R2…) is addressed by path, as they all accept; one
    on AWS by host name. Credentials left out come from boto3's own chain
    (an instance role, ~/.aws).
    """
    if not bucket_name:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket "
            "pictures are stored in."
        )
    if addressing_style is None:
        addressing_style = "path" if endpoint_url else "virtual"
    if addressing_style not in {"path", "virtual"}:
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE must be path or virtual, not "
            f"{addressing_style!r}."
        )
    if endpoint_url and not origin(endpoint_url):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL must be an address such as "
            f"https://minio.example.org:9000, not {endpoint_url!r}."
        )
    location = location.strip("/")
    if custom_domain:
        public = f"{url_protocol}//{custom_domain.strip('/')}"
    else:
        public = bucket_address(
            bucket_name, endpoint_url, region_name, addressing_style
        )
    protocol, domain = public.split("//", 1)
    options = {
        "bucket_name": bucket_name,
        "endpoint_url": endpoint_url,
        "region_name": region_name,
        "access_key": access_key,
        "secret_key": secret_key,
        # Files' addresses are this base and their names: a string joined,
        # where without it django-storages would ask botocore to build each
        # one (tens of them on a page).
        "custom_domain": domain,
        "url_protocol": protocol,
        "addressing_style": addressing_style,
        "location": location,
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": S3_CACHE_CONTROL},
        # In place of django-storages' own, which would carry the style.
        "client_config": Config(
            s3={"addressing_style": addressing_style}, **S3_TIMEOUTS
        ),
    }
    storage = {"BACKEND": S3_BACKEND, "OPTIONS": options}
    return storage, f"{public}/" + (f"{location}/" if location else "")


def bucket_address(bucket, endpoint_url, region_name, addressing_style):
    """The public address of a bucket's root, without the final slash."""
    if endpoint_url:
        endpoint = urlsplit(endpoint_url)
        scheme, host = endpoint.scheme, endpoint.netloc
        prefix = endpoint.path.rstrip("/")
    else:
        scheme, prefix = "https", ""
        host = f"s3.{region_name}.amazonaws.com" if region_name else "s3.amazonaws.com"
    if addressing_style == "path":
        return f"{scheme}://{host}{prefix}/{bucket}"
    return f"{scheme}://{bucket}.{host}{prefix}"
