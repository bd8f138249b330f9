"""
Delivery requests' addresses are stored as every address is: trimmed, lower
case (newsroom.email_addresses.normalise_email, written out here so that this
migration does the same whatever that module becomes).
"""

from django.db import migrations, models


def normalise_delivery_emails(apps, schema_editor):
    DeliveryRequest = apps.get_model("subscriptions", "DeliveryRequest")
    changed = []
    for request in DeliveryRequest.objects.only("pk", "email").iterator():
        normalised = (request.email or "").strip().lower()
        if normalised != request.email:
            request.email = normalised
            changed.append(request)
    DeliveryRequest.objects.bulk_update(changed, ["email"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0011_outbox")]

    operations = [
        migrations.AlterField(
            model_name="deliveryrequest",
            name="email",
            field=models.EmailField(help_text="Stored in lower case.", max_length=254),
        ),
        migrations.RunPython(normalise_delivery_emails, migrations.RunPython.noop),
    ]
