"""
The front page as editors arrange it: slots in page order, each with a rule
that fills it, and the articles pinned ahead of the rule (see
articles/front_page.py, which lays the page out).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from newsroom.cache import ReaderVisible

from .articles import Article
from .taxonomy import Section


class FrontPageSlot(ReaderVisible, models.Model):
    """
    One block of the front page, in page order: pinned articles first, then
    the latest live articles its rule finds (see articles/front_page.py).
    """

    class Kind(models.TextChoices):
        LEAD = "lead", "Lead story"
        TOP = "top", "Top stories"
        SECTION = "section", "Section block"
        LATEST = "latest", "Latest list"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TOP)
    heading = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown above the block. A section block defaults to the "
        "section's name.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the front page; lower comes first."
    )
    size = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many stories the block shows (a lead shows one).",
    )
    rule_section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="latest in section",
        help_text="Fill the block with the latest articles of this section.",
    )
    rule_tag = models.ForeignKey(
        "taggit.Tag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="latest with tag",
    )
    rule_kind = models.CharField(
        "latest of kind", max_length=10, choices=Article.Kind, blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "front page slot"

    def __str__(self):
        return self.display_heading or self.get_kind_display()

    def clean(self):
        if self.kind == self.Kind.SECTION and not self.rule_section_id:
            raise ValidationError(
                {"rule_section": "A section block needs its section."}
            )

    @property
    def display_heading(self):
        if self.heading:
            return self.heading
        if self.kind == self.Kind.SECTION and self.rule_section:
            return self.rule_section.name
        if self.kind == self.Kind.LEAD:
            return ""
        if self.kind == self.Kind.LATEST:
            return "Latest"
        return self.get_kind_display()

    @property
    def capacity(self):
        return 1 if self.kind == self.Kind.LEAD else self.size

    def matches(self, pk, section_id, kind, tagged):
        """
        The rule applied to one article's (pk, section_id, kind) and the
        set of (article, tag) pairs known for it.
        """
        return (
            (not self.rule_section_id or section_id == self.rule_section_id)
            and (not self.rule_kind or kind == self.rule_kind)
            and (not self.rule_tag_id or (pk, self.rule_tag_id) in tagged)
        )

    @property
    def rule_description(self):
        parts = []
        if self.rule_kind:
            parts.append(self.get_rule_kind_display().lower())
        if self.rule_section_id:
            parts.append(f"in {self.rule_section}")
        if self.rule_tag_id:
            parts.append(f"tagged {self.rule_tag}")
        return "latest " + " ".join(parts) if parts else "latest of all"


class FrontPagePin(ReaderVisible, models.Model):
    """An article an editor placed in a slot, ahead of what the rule finds."""

    slot = models.ForeignKey(
        FrontPageSlot, on_delete=models.CASCADE, related_name="pins"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "pinned article"
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "article"], name="front_page_pin_unique"
            )
        ]

    def __str__(self):
        return str(self.article)
