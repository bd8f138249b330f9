"""
Django started in this process for the benchmarks that render the reading
pages through the test client (cold_render, profile_pages, explain): the
project and benchmarks/ importable, the settings of DATABASE_URL, the
client's host allowed and the page cache off, so every request renders;
loaded and frozen (gc.freeze) as the server loads each worker.

    import in_process

    in_process.start()

    from django… import …  # noqa: E402
"""

import gc
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

    # As the server starts: Django set up and warmed by newsroom.wsgi (its
    # templates compiled, its URLs built), then all of it frozen out of the
    # collector's reach, as gunicorn.conf.py's pre_fork does before each
    # worker forks. Unfrozen, a full collection walks every object Django
    # loaded, which the server's workers never do.
    import newsroom.wsgi  # noqa: F401

    gc.freeze()
