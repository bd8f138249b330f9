"""Cross-app blocks for article pages: newsletter and home-delivery promos."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from newsroom.form_renderer import attr_value
from subscriptions.forms.newsletters import sign_up_forms
from subscriptions.models.newsletters import Newsletter

register = template.Library()


@register.simple_tag(takes_context=True)
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
    return offer_html(offered, source)


def newsletter_for_section(newsletters, section):
    """[The newsletter to offer beside `section`'s articles], or []."""
    own = [n for n in newsletters if section and n.section_id == section.pk]
    general = [n for n in newsletters if n.section_id is None]
    return (own or general)[:1]


# Where the page's address goes in an offer built once (offer_parts).
SOURCE_MARK = "newsletter-offer-source-3b9f0c"
# Offers built, by what they show; a handful of newsletters make a handful.
_offers = {}


def offer_html(newsletters, source):
    """
    includes/newsletter_promos.html for `newsletters`, their forms saying
    they were sent from `source` (a path): built from the template and the
    sign-up forms once per newsletter shown (offer_parts), and only the
    page's address written in for each page, as the form writes it.
    """
    if not source:  # no value at all, as the form writes an empty one
        return promos_html(newsletters, source)
    return SafeString(attr_value(source).join(offer_parts(newsletters)))


def forget_built_offers():
    """
    Every offer built so far gone, as in a new process: what the cold
    renders of the benchmarks and tests start from (tests.kept).
    """
    _offers.clear()


def offer_parts(newsletters):
    """
    The offer of `newsletters`, built by promos_html() once for what it
    shows of them (and the addresses it links, under this request's script
    prefix and URLconf), split where the page's address goes.
    """
    key = (
        tuple((n.slug, n.name, n.pitch, n.rhythm) for n in newsletters),
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
    )
    parts = _offers.get(key)
    if parts is None:
        if len(_offers) >= 64:  # renamed newsletters' old offers: start again
            _offers.clear()
        parts = _offers[key] = promos_html(newsletters, SOURCE_MARK).split(SOURCE_MARK)
    return parts


def promos_html(newsletters, source):
    """Each of `newsletters` with its sign-up form sent from `source`."""
    return render_to_string(
        "includes/newsletter_promos.html",
        {"promos": sign_up_forms(newsletters, source)},
    )


@register.inclusion_tag("includes/delivery_promo.html")
def delivery_promo():
    try:
        url = reverse("subscriptions:delivery-request")
    except NoReverseMatch:
        # The delivery request page's usual address, for builds without it.
        url = "/delivery/"
    return {"delivery_url": url}
