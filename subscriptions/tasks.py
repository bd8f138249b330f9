"""Background work, run by `manage.py db_worker` through Django's tasks."""

import logging
import smtplib

from django.tasks import task

from newsroom.mail_errors import describe_mail_error

from . import mail, outbox
from .models.newsletters import Subscription
from .models.personal_data import is_suppressed

logger = logging.getLogger(__name__)


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
    if is_suppressed(subscription.email, signed_up_at=subscription.consent_given_at):
        # Erased since this sign-up: only a sign-up made afterwards is mailed.
        logger.info(
            "Confirmation email for subscription %s withheld: the address is "
            "suppressed",
            subscription.pk,
        )
        return False
    try:
        mail.send_confirmation(subscription)
    except (OSError, smtplib.SMTPException) as exc:
        # Not sent: send_due_newsletters queues it again after
        # NEWSLETTER_CONFIRMATION_INTERVAL. Logged without a traceback, which
        # would name the address.
        logger.warning(
            "Confirmation email for subscription %s not sent: %s",
            subscription.pk,
            describe_mail_error(exc),
        )
        return False
    return True


@task
def deliver_edition(edition_id):
    """Send one batch of an edition, then queue whatever comes next."""
    outcomes = outbox.deliver_batch(edition_id)
    outcomes["next"] = outbox.continue_delivery(edition_id)
    return outcomes
