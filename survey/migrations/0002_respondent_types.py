from django.db import migrations

# The respondent types of the national PAR survey and of most provinces' own.
TYPES = [
    ("nguoi_dan", "Người dân", 1),
    ("doanh_nghiep", "Doanh nghiệp, tổ chức", 2),
    ("cong_chuc", "Công chức, viên chức", 3),
    ("lanh_dao", "Lãnh đạo, quản lý", 4),
]


def add_types(apps, schema_editor):
    RespondentType = apps.get_model("survey", "RespondentType")
    for code, name, order in TYPES:
        RespondentType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove_types(apps, schema_editor):
    RespondentType = apps.get_model("survey", "RespondentType")
    RespondentType.objects.filter(code__in=[code for code, _name, _order in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("survey", "0001_initial")]

    operations = [migrations.RunPython(add_types, remove_types)]
