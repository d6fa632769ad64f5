"""The two-level local government of July 2025: districts (HUYEN) are assessed up to 2024, the
communes and wards (XA) from 2025. Admins may change these years."""

from django.db import migrations
from django.db.models import ProtectedError

DISTRICTS_LAST_YEAR = 2024
COMMUNES_FIRST_YEAR = 2025


def add_commune_group(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    UnitGroup.objects.get_or_create(
        code="XA",
        defaults={"name": "UBND cấp xã", "order": 2, "first_year": COMMUNES_FIRST_YEAR},
    )
    UnitGroup.objects.filter(code="HUYEN", last_year__isnull=True).update(
        last_year=DISTRICTS_LAST_YEAR
    )


def remove_commune_group(apps, schema_editor):
    UnitGroup = apps.get_model("units", "UnitGroup")
    try:
        UnitGroup.objects.filter(code="XA", units__isnull=True).delete()
    except ProtectedError:
        pass  # frameworks or results of the communes: the group stays
    UnitGroup.objects.filter(code="HUYEN", last_year=DISTRICTS_LAST_YEAR).update(last_year=None)


class Migration(migrations.Migration):
    dependencies = [("units", "0003_lineage")]
    operations = [migrations.RunPython(add_commune_group, remove_commune_group)]
