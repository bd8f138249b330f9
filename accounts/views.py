"""
The admin's sign-in page (answering 429 while sign-in is paused) and the
second factor's pages: asking for it after the password, and adding,
listing and removing one's own factors and recovery codes.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import passkeys, totp, two_factor
from .forms import (
    AuthenticatorCodeForm,
    PasskeyEnrolmentForm,
    PasskeyForm,
    RecoveryCodeForm,
    TOTPEnrolmentForm,
)
from .models import Passkey, RecoveryCode, TOTPDevice

FACTOR_FORMS = {
    "authenticator": AuthenticatorCodeForm,
    "passkey": PasskeyForm,
    "recovery": RecoveryCodeForm,
}
PENDING_SECRET_KEY = "_totp_pending_secret"
CODES_TO_SHOW_KEY = "_recovery_codes_to_show"


def admin_login(request, extra_context=None):
    """
    The admin's own login view (its form is accounts.forms.LockoutLoginForm),
    with the status and Retry-After of a refusal, so clients and monitoring
    see it as one.
    """
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    return _limited(response, form)


def _limited(response, form):
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


def _next(request):
    """Where to go once the second factor is passed: `next`, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _render(request, template, title, context=None, gated=None):
    """
    A page in the admin's frame, without its menu while the session is
    `gated` (kept to the second factor's pages by accounts.middleware).
    """
    if gated is None:
        user = request.user
        gated = not two_factor.passed(request) and (
            two_factor.has_factor(user) or two_factor.must_use(user)
        )
    context = {
        **admin.site.each_context(request),
        "title": title,
        "gated": gated,
        **(context or {}),
    }
    if gated:
        context["is_nav_sidebar_enabled"] = False
    return TemplateResponse(request, template, context)


def _staff(view):
    return admin.site.admin_view(view)


@_staff
def verify(request):
    """Ask for the second factor after the password."""
    user = request.user
    has_totp = TOTPDevice.objects.filter(user=user).exists()
    has_passkey = user.passkeys.exists()
    if two_factor.passed(request) or not (has_totp or has_passkey):
        return redirect(_next(request))
    forms = {name: form(request, prefix=name) for name, form in FACTOR_FORMS.items()}
    chosen = request.POST.get("factor") if request.method == "POST" else None
    if chosen in FACTOR_FORMS:
        form = forms[chosen] = FACTOR_FORMS[chosen](
            request, request.POST, prefix=chosen
        )
        if form.is_valid():
            two_factor.mark_passed(request)
            if chosen == "recovery":
                left = RecoveryCode.objects.unused().filter(user=user).count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. If you "
                    "have lost your authenticator app or passkey, add a new "
                    "one and make new recovery codes.",
                )
            return redirect(_next(request))
    context = {
        "next": _next(request),
        "authenticator_form": forms["authenticator"] if has_totp else None,
        "passkey_form": forms["passkey"] if has_passkey else None,
        "passkey_options": (
            passkeys.authentication_options(request, user) if has_passkey else None
        ),
        "recovery_form": forms["recovery"],
        "chosen": chosen,
    }
    response = _render(
        request,
        "accounts/two_factor_verify.html",
        "Two-factor sign-in",
        context,
        gated=True,
    )
    return _limited(response, forms.get(chosen))


@_staff
def overview(request):
    """One's own second factors: what there is, and buttons to change it."""
    user = request.user
    return _render(
        request,
        "accounts/two_factor.html",
        "Two-factor sign-in",
        {
            "required": two_factor.must_use(user),
            "policy": settings.STAFF_TWO_FACTOR,
            "device": TOTPDevice.objects.filter(user=user).first(),
            "passkeys": list(user.passkeys.all()),
            "codes_left": RecoveryCode.objects.unused().filter(user=user).count(),
            "has_factor": two_factor.has_factor(user),
        },
    )


def _enrolled(request, first):
    """After a factor is added: passed, and recovery codes with the first one."""
    two_factor.mark_passed(request)
    if first:
        request.session[CODES_TO_SHOW_KEY] = two_factor.make_recovery_codes(
            request, request.user
        )
        return redirect("accounts:two-factor-recovery-codes")
    return redirect("accounts:two-factor")


@_staff
def add_authenticator(request):
    """Set up an authenticator app: a QR code and the secret, then its first code."""
    user = request.user
    secret = request.session.get(PENDING_SECRET_KEY)
    if request.method == "POST" and secret:
        form = TOTPEnrolmentForm(secret, request.POST)
        if form.is_valid():
            first = not two_factor.has_factor(user)
            two_factor.enrol_totp(request, user, secret, form.step)
            del request.session[PENDING_SECRET_KEY]
            messages.success(request, "Your authenticator app is set up.")
            return _enrolled(request, first)
    else:
        secret = totp.new_secret()
        request.session[PENDING_SECRET_KEY] = secret
        form = TOTPEnrolmentForm(secret)
    uri = totp.provisioning_uri(secret, user.get_username(), settings.SITE_NAME)
    return _render(
        request,
        "accounts/two_factor_authenticator.html",
        "Set up an authenticator app",
        {
            "form": form,
            "secret": totp.grouped(secret),
            "qr_code": two_factor.qr_code_svg(uri),
            "replacing": TOTPDevice.objects.filter(user=user).exists(),
        },
    )


@_staff
def add_passkey(request):
    """Register a passkey or security key through the browser."""
    user = request.user
    form = PasskeyEnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        first = not two_factor.has_factor(user)
        try:
            passkeys.register(
                request,
                user,
                form.cleaned_data["name"],
                form.cleaned_data["credential"],
            )
        except passkeys.PasskeyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Passkey “{form.cleaned_data['name']}” added.")
            return _enrolled(request, first)
    return _render(
        request,
        "accounts/two_factor_passkey.html",
        "Add a passkey or security key",
        {"form": form, "options": passkeys.registration_options(request, user)},
    )


@_staff
def recovery_codes(request):
    """New recovery codes (POST), shown once on the page that follows."""
    user = request.user
    if request.method == "POST":
        if not two_factor.has_factor(user):
            return redirect("accounts:two-factor")
        request.session[CODES_TO_SHOW_KEY] = two_factor.make_recovery_codes(
            request, user
        )
        return redirect("accounts:two-factor-recovery-codes")
    return _render(
        request,
        "accounts/two_factor_recovery_codes.html",
        "Recovery codes",
        {
            "codes": request.session.pop(CODES_TO_SHOW_KEY, None),
            "codes_left": RecoveryCode.objects.unused().filter(user=user).count(),
            "has_factor": two_factor.has_factor(user),
        },
    )


@_staff
@require_POST
def remove_authenticator(request):
    device = get_object_or_404(TOTPDevice, user=request.user)
    two_factor.remove_factor(request, request.user, device)
    messages.success(request, "Your authenticator app was removed.")
    return redirect("accounts:two-factor")


@_staff
@require_POST
def remove_passkey(request, pk):
    passkey = get_object_or_404(Passkey, pk=pk, user=request.user)
    two_factor.remove_factor(request, request.user, passkey)
    messages.success(request, f"Passkey “{passkey.name}” was removed.")
    return redirect("accounts:two-factor")
