"""Public newsletter pages: sign up, confirm, unsubscribe, manage; the web archive."""

from functools import wraps

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsroom.http import cache_for_readers
from newsroom.ratelimit import client_address, over_limit_response, rate_limit_exceeded

from .. import signup
from ..forms.newsletters import PreferencesForm, SignUpForm, sign_up_forms
from ..models.editions import Edition
from ..models.newsletters import (
    Newsletter,
    Subscription,
    email_from_preferences_token,
)


def public_page(view):
    """Same for every reader and cookie-free: cacheable for anonymous readers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return cache_for_readers(request, view(request, *args, **kwargs))

    wrapper.server_cached = True
    return wrapper


@require_GET
@public_page
def newsletter_list(request):
    newsletters = Newsletter.objects.active_cached()
    return render(
        request,
        "subscriptions/newsletters/newsletter_list.html",
        {"promos": sign_up_forms(newsletters, request.path)},
    )


# The sign-up form sits on cacheable pages that set no cookie, so it carries
# no CSRF token. A forged post can do no more than the attacker could do
# directly: ask for a rate-limited confirmation email to an address, which
# subscribes nobody until its owner presses the button in it.
@csrf_exempt
@require_POST
def newsletter_sign_up(request):
    form = SignUpForm(request.POST)
    if form.is_robot:
        # The answer a person gets, so the robot learns nothing; no row, no mail.
        return redirect("subscriptions:newsletter-check-inbox")
    exceeded = rate_limit_exceeded("sign-up:address", client_address(request))
    if exceeded is None and form.is_valid():
        exceeded = rate_limit_exceeded("sign-up:email", form.cleaned_data["email"])
        if exceeded is None:
            signup.request_subscription(
                email=form.cleaned_data["email"],
                newsletter=form.cleaned_data["newsletter"],
                consent_version=form.cleaned_data["consent_version"],
                source=form.cleaned_data["source"],
            )
            return redirect("subscriptions:newsletter-check-inbox")
    response = render(
        request,
        "subscriptions/newsletters/sign_up.html",
        {"form": form, "exceeded": exceeded},
        status=400,
    )
    if exceeded:
        over_limit_response(response, exceeded)
    return response


@require_GET
@public_page
def check_inbox(request):
    return render(request, "subscriptions/newsletters/check_inbox.html")


def invalid_link(request):
    return render(request, "subscriptions/newsletters/link_invalid.html", status=400)


def emailed_link(request, subscription, action, ask_template, done_template):
    """
    The shape of every emailed link: a GET only shows a page with a button,
    so mail scanners that fetch links change nothing; the button's POST acts.
    """
    if subscription is None:
        return invalid_link(request)
    template = ask_template
    if request.method == "POST":
        action(subscription)
        template = done_template
    return render(
        request,
        f"subscriptions/newsletters/{template}.html",
        {"subscription": subscription},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation email (CSRF-protected, uncached page)."""
    subscription = Subscription.from_confirmation_token(token)
    if subscription and subscription.status == Subscription.Status.UNSUBSCRIBED:
        # An old confirmation email must not undo an unsubscribe.
        subscription = None
    return emailed_link(
        request,
        subscription,
        signup.confirm_subscription,
        "confirm",
        "confirmed",
    )


# RFC 8058: mail clients post "List-Unsubscribe=One-Click" here with no
# cookie, login or CSRF token. The signed per-recipient token in the URL is
# the authorisation, and unsubscribing is the only thing a post can do.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = Subscription.from_unsubscribe_token(token)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    source = "one-click unsubscribe" if one_click else "unsubscribe link"
    return emailed_link(
        request,
        subscription,
        lambda s: s.unsubscribe(source=source),
        "unsubscribe",
        "unsubscribed",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """Every newsletter of one address, to tick or untick (CSRF-protected)."""
    email = email_from_preferences_token(token)
    if email is None:
        return invalid_link(request)
    subscriptions = list(signup.subscriptions_for(email))
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            signup.update_preferences(
                email, form.cleaned_data["newsletters"], source=request.path
            )
            return redirect(request.path + "?saved=1")
    else:
        confirmed = [
            s.newsletter.slug
            for s in subscriptions
            if s.status == Subscription.Status.CONFIRMED
        ]
        form = PreferencesForm(initial={"newsletters": confirmed})
    return render(
        request,
        "subscriptions/newsletters/preferences.html",
        {
            "email": email,
            "form": form,
            "subscriptions": subscriptions,
            "saved": request.GET.get("saved") == "1",
        },
    )


# The web archive: a newsletter's page and its editions' pages, the same for
# every reader (no subscriber's token or address), cached like reading pages.

ARCHIVE_LENGTH = 60


@require_GET
@public_page
def newsletter_detail(request, slug):
    """A newsletter's pitch and sign-up form, and its editions, newest first."""
    newsletter = get_object_or_404(Newsletter.objects.active(), slug=slug)
    return render(
        request,
        "subscriptions/newsletters/newsletter_detail.html",
        {
            "newsletter": newsletter,
            "promos": sign_up_forms([newsletter], request.path),
            "editions": newsletter.editions.archived()[:ARCHIVE_LENGTH],
        },
    )


@require_GET
@public_page
def edition_detail(request, newsletter_slug, pk):
    """One sent edition as its readers got it, with the newsletter's sign-up."""
    edition = get_object_or_404(
        Edition.objects.archived().select_related("newsletter"),
        pk=pk,
        newsletter__slug=newsletter_slug,
    )
    newsletter = edition.newsletter
    return render(
        request,
        "subscriptions/newsletters/edition_detail.html",
        {
            "edition": edition,
            "newsletter": newsletter,
            "note": edition.note_html(),
            "articles": edition.articles_for_readers(),
            "promos": sign_up_forms([newsletter], request.path),
        },
    )


class EditionFeed(Feed):
    """A newsletter's sent editions, newest first (RSS 2.0)."""

    item_count = 30

    def get_object(self, request, slug):
        return get_object_or_404(Newsletter.objects.active(), slug=slug)

    def title(self, newsletter):
        return f"{newsletter.name} – {settings.SITE_NAME}"

    def description(self, newsletter):
        return newsletter.pitch

    def link(self, newsletter):
        return settings.SITE_URL + newsletter.get_absolute_url()

    def feed_url(self, newsletter):
        return settings.SITE_URL + reverse(
            "subscriptions:newsletter-feed", kwargs={"slug": newsletter.slug}
        )

    def items(self, newsletter):
        return newsletter.editions.archived()[: self.item_count]

    def item_title(self, edition):
        return edition.subject

    def item_description(self, edition):
        return edition.note_html() or edition.newsletter.pitch

    def item_link(self, edition):
        return settings.SITE_URL + edition.get_absolute_url()

    def item_pubdate(self, edition):
        return edition.sent_at or edition.scheduled_for


# Feeds are the same for everyone: cached like the pages that list them.
newsletter_feed = require_GET(public_page(EditionFeed()))
