"""
The consent ledgers' shared columns and rules. Each act of a reader's
consent is a row of a model built on `ConsentRecord`: a newsletter's
`ConsentEvent` (sign-up, confirmation, change, unsubscribe) or a delivery
request's `DeliveryConsent` (the terms, and offers when ticked). A row names
the wording from `subscriptions.consent` by key and version, keeps its text
as the reader saw it, the page and the time, and is never changed once
written.
"""

from django.db import models
from django.utils import timezone

from newsroom import formats

APPEND_ONLY = "The consent ledger is append-only: add an event instead."


class ConsentLedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(APPEND_ONLY)


class ConsentRecord(models.Model):
    """
    One act of consent. A concrete model adds what it is about (a foreign
    key) and what happened (`what()`, for its name in lists).
    """

    wording_key = models.CharField(
        max_length=40, help_text="Which wording of subscriptions.consent."
    )
    wording_version = models.CharField(max_length=20, blank=True)
    wording = models.TextField(blank=True, help_text="The words the reader agreed to.")
    source = models.CharField(
        max_length=500, blank=True, help_text="The page or link where it happened."
    )
    at = models.DateTimeField(default=timezone.now)

    objects = ConsentLedgerQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]
        get_latest_by = "at"

    def __str__(self):
        return f"{self.what()} at {formats.written(self.at, 'stamp')}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    @classmethod
    def given(cls, wording, *, source, at, **about):
        """
        An unsaved row of `wording` (a `subscriptions.consent.Wording`),
        agreed to on the page `source` at `at`; `about` names the rest.
        """
        return cls(
            wording_key=wording.key,
            wording_version=wording.version,
            wording=wording.text,
            source=(source or "")[:500],
            at=at,
            **about,
        )

    def what(self):
        raise NotImplementedError
