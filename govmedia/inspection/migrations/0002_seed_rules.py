from django.db import migrations


def seed(apps, schema_editor):
    from govmedia.inspection.judge import DEFAULTS
    from govmedia.inspection.rules_seed import ROWS

    Rule = apps.get_model("inspection", "Rule")
    for code, name, unit, is_veto, basis in ROWS:
        Rule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "is_veto": is_veto,
                "basis": basis,
                "value": DEFAULTS[code],
                "default": DEFAULTS[code],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
