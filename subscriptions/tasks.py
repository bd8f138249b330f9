"""Background work, run by `manage.py db_worker` through Django's tasks."""

from django.tasks import task

from . import outbox


@task
def deliver_edition(edition_id):
    """Send one batch of an edition, then queue whatever comes next."""
    outcomes = outbox.deliver_batch(edition_id)
    outcomes["next"] = outbox.continue_delivery(edition_id)
    return outcomes
