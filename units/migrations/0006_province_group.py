"""The province as a unit of a group of its own (TINH), so that its results in the national
indices (PAR INDEX, SIPAS, PAPI, PCI, DTI, 766) use the same tables as its units' (issue 19).
The province's unit itself is added by the admin or `import_units` (its code is the deployment's)."""

from django.db import migrations


def add_province_group(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    UnitGroup.objects.get_or_create(code="TINH", defaults={"name": "Tỉnh", "order": 9})


def remove_province_group(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    UnitGroup.objects.filter(code="TINH", units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0005_names_never_formulas")]
    operations = [migrations.RunPython(add_province_group, remove_province_group)]
