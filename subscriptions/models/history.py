"""
What old migrations name and no model uses any more. Migration 0001 built
newsletters' days of the week with these; migration 0004 moved them to
DaysOfWeekField (subscriptions.models.weekdays).
"""

from django.core.exceptions import ValidationError
from django.db import models


class WeekdaysField(models.CharField):
    """ISO weekday digits in a string ("15" for Monday and Friday)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "subscriptions.models.WeekdaysField", args, kwargs


def validate_weekdays(value):
    if not value or any(day not in "1234567" for day in value):
        raise ValidationError("Choose at least one day of the week.")
