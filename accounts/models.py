"""Sign-in attempts on the admin, and the lockout they decide."""

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
        FAILED = "failed", "Wrong username or password"
        REFUSED = "refused", "Refused: cooling off"

    username = models.CharField(max_length=150, help_text="As typed, in lower case.")
    address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
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
