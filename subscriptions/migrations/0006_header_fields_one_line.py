import re

import subscriptions.models.newsletters
from django.db import migrations, models

LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def join_lines(apps, schema_editor):
    """Names and subjects saved with line breaks get spaces instead."""
    for model, field in (("Newsletter", "name"), ("Edition", "subject")):
        Model = apps.get_model("subscriptions", model)
        for row in Model.objects.filter(**{f"{field}__regex": LINE_BREAKS.pattern}):
            setattr(row, field, LINE_BREAKS.sub(" ", getattr(row, field)).strip())
            row.save(update_fields=[field])


class Migration(migrations.Migration):

    dependencies = [
        ('subscriptions', '0005_stop_date_message'),
    ]

    operations = [
        migrations.RunPython(join_lines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='edition',
            name='subject',
            field=models.CharField(max_length=200, validators=[subscriptions.models.newsletters.validate_single_line]),
        ),
        migrations.AlterField(
            model_name='newsletter',
            name='name',
            field=models.CharField(max_length=100, unique=True, validators=[subscriptions.models.newsletters.validate_single_line]),
        ),
        migrations.AddConstraint(
            model_name='edition',
            constraint=models.CheckConstraint(condition=models.Q(('subject__regex', '[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]'), _negated=True), name='edition_subject_one_line', violation_error_message="Keep this on one line: it goes into the emails' headers."),
        ),
        migrations.AddConstraint(
            model_name='newsletter',
            constraint=models.CheckConstraint(condition=models.Q(('name__regex', '[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]'), _negated=True), name='newsletter_name_one_line', violation_error_message="Keep this on one line: it goes into the emails' headers."),
        ),
    ]
