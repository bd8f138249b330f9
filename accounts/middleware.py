"""The gate between a password-only session and the admin."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# Pages open to a signed-in staff member who has not passed the second factor.
ALWAYS_OPEN = {"accounts:admin-login", "admin:login", "admin:logout"}
VERIFYING = ALWAYS_OPEN | {"accounts:two-factor-verify"}
ENROLLING = ALWAYS_OPEN | {
    "accounts:two-factor",
    "accounts:two-factor-authenticator",
    "accounts:two-factor-passkey",
    "accounts:two-factor-recovery-codes",
}


class SecondFactorMiddleware:
    """
    A staff member signed in with a password alone reaches, in the admin,
    only the verification page when they have a second factor, and only the
    enrolment pages when STAFF_TWO_FACTOR requires one and they have none.
    Everyone else passes. Pages outside the admin give staff no more than
    readers get, so they are not gated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace not in {"admin", "accounts"}:
            return None
        user = request.user
        if not (user.is_active and user.is_staff) or two_factor.passed(request):
            return None
        if two_factor.has_factor(user):
            open_pages, target = VERIFYING, "accounts:two-factor-verify"
        elif two_factor.must_use(user):
            open_pages, target = ENROLLING, "accounts:two-factor"
        else:
            return None
        if match.view_name in open_pages:
            return None
        url = reverse(target)
        if request.method == "GET" and target.endswith("verify"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
