"""
Django started in this process for the benchmarks that render the reading
pages through the test client (cold_render, profile_pages, explain): the
project and benchmarks/ importable, the settings of DATABASE_URL, the
client's host allowed and the page cache off, so every request renders.

    import in_process

    in_process.start()

    from django… import …  # noqa: E402
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start():
    for folder in (ROOT, ROOT / "benchmarks"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["PAGE_CACHE_SECONDS"] = "0"

    import django

    django.setup()
