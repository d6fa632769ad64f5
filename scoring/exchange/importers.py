"""Framework, band and score files → services, all or nothing.

Files are read by `lib.tabular` (CSV or xlsx, row numbers as a spreadsheet shows them);
this module turns rows into the services' inputs (`ItemRow`, `ScoreChange`), checks them against
the database, reports every problem at once and only then writes, through `scoring.services`, in
one transaction. Commands, admin pages and the Excel upload all call these functions.

    rows = read_framework_rows(data)              # list[ItemRow]
    import_framework(2024, "SO", rows)            # FrameworkImportSummary
    import_scores(year, read_score_rows(data))    # ScoreImportSummary
    parse_bands(["Tốt=90", "Khá=80"])             # [("Tốt", Decimal("90")), …]

Problems are raised as `tabular.TableError` (the file) or `services.ServiceError` (the state of
the year, the framework): both carry `.messages`; catch `IMPORT_ERRORS`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lib import tabular
from lib.names import parse_name
from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Framework,
    Item,
    Method,
    Score,
    Sheet,
    YearState,
)
from scoring.permissions import Account
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.frameworks import CapRow, ItemRow, replace_framework
from scoring.services.replacement import MapRow, ReplacementSummary, replace_version
from scoring.services.scores import (
    UNSET,
    ScoreChange,
    lock_sheets,
    validate_score_changes,
    write_checked_changes,
)
from units.models import Unit, UnitGroup

IMPORT_ERRORS = (tabular.TableError, ServiceError)

FRAMEWORK_REQUIRED = ("code", "name", "max_points", "method")
FRAMEWORK_OPTIONAL = ("guidance", "na_allowed", "evidence_required", "rule", "source")
SCORE_REQUIRED = ("unit_code", "item_code")
#: A framework has at most a few hundred items; a score file one row per unit and item
#: (300 units × 150 items = 45,000 rows).
FRAMEWORK_LIMITS = tabular.Limits(rows=5_000, columns=20, cells=50_000)
SCORE_LIMITS = tabular.Limits(rows=100_000, columns=20, cells=600_000)
SCORE_OPTIONAL = ("self_points", "points", "not_applicable", "note", "self_value", "value")

FIRST_YEAR, LAST_YEAR = 2000, 2100

# What a method cell may say: the code, or the label shown in the portal.
METHOD_WORDS = {
    "appraisal": Method.APPRAISAL,
    "thẩm định": Method.APPRAISAL,
    "survey": Method.SURVEY,
    "điều tra xã hội học": Method.SURVEY,
    "điều tra xhh": Method.SURVEY,  # glossary: accepted on input
    "đtxhh": Method.SURVEY,
    "bonus": Method.BONUS,
    "điểm thưởng": Method.BONUS,
    "deduction": Method.DEDUCTION,
    "điểm trừ": Method.DEDUCTION,
}


# --------------------------------------------------------------------------- looking things up


def check_year_number(number: int) -> None:
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise ServiceError(
            _("Năm %(year)s không hợp lệ (từ %(first)s đến %(last)s).")
            % {"year": number, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


def get_year(number: int) -> AssessmentYear:
    """The assessment year, or ServiceError saying it does not exist."""
    year = AssessmentYear.objects.filter(year=number).first()
    if year is None:
        raise ServiceError(
            _("Chưa có năm %(year)s (kỳ đánh giá): hãy nhập bộ chỉ số hoặc sao chép từ năm trước.")
            % {"year": number}
        )
    return year


def get_group(code: str) -> UnitGroup:
    """A unit group by code (any case), or ServiceError listing the groups that exist."""
    groups = list(UnitGroup.objects.all())
    for group in groups:
        if group.code.casefold() == code.strip().casefold():
            return group
    raise ServiceError(
        _("Không có khối “%(group)s” (các khối: %(known)s).")
        % {"group": code, "known": ", ".join(g.code for g in groups)}
    )


# --------------------------------------------------------------------------- frameworks


def parse_method(value) -> str:
    """ "appraisal"/"survey" (or the portal's labels), any case; other words are kept for the
    framework check to report; empty → ""."""
    text = tabular.parse_text(value)
    return METHOD_WORDS.get(text.lower(), text)


def read_framework_rows(data) -> list[ItemRow]:
    """Read a framework file into ItemRows; raise TableError with every cell problem.

    The tree itself (parents, maxima, methods) is checked by `services.validate_framework_rows`.
    """
    rows = tabular.read_table(
        data, required=FRAMEWORK_REQUIRED, optional=FRAMEWORK_OPTIONAL, limits=FRAMEWORK_LIMITS
    )
    problems = tabular.Problems()
    item_rows = []
    for row in rows:
        code = problems.parse(row, "code", tabular.parse_text)
        name = problems.parse(row, "name", parse_name)
        max_points = problems.parse(row, "max_points", tabular.parse_points)
        method = problems.parse(row, "method", parse_method, default="")
        guidance = problems.parse(row, "guidance", tabular.parse_text, default="")
        na_allowed = problems.parse(row, "na_allowed", tabular.parse_bool, default=False)
        evidence = problems.parse(row, "evidence_required", tabular.parse_bool, default=False)
        rule = problems.parse(row, "rule", tabular.parse_text, default="")
        source = problems.parse(row, "source", tabular.parse_text, default="")
        if code == "":
            problems.add(row, "code", _("không được để trống"))
        if name == "":
            problems.add(row, "name", _("không được để trống"))
        item_rows.append(
            ItemRow(
                code=code or "",
                name=name or "",
                max_points=max_points,
                method=method,
                guidance=guidance,
                na_allowed=na_allowed,
                evidence_required=evidence,
                row=row.number,
                rule=rule or "",
                source=source or "",
            )
        )
    problems.raise_if_any()
    return item_rows


@dataclass(frozen=True)
class FrameworkImportSummary:
    framework: Framework
    year_created: bool
    items: int
    scored: int
    appraisal_max: Decimal
    survey_max: Decimal

    def __str__(self) -> str:
        text = _(
            "Đã nhập bộ chỉ số khối %(group)s năm %(year)s: %(items)s tiêu chí, "
            "%(scored)s tiêu chí được chấm (thẩm định %(appraisal)s điểm, ĐTXHH %(survey)s điểm)."
        ) % {
            "group": self.framework.group.code,
            "year": self.framework.year.year,
            "items": self.items,
            "scored": self.scored,
            "appraisal": number_format(self.appraisal_max, self.framework.year.decimals),
            "survey": number_format(self.survey_max, self.framework.year.decimals),
        }
        if self.year_created:
            text += " " + _("Đã tạo năm %(year)s (trạng thái “Chuẩn bị”).") % {
                "year": self.framework.year.year
            }
        return text


@transaction.atomic
def import_framework(
    year_number: int, group: UnitGroup | str, rows: Sequence[ItemRow]
) -> FrameworkImportSummary:
    """Replace a year and group's framework, creating the year (state preparing) if needed.

    Refused for a published year and for a framework that already has scores; nothing is saved
    (not even the new year) when anything is wrong.
    """
    check_year_number(year_number)
    if not isinstance(group, UnitGroup):
        group = get_group(group)
    year, created = AssessmentYear.objects.get_or_create(
        year=year_number, defaults={"state": YearState.PREPARING}
    )
    framework = replace_framework(year, group, rows)  # recomputes the group's results
    items = list(framework.items.all())
    scored = [item for item in items if item.is_scored]
    return FrameworkImportSummary(
        framework=framework,
        year_created=created,
        items=len(items),
        scored=len(scored),
        appraisal_max=sum(
            (i.max_points for i in scored if i.method == Method.APPRAISAL), Decimal(0)
        ),
        survey_max=sum((i.max_points for i in scored if i.method == Method.SURVEY), Decimal(0)),
    )


def read_map_rows(data) -> list[MapRow]:
    """Read a crosswalk between two versions (columns old_code, new_code) into MapRows; raise
    TableError with every cell problem. Codes are checked by `services.replacement`."""
    rows = tabular.read_table(
        data, required=("old_code", "new_code"), optional=(), limits=FRAMEWORK_LIMITS
    )
    problems = tabular.Problems()
    map_rows = []
    for row in rows:
        old_code = problems.parse(row, "old_code", tabular.parse_text)
        new_code = problems.parse(row, "new_code", tabular.parse_text)
        for column, value in (("old_code", old_code), ("new_code", new_code)):
            if value == "":
                problems.add(row, column, _("không được để trống"))
        map_rows.append(MapRow(old_code=old_code or "", new_code=new_code or "", row=row.number))
    problems.raise_if_any()
    return map_rows


def replace_framework_version(
    year_number: int,
    group: UnitGroup | str,
    rows: Sequence[ItemRow],
    mapping: Sequence[MapRow] = (),
    **options: Any,
) -> ReplacementSummary:
    """A new version of an existing year and group's framework (`services.replacement`)."""
    check_year_number(year_number)
    if not isinstance(group, UnitGroup):
        group = get_group(group)
    year = get_year(year_number)
    return replace_version(year, group, rows, mapping, **options)


# --------------------------------------------------------------------------- bands


def parse_bands(texts: Iterable[str]) -> list[tuple[str, Decimal]]:
    """ "Tốt=90" … → [("Tốt", Decimal("90")), …]; ServiceError with every malformed one.

    The bands' own rules (unique labels and minima, 0–100) are checked by `services.set_bands`.
    """
    bands, problems = [], []
    for text in texts:
        label, sep, minimum = text.rpartition("=")
        if not sep or not label.strip():
            problems.append(
                _("“%(text)s”: cần dạng Tên mức=chỉ số tối thiểu, ví dụ “Tốt=90”.") % {"text": text}
            )
            continue
        try:
            value = tabular.parse_points(minimum)
        except tabular.CellError as exc:
            problems.append(
                _("“%(text)s”: chỉ số tối thiểu %(message)s.") % {"text": text, "message": exc}
            )
            continue
        if value is None:
            problems.append(_("“%(text)s”: thiếu chỉ số tối thiểu.") % {"text": text})
            continue
        bands.append((tabular.parse_text(label), value))
    if problems:
        raise ServiceError(problems)
    return bands


CAP_CONDITION = re.compile(
    r"^(?P<code>[^<>=\s]+)\s*(?:(?P<sign>[>=])\s*0|<\s*(?P<figure>[0-9.,]+))$"
)


def parse_caps(texts: Iterable[str]) -> list[CapRow]:
    """ "Khá:D.1>0", "Trung bình:1.5=0", "Khá:2<50" → CapRows; ServiceError with every other
    form. BAND:ITEM>0 (the item has points: a deduction happened), BAND:ITEM=0 (the item has
    0 points), BAND:DOMAIN<N (the domain's index is below N). Whether the band, item and
    domain exist is checked by `services.set_bands`."""
    caps, problems = [], []
    for text in texts:
        label, sep, condition = text.rpartition(":")
        match = CAP_CONDITION.match(condition.strip()) if sep and label.strip() else None
        figure = None
        if match and match["figure"] is not None:
            try:
                figure = tabular.parse_points(match["figure"])
            except tabular.CellError:
                match = None
        if match is None:
            problems.append(
                _(
                    "Giới hạn “%(text)s” không hợp lệ: cần dạng MỨC:TIÊU_CHÍ>0, MỨC:TIÊU_CHÍ=0 hoặc MỨC:LĨNH_VỰC<chỉ số, ví dụ “Khá:D.1>0”."
                )
                % {"text": text}
            )
            continue
        if match["figure"] is not None:
            kind = calc.DOMAIN_BELOW
        elif match["sign"] == ">":
            kind = calc.ITEM_ABOVE_ZERO
        else:
            kind = calc.ITEM_ZERO
        caps.append(
            CapRow(tabular.parse_text(label), kind, match["code"], figure, text=text.strip())
        )
    if problems:
        raise ServiceError(problems)
    return caps


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoreRow:
    """One row of a scores file: a unit's change to one item (change.row = the file's row).

    `worded` names the value columns given as words (có/không, đạt/không đạt): only a yes_no
    item takes them."""

    unit_code: str
    change: ScoreChange
    worded: frozenset[str] = frozenset()

    @property
    def row(self) -> int:
        return self.change.row


def read_score_rows(data) -> list[ScoreRow]:
    """Read a scores file; raise TableError with every cell problem.

    A column absent from the file leaves that field alone (UNSET); an empty cell clears it.
    """
    rows = tabular.read_table(
        data, required=SCORE_REQUIRED, optional=SCORE_OPTIONAL, limits=SCORE_LIMITS
    )
    problems = tabular.Problems()
    score_rows = []
    for row in rows:
        unit_code = problems.parse(row, "unit_code", tabular.parse_text)
        item_code = problems.parse(row, "item_code", tabular.parse_text)
        for column, value in (("unit_code", unit_code), ("item_code", item_code)):
            if value == "":
                problems.add(row, column, _("không được để trống"))
        fields: dict[str, Any] = {}  # ScoreChange's fields, each from its column's own parser
        for column, parser in (
            # Up to three decimals here; the year's own number is the service's check.
            ("self_points", _points_up_to_three),
            ("points", _points_up_to_three),
            ("not_applicable", tabular.parse_bool),
            ("note", tabular.parse_text),
        ):
            if column in row.present:
                fields[column] = problems.parse(row, column, parser)
        worded = set()
        for column in ("self_value", "value"):
            if column in row.present:
                fields[column], is_word = problems.parse(row, column, parse_value) or (None, False)
                if is_word:
                    worded.add(column)
        if unit_code and item_code:
            score_rows.append(
                ScoreRow(
                    unit_code,
                    ScoreChange(item_code, row=row.number, **fields),
                    frozenset(worded),
                )
            )
    problems.raise_if_any()
    if not score_rows:
        raise tabular.TableError(_("Tệp không có dữ liệu"))
    return score_rows


def _points_up_to_three(cell: Any) -> Decimal | None:
    return tabular.parse_points(cell, places=3)


YES_NO_WORDS = {"có": True, "đạt": True, "không": False, "không đạt": False}


def not_a_yes_no_item(code: str) -> str:
    """The refusal of a word (đạt, có…) as the value of an item that is not đạt/không đạt."""
    return _("tiêu chí %(code)s không phải đạt/không đạt: cần một số.") % {"code": code}


def parse_value(cell: Any) -> tuple[Decimal | None, bool]:
    """A measured value → (the value, whether it was a word): "85.5", "85,5", 85.5 → 85.5;
    "1"/"0", "có"/"không", "đạt"/"không đạt" → 1/0 (words: yes_no items only); empty → None.
    Up to three decimals; the rule's own checks (whole counts, 0/1) are the service's."""
    if isinstance(cell, str) and cell.strip().lower() in YES_NO_WORDS:
        return Decimal(1 if YES_NO_WORDS[cell.strip().lower()] else 0), True
    text = tabular.parse_text(cell) if not isinstance(cell, int | float | Decimal) else cell
    if text == "" or text is None:
        return None, False
    if isinstance(text, str):
        text = text.replace(",", ".")
    try:
        number = Decimal(str(text)) if not isinstance(text, Decimal) else text
    except ArithmeticError:
        raise tabular.CellError(
            _("“%(value)s” không phải là số hay đạt/không đạt") % {"value": cell}
        ) from None
    if not number.is_finite():
        raise tabular.CellError(_("“%(value)s” không phải là số") % {"value": cell})
    if number < 0:
        raise tabular.CellError(_("không được âm (%(value)s)") % {"value": cell})
    if number != number.quantize(Decimal("0.001")) or number.adjusted() >= 9:
        raise tabular.CellError(
            _("tối đa 3 chữ số thập phân và 9 chữ số phần nguyên (%(value)s)") % {"value": cell}
        )
    return number, False


@dataclass(frozen=True)
class ScoreImportSummary:
    year: int
    rows: int
    units: int
    groups: int

    def __str__(self) -> str:
        return _(
            "Đã nhập %(rows)s dòng điểm của %(units)s đơn vị năm %(year)s; "
            "đã tính lại kết quả và xếp hạng của %(groups)s khối."
        ) % {"rows": self.rows, "units": self.units, "year": self.year, "groups": self.groups}


def _unit_problem(problems: tabular.Problems, rows: list[int], column: str, message: str) -> None:
    """One message per unit, at its first row, however many rows it has."""
    if len(rows) > 1:
        message += " " + _("(%(count)s dòng)") % {"count": len(rows)}
    problems.add(rows[0], column, message)


@transaction.atomic
def import_scores(
    year: AssessmentYear,
    rows: Sequence[ScoreRow],
    *,
    user: Account | None = None,
    source: str = "import",
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ScoreImportSummary:
    """Apply score rows of many units to one year, all or nothing.

    `progress` wraps the per-unit loop (the command passes a tqdm bar for large files).

    The year and the file's sheets are locked first (the sheets in one query, by id); everything
    is then checked (units, frameworks, items, maxima, survey items, N/A) against the stored
    scores, and every problem is reported, each under its row; then the changes are applied as
    `services.apply_score_changes` applies them (`stage_changes`), written for the whole file at
    once with their history (source `source`, `write_scores`), every sheet's version bumped, and
    each group's results and ranks recomputed once.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    problems = tabular.Problems()

    first_row: dict[tuple[str, str], int] = {}
    rows_by_code: dict[str, list[ScoreRow]] = defaultdict(list)
    for score_row in rows:
        key = (score_row.unit_code, score_row.change.item_code)
        if key in first_row:
            problems.add(
                score_row.row,
                None,
                _("đơn vị %(unit)s, tiêu chí %(item)s đã có ở dòng %(first)s.")
                % {"unit": key[0], "item": key[1], "first": first_row[key]},
            )
            continue
        first_row[key] = score_row.row
        rows_by_code[score_row.unit_code].append(score_row)

    units = {
        unit.code: unit
        for unit in Unit.objects.filter(code__in=list(rows_by_code)).select_related("group")
    }
    frameworks: dict[int, Framework] = {}  # unit id → the framework it is scored on
    scored_on = Framework.objects.scored_on_many(units.values(), year)
    items_by_framework: dict[int, dict[str, Item]] = defaultdict(dict)
    for item in Item.objects.filter(framework__year=year):
        items_by_framework[item.framework_id][item.code] = item
    sheets = {s.unit_id: s for s in Sheet.objects.filter(year=year, unit__in=units.values())}
    # The sheets are locked (one query, in the order of their ids) before their scores are read:
    # what is checked below is what is written.
    lock_sheets(sheet.id for sheet in sheets.values())
    code_by_item = {
        item.id: (framework_id, item.code)
        for framework_id, items in items_by_framework.items()
        for item in items.values()
    }
    stored_scores: dict[int, list[Score]] = defaultdict(list)
    for score in Score.objects.filter(sheet__in=sheets.values()).order_by():
        stored_scores[score.sheet_id].append(score)
    current: dict[int, dict[str, Score]] = {}  # unit id → its scores by item code

    changes_by_unit: dict[Unit, list[ScoreChange]] = {}
    for code, unit_rows in rows_by_code.items():
        numbers = [r.row for r in unit_rows]
        unit = units.get(code)
        if unit is None:
            _unit_problem(
                problems, numbers, "unit_code", _("không có đơn vị “%(code)s”.") % {"code": code}
            )
            continue
        if not unit.exists_in(year.year):
            _unit_problem(
                problems,
                numbers,
                "unit_code",
                _("đơn vị %(code)s không được đánh giá năm %(year)s.")
                % {"code": code, "year": year.year},
            )
            continue
        # The service's rule (a unit that moved is scored on the group it was scored in).
        framework = scored_on[unit.id]
        if framework is None:
            _unit_problem(
                problems,
                numbers,
                "unit_code",
                _("chưa có bộ chỉ số năm %(year)s cho khối %(group)s.")
                % {"year": year.year, "group": unit.group.code},
            )
            continue
        frameworks[unit.id] = framework
        items = items_by_framework[framework.id]
        sheet = sheets.get(unit.id)
        # The scores on the unit's framework by item code (apply_score_changes' `current`).
        stored = current[unit.id] = {
            code_by_item[score.item_id][1]: score
            for score in (stored_scores[sheet.id] if sheet else [])
            if code_by_item.get(score.item_id, (None, ""))[0] == framework.id
        }
        changes = [r.change for r in unit_rows]
        for score_row in unit_rows:
            change = score_row.change
            # One change at a time, so that each message is filed under its own row.
            for message in validate_score_changes(
                items, stored, [change], _no_prefix, year.decimals
            ):
                problems.add(change.row, None, message)
            target = items.get(change.item_code)
            for column in sorted(score_row.worded):
                if target is not None and target.rule != calc.YES_NO:
                    problems.add(change.row, column, not_a_yes_no_item(change.item_code))
        changes_by_unit[unit] = changes
    problems.raise_if_any()

    ordered = sorted(changes_by_unit, key=lambda u: u.code)
    groups = write_checked_changes(
        year,
        (
            (
                unit,
                sheets.get(unit.id),
                frameworks[unit.id],
                items_by_framework[frameworks[unit.id].id],
                current[unit.id],
                changes_by_unit[unit],
            )
            for unit in (progress(ordered) if progress else ordered)
        ),
        user,
        source,
    )
    return ScoreImportSummary(
        year=year.year,
        rows=sum(len(c) for c in changes_by_unit.values()),
        units=len(changes_by_unit),
        groups=groups,
    )


def _no_prefix(change: ScoreChange) -> str:
    return ""


__all__ = [
    "FRAMEWORK_OPTIONAL",
    "FRAMEWORK_REQUIRED",
    "IMPORT_ERRORS",
    "SCORE_OPTIONAL",
    "SCORE_REQUIRED",
    "UNSET",
    "FrameworkImportSummary",
    "ScoreImportSummary",
    "ScoreRow",
    "get_group",
    "get_year",
    "import_framework",
    "import_scores",
    "parse_bands",
    "read_framework_rows",
    "read_score_rows",
]
