"""Print, as JSON, everything the paper holds about one email address."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subscriptions import personal_data
from subscriptions.models import PersonalDataRequest


def command_actor():
    """Who ran a command: the system account, as the audit record names it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user} (command line)"


class Command(BaseCommand):
    help = (
        "Print as JSON every row about EMAIL (any case): newsletter "
        "subscriptions with their consent ledgers and the editions sent, and "
        "home delivery requests with their consents, history and emails. The "
        "export is recorded under Personal data requests in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The reader's email address.")

    def handle(self, *args, email, **options):
        try:
            document, record = personal_data.personal_data_export(
                email,
                actor_name=command_actor(),
                channel=PersonalDataRequest.Channel.COMMAND,
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(personal_data.personal_data_json(document))
        if not any(record.counts.values()):
            self.stderr.write(
                "No subscriptions or delivery requests are held for this address."
            )
