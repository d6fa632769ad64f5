"""Small builders for test data. Tests call these rather than writing models by hand.

`make_province()` builds one year with a small framework (appraisal 70 + survey 30), bands and
units; personas are users with one membership each.
"""

from __future__ import annotations

from decimal import Decimal as D

from django.contrib.auth import get_user_model

from scoring.models import AssessmentYear, Sheet, YearState
from scoring.services.frameworks import ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes, get_or_create_sheet
from units.models import Membership, Role, Unit, UnitGroup

PASSWORD = "mat-khau-thu-nghiem-2024"

# A small framework: 2 appraisal domains (70) and 1 survey domain (30) = 100 points.
FRAMEWORK_ROWS = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", None, ""),
    ("1.1", "Kế hoạch CCHC năm", None, ""),
    ("1.1.1", "Ban hành kế hoạch đúng hạn", D("10"), "appraisal"),
    ("1.1.2", "Mức độ hoàn thành kế hoạch", D("10"), "appraisal"),
    ("1.2", "Tuyên truyền CCHC", D("10"), "appraisal"),
    ("2", "Cải cách thủ tục hành chính", None, ""),
    ("2.1", "Công bố, công khai TTHC", D("20"), "appraisal"),
    ("2.2", "Tiếp nhận hồ sơ trực tuyến", D("20"), "appraisal"),
    ("3", "Mức độ hài lòng của người dân", None, "survey"),
    ("3.1", "Hài lòng về tiếp cận dịch vụ", D("15"), "survey"),
    ("3.2", "Hài lòng về kết quả giải quyết", D("15"), "survey"),
]
NA_ALLOWED = {"2.2"}
BANDS = [("Tốt", D("90")), ("Khá", D("80")), ("Trung bình", D("65")), ("Yếu", D("0"))]


def item_rows(rows=FRAMEWORK_ROWS) -> list[ItemRow]:
    return [
        ItemRow(
            code=code,
            name=name,
            max_points=maximum,
            method=method,
            na_allowed=code in NA_ALLOWED,
            row=number,
        )
        for number, (code, name, maximum, method) in enumerate(rows, start=2)
    ]


def make_group(code: str = "SO") -> UnitGroup:
    group, _created = UnitGroup.objects.get_or_create(code=code, defaults={"name": code})
    return group


def make_year(
    year: int = 2023, state: str = YearState.SELF_ASSESSMENT, group_codes=("SO",), **fields
) -> AssessmentYear:
    assessment_year = AssessmentYear.objects.create(
        year=year, state=YearState.PREPARING, owner_name="Tỉnh Thử Nghiệm", **fields
    )
    for code in group_codes:
        group = make_group(code)
        replace_framework(assessment_year, group, item_rows())
        set_bands(assessment_year, group, BANDS)
    if state != YearState.PREPARING:
        AssessmentYear.objects.filter(pk=assessment_year.pk).update(state=state)
        assessment_year.refresh_from_db()
    return assessment_year


def make_unit(code: str, name: str | None = None, group: str = "SO", **fields) -> Unit:
    return Unit.objects.create(
        code=code, name=name or f"Sở {code}", group=make_group(group), **fields
    )


def make_sheet(unit: Unit, year: AssessmentYear) -> Sheet:
    return get_or_create_sheet(unit, year)


def score(sheet: Sheet, **points_by_code) -> Sheet:
    """Set the points that count: score(sheet, **{"1.1.1": "9.5"}) — strings become Decimals."""
    changes = [
        ScoreChange(code, points=None if value is None else D(str(value)))
        for code, value in points_by_code.items()
    ]
    was_published = sheet.year.state == YearState.PUBLISHED
    if was_published:
        AssessmentYear.objects.filter(pk=sheet.year_id).update(state=YearState.APPRAISAL)
        sheet.year.refresh_from_db()
    sheet = apply_score_changes(sheet, changes, source="test")
    if was_published:
        AssessmentYear.objects.filter(pk=sheet.year_id).update(state=YearState.PUBLISHED)
        sheet.year.refresh_from_db()
    return sheet


FULL_MARKS = {
    "1.1.1": "10",
    "1.1.2": "10",
    "1.2": "10",
    "2.1": "20",
    "2.2": "20",
    "3.1": "15",
    "3.2": "15",
}


def make_user(username: str, role: str | None = None, unit: Unit | None = None, **fields):
    domains = fields.pop("domains", [])
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.vn", **fields
    )
    if role is not None:
        Membership.objects.create(user=user, unit=unit, role=role, domains=domains)
    return user


def personas(unit_a: Unit, unit_b: Unit, appraiser_unit: Unit) -> dict:
    """The users every permission test speaks of."""
    return {
        "staff_a": make_user("staff_a", Role.STAFF, unit_a),
        "leader_a": make_user("leader_a", Role.LEADER, unit_a),
        "staff_b": make_user("staff_b", Role.STAFF, unit_b),
        "appraiser": make_user("appraiser", Role.APPRAISER, appraiser_unit),
        "leadership": make_user("leadership", Role.LEADERSHIP, appraiser_unit),
        "admin": get_user_model().objects.create_superuser("admin", "admin@example.vn", PASSWORD),
    }


# --------------------------------------------------------------------------- files to import

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes it: precomposed base letters, tones as combining marks."""
    import unicodedata

    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize(
                "NFC", "".join(c for c in decomposed if c not in TONE_MARKS)
            )
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def csv_file(tmp_path, rows, *, encoding: str = "utf-8", sep: str = ",", name: str = "data.csv"):
    """Write rows (lists of cells) as a CSV file; encoding utf-8, utf-8-sig or cp1258."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(
        [["" if cell is None else str(cell) for cell in row] for row in rows]
    )
    text = out.getvalue()
    path = tmp_path / name
    path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
    return str(path)


def xlsx_file(tmp_path, rows, *, name: str = "data.xlsx"):
    """Write rows (lists of cells: str, int, float, bool, None) to the first sheet of an xlsx."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


def db_snapshot() -> dict:
    """Every row of the tables an import may touch, as comparable values (before == after)."""
    from scoring.models import (
        Band,
        BandCap,
        DomainResult,
        Framework,
        Item,
        Result,
        Score,
        SheetReplacement,
        YearTransition,
    )

    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields))

    return {
        "groups": rows(UnitGroup, "code", "name", "order"),
        "units": rows(Unit, "code", "name", "group__code"),
        "years": rows(AssessmentYear, "year", "state", "results_version", "decimals", "rounding"),
        "frameworks": sorted(
            Framework.versions.values_list("year__year", "group__code", "version", "active")
        ),
        "all_items": Item.all_versions.count(),
        "all_scores": Score.all_versions.count(),
        "sheet_replacements": SheetReplacement.objects.count(),
        "transitions": YearTransition.objects.count(),
        "items": rows(
            Item,
            "framework__year__year",
            "framework__group__code",
            "code",
            "name",
            "max_points",
            "method",
            "is_scored",
            "na_allowed",
            "evidence_required",
            "rule",
        ),
        "rule_params": sorted(
            (code, str(params)) for code, params in Item.objects.values_list("code", "rule_params")
        ),
        "bands": rows(Band, "year__year", "group__code", "label", "min_index"),
        "caps": rows(BandCap, "year__year", "group__code", "band_label", "kind", "code", "figure"),
        "sheets": rows(Sheet, "unit__code", "year__year", "version", "state"),
        "scores": rows(
            Score,
            "sheet__unit__code",
            "item__code",
            "self_points",
            "points",
            "not_applicable",
            "note",
            "self_value",
            "value",
        ),
        "score_history": Score.history.count(),
        "results": rows(
            Result,
            "unit__code",
            "year__year",
            "total",
            "max_points",
            "index",
            "band_label",
            "rank",
            "bonus",
            "deduction",
            "cap_reason",
        ),
        "domain_results": DomainResult.objects.count(),
    }


def make_small_province():
    """Year 2023 with six units in two groups (SO, HUYEN), every result computed.

    SO: SNV 96,86; SLDTBXH 65,81 + 26,22 = 92,03; SCT and STP tied at 85,00 (both rank 3, the
    next is 5); STNMT 66,00 of 80 (item 2.2 not applicable) = 82,50. HUYEN: TAMKY 95,00.
    """
    year = make_year(2023, group_codes=("SO", "HUYEN"))
    units = {
        "SNV": ("Sở Nội vụ", "10 10 10 20 19.5 14 13.36"),
        "SLDTBXH": ("Sở Lao động - Thương binh và Xã hội", "10 9.81 10 18 18 13.11 13.11"),
        "STP": ("Sở Tư pháp", "9 9 9 18 15 12.5 12.5"),
        "SCT": ("Sở Công Thương", "10 10 5 15 15 15 15"),
        "STNMT": ("Sở Tài nguyên và Môi trường", "8 8 8 16 - 13 13"),
    }
    codes = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2", "3.1", "3.2"]
    sheets = {}
    for code, (name, marks) in units.items():
        sheets[code] = make_sheet(make_unit(code, name), year)
        score(sheets[code], **{c: p for c, p in zip(codes, marks.split(), strict=True) if p != "-"})
    apply_score_changes(sheets["STNMT"], [ScoreChange("2.2", not_applicable=True)], source="test")
    district = make_unit("TAMKY", "UBND thành phố Tam Kỳ, tỉnh Quảng Nam", group="HUYEN")
    score(
        make_sheet(district, year),
        **{"1.1.1": 10, "1.1.2": 10, "1.2": 10, "2.1": 20, "2.2": 20, "3.1": 10, "3.2": 15},
    )
    return year


# --------------------------------------------------------------------------- sheets (workflow)


def wide_rows(domains: int, items_per_domain: int, maximum: str = "2") -> list[ItemRow]:
    """A framework of `domains` appraisal domains × `items_per_domain` scored items, plus one
    survey domain with one item: for tests whose query count must not grow with the items."""
    rows = []
    for d in range(1, domains + 1):
        rows.append(ItemRow(str(d), f"Lĩnh vực {d}", None))
        for i in range(1, items_per_domain + 1):
            rows.append(ItemRow(f"{d}.{i}", f"Tiêu chí {d}.{i}", D(maximum), "appraisal"))
    survey = str(domains + 1)
    rows.append(ItemRow(survey, "ĐTXHH", None))
    rows.append(ItemRow(f"{survey}.1", "Mức độ hài lòng", D("30"), "survey"))
    return rows


def decide_open_units(
    year: AssessmentYear, user=None, reason: str = "Công bố theo kết quả hiện có."
):
    """Record a publication decision for every unit the year leaves open (readiness), so that
    `year_states.publish` goes through for a test that is about something else."""
    from scoring.services.readiness import publication_readiness, record_decision

    for open_unit in publication_readiness(year).blocking_units:
        record_decision(year, open_unit.unit, reason, user=user)
