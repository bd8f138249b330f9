"""
How `./dev test` and the browser tests find Chrome or Chromium
(tests/browser/chrome.py): CHROME_PATH, then the usual places, then PATH; and
what a missing browser or axe-core does: the tests that need it are left out
on a laptop, and fail on CI.
"""

import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings

from tests.browser.chrome import find_chrome, left_out, main, required


def program(folder, name):
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def places(tmp_path):
    """Two usual places, the second of them installed."""
    return [str(tmp_path / "chromium"), program(tmp_path, "google-chrome")]


def test_chrome_path_wins_over_the_usual_places(tmp_path, places):
    chosen = program(tmp_path, "my-chrome")
    assert find_chrome({"CHROME_PATH": chosen}, places) == chosen


def test_a_chrome_path_naming_no_program_falls_back_to_the_usual_places(
    tmp_path, places
):
    not_a_program = tmp_path / "plain-file"
    not_a_program.write_text("")
    for named in ("/nonexistent/chrome", str(not_a_program), str(tmp_path)):
        assert find_chrome({"CHROME_PATH": named}, places) == places[1]


def test_the_first_installed_usual_place_is_used(tmp_path, places):
    assert find_chrome({"PATH": str(tmp_path)}, places) == places[1]
    first = program(tmp_path, "chromium")
    assert find_chrome({}, places) == first


def test_chromium_or_google_chrome_on_path_is_found_last(tmp_path):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    found = program(bin_folder, "google-chrome")
    missing = [str(tmp_path / "nowhere")]
    assert find_chrome({"PATH": str(bin_folder)}, missing) == found
    assert find_chrome({"PATH": str(tmp_path / "empty")}, missing) is None


def test_the_usual_places_cover_debian_ubuntu_fedora_and_macos():
    from tests.browser.chrome import USUAL_PLACES

    assert "/usr/bin/chromium" in USUAL_PLACES
    assert "/usr/bin/chromium-browser" in USUAL_PLACES
    assert "/usr/bin/google-chrome-stable" in USUAL_PLACES
    assert any(
        place.startswith("/Applications/Google Chrome.app/") for place in USUAL_PLACES
    )
    assert any(
        place.startswith("/Applications/Chromium.app/") for place in USUAL_PLACES
    )


def test_the_command_dev_asks_prints_the_path_or_exits_1(tmp_path, places, capsys):
    """`python -m tests.browser.chrome` is how `./dev test` asks."""
    empty = {"PATH": str(tmp_path / "empty")}
    assert main(empty, places) == 0
    assert capsys.readouterr().out == places[1] + "\n"
    assert main(empty, places[:1]) == 1
    assert capsys.readouterr().out == ""
    chosen = program(tmp_path, "my-chrome")
    asked = subprocess.run(
        [sys.executable, "-m", "tests.browser.chrome"],
        cwd=settings.BASE_DIR,
        env={**empty, "CHROME_PATH": chosen},
        capture_output=True,
        text=True,
    )
    assert (asked.returncode, asked.stdout) == (0, chosen + "\n")


def test_only_ci_requires_the_browser():
    assert required({"CI": "true"})
    assert not required({"CI": "false"})
    assert not required({})


def test_without_a_browser_the_browser_tests_are_left_out():
    tests, why, among = left_out(None, axe_installed=True, ci=False)
    assert tests == "the browser tests"
    assert why == "no Chrome or Chromium found (set CHROME_PATH)"
    assert among({"browser", "django_db"}, ["page"])
    assert not among({"django_db"}, ["client", "axe_source"])


def test_without_axe_core_only_the_tests_that_scan_with_it_are_left_out():
    tests, why, among = left_out("/usr/bin/chromium", axe_installed=False, ci=False)
    assert tests == "the tests that scan with axe-core"
    assert why == "axe-core is not installed (npm ci)"
    assert among({"browser"}, ["page", "assert_accessible", "axe_source"])
    assert not among({"browser"}, ["page", "browser"])


def test_nothing_is_left_out_with_a_browser_and_axe_core_or_on_ci():
    assert left_out("/usr/bin/chromium", axe_installed=True, ci=False) is None
    assert left_out(None, axe_installed=False, ci=True) is None


def test_a_run_without_a_browser_deselects_the_browser_tests_and_says_so(
    monkeypatch,
):
    import tests.conftest as root

    monkeypatch.setattr(root, "find_chrome", lambda: None)
    monkeypatch.setattr(root, "required", lambda: False)

    def item(marker):
        mark = SimpleNamespace(name=marker)
        return SimpleNamespace(iter_markers=lambda: [mark], fixturenames=["page"])

    in_browser, plain = item("browser"), item("django_db")
    items, deselected = [in_browser, plain], []
    deselect = SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items))
    config = SimpleNamespace(hook=deselect)
    root.pytest_collection_modifyitems(config, items)
    assert (items, deselected) == ([plain], [in_browser])
    assert root.pytest_report_header(config) == (
        "left out: the browser tests, no Chrome or Chromium found (set CHROME_PATH)"
    )
