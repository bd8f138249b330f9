"""Cross-app blocks for article pages: newsletter and home-delivery promos."""

import functools
from typing import NamedTuple

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from newsroom.escaping import escaped, safe_html
from newsroom.form_renderer import (
    input_attrs_html,
    input_opening_html,
    input_value_html,
)
from subscriptions.forms.newsletters import SignUpForm, sign_up_auto_id
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


def offer_html(newsletters, source):
    """
    What includes/newsletter_promos.html writes for `newsletters` with
    their unbound sign-up forms (forms.newsletters.sign_up_forms) sent from
    `source` (a path), to the byte, written here in Python as the cards
    are: every article page shows one, and rendering the four templates and
    building the forms cost about a tenth of a cold render. Its inputs are written
    as the form's own fields and widgets say (sign_up_inputs); a bound form,
    with its errors, and the sign-up pages still go through the templates.
    tests/subscriptions/test_newsletter_offer.py renders both and compares.
    """
    if not newsletters:
        return safe_html("")
    inputs = sign_up_inputs()
    action = sign_up_address()
    source = input_value_html(inputs.source.format_value(source))
    promos = "".join(
        promo_html(newsletter, inputs, action, source) for newsletter in newsletters
    )
    return safe_html(  # every value escaped here or in promo_html
        '<aside class="promos newsletter-promos" aria-label="Newsletters">\n'
        f"{promos}</aside>\n"
    )


def promo_html(newsletter, inputs, action, source):
    """
    includes/newsletter_promo.html for `newsletter`, its form posted to
    `action` and saying it was sent from `source` (its value attribute),
    both escaped.
    """
    slug = escaped(newsletter.slug)
    email, consent, website = inputs.email, inputs.consent, inputs.website
    return (
        f'<section class="promo newsletter-promo" id="newsletter-{slug}" '
        f'aria-labelledby="newsletter-{slug}-title">\n'
        f'<h2 class="promo__title" id="newsletter-{slug}-title">'
        f"{escaped(newsletter.name)}</h2>\n"
        f'<p class="promo__pitch">{escaped(newsletter.pitch)}</p>\n'
        f'<p class="promo__rhythm">{escaped(newsletter.rhythm)}</p>\n'
        f'<form class="newsletter-form" method="post" action="{action}">\n'
        f'<input type="hidden" name="newsletter" value="{slug}">\n'
        '<p class="field">\n'
        f'<label for="{email.label_for(slug)}">{email.label}</label>\n'
        f"{email.html(slug)}\n\n</p>\n"
        '<p class="field consent">\n'
        f"{consent.html(slug)}\n"
        f'<label for="{consent.label_for(slug)}">{consent.label}</label>\n\n</p>\n\n'
        f"{inputs.consent_version.html(slug)}{inputs.source.html(slug, source)}\n\n"
        '<div hidden aria-hidden="true">'
        f'<label for="{website.label_for(slug)}">{website.label}</label> '
        f"{website.html(slug)}</div>\n\n"
        '<button type="submit">Sign up</button>\n</form>\n\n</section>\n\n'
    )


# Where the newsletter's slug goes in the ids sign_up_inputs() derives.
SLUG_SLOT = "\0"


class ShownInput(NamedTuple):
    """
    A field of the offered sign-up form: its label and its <input>, as
    newsroom.form_renderer writes that, in parts around the newsletter's
    slug in its id (escaped, as is all here).
    """

    label: str
    label_for_parts: tuple
    opening: str  # <input type="…" name="…"
    value: str  # value="…", as the unbound form writes it
    attrs_parts: tuple
    format_value: object  # its widget's, for the value of a page's own

    def label_for(self, slug):
        head, tail = self.label_for_parts
        return f"{head}{slug}{tail}"

    def html(self, slug, value=None):
        head, tail = self.attrs_parts
        value = self.value if value is None else value
        return f"{self.opening}{value}{head}{slug}{tail}>"


class ShownInputs(NamedTuple):
    """The fields of the sign-up form an offer shows."""

    email: ShownInput
    consent: ShownInput
    consent_version: ShownInput
    source: ShownInput
    website: ShownInput


class KeptWidgets:
    """A form renderer keeping each widget's context rather than writing it."""

    def __init__(self):
        self.widgets = []

    def render(self, template_name, context, request=None):
        self.widgets.append(context["widget"])
        return ""


@functools.cache
def sign_up_inputs():
    """
    What an unbound sign-up form (forms.newsletters.SignUpForm) writes of
    each field an offer shows, found once per process from the form's own
    fields and widgets (type, name, value, required, maxlength and every
    other attribute, and the label), as BoundField.as_widget() has its
    widget write it: a change to the form's fields changes the offer too.
    """
    renderer = KeptWidgets()
    form = SignUpForm(auto_id=sign_up_auto_id(SLUG_SLOT), renderer=renderer)
    shown = {}
    for name in ShownInputs._fields:
        field = form[name]
        field.as_widget()
        widget = renderer.widgets.pop()
        shown[name] = ShownInput(
            label=escaped(field.label),
            label_for_parts=around_slug(escaped(field.id_for_label)),
            opening=input_opening_html(widget),
            value=input_value_html(widget["value"]),
            attrs_parts=around_slug(input_attrs_html(widget["attrs"])),
            format_value=field.field.widget.format_value,
        )
    return ShownInputs(**shown)


def around_slug(written):
    """What comes before and after the slug's place in `written`."""
    head, tail = written.split(SLUG_SLOT)  # once, or the offer cannot be written
    return head, tail


def sign_up_address():
    """
    The sign-up form's address, escaped, under this request's script prefix
    and URLconf, reversed once per process for each.
    """
    return reversed_sign_up_address(
        get_script_prefix(), get_urlconf(settings.ROOT_URLCONF)
    )


@functools.lru_cache(maxsize=16)
def reversed_sign_up_address(prefix, urlconf):
    # `prefix` is part of the key: reverse() reads it from the request.
    return escaped(reverse("subscriptions:newsletter-sign-up", urlconf=urlconf))


@register.inclusion_tag("includes/delivery_promo.html")
def delivery_promo():
    try:
        url = reverse("subscriptions:delivery-request")
    except NoReverseMatch:
        # The delivery request page's usual address, for builds without it.
        url = "/delivery/"
    return {"delivery_url": url}
