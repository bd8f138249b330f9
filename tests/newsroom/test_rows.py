"""
Instances read from the database (newsroom.rows.BuiltFromRows) are the ones
Model.from_db() builds: the same values, deferred fields and state, and
post_init still sent; while anything listens to pre_init, built as usual.
And the JSON in those rows is read as Django reads it (JSONField).
"""

import json
import math

import pytest
from django.db import models
from django.db.models import DEFERRED
from django.db.models.signals import post_init, pre_init

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleBodyReference,
    Author,
    Image,
    Section,
)
from newsroom.rows import BuiltFromRows, _plainly_set
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def built_by_django(instance):
    """`instance` read again through Model.from_db() itself."""
    model = type(instance)
    names = list(instance.__dict__.keys() - {"_state"})
    names = [f.attname for f in model._meta.concrete_fields if f.attname in names]
    values = [instance.__dict__[name] for name in names]
    return models.Model.from_db.__func__(model, instance._state.db, names, values)


def same(a, b):
    """`a` and `b` hold the same fields' values, deferred fields and state."""
    assert type(a) is type(b)
    names = [f.attname for f in type(a)._meta.concrete_fields]
    assert [(n, a.__dict__[n]) for n in names if n in a.__dict__] == [
        (n, b.__dict__[n]) for n in names if n in b.__dict__
    ]
    assert a._state.adding is b._state.adding is False
    assert a._state.db == b._state.db
    assert a.get_deferred_fields() == b.get_deferred_fields()


@pytest.mark.parametrize(
    "model", [Article, ArticleAuthor, ArticleBodyReference, Author, Image, Section]
)
def test_the_models_read_by_the_dozen_are_built_from_their_rows(model):
    assert issubclass(model, BuiltFromRows)
    assert _plainly_set(model) is not None


def test_an_instance_read_whole_or_in_part_is_the_one_from_db_builds():
    make_article(lead_image=make_image())
    whole = Article.objects.select_related("section", "lead_image").get()
    part = Article.objects.only("title", "section__name").select_related("section")
    part = part.get()
    for instance in (whole, whole.section, whole.lead_image, part, part.section):
        same(instance, built_by_django(instance))
    assert part.get_deferred_fields() >= {"body", "standfirst"}
    assert whole.lead_image._stored_file_name == whole.lead_image.file.name


def test_every_value_given_in_order_skips_those_deferred():
    names = [f.attname for f in Section._meta.concrete_fields]
    values = [7, "News", DEFERRED, "", 0]
    built = Section.from_db("default", names, values)
    same(built, models.Model.from_db.__func__(Section, "default", names, values))
    assert built.get_deferred_fields() == {"slug"}


def test_post_init_is_sent_and_a_pre_init_listener_gets_the_usual_build():
    seen = []

    def listener(sender, **kwargs):
        seen.append(kwargs.get("instance", sender))

    post_init.connect(listener, sender=Section)
    try:
        built = Section.from_db("default", ["id", "name"], [1, "News"])
    finally:
        post_init.disconnect(listener, sender=Section)
    assert seen == [built]
    pre_init.connect(listener, sender=Section)
    try:
        Section.from_db("default", ["id", "name"], [1, "News"])
    finally:
        pre_init.disconnect(listener, sender=Section)
    assert seen == [built, Section]


def test_json_is_read_as_the_standard_library_reads_it():
    from newsroom.rows import read_json

    text = '{"a": [1, 2.5, "é", null, true], "b": {"c": "\\u2014"}}'
    assert read_json(text) == json.loads(text)
    # What orjson refuses, the standard library reads.
    assert math.isnan(read_json("NaN"))
    assert read_json(str(2**70)) == 2**70
    with pytest.raises(json.JSONDecodeError):
        read_json("{not json")


def test_a_json_field_reads_as_djangos_does_and_migrates_as_djangos():
    from newsroom.rows import JSONField

    class Decoder(json.JSONDecoder):
        def __init__(self, **kwargs):
            super().__init__(object_hook=lambda found: {"decoded": found}, **kwargs)

    ours, django = JSONField(), models.JSONField()
    for text in ('{"a": [1, "b"]}', "NaN", "{not json", None):
        read = ours.from_db_value(text, None, None)
        expected = django.from_db_value(text, None, None)
        assert read == expected or (read != read and expected != expected)
    decoded = JSONField(decoder=Decoder).from_db_value('{"a": 1}', None, None)
    assert decoded == {"decoded": {"a": 1}}
    assert ours.deconstruct()[1] == "django.db.models.JSONField"
