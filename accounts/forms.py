"""
The admin's sign-in forms: the password, then the second factor, each with
the rate limit and the lockout in front and every attempt recorded.
"""

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils import timezone

from newsroom.ratelimit import rate_limit_exceeded

from . import passkeys, totp, two_factor
from .models import LoginAttempt, TOTPDevice, username_key

LIMIT_MESSAGES = {
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


class LimitedAttempts:
    """
    Refuses, before anything is checked, while the account or the address is
    cooling off or the address is over its rate limit, and records each
    attempt (LoginAttempt) under the form's `step`. Failures of the password
    and of the second factor count alike towards the lockout.
    """

    step = LoginAttempt.Step.PASSWORD
    retry_after = None

    def check_limits(self, username, address):
        exceeded = rate_limit_exceeded("login:address", address or "unknown")
        if exceeded:
            self.retry_after = exceeded.retry_after
            raise forms.ValidationError(
                LIMIT_MESSAGES["rate_limited"],
                code="rate_limited",
                params={"minutes": exceeded.minutes},
            )
        now = timezone.now()
        until = LoginAttempt.objects.locked_until(username, address, now)
        if until:
            self.record(username, address, LoginAttempt.Outcome.REFUSED)
            self.retry_after = math.ceil((until - now).total_seconds())
            raise forms.ValidationError(
                LIMIT_MESSAGES["locked_out"],
                code="locked_out",
                params={"minutes": max(1, math.ceil(self.retry_after / 60))},
            )

    def record(self, username, address, outcome):
        LoginAttempt.objects.create(
            username=username, address=address, outcome=outcome, step=self.step
        )


class LockoutLoginForm(LimitedAttempts, AdminAuthenticationForm):
    """The admin's password form, limited and recorded."""

    def clean(self):
        username = username_key(self.cleaned_data.get("username"))
        address = two_factor.request_address(self.request)
        self.check_limits(username, address)
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            self.record(username, address, LoginAttempt.Outcome.FAILED)
            raise
        if self.user_cache is not None:
            self.record(username, address, LoginAttempt.Outcome.SUCCEEDED)
        return cleaned_data


class SecondFactorForm(LimitedAttempts, forms.Form):
    """
    A second factor for the signed-in `request.user`, limited and recorded
    like the password; `check(value)` says whether the answer is right.
    """

    wrong_message = "That code is not right. Please try again."

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        username = username_key(self.user.get_username())
        address = two_factor.request_address(self.request)
        self.check_limits(username, address)
        if not self.check(cleaned_data):
            self.record(username, address, LoginAttempt.Outcome.FAILED)
            raise forms.ValidationError(self.wrong_message, code="wrong")
        self.record(username, address, LoginAttempt.Outcome.SUCCEEDED)
        return cleaned_data

    def check(self, cleaned_data):
        raise NotImplementedError


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        attrs = {"autocomplete": "one-time-code", "autocapitalize": "none"}
        attrs.update(kwargs.pop("attrs", {}))
        super().__init__(max_length=32, widget=forms.TextInput(attrs=attrs), **kwargs)


class AuthenticatorCodeForm(SecondFactorForm):
    step = LoginAttempt.Step.AUTHENTICATOR
    code = CodeField(
        label="Code from your authenticator app",
        help_text="Six digits. Each code can be used once.",
        attrs={"inputmode": "numeric", "pattern": "[0-9 ]*"},
    )

    def check(self, cleaned_data):
        device = TOTPDevice.objects.filter(user=self.user).first()
        if device is None:
            return False
        step = totp.matching_step(device.secret, cleaned_data["code"])
        return step is not None and device.accept(step)


class RecoveryCodeForm(SecondFactorForm):
    step = LoginAttempt.Step.RECOVERY_CODE
    wrong_message = "That recovery code is not right, or it has been used."
    code = CodeField(
        label="Recovery code",
        help_text="One of the ten codes you kept, such as k7mp-2xqa-9hdw.",
    )

    def check(self, cleaned_data):
        return two_factor.use_recovery_code(
            self.request, self.user, cleaned_data["code"]
        )


class PasskeyForm(SecondFactorForm):
    step = LoginAttempt.Step.PASSKEY
    wrong_message = "Your passkey was not accepted."
    credential = forms.CharField(
        widget=forms.HiddenInput,
        max_length=20_000,
        error_messages={
            "required": "Your browser sent no passkey: this needs JavaScript "
            "and a browser that supports passkeys."
        },
    )

    def check(self, cleaned_data):
        try:
            passkeys.authenticate(self.request, self.user, cleaned_data["credential"])
        except passkeys.PasskeyError as error:
            self.wrong_message = f"Your passkey was not accepted. {error}"
            return False
        return True


class TOTPEnrolmentForm(forms.Form):
    """The first code from a newly added authenticator app, proving it is set up."""

    code = CodeField(
        label="Code shown by the app",
        help_text="Six digits, to show the app is set up.",
        attrs={"inputmode": "numeric", "pattern": "[0-9 ]*"},
    )

    def __init__(self, secret, *args, **kwargs):
        self.secret = secret
        super().__init__(*args, **kwargs)

    def clean_code(self):
        self.step = totp.matching_step(self.secret, self.cleaned_data["code"])
        if self.step is None:
            raise forms.ValidationError(
                "That code does not match. Check the app shows this account, "
                "and that your phone's clock is right.",
                code="wrong",
            )
        return self.cleaned_data["code"]


class PasskeyEnrolmentForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        initial="Passkey",
        help_text="To tell your keys apart, e.g. “Work laptop” or “Blue key”.",
    )
    credential = forms.CharField(
        widget=forms.HiddenInput,
        max_length=20_000,
        error_messages={
            "required": "Your browser sent no passkey: press “Add passkey” and "
            "follow its prompts (this needs JavaScript)."
        },
    )
