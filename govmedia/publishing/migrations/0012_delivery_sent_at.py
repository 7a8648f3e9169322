from django.db import migrations, models
from django.db.models import F


def backfill(apps, schema_editor):
    """Deliveries already out: their `updated_at`, set when they became sent.

    The same rule the reach app used before the column existed: only a row
    that went out (an id or address on the channel) and was not touched by a
    retraction afterwards, when `updated_at` moved again and the sent time is
    lost (left empty: "sent, time unknown").
    """
    Delivery = apps.get_model("publishing", "Delivery")
    Delivery.objects.filter(
        status__in=["sent", "retracted"], sent_at__isnull=True
    ).exclude(external_id="", external_url="").exclude(
        retracted_at__isnull=False, updated_at__gte=F("retracted_at")
    ).update(sent_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0011_channel_renditions_manual_delivery_correction_todo"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
