"""The known indices (issue 19), as data: admins change them in the admin.

The PAR index of the province (CCHC) is computed by the scoring engine: its figures are the
`scoring.Result` rows, read, never copied. The 766 index has the 2022 component groups and, from
2024, the six groups published since (online services and online payment instead of one group).
DTI has the province-level tree (digital government, economy, society). The others get their
trees with `import_index_framework`.
"""

import datetime
from decimal import Decimal

from django.db import migrations

# code, name, publisher, scale, percentage, period, source, groups, national, order
KINDS = [
    ("CCHC", "Chỉ số CCHC của tỉnh", "UBND tỉnh (Sở Nội vụ)", "100", False, "year", "computed",
     ["SO", "HUYEN", "XA", "NGANHDOC"], False, 0),
    ("PAR", "PAR INDEX (Chỉ số CCHC cấp tỉnh)", "Bộ Nội vụ", "100", False, "year", "imported",
     ["TINH"], True, 1),
    ("766", "Bộ chỉ số 766 phục vụ người dân, doanh nghiệp", "Văn phòng Chính phủ (Cổng DVC quốc gia)",
     "100", False, "month", "imported", ["SO", "HUYEN", "XA", "TINH"], True, 2),
    ("DTI", "Chỉ số chuyển đổi số (DTI)", "Bộ Khoa học và Công nghệ", "1000", False, "year",
     "imported", ["SO", "XA", "TINH"], True, 3),
    ("SIPAS", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "Bộ Nội vụ", "100", True, "year",
     "imported", ["TINH"], True, 4),
    ("DDCI", "Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI)", "UBND tỉnh", "100",
     False, "year", "imported", ["SO", "HUYEN", "XA"], False, 5),
    ("PAPI", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)", "UNDP và MTTQ Việt Nam",
     "80", False, "year", "imported", ["TINH"], True, 6),
    ("PCI", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "VCCI", "100", False, "year", "imported",
     ["TINH"], True, 7),
]

TREES = {
    ("766", "2022-01", datetime.date(2022, 1, 1)): [
        ("1", "Công khai, minh bạch", "18"),
        ("2", "Tiến độ, kết quả giải quyết", "20"),
        ("3", "Số hóa hồ sơ", "22"),
        ("4", "Cung cấp dịch vụ trực tuyến", "22"),
        ("5", "Mức độ hài lòng", "18"),
    ],
    ("766", "2024-01", datetime.date(2024, 1, 1)): [
        ("1", "Công khai, minh bạch", "18"),
        ("2", "Tiến độ, kết quả giải quyết", "20"),
        ("3", "Số hóa hồ sơ", "22"),
        ("4", "Cung cấp dịch vụ trực tuyến", "12"),
        ("5", "Thanh toán trực tuyến", "10"),
        ("6", "Mức độ hài lòng", "18"),
    ],
    ("DTI", "2020", datetime.date(2020, 1, 1)): [
        ("CQS", "Chính quyền số", "400"),
        ("KTS", "Kinh tế số", "300"),
        ("XHS", "Xã hội số", "300"),
    ],
}


def create_kinds(apps, schema_editor):
    IndexKind = apps.get_model("indices", "IndexKind")
    IndexVersion = apps.get_model("indices", "IndexVersion")
    IndexComponent = apps.get_model("indices", "IndexComponent")
    UnitGroup = apps.get_model("units", "UnitGroup")
    groups = {group.code: group for group in UnitGroup.objects.all()}
    for code, name, publisher, scale, percentage, period, source, covers, national, order in KINDS:
        kind, created = IndexKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "publisher": publisher,
                "scale": Decimal(scale),
                "is_percentage": percentage,
                "period": period,
                "source": source,
                "is_national": national,
                "order": order,
            },
        )
        if created:
            kind.groups.set([groups[group] for group in covers if group in groups])
    for (code, from_period, starts_on), components in TREES.items():
        kind = IndexKind.objects.get(code=code)
        version, created = IndexVersion.objects.get_or_create(
            kind=kind, from_period=from_period, defaults={"starts_on": starts_on}
        )
        if created:
            for order, (component, name, max_points) in enumerate(components, start=1):
                IndexComponent.objects.create(
                    version=version, code=component, name=name, max_points=Decimal(max_points),
                    order=order,
                )


def remove_kinds(apps, schema_editor):
    IndexKind = apps.get_model("indices", "IndexKind")
    IndexKind.objects.filter(code__in=[kind[0] for kind in KINDS], results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial"), ("units", "0006_province_group")]
    operations = [migrations.RunPython(create_kinds, remove_kinds)]
