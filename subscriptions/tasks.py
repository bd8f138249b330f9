"""Background work, run by `manage.py db_worker` through Django's tasks."""

from django.tasks import task

from . import mail
from .models import Subscription


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
