"""
Static pages. Writers and Editors write them; who publishes them and takes
them off the site is decided by the articles' own permissions.
"""

import articles.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from articles.roles import grant_roles

# Frozen as granted here; articles.roles is the live table.
ROLES = {
    role: {"articles": {"page": ["view", "add", "change", "delete"]}}
    for role in ("Writer", "Editor")
}


def grant_page_permissions(apps, schema_editor):
    grant_roles(ROLES, apps, exactly=False)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0018_import_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='Page',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=255)),
                ('path', models.CharField(error_messages={'unique': 'Another page already has this address.'}, help_text="Where the page answers on this site, such as /about/ or /about/team/. Not inside a section's address.", max_length=255, unique=True, verbose_name='address')),
                ('body', models.TextField(blank=True, validators=[articles.models.validate_body])),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('review', 'In review'), ('published', 'Published')], db_index=True, default='draft', max_length=10)),
                ('published_at', models.DateTimeField(blank=True, help_text='When the page goes live. A time in the future schedules it.', null=True)),
                ('in_footer', models.BooleanField(default=False, help_text='Linked from the foot of every page of the site once it is live.', verbose_name='in the footer')),
                ('footer_position', models.IntegerField(default=0, help_text="Order of the footer's links: lower comes first.", verbose_name='position in the footer')),
                ('seo_title', models.CharField(blank=True, help_text='Title for search engines, if shorter.', max_length=70)),
                ('seo_description', models.CharField(blank=True, help_text='One or two sentences for search engines and shared links.', max_length=160)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'static page',
                'ordering': ['path'],
                'get_latest_by': 'updated_at',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='page_published_has_time', violation_error_message='A published page needs a publication time.')],
            },
        ),
        migrations.RunPython(grant_page_permissions, migrations.RunPython.noop),
    ]
