"""Template filters for newsroom.formats: `{% load formats %}`."""

from django import template

from newsroom import formats

register = template.Library()


@register.filter
def written(value, style):
    """`{{ value|written:"moment" }}`: see newsroom.formats.STYLES."""
    return formats.written(value, style)


@register.simple_tag
def today(style):
    """`{% today "weekday_day" %}`: see newsroom.formats.today."""
    return formats.today(style)


@register.filter
def iso(value):
    return formats.iso(value)


@register.filter
def written_when(value):
    """When `value` happened, said as a reader would now ("Yesterday, 21:27")."""
    return formats.written_when(value)


@register.filter
def staff_name(user):
    return formats.staff_name(user)
