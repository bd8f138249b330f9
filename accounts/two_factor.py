"""
Staff members' second factor: who must use one (STAFF_TWO_FACTOR), whether
this session has passed it, recovery codes, and the record of every change.

A session passes the second factor by a code from the authenticator app, a
passkey or a recovery code after the password, or by enrolling a first
factor. Until then the admin shows it only the verification pages, or the
enrolment pages to someone who must use a factor and has none
(accounts.middleware).
"""

import ipaddress
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsroom.ratelimit import client_address

from .models import LoginAttempt, Passkey, RecoveryCode, TOTPDevice, TwoFactorEvent
from .models import recovery_code_hash as _hash

POLICIES = ("editors", "all", "off")
# The group whose members must use a second factor under the `editors`
# policy: articles.roles.EDITOR (accounts does not import articles).
EDITOR_GROUP = "Editor"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SESSION_KEY = "_two_factor_passed"

Step = LoginAttempt.Step
Kind = TwoFactorEvent.Kind


def request_address(request):
    """The client's address as a valid IP address, or None."""
    address = client_address(request) if request else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def must_use(user):
    """Whether STAFF_TWO_FACTOR requires `user` to sign in with a second factor."""
    policy = settings.STAFF_TWO_FACTOR
    if policy == "off" or not user.is_staff:
        return False
    if policy == "all" or user.is_superuser:
        return True
    return user.groups.filter(name=EDITOR_GROUP).exists()


def has_factor(user):
    """Whether `user` has an authenticator app or a passkey to sign in with."""
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def passed(request):
    """Whether this session has passed the second factor for its user."""
    return request.session.get(SESSION_KEY) == request.user.pk


def mark_passed(request):
    request.session[SESSION_KEY] = request.user.pk
    # A new session key: one that was seen before the second factor (on a
    # shared computer, in a log) is worth nothing after it.
    request.session.cycle_key()


def record(request, user, kind, factor, detail=""):
    return TwoFactorEvent.objects.create(
        user=user,
        username=user.get_username(),
        kind=kind,
        factor=factor,
        detail=detail,
        address=request_address(request),
    )


def qr_code_svg(uri):
    """
    The QR code of `uri` as inline SVG, dark on light whatever the admin's
    colour theme, named for screen readers (the secret is shown as text too).
    """
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def new_recovery_code():
    """Twelve characters (60 bits) in three groups: `k7mp-2xqa-9hdw`."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def make_recovery_codes(request, user):
    """
    Ten new recovery codes for `user`, replacing any earlier ones: the codes
    themselves are returned to be shown once; only their digests are kept.
    """
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash(code)) for code in codes
    )
    record(request, user, Kind.CODES_MADE, Step.RECOVERY_CODE)
    return codes


def use_recovery_code(request, user, code):
    """Spend `code` if it is one of `user`'s unused ones; True if it was."""
    spent = (
        RecoveryCode.objects.unused()
        .filter(user=user, code_hash=_hash(code))
        .update(used_at=timezone.now())
    )
    if spent:
        left = RecoveryCode.objects.unused().filter(user=user).count()
        record(request, user, Kind.CODE_USED, Step.RECOVERY_CODE, f"{left} left")
    return bool(spent)


@transaction.atomic
def enrol_totp(request, user, secret, step):
    """
    Keep the authenticator app whose code for `step` the user just typed;
    that code is spent, so it cannot also sign in.
    """
    replaced, _ = TOTPDevice.objects.filter(user=user).delete()
    if replaced:
        record(request, user, Kind.REMOVED, Step.AUTHENTICATOR, "replaced")
    device = TOTPDevice.objects.create(user=user, secret=secret, last_used_step=step)
    record(request, user, Kind.ENROLLED, Step.AUTHENTICATOR)
    return device


@transaction.atomic
def remove_factor(request, user, factor):
    """
    Remove a TOTPDevice or Passkey of `user` (for `request`, or for a command
    when None). Once none is left the recovery codes go too: they stand in
    for a factor, never for the only one.
    """
    step = Step.AUTHENTICATOR if isinstance(factor, TOTPDevice) else Step.PASSKEY
    detail = "" if step == Step.AUTHENTICATOR else factor.name
    factor.delete()
    record(request, user, Kind.REMOVED, step, detail)
    if not has_factor(user):
        RecoveryCode.objects.filter(user=user).delete()
        if request is not None:
            # Nothing left to have passed: someone who must use a factor is
            # back at the enrolment pages.
            request.session.pop(SESSION_KEY, None)
