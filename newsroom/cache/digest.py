"""The digest of the project's code and templates, part of every kept render's key."""

import functools
import hashlib
from importlib import import_module
from pathlib import Path

from django.conf import settings

CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js", ".svg"}


def project_code_folders():
    """
    The project's own code: its package, its apps and its template folders
    (not installed packages, which a release changes by their versions).
    """
    from django.apps import apps

    root = Path(settings.BASE_DIR).resolve()
    project = import_module(settings.ROOT_URLCONF.partition(".")[0])
    folders = [Path(project.__file__).parent]
    folders += [
        Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]
    ]
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        inside = path.relative_to(root).parts if path.is_relative_to(root) else ()
        if inside and not inside[0].startswith("."):  # not under .venv
            folders.append(path)
    return sorted({folder.resolve() for folder in folders})


def digest_of(folders):
    """A digest of the code and template files in `folders`, names and contents."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def code_digest():
    """
    A digest of the project's code and templates, part of the key of every
    rendered thing kept in the cache (pages, fragments, cards, values kept
    under the content version; see newsroom.cache.keys): what one release
    rendered is never served by the next, with no step to remember when
    deploying. Where pictures are served from (MEDIA_URL) counts too, so
    pages kept before pictures moved to object storage or a CDN are not
    served after. Computed once a process.
    """
    rendered_by = f"{digest_of(project_code_folders())}\0{settings.MEDIA_URL}"
    return hashlib.sha256(rendered_by.encode()).hexdigest()[:16]
