"""STAFF_TWO_FACTOR and the passkeys' relying party, as read from the environment."""

import os
import subprocess
import sys

from django.conf import settings


def read_settings(tmp_path, **environment):
    """Run a fresh Python that prints the settings the environment gives."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s;"
            "print(s.STAFF_TWO_FACTOR, s.WEBAUTHN_RP_ID, *s.WEBAUTHN_ORIGINS)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_relying_party_follows_site_url(tmp_path):
    finished = read_settings(
        tmp_path,
        STAFF_TWO_FACTOR="",
        WEBAUTHN_RP_ID="",
        WEBAUTHN_ORIGINS="",
        SITE_URL="https://www.herald.example:8443/",
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == [
        "editors",
        "www.herald.example",
        "https://www.herald.example:8443",
    ]


def test_an_unknown_policy_stops_the_site_with_one_clear_line(tmp_path):
    finished = read_settings(tmp_path, STAFF_TWO_FACTOR="sometimes")
    assert finished.returncode != 0
    assert (
        "STAFF_TWO_FACTOR must be editors, all or off, not 'sometimes'."
        in finished.stderr
    )
