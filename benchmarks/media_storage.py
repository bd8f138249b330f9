"""
What pictures on S3-compatible storage (MEDIA_STORAGE=s3) cost next to the
file system.

    .venv/bin/python benchmarks/media_storage.py [repeats]

Prints the time to build one picture address (pages name tens of them) on
the disk, on a bucket as the settings configure it (MEDIA_URL and the name
joined), and as django-storages builds it through boto3 without that; then
the time to store one picture's original and renditions on the disk and in
a bucket on moto's S3 server on loopback (each file costs an existence
check and an upload: a real bucket adds its round trips to these). Runs
without a database.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from storages.backends.s3 import S3Storage  # noqa: E402

from articles import images  # noqa: E402
from tests import s3, servers  # noqa: E402
from tests.factories import image_bytes  # noqa: E402

NAME = "renditions/2026/12/harbour-at-dawn-card-800.avif"


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def per_address(storage, count=2000):
    start = time.perf_counter()
    for _ in range(count):
        storage.url(NAME)
    return (time.perf_counter() - start) / count * 1e6


def picture_files():
    """A 1600×900 picture's original and its renditions, as Image.save stores them."""
    original = image_bytes(1600, 900)
    encoded = images.encode_renditions(io.BytesIO(original))
    encoded += images.encode_shapes(io.BytesIO(original), 0.5, 0.5)
    files = [("images/2026/12/harbour.jpg", original)]
    files += [
        (f"renditions/2026/12/harbour-{e.shape}-{e.width}.{e.format}", e.content.read())
        for e in encoded
    ]
    return files


def store(storage, files):
    for name, content in files:
        storage.save(name, ContentFile(content))


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    folder = Path(tempfile.mkdtemp(prefix="newsroom-media-"))
    process, endpoint = s3.start_server(folder / "s3.log")
    try:
        bucket = s3.new_bucket(endpoint)
        options = bucket.storage_settings()[0]["OPTIONS"]
        disk = FileSystemStorage(location=folder / "media", base_url="/media/")
        joined = S3Storage(**options)
        through_boto3 = S3Storage(**{**options, "custom_domain": None})
        print("one picture address:")
        print(f"  file system:            {per_address(disk):6.1f} µs")
        print(f"  bucket, as configured:  {per_address(joined):6.1f} µs")
        print(f"  bucket, built by boto3: {per_address(through_boto3):6.1f} µs")

        files = picture_files()
        size = sum(len(content) for _, content in files) / 1024
        print(f"storing a picture: {len(files)} files, {size:.0f} KiB, {repeats} runs")
        for label, storage in (("file system", disk), ("bucket (loopback)", joined)):
            fastest, median = timed(lambda s=storage: store(s, files), repeats)
            print(
                f"  {label + ':':19} {fastest * 1000:5.0f} ms fastest, "
                f"{median * 1000:5.0f} ms median"
            )
    finally:
        servers.stop(process)


if __name__ == "__main__":
    main()
