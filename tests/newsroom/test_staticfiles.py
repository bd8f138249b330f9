import json

import pytest

from newsroom.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"site.css": "site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path)


def test_a_static_file_is_addressed_by_its_hashed_name(storage):
    assert storage.url("site.css") == "/static/site.0123abcd.css"
    assert storage.url("site.css#top") == "/static/site.0123abcd.css#top"


def test_an_address_is_worked_out_once_per_manifest(storage, monkeypatch):
    """Every page asks for the same stylesheet: the manifest is read once for it."""
    looked_up = []
    stored_name = storage.stored_name
    monkeypatch.setattr(
        storage, "stored_name", lambda name: looked_up.append(name) or stored_name(name)
    )
    assert storage.url("site.css") == storage.url("site.css")
    assert looked_up == ["site.css"]
    storage.hashed_files = {"site.css": "site.4567cdef.css"}  # a new manifest
    assert storage.url("site.css") == "/static/site.4567cdef.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("missing.css")


def test_debug_addresses_files_by_their_own_names(storage, settings):
    assert storage.url("site.css") == "/static/site.0123abcd.css"
    settings.DEBUG = True
    assert storage.url("site.css") == "/static/site.css"
