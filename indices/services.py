"""Writes of the related indices, each in one transaction, all or nothing.

    import_framework(kind, "2024-01", rows)                 # a version of the component tree
    record_values(kind, "2026-10", rows, as_of=…, source=…) # a period's values, then ranks

A file whose components or units do not fit is refused with every row named
(`tabular.TableError`); nothing is saved. Totals, the index on the kind's scale, bands and ranks
are `scoring.calculations`'s. Values of a computed kind (the PAR index) are never written here:
they are the scoring engine's results.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from indices.exchange import ComponentRow, ValueRow
from indices.models import (
    IndexBand,
    IndexComponent,
    IndexKind,
    IndexResult,
    IndexValue,
    IndexVersion,
    ValueSource,
)
from lib import tabular
from scoring import calculations as calc
from scoring.selectors.cache import bump
from scoring.services.value_sources import fill_from_index
from units.models import Unit


@dataclass(frozen=True)
class FrameworkSummary:
    kind: str
    from_period: str
    components: int
    replaced: bool

    def __str__(self) -> str:
        text = _("%(kind)s từ kỳ %(period)s: %(count)s thành phần") % {
            "kind": self.kind,
            "period": self.from_period,
            "count": self.components,
        }
        return text + (_(" (thay bộ cũ)") if self.replaced else "")


@dataclass(frozen=True)
class ValuesSummary:
    kind: str
    period: str
    units: int
    values: int
    replaced: int

    def __str__(self) -> str:
        return _(
            "%(kind)s kỳ %(period)s: %(units)s đơn vị, %(values)s điểm thành phần "
            "(%(replaced)s đơn vị có số liệu cũ được thay)"
        ) % {
            "kind": self.kind,
            "period": self.period,
            "units": self.units,
            "values": self.values,
            "replaced": self.replaced,
        }


def parse_period(kind: IndexKind, text: str) -> calc.Period:
    """The period of a kind, or TableError naming the form it takes (“2026-10”)."""
    try:
        return kind.parse(text)
    except ValueError:
        raise tabular.TableError(
            _("Kỳ “%(period)s” không hợp lệ cho chỉ số %(kind)s (kỳ %(unit)s, ví dụ %(form)s).")
            % {
                "period": text,
                "kind": kind.code,
                "unit": kind.get_period_display().lower(),
                "form": calc.PERIOD_FORMS[kind.period],
            }
        ) from None


def _refuse_computed(kind: IndexKind) -> None:
    if kind.is_computed:
        raise tabular.TableError(
            _("Chỉ số %(kind)s được tính từ kết quả chấm điểm, không nhập từ tệp.")
            % {"kind": kind.code}
        )


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


@transaction.atomic
def import_framework(
    kind: IndexKind, from_period: str, rows: Sequence[ComponentRow]
) -> FrameworkSummary:
    """A version of `kind`'s component tree in force from `from_period` on (until the next).

    Codes are dotted: "1.2" belongs to "1", which must be in the file. A parent's maximum is the
    sum of its children's (a row that says otherwise is refused). A version that already has
    values is kept: its results were computed on it.
    """
    _refuse_computed(kind)
    period = parse_period(kind, from_period)
    problems = tabular.Problems()
    codes: dict[str, ComponentRow] = {}
    for row in rows:
        if row.code in codes:
            problems.add(
                row.row,
                None,
                _("mã “%(code)s” trùng với dòng %(other)s")
                % {"code": row.code, "other": codes[row.code].row},
            )
        codes.setdefault(row.code, row)
    children: dict[str, list[ComponentRow]] = defaultdict(list)
    for row in codes.values():
        parent = _parent_code(row.code)
        if parent is not None:
            if parent not in codes:
                problems.add(
                    row.row,
                    "code",
                    _("thành phần cha “%(parent)s” không có trong tệp") % {"parent": parent},
                )
            else:
                children[parent].append(row)
    for code, below in children.items():
        expected = sum((child.max_points for child in below), Decimal("0"))
        if codes[code].max_points != expected:
            problems.add(
                codes[code].row,
                "max_points",
                _("điểm tối đa %(given)s khác tổng các thành phần con %(sum)s")
                % {"given": codes[code].max_points, "sum": expected},
            )
    problems.raise_if_any()

    version = IndexVersion.objects.filter(kind=kind, from_period=str(period)).first()
    replaced = version is not None
    if version is not None:
        if version.results.exists():
            raise tabular.TableError(
                _("Bộ thành phần %(kind)s từ kỳ %(period)s đã có số liệu; không thay được.")
                % {"kind": kind.code, "period": period}
            )
        version.components.all().delete()
    else:
        version = IndexVersion(kind=kind, from_period=str(period))
        version.save()
    created: dict[str, IndexComponent] = {}
    for order, row in enumerate(rows, start=1):
        parent_code = _parent_code(row.code)
        created[row.code] = IndexComponent.objects.create(
            version=version,
            parent=created.get(parent_code) if parent_code else None,
            code=row.code,
            name=row.name,
            max_points=row.max_points,
            order=order,
            is_leaf=row.code not in children,
        )
    bump()
    return FrameworkSummary(kind.code, str(period), len(created), replaced)


def version_of(kind: IndexKind, period: calc.Period) -> IndexVersion | None:
    """The version of `kind`'s tree in force in `period` (`calc.version_for`)."""
    versions = {kind.parse(version.from_period): version for version in kind.versions.all()}
    start = calc.version_for(period, versions)
    return versions[start] if start is not None else None


@transaction.atomic
def record_values(
    kind: IndexKind,
    period_text: str,
    rows: Sequence[ValueRow],
    *,
    as_of: datetime.date | None = None,
    source: str = "",
    entered: str = ValueSource.IMPORTED,
) -> ValuesSummary:
    """A period's component points for the units named in `rows`, all or nothing.

    Every unit must exist in the period's year and belong to a group the kind covers; every
    component must be one to which points are given in the version in force; each unit gives
    every such component once, within its maximum. The units' earlier values of the period are
    replaced; then totals, indices, bands and ranks of the groups concerned are recomputed.
    """
    _refuse_computed(kind)
    period = parse_period(kind, period_text)
    version = version_of(kind, period)
    if version is None:
        raise tabular.TableError(
            _("Chỉ số %(kind)s chưa có bộ thành phần áp dụng cho kỳ %(period)s.")
            % {"kind": kind.code, "period": period}
        )
    if not rows:
        raise tabular.TableError(_("Tệp không có dòng dữ liệu nào."))
    components = {c.code: c for c in version.components.all()}
    leaves = {code: c for code, c in components.items() if c.is_leaf}
    covered = set(kind.groups.values_list("id", flat=True))
    units = Unit.objects.select_related("group").in_bulk(
        {row.unit_code for row in rows}, field_name="code"
    )

    problems = tabular.Problems()
    seen: dict[tuple[str, str], int] = {}
    first_row: dict[str, int] = {}
    given: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        unit = units.get(row.unit_code)
        if unit is None:
            problems.add(
                row.row, "unit_code", _("không có đơn vị mã “%(code)s”") % {"code": row.unit_code}
            )
            continue
        if unit.group_id not in covered:
            problems.add(
                row.row,
                "unit_code",
                _("đơn vị “%(code)s” thuộc khối “%(group)s”, chỉ số %(kind)s không áp dụng")
                % {"code": row.unit_code, "group": unit.group.name, "kind": kind.code},
            )
            continue
        if not unit.exists_in(period.end.year):
            problems.add(
                row.row,
                "unit_code",
                _("đơn vị “%(code)s” không tồn tại trong năm %(year)s")
                % {"code": row.unit_code, "year": period.end.year},
            )
            continue
        component = leaves.get(row.component_code)
        if component is None:
            message = (
                _("thành phần “%(code)s” là nhóm, điểm được cho ở các thành phần con")
                if row.component_code in components
                else _("thành phần “%(code)s” không có trong bộ thành phần %(kind)s từ kỳ %(from)s")
            )
            problems.add(
                row.row,
                "component_code",
                message
                % {"code": row.component_code, "kind": kind.code, "from": version.from_period},
            )
            continue
        key = (row.unit_code, row.component_code)
        if key in seen:
            problems.add(
                row.row,
                None,
                _("đơn vị “%(unit)s”, thành phần “%(code)s” trùng với dòng %(other)s")
                % {"unit": row.unit_code, "code": row.component_code, "other": seen[key]},
            )
            continue
        seen[key] = row.row
        if row.points > component.max_points:
            problems.add(
                row.row,
                "points",
                _("%(points)s vượt điểm tối đa %(max)s của thành phần “%(code)s”")
                % {"points": row.points, "max": component.max_points, "code": component.code},
            )
            continue
        first_row.setdefault(row.unit_code, row.row)
        given[row.unit_code][row.component_code] = row.points
    for code, points in given.items():
        missing = sorted(set(leaves) - set(points), key=lambda c: leaves[c].order)
        if missing:
            problems.add(
                first_row[code],
                None,
                _("đơn vị “%(unit)s” thiếu thành phần %(codes)s")
                % {"unit": code, "codes": ", ".join(missing)},
            )
    problems.raise_if_any()

    maxima = {code: c.max_points for code, c in leaves.items()}
    maximum = sum(maxima.values(), Decimal("0"))
    chosen = [units[code] for code in given]
    groups = {unit.group_id for unit in chosen}
    old = IndexResult.objects.filter(kind=kind, period=str(period), unit__in=chosen)
    replaced = old.count()
    IndexValue.objects.filter(result__in=old).delete()
    old.delete()
    new = [
        IndexResult(
            kind=kind,
            unit=units[code],
            group_id=units[code].group_id,
            version=version,
            period=str(period),
            starts_on=period.start,
            total=(total := calc.component_total(points, maxima)),
            max_points=maximum,
            index=calc.index_on_scale(total, maximum, kind.scale),
            as_of=as_of,
            source=source,
            entered=entered,
        )
        for code, points in given.items()
    ]
    # The rest of the groups' results of the period are ranked with the new ones; only those
    # whose band or rank moved are written again (none, for a month imported whole).
    others = list(IndexResult.objects.filter(kind=kind, period=str(period), group_id__in=groups))
    before = {result.pk: (result.band_label, result.rank, result.rank_of) for result in others}
    _classify_and_rank(kind, period, new + others)
    moved = [r for r in others if (r.band_label, r.rank, r.rank_of) != before[r.pk]]
    IndexResult.objects.bulk_update(moved, ["band_label", "rank", "rank_of"])
    results = IndexResult.objects.bulk_create(new)
    IndexValue.objects.bulk_create(
        [
            IndexValue(result=result, component=leaves[component], points=points)
            for result in results
            for component, points in given[result.unit.code].items()
        ]
    )
    bump()
    # The link (issue 19): rule items of the PAR index fed by this kind's period take the
    # imported units' values now, through scoring's one save path.
    fill_from_index(kind.code, str(period), [unit.pk for unit in chosen])
    return ValuesSummary(kind.code, str(period), len(results), len(seen), replaced)


def _classify_and_rank(kind: IndexKind, period: calc.Period, results: list[IndexResult]) -> None:
    """Each result's band and rank within its group in the period (`calc.classify`,
    `calc.rank`), set on the objects; saving them is the caller's."""
    group_ids = {result.group_id for result in results}
    bands: dict[int, dict[calc.Period, list[calc.BandSpec]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for band in IndexBand.objects.filter(kind=kind, group_id__in=group_ids):
        bands[band.group_id][kind.parse(band.from_period)].append(
            calc.BandSpec(band.label, band.min_index)
        )
    by_group: dict[int, list[IndexResult]] = defaultdict(list)
    for result in results:
        by_group[result.group_id].append(result)
    for group_id, members in by_group.items():
        in_force = calc.version_for(period, bands[group_id])
        specs = bands[group_id][in_force] if in_force is not None else []
        ranks = calc.rank(dict(enumerate(result.index for result in members)))
        for position, result in enumerate(members):
            classified = calc.classify(result.index, specs)
            result.band_label = classified.label if classified else ""
            result.rank = ranks[position]
            result.rank_of = len(members)


def rank_period(kind: IndexKind, period: calc.Period, group_ids: set[int]) -> None:
    """Bands and ranks of a kind's results in one period, per group, written again."""
    results = list(
        IndexResult.objects.filter(kind=kind, period=str(period), group_id__in=group_ids)
    )
    _classify_and_rank(kind, period, results)
    IndexResult.objects.bulk_update(results, ["band_label", "rank", "rank_of"])


@transaction.atomic
def rerank(kind: IndexKind) -> None:
    """Bands and ranks of every period of a kind again, after its bands changed (the admin)."""
    if kind.is_computed:
        return
    periods = IndexResult.objects.filter(kind=kind).values_list("period", flat=True).distinct()
    groups = set(IndexResult.objects.filter(kind=kind).values_list("group_id", flat=True))
    for text in periods:
        rank_period(kind, kind.parse(text), groups)
    bump()
