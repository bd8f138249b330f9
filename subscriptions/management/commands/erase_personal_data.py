"""Erase everything the paper holds about one email address, and suppress it."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subscriptions import personal_data
from subscriptions.models import PersonalDataRequest

from .export_personal_data import command_actor


class Command(BaseCommand):
    help = (
        "Erase every row about EMAIL (any case) in one transaction: delete its "
        "newsletter subscriptions with their consent ledgers and sends, "
        "anonymise its home delivery requests (closing open ones), and keep a "
        "hash of the address so it is never mailed again unless its owner "
        "signs up anew. Recorded under Personal data requests in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The reader's email address.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, email, interactive=True, **options):
        try:
            address = personal_data.personal_data_address(email)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        if interactive:
            answer = input(
                "This erases the address's subscriptions and the personal data of "
                "its delivery requests, and cannot be undone.\n"
                "Type 'yes' to erase: "
            )
            if answer != "yes":
                raise CommandError("Nothing erased.")
        record = personal_data.personal_data_erase(
            address,
            actor_name=command_actor(),
            channel=PersonalDataRequest.Channel.COMMAND,
        )
        counts = record.counts
        self.stdout.write(
            f"Erased: {counts['subscriptions_deleted']} newsletter subscription(s) "
            f"deleted, {counts['delivery_requests_anonymised']} delivery "
            f"request(s) anonymised. The address is suppressed "
            f"(suppression {record.suppression_id}, request {record.pk})."
        )
