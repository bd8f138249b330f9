"""Cross-app blocks for article pages: newsletter and home-delivery promos."""

from django import template
from django.urls import NoReverseMatch, reverse

from subscriptions.forms.newsletters import sign_up_forms
from subscriptions.models.newsletters import Newsletter

register = template.Library()


@register.inclusion_tag("includes/newsletter_promos.html", takes_context=True)
def newsletter_offer(context, section=None):
    """
    One newsletter offered with a sign-up form: the section's own, else the
    first active one about the whole paper (the daily one in the house
    order), so a page never offers two. The form carries no CSRF token, so
    the page stays cacheable and cookie-free; the newsletters come from the
    cache, so a warm page spends no query on them.
    """
    request = context.get("request")
    source = request.path if request is not None else ""
    offered = newsletter_for_section(Newsletter.objects.active_cached(), section)
    return {"promos": sign_up_forms(offered, source)}


def newsletter_for_section(newsletters, section):
    """[The newsletter to offer beside `section`'s articles], or []."""
    own = [n for n in newsletters if section and n.section_id == section.pk]
    general = [n for n in newsletters if n.section_id is None]
    return (own or general)[:1]


@register.inclusion_tag("includes/delivery_promo.html")
def delivery_promo():
    try:
        url = reverse("subscriptions:delivery-request")
    except NoReverseMatch:
        # The delivery request page's usual address, for builds without it.
        url = "/delivery/"
    return {"delivery_url": url}
