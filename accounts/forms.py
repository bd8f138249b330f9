"""The admin's sign-in form, with the rate limit and the lockout in front."""

import ipaddress
import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils import timezone

from newsroom.ratelimit import client_address, rate_limit_exceeded

from .models import LoginAttempt, username_key


def _address(request):
    address = client_address(request) if request else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class LockoutLoginForm(AdminAuthenticationForm):
    """
    Refuses, before checking the password, while the account or the address
    is cooling off, and records each attempt for staff to see.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": (
            "Too many failed sign-in attempts for this account or from your "
            "connection. For your security, sign-in is paused: please try "
            "again in %(minutes)s minute(s)."
        ),
        "rate_limited": (
            "Too many sign-in attempts from your connection. Please try again "
            "in %(minutes)s minute(s)."
        ),
    }

    def clean(self):
        username = username_key(self.cleaned_data.get("username"))
        address = _address(self.request)
        exceeded = rate_limit_exceeded("login:address", address or "unknown")
        if exceeded:
            self.retry_after = exceeded.retry_after
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": exceeded.minutes},
            )
        now = timezone.now()
        until = LoginAttempt.objects.locked_until(username, address, now)
        if until:
            self._record(username, address, LoginAttempt.Outcome.REFUSED)
            self.retry_after = math.ceil((until - now).total_seconds())
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, math.ceil(self.retry_after / 60))},
            )
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            self._record(username, address, LoginAttempt.Outcome.FAILED)
            raise
        if self.user_cache is not None:
            self._record(username, address, LoginAttempt.Outcome.SUCCEEDED)
        return cleaned_data

    def _record(self, username, address, outcome):
        LoginAttempt.objects.create(username=username, address=address, outcome=outcome)
