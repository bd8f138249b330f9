"""Background work, run by `manage.py db_worker` through Django's tasks."""

from django.db import transaction
from django.tasks import task

from . import outbox, signup
from .models.newsletters import Subscription


@task
def deliver_edition(edition_id):
    """Send one batch of an edition, then queue whatever comes next."""
    outcomes = outbox.deliver_batch(edition_id)
    outcomes["next"] = outbox.continue_delivery(edition_id)
    return outcomes


@task
def send_confirmation_email(subscription_id):
    """
    Confirmations used to be sent by tasks of this name; one still queued
    when this code starts puts its email in the outbox instead of being lost.
    """
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_related("newsletter")
            .filter(pk=subscription_id, status=Subscription.Status.PENDING)
            .first()
        )
        if subscription is None:
            return False
        return signup.queue_confirmation(subscription) is not None
