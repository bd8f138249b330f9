"""
Where an export's picture files come from: a local copy of the uploads
folder (LocalMedia) or the old site over HTTP(S) (RemoteMedia, through the
embeds' safe fetching: https, public addresses, size and time limits, with
a few requests at a time and retries for a server that is busy or down).

Both take an attachment's address and its `_wp_attached_file` path and
give the file's bytes, or raise Missing with the reason.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings

from .. import fetching

UPLOADS = "/wp-content/uploads/"


class Missing(Exception):
    """The picture's file could not be had; the reason is the message."""


def upload_path(url, attached_file=""):
    """
    An attachment's path as the uploads folder holds it: the address's path
    after /wp-content/uploads/, else its whole path; else `attached_file`.
    """
    path = unquote(urlsplit(url or "").path)
    if UPLOADS in path:
        return path.split(UPLOADS, 1)[1]
    return path.lstrip("/") or attached_file.lstrip("/")


class LocalMedia:
    def __init__(self, folder):
        self.folder = Path(folder).resolve()

    def describe(self):
        return f"the folder {self.folder}"

    def fetch_all(self, wanted):
        """{key: bytes or Missing} for `wanted` ({key: (url, attached_file)})."""
        return {key: self._read(*where) for key, where in wanted.items()}

    def _read(self, url, attached_file):
        candidates = [upload_path(url, attached_file), attached_file]
        candidates.append(unquote(urlsplit(url or "").path).lstrip("/"))
        for relative in filter(None, candidates):
            path = (self.folder / relative).resolve()
            if not path.is_relative_to(self.folder):
                continue  # "../" in an address: never outside the folder
            if path.is_file():
                size = path.stat().st_size
                if size > settings.IMAGE_MAX_UPLOAD_BYTES:
                    return Missing(f"{relative} is larger than the upload limit")
                return path.read_bytes()
        return Missing(f"no file {upload_path(url, attached_file)} in the folder")


class RemoteMedia:
    def __init__(self, base, concurrency=4, attempts=3, pause=0.5):
        self.base = base if base.endswith("/") else f"{base}/"
        self.host = urlsplit(self.base).hostname or ""
        self.concurrency = concurrency
        self.attempts = attempts
        self.pause = pause

    def describe(self):
        return self.base

    def fetch_all(self, wanted):
        """{key: bytes or Missing}, asking `concurrency` at a time."""
        if not wanted:
            return {}
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            results = pool.map(lambda where: self._fetch(*where), wanted.values())
            return dict(zip(wanted, results, strict=True))

    def address(self, url, attached_file):
        return urljoin(self.base, upload_path(url, attached_file).lstrip("/"))

    def _fetch(self, url, attached_file):
        address = self.address(url, attached_file)
        for attempt in range(self.attempts):
            try:
                body, _ = fetching.fetch(
                    address,
                    hosts={self.host},
                    max_bytes=settings.IMAGE_MAX_UPLOAD_BYTES,
                    accept="image/*",
                )
                return body
            except fetching.Refused as error:
                return Missing(f"{address}: {error}")
            except fetching.Unavailable as error:
                if attempt + 1 == self.attempts:
                    return Missing(f"{address}: {error}")
                time.sleep(self.pause * 2**attempt)
        return Missing(address)
