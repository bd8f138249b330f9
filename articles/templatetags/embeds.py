"""{% load embeds %}: what the portable embed template asks of articles.embeds."""

from django import template

from ..embeds import provider_for

register = template.Library()


@register.filter
def embed_provider(url):
    """The name of the provider whose patterns accept `url`, or ""."""
    provider = provider_for(url)
    return provider.name if provider else ""
