"""
Import records: what an importer brought in, by the ID it had at its source,
and whether a new run should write it again (changed there and not edited
here since).
"""

from datetime import timedelta

import pytest

from articles.models import Article, ImportRecord, fingerprint
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_fingerprint_ignores_the_order_of_keys_but_not_their_values():
    assert fingerprint({"a": 1, "b": "é"}) == fingerprint({"b": "é", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_an_item_unchanged_at_its_source_is_left_alone():
    article = make_article()
    record = ImportRecord.record("wordpress:old.example", "post", 7, article, "f1")
    assert record.decide("f1", article) == ImportRecord.Decision.UNCHANGED


def test_an_item_changed_at_its_source_and_not_here_is_written_again():
    article = make_article()
    record = ImportRecord.record("wordpress:old.example", "post", 7, article, "f1")
    assert record.decide("f2", article) == ImportRecord.Decision.UPDATE


def test_an_item_an_editor_changed_here_since_is_not_overwritten():
    article = make_article()
    record = ImportRecord.record("wordpress:old.example", "post", 7, article, "f1")
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.updated_at + timedelta(seconds=1)
    )
    article.refresh_from_db()
    assert record.decide("f2", article) == ImportRecord.Decision.EDITED_HERE


def test_an_item_deleted_here_is_not_brought_back_unasked():
    article = make_article()
    record = ImportRecord.record("wordpress:old.example", "post", 7, article, "f1")
    assert record.decide("f2", None) == ImportRecord.Decision.GONE


def test_recording_again_keeps_one_row_per_source_kind_and_id():
    first, second = make_article(), make_article()
    ImportRecord.record("agency:AP", "story", "urn:1", first, "f1")
    ImportRecord.record("agency:AP", "story", "urn:1", second, "f2")
    ImportRecord.record("agency:AFP", "story", "urn:1", first, "f1")
    record = ImportRecord.objects.of("agency:AP", "story").get()
    assert (record.imported, record.fingerprint) == (second, "f2")
    assert ImportRecord.objects.for_object(first).count() == 1
