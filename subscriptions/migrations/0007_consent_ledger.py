import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def ledger_from_subscriptions(apps, schema_editor):
    """Start each subscription's ledger from the consent it already records."""
    Subscription = apps.get_model("subscriptions", "Subscription")
    ConsentEvent = apps.get_model("subscriptions", "ConsentEvent")
    events = []
    for subscription in Subscription.objects.iterator():
        wording = {
            "subscription_id": subscription.pk,
            "wording": subscription.consent_text,
            "wording_version": subscription.consent_version,
        }
        events.append(
            ConsentEvent(
                act="signed_up",
                source=subscription.consent_source,
                at=subscription.consent_given_at,
                **wording,
            )
        )
        if subscription.confirmed_at:
            events.append(
                ConsentEvent(act="confirmed", at=subscription.confirmed_at, **wording)
            )
        if subscription.unsubscribed_at:
            events.append(
                ConsentEvent(
                    act="unsubscribed", at=subscription.unsubscribed_at, **wording
                )
            )
    ConsentEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('subscriptions', '0006_header_fields_one_line'),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsentEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('act', models.CharField(choices=[('signed_up', 'Signed up'), ('confirmed', 'Confirmed'), ('changed', 'Changed preferences'), ('unsubscribed', 'Unsubscribed')], max_length=12)),
                ('wording', models.TextField(blank=True, help_text='The words the reader agreed to.')),
                ('wording_version', models.CharField(blank=True, max_length=20)),
                ('source', models.CharField(blank=True, help_text='The page or link where it happened.', max_length=500)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_events', to='subscriptions.subscription')),
            ],
            options={
                'ordering': ['at', 'pk'],
                'get_latest_by': 'at',
            },
        ),
        migrations.RunPython(ledger_from_subscriptions, migrations.RunPython.noop),
    ]
