"""The seal keyring, a PROTECTed link from records to items, and append-only triggers.

The triggers are vendor-specific SQL (SQLite and PostgreSQL), kept in
`govmedia.publishing.db_guards` so that the `flush` command uses the same
statements. On SQLite a later migration that rebuilds the archive table drops
its triggers; such a migration must install them again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from govmedia.publishing import db_guards

    db_guards.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    from govmedia.publishing import db_guards

    db_guards.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_statutory_categories'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SealKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_id', models.CharField(max_length=64, unique=True, verbose_name='密钥标识')),
                ('algorithm', models.CharField(default='ed25519', max_length=20, verbose_name='算法')),
                ('public_key_pem', models.TextField(verbose_name='公钥')),
                ('valid_from', models.DateTimeField(verbose_name='启用时间')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='停用时间')),
                ('created_by', models.CharField(blank=True, max_length=150, verbose_name='创建人')),
                ('retired_by', models.CharField(blank=True, max_length=150, verbose_name='停用人')),
                ('reason', models.TextField(blank=True, verbose_name='说明')),
            ],
            options={
                'verbose_name': '印章密钥',
                'verbose_name_plural': '印章密钥',
                'ordering': ['valid_from', 'pk'],
            },
        ),
        migrations.AlterField(
            model_name='archiverecord',
            name='page',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='信息'),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
