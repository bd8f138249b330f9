"""
Sign-in attempts on the admin and the lockout they decide; staff members'
second factors (an authenticator app, passkeys, recovery codes) and the
record of their changes.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils import timezone

from newsroom import formats


def username_key(username):
    """Usernames are counted case-insensitively, as typed, at most 150 long."""
    return (username or "").strip().lower()[:150]


class LoginAttemptQuerySet(models.QuerySet):
    def failures(self):
        return self.filter(outcome=LoginAttempt.Outcome.FAILED)

    def locked_until(self, username, address, now=None):
        """
        When sign-in reopens for `username` from `address`, or None if it is
        open. An account locks after LOGIN_LOCKOUT_FAILURES failures since
        its last success within LOGIN_LOCKOUT_SECONDS; an address after
        LOGIN_LOCKOUT_ADDRESS_FAILURES failures on any accounts. Sign-in
        reopens when the oldest of the counted failures leaves the window.
        """
        now = now or timezone.now()
        window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        recent = self.filter(attempted_at__gt=now - window, attempted_at__lte=now)
        username = username_key(username)
        account = recent.filter(username=username)
        last_success = account.filter(outcome=LoginAttempt.Outcome.SUCCEEDED).aggregate(
            at=Max("attempted_at")
        )["at"]
        if last_success:
            account = account.filter(attempted_at__gt=last_success)
        reopen = [
            self._reopens(account, settings.LOGIN_LOCKOUT_FAILURES, window),
            self._reopens(
                recent.filter(address=address),
                settings.LOGIN_LOCKOUT_ADDRESS_FAILURES,
                window,
            ),
        ]
        reopen = [moment for moment in reopen if moment]
        return max(reopen) if reopen else None

    @staticmethod
    def _reopens(attempts, threshold, window):
        times = list(
            attempts.filter(outcome=LoginAttempt.Outcome.FAILED)
            .order_by("-attempted_at")
            .values_list("attempted_at", flat=True)[:threshold]
        )
        if len(times) < threshold:
            return None
        return times[-1] + window


class LoginAttempt(models.Model):
    """One try at signing in to the admin: who, from where, when, and how it went."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused: cooling off"

    class Step(models.TextChoices):
        PASSWORD = "password", "Password"
        AUTHENTICATOR = "authenticator", "Authenticator app code"
        PASSKEY = "passkey", "Passkey or security key"
        RECOVERY_CODE = "recovery-code", "Recovery code"

    username = models.CharField(max_length=150, help_text="As typed, in lower case.")
    address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
    step = models.CharField(
        max_length=16,
        choices=Step,
        default=Step.PASSWORD,
        help_text="What was asked: the password, or a second factor after it.",
    )
    outcome = models.CharField(max_length=10, choices=Outcome)

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-attempted_at"]
        get_latest_by = "attempted_at"
        indexes = [
            models.Index(fields=["username", "attempted_at"]),
            models.Index(fields=["address", "attempted_at"]),
        ]

    def __str__(self):
        when = formats.written(self.attempted_at, "stamp")
        return f"{self.username} from {self.address} at {when}"


class TOTPDevice(models.Model):
    """A staff member's authenticator app: the shared secret and the last step used."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64, help_text="Base32, as the app has it.")
    last_used_step = models.BigIntegerField(
        default=0, help_text="The 30-second step of the last code accepted."
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self):
        return f"Authenticator app of {self.user}"

    def accept(self, step):
        """
        Take the code of time step `step` if no code of it or of a later step
        was taken before; in one UPDATE, so two requests racing with the same
        code cannot both win.
        """
        now = timezone.now()
        taken = TOTPDevice.objects.filter(pk=self.pk, last_used_step__lt=step).update(
            last_used_step=step, last_used_at=now
        )
        if taken:
            self.last_used_step, self.last_used_at = step, now
        return bool(taken)


class Passkey(models.Model):
    """A WebAuthn credential: a passkey or a security key a staff member registered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=100, help_text="To tell one key from another.")
    credential_id = models.CharField(
        max_length=1400, unique=True, help_text="Base64url, as the browser sends it."
    )
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "passkey"

    def __str__(self):
        return self.name


def recovery_code_hash(code):
    """
    Recovery codes are kept as SHA-256 digests of their 60 random bits
    (letters and dashes as typed do not count), so the table alone signs
    nobody in; a slow password hash would make each check take a second.
    """
    normal = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


class RecoveryCodeQuerySet(models.QuerySet):
    def unused(self):
        return self.filter(used_at=None)


class RecoveryCode(models.Model):
    """One of the ten single-use codes that stand in for a lost second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = RecoveryCodeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"], name="recovery_code_unique_per_user"
            )
        ]

    def __str__(self):
        return f"Recovery code of {self.user}"


class TwoFactorEvent(models.Model):
    """A change to someone's second factors, or a recovery code used: for superusers."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", "Added"
        REMOVED = "removed", "Removed"
        CODES_MADE = "codes-made", "Recovery codes made"
        CODE_USED = "code-used", "Recovery code used"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="two_factor_events",
    )
    username = models.CharField(max_length=150, help_text="Kept if the user goes.")
    kind = models.CharField(max_length=12, choices=Kind)
    factor = models.CharField(max_length=16, choices=LoginAttempt.Step)
    detail = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    happened_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-happened_at"]
        get_latest_by = "happened_at"
        verbose_name = "two-factor event"

    def __str__(self):
        when = formats.written(self.happened_at, "stamp")
        return f"{self.username}: {self.get_kind_display()} at {when}"
