# Embeds as the worker resolves them (articles.embeds).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_image_rendition_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResolvedEmbed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=2000, unique=True, verbose_name='URL')),
                ('provider', models.CharField(max_length=100)),
                ('title', models.CharField(blank=True, max_length=300)),
                ('author_name', models.CharField(blank=True, max_length=200)),
                ('thumbnail', models.ImageField(blank=True, height_field='thumbnail_height', help_text="Our copy of the provider's thumbnail, re-encoded.", upload_to='embeds/%Y/%m/', width_field='thumbnail_width')),
                ('thumbnail_width', models.PositiveIntegerField(blank=True, null=True)),
                ('thumbnail_height', models.PositiveIntegerField(blank=True, null=True)),
                ('iframe_src', models.URLField(blank=True, max_length=2000, verbose_name='iframe address')),
                ('width', models.PositiveIntegerField(blank=True, null=True)),
                ('height', models.PositiveIntegerField(blank=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('resolved', 'Resolved'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_error', models.CharField(blank=True, max_length=300)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'resolved embed',
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='embed_due_idx')],
            },
        ),
    ]
