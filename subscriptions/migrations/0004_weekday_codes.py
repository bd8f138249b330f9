"""
Newsletters' days of the week move from ISO digits in a string ("15") to the
list of weekday codes delivery requests already use (["mon", "fri"]).
"""

from django.db import migrations

import subscriptions.models.weekdays

CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def digits_to_codes(apps, schema_editor):
    Newsletter = apps.get_model("subscriptions", "Newsletter")
    for newsletter in Newsletter.objects.all():
        newsletter.days = [
            CODES[int(digit) - 1]
            for digit in sorted(set(newsletter.send_days))
            if digit in "1234567"
        ]
        newsletter.save(update_fields=["days"])


def codes_to_digits(apps, schema_editor):
    Newsletter = apps.get_model("subscriptions", "Newsletter")
    for newsletter in Newsletter.objects.all():
        newsletter.send_days = "".join(
            str(CODES.index(code) + 1)
            for code in sorted(set(newsletter.days), key=CODES.index)
        )
        newsletter.save(update_fields=["send_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_circulation_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsletter",
            name="days",
            field=subscriptions.models.weekdays.DaysOfWeekField(
                default=subscriptions.models.weekdays.every_day,
                help_text="Days on which an edition goes out.",
                verbose_name="days of the week",
            ),
        ),
        migrations.RunPython(digits_to_codes, codes_to_digits, elidable=False),
        migrations.RemoveField(model_name="newsletter", name="send_days"),
        migrations.RenameField(
            model_name="newsletter", old_name="days", new_name="send_days"
        ),
        migrations.AlterField(
            model_name="deliveryrequest",
            name="delivery_days",
            field=subscriptions.models.weekdays.DaysOfWeekField(default=list),
        ),
    ]
