"""
The consent ledgers name each wording by key as well as version, from the one
registry of wordings (subscriptions.consent), and a subscription names the
key of the wording in force. Existing rows get the key their version and
kind already imply, written out here so that this migration does the same
whatever the registry becomes: the preferences page's wording is the version
"preferences-2026-11", every other newsletter version the sign-up form's;
a delivery consent's key follows its kind. Nothing else in the ledgers is
touched.
"""

from django.db import migrations, models

NEWSLETTER_PREFERENCES_VERSIONS = ["preferences-2026-11"]
DELIVERY_KEYS = {"terms": "delivery_terms", "marketing": "delivery_marketing"}


def fill_wording_keys(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    ConsentEvent = apps.get_model("subscriptions", "ConsentEvent")
    DeliveryConsent = apps.get_model("subscriptions", "DeliveryConsent")
    Subscription.objects.filter(
        consent_version__in=NEWSLETTER_PREFERENCES_VERSIONS
    ).update(consent_key="newsletter_preferences")
    ConsentEvent.objects.filter(
        wording_version__in=NEWSLETTER_PREFERENCES_VERSIONS
    ).update(wording_key="newsletter_preferences")
    ConsentEvent.objects.exclude(
        wording_version__in=NEWSLETTER_PREFERENCES_VERSIONS
    ).update(wording_key="newsletter_sign_up")
    for kind, key in DELIVERY_KEYS.items():
        DeliveryConsent.objects.filter(kind=kind).update(wording_key=key)


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0014_outbox_shared_columns")]

    operations = [
        migrations.AddField(
            model_name="consentevent",
            name="wording_key",
            field=models.CharField(
                default="",
                help_text="Which wording of subscriptions.consent.",
                max_length=40,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deliveryconsent",
            name="wording_key",
            field=models.CharField(
                default="",
                help_text="Which wording of subscriptions.consent.",
                max_length=40,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="subscription",
            name="consent_key",
            field=models.CharField(
                default="newsletter_sign_up",
                help_text="Which wording of subscriptions.consent the reader "
                "agreed to.",
                max_length=40,
                verbose_name="consent wording key",
            ),
        ),
        migrations.AlterField(
            model_name="deliveryconsent",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="The page or link where it happened.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="deliveryconsent",
            name="wording",
            field=models.TextField(
                blank=True, help_text="The words the reader agreed to."
            ),
        ),
        migrations.AlterField(
            model_name="deliveryconsent",
            name="wording_version",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(fill_wording_keys, migrations.RunPython.noop),
    ]
