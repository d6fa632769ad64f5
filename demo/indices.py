"""The demo's related indices (issue 19): the 766 index monthly for 2025–2026 for the departments
and communes, DTI for 2024–2025, and the province's own results in the national indices for a few
years, with the departments that drive each national component.

Figures are made up (seeded, so every load is the same) and go through the real services, so
totals, indices, bands and ranks are computed as for imported files. The 766 bands (Xuất sắc ≥ 90
as published; Tốt ≥ 80, Khá ≥ 65 assumed) and the PAR INDEX's component maxima (the 2017 domains
of DOMAIN.md) are illustrations, not published rules.
"""

from __future__ import annotations

import datetime
import importlib
import random
from decimal import Decimal

from django.apps import apps

from demo.data import CITY_NAME, FIRST_REAL_FRAMEWORK_YEAR, SOURCE_OVERRIDES_2026
from indices import services
from indices.exchange import ComponentRow, ValueRow
from indices.models import IndexBand, IndexDriver, IndexKind, IndexResult
from scoring.models import Sheet
from scoring.services import value_sources
from units.models import Unit, UnitGroup

PROVINCE_CODE = "TINH-DEMO"
MONTHS_766 = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)][:23]
DTI_YEARS = (2024, 2025)
NATIONAL_YEARS = (2022, 2023, 2024, 2025)

BANDS_766 = [("Xuất sắc", "90"), ("Tốt", "80"), ("Khá", "65"), ("Trung bình", "50"), ("Yếu", "0")]
BANDS_PAR = [("Nhóm A", "90"), ("Nhóm B", "80"), ("Nhóm C", "0")]

# Component trees of the national indices that have none in the migration (demo only).
TREES = {
    "PAR": (
        "2022",
        [
            ("1", "Công tác chỉ đạo, điều hành CCHC", "10"),
            ("2", "Xây dựng và tổ chức thực hiện văn bản QPPL", "10"),
            ("3", "Cải cách thủ tục hành chính", "14.5"),
            ("4", "Cải cách tổ chức bộ máy", "11"),
            ("5", "Xây dựng đội ngũ CBCCVC", "16"),
            ("6", "Cải cách tài chính công", "7"),
            ("7", "Hiện đại hóa hành chính", "16"),
            ("8", "Tác động của CCHC", "15.5"),
        ],
    ),
    "SIPAS": ("2022", [("1", "Tỷ lệ hài lòng chung", "100")]),
    "PAPI": (
        "2022",
        [
            (str(n), name, "10")
            for n, name in enumerate(
                [
                    "Tham gia của người dân",
                    "Công khai, minh bạch",
                    "Trách nhiệm giải trình",
                    "Kiểm soát tham nhũng",
                    "Thủ tục hành chính công",
                    "Cung ứng dịch vụ công",
                    "Quản trị môi trường",
                    "Quản trị điện tử",
                ],
                start=1,
            )
        ],
    ),
    "PCI": ("2022", [("1", "Chỉ số PCI tổng hợp", "100")]),
}

# (index, component, department, criteria of the department that drive it)
DRIVERS = [
    ("PAR", "1", "SO-NV", "Kế hoạch, báo cáo, kiểm tra CCHC"),
    ("PAR", "2", "SO-TP", "Xây dựng, kiểm tra, rà soát văn bản QPPL"),
    ("PAR", "3", "SO-VPUBND", "Kiểm soát TTHC, một cửa, dịch vụ công trực tuyến"),
    ("PAR", "4", "SO-NV", "Sắp xếp tổ chức bộ máy"),
    ("PAR", "5", "SO-NV", "Tuyển dụng, đánh giá, đào tạo CBCCVC"),
    ("PAR", "6", "SO-TC", "Giải ngân vốn đầu tư công, tự chủ tài chính"),
    ("PAR", "7", "SO-KHCN", "Chính quyền số, hệ thống thông tin"),
    ("PAR", "8", "SO-NV", "Điều tra xã hội học"),
    ("766", "1", "SO-VPUBND", "Công khai TTHC trên Cổng DVC"),
    ("766", "2", "SO-VPUBND", "Giải quyết hồ sơ đúng hạn"),
    ("766", "3", "SO-KHCN", "Số hóa hồ sơ, kết quả giải quyết"),
    ("766", "4", "SO-KHCN", "Dịch vụ công trực tuyến toàn trình"),
    ("766", "5", "SO-TC", "Thanh toán trực tuyến"),
    ("766", "6", "SO-NV", "Khảo sát mức độ hài lòng"),
    ("DTI", "CQS", "SO-KHCN", "Chính quyền số"),
    ("DTI", "KTS", "SO-CT", "Thương mại điện tử, kinh tế số"),
    ("DTI", "XHS", "SO-GDDT", "Kỹ năng số, học liệu số"),
    ("SIPAS", "1", "SO-NV", "Điều tra mức độ hài lòng"),
    ("PCI", "1", "SO-TC", "Môi trường đầu tư"),
    ("PAPI", "5", "SO-VPUBND", "Thủ tục hành chính công"),
]


def ensure_known_kinds() -> None:
    """The province group and the known kinds as their migrations create them (a test database
    flushed after a transactional test has lost the migrations' rows)."""
    importlib.import_module("units.migrations.0002_default_groups").create_groups(apps, None)
    importlib.import_module("units.migrations.0004_commune_group").add_commune_group(apps, None)
    units = importlib.import_module("units.migrations.0006_province_group")
    units.add_province_group(apps, None)
    known = importlib.import_module("indices.migrations.0002_known_kinds")
    known.create_kinds(apps, None)


def delete() -> None:
    """The demo's index figures and drivers (the demo units' only: real ones are kept)."""
    IndexResult.objects.filter(unit__is_sample=True).delete()
    IndexDriver.objects.filter(unit__is_sample=True).delete()


def _points(rng: random.Random, maximum: Decimal, level: float) -> Decimal:
    share = min(max(rng.gauss(level, 0.06), 0.3), 1.0)
    return (maximum * Decimal(str(round(share, 2)))).quantize(Decimal("0.01"))


def _rows(units: list[Unit], leaves: list[tuple[str, Decimal]], rng, levels) -> list[ValueRow]:
    return [
        ValueRow(unit.code, code, _points(rng, maximum, levels[unit.code]), 0)
        for unit in units
        for code, maximum in leaves
    ]


def _leaves(kind: IndexKind, period: str) -> list[tuple[str, Decimal]]:
    version = services.version_of(kind, kind.parse(period))
    assert version is not None  # noqa: S101 - the trees above and the migration's
    return [(c.code, c.max_points) for c in version.components.filter(is_leaf=True)]


def build(today: datetime.date | None = None) -> None:
    """Everything above, through `indices.services` (about 30 record_values calls)."""
    rng = random.Random(766)  # noqa: S311 - demo figures, not secrets
    ensure_known_kinds()
    kinds = {kind.code: kind for kind in IndexKind.objects.all()}
    groups = {group.code: group for group in UnitGroup.objects.all()}
    province, _created = Unit.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={"name": CITY_NAME, "group": groups["TINH"], "is_sample": True},
    )
    for code, (from_period, rows) in TREES.items():
        if not kinds[code].versions.exists():
            services.import_framework(
                kinds[code],
                from_period,
                [ComponentRow(c, name, Decimal(m), 0) for c, name, m in rows],
            )
    for code, bands in (("766", BANDS_766), ("DTI", BANDS_766), ("PAR", BANDS_PAR)):
        first = kinds[code].versions.order_by("starts_on").values_list("from_period", flat=True)
        for group in ("SO", "XA", "TINH"):
            for label, minimum in bands:
                scale = kinds[code].scale / 100
                IndexBand.objects.get_or_create(
                    kind=kinds[code],
                    group=groups[group],
                    from_period=first[0],
                    label=label,
                    defaults={"min_index": Decimal(minimum) * scale},
                )

    sample = list(Unit.objects.filter(is_sample=True, group__code__in=("SO", "XA")))
    levels = {unit.code: rng.uniform(0.72, 0.95) for unit in sample}
    levels[PROVINCE_CODE] = 0.86
    for month in MONTHS_766:
        year = int(month[:4])
        units = [u for u in sample if u.exists_in(year)] + [province]
        for unit in units:  # a slow drift, so the trend moves
            levels[unit.code] = min(max(levels[unit.code] + rng.uniform(-0.02, 0.025), 0.5), 0.98)
        services.record_values(
            kinds["766"],
            month,
            _rows(units, _leaves(kinds["766"], month), rng, levels),
            as_of=kinds["766"].parse(month).end,
            source="Cổng Dịch vụ công quốc gia (dữ liệu mẫu)",
        )
    for year in DTI_YEARS:
        units = [u for u in sample if u.exists_in(year)] + [province]
        services.record_values(
            kinds["DTI"],
            str(year),
            _rows(units, _leaves(kinds["DTI"], str(year)), rng, levels),
            as_of=datetime.date(year + 1, 6, 30),
            source="Bộ Khoa học và Công nghệ (dữ liệu mẫu)",
        )
    for code in ("PAR", "SIPAS", "PAPI", "PCI"):
        for year in NATIONAL_YEARS[: 3 if code in ("PAPI", "PCI") else 4]:
            services.record_values(
                kinds[code],
                str(year),
                _rows([province], _leaves(kinds[code], str(year)), rng, levels),
                as_of=datetime.date(year + 1, 4, 30),
                source=f"{kinds[code].publisher} (dữ liệu mẫu)",
            )
    units_by_code = Unit.objects.in_bulk([row[2] for row in DRIVERS], field_name="code")
    IndexDriver.objects.bulk_create(
        [
            IndexDriver(
                kind=kinds[kind], component_code=component, unit=units_by_code[unit], criteria=text
            )
            for kind, component, unit, text in DRIVERS
            if unit in units_by_code
        ]
    )
    # The 766 months above fed the 2026 rule items linked to them (record_values → scoring's
    # value_sources); one department keeps its own figure over the index's, with its reason.
    for unit_code, item_code, value, reason in SOURCE_OVERRIDES_2026:
        sheet = Sheet.objects.get(unit__code=unit_code, year__year=FIRST_REAL_FRAMEWORK_YEAR)
        for side in (value_sources.UNIT_SIDE, value_sources.APPRAISAL_SIDE):
            value_sources.override_value(sheet, item_code, Decimal(value), reason, side=side)
