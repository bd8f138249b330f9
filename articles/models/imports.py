"""
What came from outside: one row per thing an importer brought in (a
WordPress post, page, attachment, author, category or tag; an agency's
story), keyed by where it came from and the ID it had there, and pointing
at what it became here.

Importers run again and again (a switch-over week, an agency feed every few
minutes), and each run asks of every incoming item:

- Did it come before? (`source`, `kind`, `external_id` are unique.)
- Did it change there since? (`fingerprint`: a hash of what the importer
  read, compared with the new one.)
- Has anyone changed it here since? (`written_at`: the local object's
  `updated_at` just after the importer last wrote it, for objects that
  keep one; a later `updated_at` means an editor has been at it, and the
  importer leaves it alone.)

ImportRecord.objects.decide(...) gives the answer, and `record(...)` keeps
it after a write.
"""

import hashlib
import json
from contextlib import contextmanager

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


def fingerprint(value):
    """A stable hash of `value` (anything json can write, keys in any order)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def agency_source(name):
    """The source of what the news agency `name`'s feed brought in."""
    return f"agency:{name}"


@contextmanager
def explicit_timestamps(model, *names):
    """
    Let bulk_create keep the created/updated times we give it. Without this,
    auto_now and auto_now_add stamp every article loaded (the demo's, an
    import's) with the moment of the run, and each one would look edited
    long after it was published.
    """
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class ImportRecordQuerySet(models.QuerySet):
    def of(self, source, kind):
        return self.filter(source=source, kind=kind)

    def from_agencies(self):
        """What any news agency's feed brought in (articles/agency.py)."""
        return self.filter(source__startswith=agency_source(""))

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(
                obj, for_concrete_model=False
            ),
            object_id=obj.pk,
        )


class ImportRecord(models.Model):
    """Where something here came from, and what it was when it last came in."""

    class Decision(models.TextChoices):
        NEW = "new", "New"
        UNCHANGED = "unchanged", "Unchanged at the source"
        UPDATE = "update", "Changed at the source"
        EDITED_HERE = "edited", "Changed at the source, but edited here since"
        GONE = "gone", "Imported once, since deleted here"

    source = models.CharField(
        max_length=200,
        help_text="Where it came from: “wordpress:example.com”, “agency:AP”.",
    )
    kind = models.CharField(max_length=30, help_text="post, page, attachment, …")
    external_id = models.CharField("ID there", max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    imported = GenericForeignKey("content_type", "object_id")
    fingerprint = models.CharField(max_length=64)
    written_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The object's updated_at right after the import last wrote it.",
    )
    first_imported_at = models.DateTimeField(auto_now_add=True)
    last_imported_at = models.DateTimeField(auto_now=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="import_record_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="import_record_object_idx"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.external_id}"

    def decide(self, new_fingerprint, current=None):
        """
        What to do with this item now that the source says `new_fingerprint`
        of it; `current` is the object it became, as it is here now (None when
        it has been deleted here).
        """
        if current is None:
            return self.Decision.GONE
        if new_fingerprint == self.fingerprint:
            return self.Decision.UNCHANGED
        updated_at = getattr(current, "updated_at", None)
        if self.written_at and updated_at and updated_at > self.written_at:
            return self.Decision.EDITED_HERE
        return self.Decision.UPDATE

    @classmethod
    def record(cls, source, kind, external_id, obj, new_fingerprint):
        """Keep that `obj` is what `external_id` became, as of `new_fingerprint`."""
        record, _ = cls.objects.update_or_create(
            source=source,
            kind=kind,
            external_id=str(external_id),
            defaults={
                "content_type": ContentType.objects.get_for_model(
                    obj, for_concrete_model=False
                ),
                "object_id": obj.pk,
                "fingerprint": new_fingerprint,
                "written_at": getattr(obj, "updated_at", None),
            },
        )
        return record

    @classmethod
    def record_many(cls, source, rows):
        """
        `record()` for many at once, in one statement: `rows` are (kind,
        external_id, obj, new_fingerprint).
        """
        types = {}
        records = []
        for kind, external_id, obj, new_fingerprint in rows:
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(
                    obj, for_concrete_model=False
                )
            records.append(
                cls(
                    source=source,
                    kind=kind,
                    external_id=str(external_id),
                    content_type=types[model],
                    object_id=obj.pk,
                    fingerprint=new_fingerprint,
                    written_at=getattr(obj, "updated_at", None),
                )
            )
        return cls.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["source", "kind", "external_id"],
            update_fields=[
                "content_type",
                "object_id",
                "fingerprint",
                "written_at",
                "last_imported_at",
            ],
        )
