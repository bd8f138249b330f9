"""Remove a staff member's second factors, for someone who lost them all."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import Passkey, TOTPDevice


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator app, passkeys and recovery codes, "
        "each removal recorded, so they add new ones at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no account named {username!r}.") from None
        factors = [
            *TOTPDevice.objects.filter(user=user),
            *Passkey.objects.filter(user=user),
        ]
        if not factors:
            self.stdout.write(f"{username} has no second factor to remove.")
            return
        for factor in factors:
            two_factor.remove_factor(None, user, factor)
        self.stdout.write(
            f"Removed {len(factors)} second factor(s) of {username} and their "
            "recovery codes: they add new ones at their next sign-in."
        )
