import os
import subprocess
import sys

from django.conf import settings


def test_log_level_is_read_in_any_case(tmp_path):
    """gunicorn takes LOG_LEVEL=warning; the same variable must not stop Django."""
    finished = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "LOG_LEVEL": "warning",
            "DJANGO_LOG_LEVEL": "error",
            "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
