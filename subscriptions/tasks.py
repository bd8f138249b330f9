"""Background work, run by `manage.py db_worker` through Django's tasks."""

from django.tasks import task

from . import mail, outbox
from .models.newsletters import Subscription


@task
def send_confirmation_email(subscription_id):
    """Email a pending subscriber their confirmation link."""
    subscription = (
        Subscription.objects.select_related("newsletter")
        .filter(pk=subscription_id, status=Subscription.Status.PENDING)
        .first()
    )
    if subscription is None:
        return False
    mail.send_confirmation(subscription)
    return True


@task
def deliver_edition(edition_id):
    """Send one batch of an edition, then queue whatever comes next."""
    outcomes = outbox.deliver_batch(edition_id)
    outcomes["next"] = outbox.continue_delivery(edition_id)
    return outcomes
