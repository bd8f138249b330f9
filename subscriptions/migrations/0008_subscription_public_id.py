import secrets

import subscriptions.models.newsletters
from django.db import migrations, models


def give_each_a_public_id(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    for subscription in Subscription.objects.filter(public_id__isnull=True).iterator():
        subscription.public_id = secrets.token_urlsafe(16)
        subscription.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("subscriptions", "0007_consent_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="public_id",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_each_a_public_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscription",
            name="public_id",
            field=models.CharField(
                default=subscriptions.models.newsletters.new_public_id,
                editable=False,
                help_text="The random identifier in this subscription's email links.",
                max_length=32,
                unique=True,
            ),
        ),
    ]
