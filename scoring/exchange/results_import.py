"""Published results from a file (another province's, or years before the portal), all or nothing.

A portal whose city absorbed a province loads the other side's units (import_units), their past
published results (this module, `import_results FILE --year Y`) and links them by lineage
(import_lineage). The file has the open-data columns (`opendata.RESULT_COLUMNS`): code, name,
group, appraisal, survey, total, index, classification, rank, max, and optionally bonus,
deduction and cap_reason (issue 13; a file without them imports 0, 0 and no reason). Figures
are exact decimals with at most the year's decimals (2 or 3), stored as written, never rounded
(a file written by `results --format csv` of a year reads back to the same figures). They are
stored as published, marked "nhập từ tệp" (`ResultSource.IMPORTED`), and never recomputed: their unit
group must hold no computed results that year (ranks are recomputed within a group), so the
other side goes into a group of its own.

    rows = read_result_rows(data, year.decimals)  # TableError listing every problem in the file
    summary = import_results(year, rows)          # TableError listing every problem against the DB
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lib import tabular
from scoring import calculations as calc
from scoring.exchange.opendata import RESULT_COLUMNS
from scoring.models import AssessmentYear, Band, Result, ResultSource, Sheet
from scoring.signals import results_changed
from units.models import Unit, UnitGroup

REQUIRED = ("code", "group", "total", "index", "max")
#: One row per unit and year.
RESULT_LIMITS = tabular.Limits(rows=10_000, columns=30, cells=200_000)
OPTIONAL = tuple(column for column in RESULT_COLUMNS if column not in REQUIRED)
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class ResultRow:
    code: str
    group_code: str
    total: Decimal
    index: Decimal
    max_points: Decimal
    appraisal: Decimal | None = None
    survey: Decimal | None = None
    classification: str = ""
    rank: int | None = None
    row: int = 0
    bonus: Decimal = calc.ZERO
    deduction: Decimal = calc.ZERO
    cap_reason: str = ""


@dataclass(frozen=True)
class ResultImportSummary:
    year: int
    created: int
    replaced: int
    groups: list[str]

    def __str__(self) -> str:
        return _(
            "Đã nhập %(count)s kết quả năm %(year)s (%(created)s mới, %(replaced)s thay thế) "
            "của khối %(groups)s, đánh dấu “nhập từ tệp”."
        ) % {
            "count": self.created + self.replaced,
            "year": self.year,
            "created": self.created,
            "replaced": self.replaced,
            "groups": ", ".join(self.groups),
        }


def _read(figure: Decimal | bool | None) -> Decimal | None:
    """A figure read from the file, or None (empty, or unreadable: False)."""
    return figure if isinstance(figure, Decimal) else None


def read_result_rows(data, decimals: int = 2) -> list[ResultRow]:
    """Read a results file; raise TableError with every problem of the file itself.

    `decimals` is the year's (2 or 3): a figure with more decimal places is refused, its row and
    column named."""
    places = 3 if decimals == 3 else 2

    def figure_of(value):
        return tabular.parse_points(value, places)

    rows = tabular.read_table(data, required=REQUIRED, optional=OPTIONAL, limits=RESULT_LIMITS)
    problems = tabular.Problems()
    result_rows = []
    for row in rows:
        code = problems.parse(row, "code", tabular.parse_text)
        group = problems.parse(row, "group", tabular.parse_text)
        for column, value in (("code", code), ("group", group)):
            if value == "":
                problems.add(row, column, _("không được để trống"))
        # A figure: None when empty, False when unreadable (a problem recorded).
        figures: dict[str, Decimal | bool | None] = {}
        for column in ("total", "index", "max", "appraisal", "survey", "bonus", "deduction"):
            figure = problems.parse(row, column, figure_of, default=False)
            if figure is None and column in REQUIRED:
                problems.add(row, column, _("không được để trống"))
            figures[column] = figure
        index, total, maximum = figures["index"], figures["total"], figures["max"]
        if isinstance(index, Decimal) and index > HUNDRED:
            problems.add(row, "index", _("chỉ số phải từ 0 đến 100"))
        if isinstance(total, Decimal) and isinstance(maximum, Decimal) and total > maximum:
            problems.add(row, "total", _("tổng điểm lớn hơn điểm tối đa"))
        rank = problems.parse(row, "rank", tabular.parse_int, default=False)
        if isinstance(rank, int) and rank < 1:
            problems.add(row, "rank", _("thứ hạng phải từ 1 trở lên"))
        classification = problems.parse(row, "classification", tabular.parse_text, default="")
        cap_reason = problems.parse(row, "cap_reason", tabular.parse_text, default="")
        if cap_reason and not classification:
            problems.add(row, "cap_reason", _("có lý do giới hạn xếp loại nhưng không có xếp loại"))
        if (
            code
            and group
            and isinstance(index, Decimal)
            and isinstance(total, Decimal)
            and isinstance(maximum, Decimal)
        ):
            result_rows.append(
                ResultRow(
                    code=code,
                    group_code=group,
                    total=total,
                    index=index,
                    max_points=maximum,
                    appraisal=_read(figures["appraisal"]) or None,
                    survey=_read(figures["survey"]) or None,
                    classification=classification or "",
                    rank=rank if isinstance(rank, int) else None,
                    row=row.number,
                    bonus=_read(figures["bonus"]) or calc.ZERO,
                    deduction=_read(figures["deduction"]) or calc.ZERO,
                    cap_reason=cap_reason or "",
                )
            )
    problems.raise_if_any()
    if not result_rows:
        raise tabular.TableError(_("Tệp không có dữ liệu"))
    return result_rows


@transaction.atomic
def import_results(year: AssessmentYear, rows: Sequence[ResultRow]) -> ResultImportSummary:
    """Store published results of `year` as imported, all or nothing; TableError otherwise.

    Every unit and group must exist (units: import_units first), the group in that year; a unit
    appears once; a unit with a sheet or a computed result that year, or a group with computed
    results that year, is refused. A unit's earlier imported result is replaced. Ranks are the
    file's, for every unit of a group or none (then ranked by index, `calculations.rank`); the
    classification links to the year's band of that label where there is one.
    """
    problems = tabular.Problems()
    groups = {g.code.casefold(): g for g in UnitGroup.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])}
    first_row: dict[str, int] = {}
    for row in rows:
        if row.code in first_row:
            problems.add(
                row.row,
                "code",
                _("mã đơn vị “%(code)s” đã có ở dòng %(first)s")
                % {"code": row.code, "first": first_row[row.code]},
            )
        first_row.setdefault(row.code, row.row)
        if row.code not in units:
            problems.add(
                row.row,
                "code",
                _("không có đơn vị mã “%(code)s” (hãy nhập danh sách đơn vị trước: import_units)")
                % {"code": row.code},
            )
        group = groups.get(row.group_code.casefold())
        if group is None:
            problems.add(
                row.row,
                "group",
                _("không có khối “%(group)s” (các khối: %(known)s)")
                % {"group": row.group_code, "known": ", ".join(g.code for g in groups.values())},
            )
        elif not group.exists_in(year.year):
            problems.add(
                row.row,
                "group",
                _("khối “%(group)s” không có trong năm %(year)s")
                % {"group": group.code, "year": year.year},
            )
    problems.raise_if_any()

    by_group: dict[int, list[ResultRow]] = defaultdict(list)
    for row in rows:
        by_group[groups[row.group_code.casefold()].pk].append(row)
    existing = {r.unit_id: r for r in Result.objects.filter(year=year, unit__in=units.values())}
    with_sheet = set(
        Sheet.objects.filter(year=year, unit__in=units.values()).values_list("unit_id", flat=True)
    )
    computed_groups = set(
        Result.objects.filter(year=year, group_id__in=by_group)
        .exclude(source=ResultSource.IMPORTED)
        .values_list("group_id", flat=True)
    )
    for row in rows:
        unit = units[row.code]
        result = existing.get(unit.pk)
        if unit.pk in with_sheet:
            problems.add(
                row.row,
                "code",
                _(
                    "đơn vị “%(code)s” đã có phiếu chấm điểm năm %(year)s: kết quả của nó được "
                    "tính từ điểm"
                )
                % {"code": row.code, "year": year.year},
            )
        elif result is not None and result.source != ResultSource.IMPORTED:
            problems.add(
                row.row,
                "code",
                _("đơn vị “%(code)s” đã có kết quả tính từ điểm năm %(year)s")
                % {"code": row.code, "year": year.year},
            )
    for group_id, group_rows in by_group.items():
        group = next(g for g in groups.values() if g.pk == group_id)
        if group_id in computed_groups:
            problems.add(
                group_rows[0].row,
                "group",
                _(
                    "khối “%(group)s” năm %(year)s đã có kết quả tính từ điểm: hãy nhập vào một "
                    "khối riêng (thứ hạng được tính lại trong cả khối)"
                )
                % {"group": group.code, "year": year.year},
            )
        ranked = [row for row in group_rows if row.rank is not None]
        if ranked and len(ranked) != len(group_rows):
            problems.add(
                next(row for row in group_rows if row.rank is None).row,
                "rank",
                _("cột rank phải có cho mọi đơn vị của khối “%(group)s” hoặc để trống hết")
                % {"group": group.code},
            )
    problems.raise_if_any()

    bands = {(b.group_id, b.label): b for b in Band.objects.filter(year=year)}
    created = replaced = 0
    for group_id, group_rows in by_group.items():
        ranks: Mapping[str, int | None] = {row.code: row.rank for row in group_rows}
        if all(rank is None for rank in ranks.values()):
            ranks = calc.rank({row.code: row.index for row in group_rows})
        for row in group_rows:
            unit = units[row.code]
            fields = {
                "group_id": group_id,
                "appraisal": row.appraisal or calc.ZERO,
                "survey": row.survey or calc.ZERO,
                "total": row.total,
                "max_points": row.max_points,
                "index": row.index,
                "band": bands.get((group_id, row.classification)),
                "band_label": row.classification,
                "bonus": row.bonus,
                "deduction": row.deduction,
                "cap_reason": row.cap_reason,
                "rank": ranks[row.code],
                "rank_of": len(group_rows),
                "source": ResultSource.IMPORTED,
            }
            result = existing.get(unit.pk)
            if result is None:
                Result.objects.create(unit=unit, year=year, **fields)
                created += 1
            else:
                result.domains.all().delete()
                for name, value in fields.items():
                    setattr(result, name, value)
                result.save()
                replaced += 1
    AssessmentYear.objects.filter(pk=year.pk).update(results_version=F("results_version") + 1)
    results_changed.send(sender=AssessmentYear, year=year)
    codes = sorted(
        {g.code for g in groups.values() if g.pk in by_group},
        key=lambda code: code,
    )
    return ResultImportSummary(year.year, created, replaced, codes)
