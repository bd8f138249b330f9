"""
Which Chrome or Chromium the browser tests drive. One rule, shared by
`./dev test` (which asks `python -m tests.browser.chrome`) and the tests
themselves: `CHROME_PATH` when it names a program, then the usual places on
Linux and macOS, then `chromium` or `google-chrome` on `PATH`. Playwright
never downloads a browser of its own.

Without a browser, a run leaves the browser tests out; without axe-core
(`npm ci`), the tests that scan with it (`left_out()`, applied by
tests/conftest.py, which says so in one line). On CI (`CI=true`) nothing is
left out: a missing browser or axe-core fails the tests that need it.

    python -m tests.browser.chrome    prints the browser's path; exits 1 if none
"""

import os
import shutil
import sys
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

USUAL_PLACES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
NAMES_ON_PATH = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def find_chrome(environ=os.environ, places=USUAL_PLACES):
    """The path of the browser to drive, or None when none is installed."""
    for path in (environ.get("CHROME_PATH"), *places):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    search = environ.get("PATH", os.defpath)
    for name in NAMES_ON_PATH:
        if found := shutil.which(name, path=search):
            return found
    return None


def required(environ=os.environ):
    """On CI (`CI=true`) a missing browser is an error, never a skip."""
    return environ.get("CI") == "true"


def left_out(chrome, axe_installed, ci):
    """
    (what the run leaves out, why, and a test of an item's marker and
    fixture names saying whether it is one of them), or None.
    """
    if ci:
        return None
    if chrome is None:
        return (
            "the browser tests",
            "no Chrome or Chromium found (set CHROME_PATH)",
            lambda markers, fixtures: "browser" in markers,
        )
    if not axe_installed:
        return (
            "the tests that scan with axe-core",
            "axe-core is not installed (npm ci)",
            lambda markers, fixtures: "axe_source" in fixtures,
        )
    return None


def main(environ=os.environ, places=USUAL_PLACES):
    """Print the browser's path for `./dev test`; exit status 1 if there is none."""
    chrome = find_chrome(environ, places)
    if chrome is None:
        return 1
    print(chrome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
