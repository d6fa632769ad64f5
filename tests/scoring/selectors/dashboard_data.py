"""Test data for the dashboards, built with tests/factories.py (independent of the demo data).

`build_province()`: departments (SO) and one district (HUYEN), three years:

    2022 published   SLDTBXH 97,00 (1, Xuất sắc) · SNV 95,00 (2, Tốt) · SYT 52,00 (3, Yếu)
    2023 published   SNV 96,86 (1, Tốt) · SCT 76/80 = 95,00 (2, Tốt; item 2.2 not applicable)
                     SLDTBXH 65,81 + 26,22 = 92,03 (3, Khá) · SYT 50,00 (4, Yếu)
                     HUYEN: TAMKY 95,00 (1/1)
    2024 appraisal   SNV 99,00 (1) · SLDTBXH 90,00 (2)    ← the year in progress (tạm tính)

Bands (every year, both groups): Xuất sắc ≥ 97, Tốt ≥ 93, Khá ≥ 80, Trung bình ≥ 65, Yếu.
SLDTBXH 2023 claimed 69,00 on the appraisal items and was granted 65,81 (over-claim 3,19);
the appraisers' reason on 2.1 is "Công bố TTHC không đúng hạn".
"""

from __future__ import annotations

from decimal import Decimal as D

from scoring.models import AssessmentYear, YearState
from scoring.services.frameworks import replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_group, make_sheet, make_unit, make_year, score

CODES = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2", "3.1", "3.2"]
BANDS = [
    ("Xuất sắc", D("97")),
    ("Tốt", D("93")),
    ("Khá", D("80")),
    ("Trung bình", D("65")),
    ("Yếu", D("0")),
]
REASON = "Công bố TTHC không đúng hạn"

NAMES = {
    "SNV": "Sở Nội vụ",
    "SLDTBXH": "Sở Lao động - Thương binh và Xã hội",
    "SCT": "Sở Công Thương",
    "SYT": "Sở Y tế",
}

MARKS = {
    2022: {
        "SLDTBXH": "10 10 10 20 20 15 12",
        "SNV": "10 10 10 20 15 15 15",
        "SYT": "5 5 5 10 12 7.5 7.5",
    },
    2023: {
        "SNV": "10 10 10 20 19.5 14 13.36",
        "SCT": "10 10 10 20 - 15 11",
        "SLDTBXH": "10 9.81 10 18 18 13.11 13.11",
        "SYT": "5 5 5 10 10 7.5 7.5",
    },
    2024: {
        "SNV": "10 10 10 20 20 15 14",
        "SLDTBXH": "10 10 10 20 15 13 12",
    },
}
CLAIMS_2023 = {"1.1.1": "10", "1.1.2": "10", "1.2": "10", "2.1": "20", "2.2": "19"}


def marks(text: str) -> dict[str, str]:
    return {code: p for code, p in zip(CODES, text.split(), strict=True) if p != "-"}


def set_state(year: AssessmentYear, state: str) -> AssessmentYear:
    AssessmentYear.objects.filter(pk=year.pk).update(state=state)
    year.refresh_from_db()
    return year


def scored_year(year_number: int, groups=("SO",), units: dict | None = None) -> AssessmentYear:
    """A year in appraisal with the given bands and each unit's marks (creating the units)."""
    year = make_year(year_number, state=YearState.APPRAISAL, group_codes=groups)
    for code in groups:
        set_bands(year, make_group(code), BANDS)
    for code, text in (units or {}).items():
        unit = unit_named(code)
        sheet = make_sheet(unit, year)
        score(sheet, **marks(text))
        if "-" in text.split():
            na = [CODES[i] for i, p in enumerate(text.split()) if p == "-"]
            apply_score_changes(
                sheet, [ScoreChange(c, not_applicable=True) for c in na], source="test"
            )
    return year


def unit_named(code: str, group: str = "SO"):
    from units.models import Unit

    return Unit.objects.filter(code=code).first() or make_unit(code, NAMES.get(code), group=group)


def build_province() -> dict[int, AssessmentYear]:
    years = {2022: scored_year(2022, units=MARKS[2022])}
    set_state(years[2022], YearState.PUBLISHED)

    years[2023] = scored_year(2023, groups=("SO", "HUYEN"), units=MARKS[2023])
    sheet = make_sheet(unit_named("SLDTBXH"), years[2023])
    apply_score_changes(
        sheet,
        [ScoreChange(c, self_points=D(v)) for c, v in CLAIMS_2023.items()]
        + [ScoreChange("2.1", reason=REASON)],
        source="test",
    )
    district = unit_named("TAMKY", group="HUYEN")
    district.name = "UBND thành phố Tam Kỳ"
    district.save()
    score(make_sheet(district, years[2023]), **marks("10 10 10 20 20 10 15"))
    set_state(years[2023], YearState.PUBLISHED)

    years[2024] = scored_year(2024, units=MARKS[2024])
    return years


def add_units(year: AssessmentYear, count: int, prefix: str = "X") -> None:
    """More scored units in a year that is not published (for the query-count tests)."""
    state = year.state
    set_state(year, YearState.APPRAISAL)
    for number in range(count):
        unit = unit_named(f"{prefix}{number}")
        score(make_sheet(unit, year), **marks("9 9 9 18 18 13 13"))
    set_state(year, state)


# A 2024 framework for the crosswalk: 1.1.2 dropped, 1.2 renumbered 1.3 (a new 1.2 takes its
# code), 2.2 split into 2.2 and 2.3. Still 70 appraisal + 30 survey points.
ROWS_2024 = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", None, ""),
    ("1.1", "Kế hoạch CCHC năm", None, ""),
    ("1.1.1", "Ban hành kế hoạch đúng hạn", D("10"), "appraisal"),
    ("1.2", "Kiểm tra công tác CCHC", D("5"), "appraisal"),
    ("1.3", "Tuyên truyền CCHC", D("10"), "appraisal"),
    ("2", "Cải cách thủ tục hành chính", None, ""),
    ("2.1", "Công bố, công khai TTHC", D("20"), "appraisal"),
    ("2.2", "Tiếp nhận hồ sơ trực tuyến toàn trình", D("10"), "appraisal"),
    ("2.3", "Thanh toán trực tuyến", D("15"), "appraisal"),
    ("3", "Mức độ hài lòng của người dân", None, "survey"),
    ("3.1", "Hài lòng về tiếp cận dịch vụ", D("15"), "survey"),
    ("3.2", "Hài lòng về kết quả giải quyết", D("15"), "survey"),
]


def year_with_framework(year_number: int, rows, units: dict[str, dict[str, str]]) -> AssessmentYear:
    """A published year of the SO group on the given framework rows, with each unit's points."""
    from tests.factories import item_rows

    year = make_year(year_number, state=YearState.APPRAISAL, group_codes=())
    group = make_group("SO")
    replace_framework(year, group, item_rows(rows))
    set_bands(year, group, BANDS)
    for code, points in units.items():
        score(make_sheet(unit_named(code), year), **points)
    return set_state(year, YearState.PUBLISHED)


def crosswalk(
    old_year: AssessmentYear, old_code: str, new_year: AssessmentYear, *new_codes, note=""
):
    from scoring.models import Item, ItemCrosswalk

    old = Item.objects.get(framework__year=old_year, code=old_code)
    for code in new_codes:
        ItemCrosswalk.objects.create(
            from_item=old, to_item=Item.objects.get(framework__year=new_year, code=code), note=note
        )


def appraise_partly(year: AssessmentYear) -> AssessmentYear:
    """Two more units of 2024 (in appraisal) part-way through their appraisal:

        SCT  3/5 items appraised (1.1.1 and 1.2 in full, 2.2 not applicable): 20/80 = 25,00,
             thứ 3/4 (2023: 95,00, thứ 2/4 → −70,00 and one place down)
        SYT  2/5 items appraised (1.1.1 and 1.1.2 at 5): 10/100 = 10,00, thứ 4/4 (2023: 50,00,
             thứ 4/4 → −40,00)

    With SNV and SLDTBXH (5/5 each), the group has 15 of 20 items appraised, 2 of 4 units done.
    """
    sheet = make_sheet(unit_named("SCT"), year)
    score(sheet, **{"1.1.1": "10", "1.2": "10"})
    apply_score_changes(sheet, [ScoreChange("2.2", not_applicable=True)], source="test")
    score(make_sheet(unit_named("SYT"), year), **{"1.1.1": "5", "1.1.2": "5"})
    year.refresh_from_db()
    return year
