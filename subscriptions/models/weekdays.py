"""
Days of the week, one encoding across subscriptions: a JSON list of codes in
week order, such as ["mon", "fri"]. Newsletters go out on them; readers have
the paper delivered on them.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst


class Weekday(models.TextChoices):
    MONDAY = "mon", "Monday"
    TUESDAY = "tue", "Tuesday"
    WEDNESDAY = "wed", "Wednesday"
    THURSDAY = "thu", "Thursday"
    FRIDAY = "fri", "Friday"
    SATURDAY = "sat", "Saturday"
    SUNDAY = "sun", "Sunday"

    @classmethod
    def of(cls, day):
        """The code of a date's day of the week."""
        return cls.values[day.weekday()]


WEEKDAY_ORDER = {code: index for index, code in enumerate(Weekday.values)}


def every_day():
    return list(Weekday.values)


def weekdays_in_order(days):
    """`days` without repeats, in week order (unknown codes last)."""
    return sorted(set(days), key=lambda code: WEEKDAY_ORDER.get(code, 7))


def weekdays_display(days):
    """“Every day”, or the short names in week order: “Mon, Fri”."""
    days = weekdays_in_order(days)
    if len(days) == 7:
        return "Every day"
    return ", ".join(Weekday(code).label[:3] for code in days)


def weekdays_written_out(days):
    """
    The days as a reader would say them: “Mondays and Saturdays”, “Monday to
    Friday” for a run of three or more days, “every day” for all seven.
    """
    days = [code for code in weekdays_in_order(days) if code in WEEKDAY_ORDER]
    if len(days) == 7:
        return "every day"
    names = [Weekday(code).label for code in days]
    positions = [WEEKDAY_ORDER[code] for code in days]
    if len(days) >= 3 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{names[0]} to {names[-1]}"
    plurals = [f"{name}s" for name in names]
    if len(plurals) <= 1:
        return "".join(plurals)
    return f"{', '.join(plurals[:-1])} and {plurals[-1]}"


def validate_days_of_week(value):
    if not value:
        raise ValidationError("Choose at least one day of the week.")
    if not isinstance(value, list) or set(value) - set(Weekday.values):
        raise ValidationError("Unknown day of the week.")


class DaysOfWeekField(models.JSONField):
    """Days of the week as a list of Weekday codes, edited as tick boxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_days_of_week])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("validators") == [validate_days_of_week]:
            del kwargs["validators"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        days = getattr(model_instance, self.attname)
        if isinstance(days, list):
            days = weekdays_in_order(days)
            setattr(model_instance, self.attname, days)
        return days

    def formfield(self, **kwargs):
        options = {
            "choices": Weekday.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        options.update(
            (key, kwargs[key])
            for key in ("label", "help_text", "required")
            if key in kwargs
        )
        return forms.MultipleChoiceField(**options)
