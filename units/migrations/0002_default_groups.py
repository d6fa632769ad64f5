from django.db import migrations

GROUPS = [
    ("SO", "Sở, ban, ngành", 1),
    ("HUYEN", "UBND cấp huyện", 2),
    ("NGANHDOC", "Cơ quan ngành dọc", 3),
]


def create_groups(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    for code, name, order in GROUPS:
        UnitGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove_groups(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    UnitGroup.objects.filter(code__in=[code for code, _, _ in GROUPS], units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
