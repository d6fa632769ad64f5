"""Database work on units: importing the list of units and their lineage, all or nothing.

rows = read_unit_rows(upload)          # TableError listing every problem in the file
summary = import_units(rows)           # TableError listing every problem against the database
str(summary)                           # "Đã nhập 20 đơn vị (3 mới, 17 cập nhật)."

events = read_lineage_rows(upload)     # year, event, from_codes, to_codes, new_name (, note)
summary = import_lineage(events)       # "Đã nhập 9 thay đổi đơn vị …"
apply_event(event)                     # what an event changes in the units (admin, importer)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lib import tabular
from lib.names import parse_name
from units.models import LineageEvent, LineageKind, Unit, UnitGroup, UnitName
from units.signals import units_changed

UNIT_COLUMNS = ("code", "name", "group")
#: A province has a few hundred units; a lineage file a few hundred events.
UNIT_FILE_LIMITS = tabular.Limits(rows=10_000, columns=20, cells=100_000)
UNIT_OPTIONAL = ("first_year", "last_year")
CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX: int = Unit._meta.get_field("name").max_length or 255  # the model says 255
FIRST_YEAR, LAST_YEAR = 2000, 2100


class _Keep:
    """A field the file does not give (its column is absent): left as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a file (row = spreadsheet row number, header = 1).

    `first_year`/`last_year` are KEEP when the file has no such column; None clears them.
    """

    code: str
    name: str
    group_code: str
    row: int = 0
    first_year: int | None | _Keep = KEEP
    last_year: int | None | _Keep = KEEP


def year_problem(value: int) -> str | None:
    """Why a year number is not acceptable, or None."""
    if not FIRST_YEAR <= value <= LAST_YEAR:
        return _("năm phải từ %(first)s đến %(last)s") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    return None


@dataclass(frozen=True)
class UnitImportSummary:
    created: int
    updated: int

    def __str__(self) -> str:
        total = self.created + self.updated
        return ngettext(
            "Đã nhập %(total)s đơn vị (%(created)s mới, %(updated)s cập nhật).",
            "Đã nhập %(total)s đơn vị (%(created)s mới, %(updated)s cập nhật).",
            total,
        ) % {"total": total, "created": self.created, "updated": self.updated}


def read_unit_rows(data) -> list[UnitRow]:
    """Read a units file (columns code, name, group; optional first_year, last_year: the years
    in which the unit exists, an empty cell for open-ended); raise TableError with every problem.
    """
    rows = tabular.read_table(
        data, required=UNIT_COLUMNS, optional=UNIT_OPTIONAL, limits=UNIT_FILE_LIMITS
    )
    problems = tabular.Problems()
    unit_rows = []
    for row in rows:
        values = {}
        for column, limit in (("code", CODE_MAX), ("name", NAME_MAX), ("group", None)):
            text = problems.parse(
                row, column, parse_name if column == "name" else tabular.parse_text
            )
            if text is None:
                continue  # unreadable cell, already reported
            if not text:
                problems.add(row, column, _("không được để trống"))
            elif limit and len(text) > limit:
                problems.add(row, column, _("dài quá %(limit)s ký tự") % {"limit": limit})
            values[column] = text
        years: dict[str, int | None | _Keep] = {}
        for column in UNIT_OPTIONAL:
            if column not in row.present:
                years[column] = KEEP
                continue
            value = problems.parse(row, column, tabular.parse_int, default=KEEP)
            if isinstance(value, int) and (problem := year_problem(value)):
                problems.add(row, column, problem)
            years[column] = value
        first, last = years["first_year"], years["last_year"]
        if isinstance(first, int) and isinstance(last, int) and last < first:
            problems.add(
                row,
                "last_year",
                _("năm kết thúc %(last)s trước năm bắt đầu %(first)s")
                % {"last": last, "first": first},
            )
        if len(values) == 3:
            unit_rows.append(
                UnitRow(
                    values["code"],
                    values["name"],
                    values["group"],
                    row.number,
                    first_year=first,
                    last_year=last,
                )
            )
    problems.raise_if_any()
    if not unit_rows:
        raise tabular.TableError(_("Tệp không có dữ liệu"))
    return unit_rows


@transaction.atomic
def import_units(rows: Sequence[UnitRow]) -> UnitImportSummary:
    """Create or update units by code, all or nothing; raise TableError with every problem.

    A unit's name and group are replaced by the file's, and its years when the file gives them;
    units absent from the file are left alone. Group codes match case-insensitively.
    """
    problems = tabular.Problems()
    groups = {group.code.casefold(): group for group in UnitGroup.objects.all()}
    first_row: dict[str, int] = {}
    for row in rows:
        if row.code in first_row:
            problems.add(
                row.row,
                "code",
                _("mã đơn vị “%(code)s” đã có ở dòng %(first)s")
                % {"code": row.code, "first": first_row[row.code]},
            )
        else:
            first_row[row.code] = row.row
        if row.group_code.casefold() not in groups:
            problems.add(
                row.row,
                "group",
                _("không có khối “%(group)s” (các khối: %(known)s)")
                % {
                    "group": row.group_code,
                    "known": ", ".join(g.code for g in groups.values()),
                },
            )
    problems.raise_if_any()

    existing = {
        unit.code: unit
        for unit in Unit.objects.select_for_update().filter(code__in=[row.code for row in rows])
    }
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            continue
        first = unit.first_year if isinstance(row.first_year, _Keep) else row.first_year
        last = unit.last_year if isinstance(row.last_year, _Keep) else row.last_year
        if first is not None and last is not None and last < first:
            problems.add(
                row.row,
                None,
                _("đơn vị “%(code)s” sẽ có năm kết thúc %(last)s trước năm bắt đầu %(first)s")
                % {"code": row.code, "last": last, "first": first},
            )
    problems.raise_if_any()
    to_create, to_update = [], []
    for row in rows:
        group = groups[row.group_code.casefold()]
        unit = existing.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, name=row.name, group=group)
            for field in UNIT_OPTIONAL:
                if getattr(row, field) is not KEEP:
                    setattr(unit, field, getattr(row, field))
            to_create.append(unit)
            continue
        before = (unit.name, unit.group_id, unit.first_year, unit.last_year)
        unit.name, unit.group = row.name, group
        for field in UNIT_OPTIONAL:
            if getattr(row, field) is not KEEP:
                setattr(unit, field, getattr(row, field))
        if (unit.name, unit.group_id, unit.first_year, unit.last_year) != before:
            to_update.append(unit)
    Unit.objects.bulk_create(to_create)
    Unit.objects.bulk_update(to_update, ["name", "group", "first_year", "last_year"])
    if to_create or to_update:
        units_changed.send(sender=Unit)
    return UnitImportSummary(created=len(to_create), updated=len(rows) - len(to_create))


# --------------------------------------------------------------------------- lineage

LINEAGE_COLUMNS = ("year", "event", "from_codes")
LINEAGE_OPTIONAL = ("to_codes", "new_name", "note")
CODE_SEPARATOR = "+"

# What an event cell may say: the code, or the Vietnamese words for it.
EVENT_WORDS = {
    "rename": LineageKind.RENAME,
    "đổi tên": LineageKind.RENAME,
    "merge": LineageKind.MERGE,
    "hợp nhất": LineageKind.MERGE,
    "sáp nhập": LineageKind.MERGE,
    "split": LineageKind.SPLIT,
    "chia tách": LineageKind.SPLIT,
    "tách": LineageKind.SPLIT,
    "end": LineageKind.END,
    "kết thúc": LineageKind.END,
    "giải thể": LineageKind.END,
}


@dataclass(frozen=True)
class LineageRow:
    """One event as read from a file: codes of the units before and after."""

    year: int
    kind: str
    from_codes: tuple[str, ...]
    to_codes: tuple[str, ...] = ()
    new_name: str = ""
    note: str = ""
    row: int = 0


@dataclass
class LineageImportSummary:
    created: int = 0
    unchanged: int = 0
    ended: int = 0
    started: int = 0
    renamed: int = 0

    def __str__(self) -> str:
        return _(
            "Đã nhập %(created)s thay đổi đơn vị (%(unchanged)s thay đổi đã có từ trước): "
            "%(ended)s đơn vị kết thúc, %(started)s đơn vị mới bắt đầu, %(renamed)s đơn vị đổi tên."
        ) % {
            "created": self.created,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "started": self.started,
            "renamed": self.renamed,
        }


def parse_codes(value) -> tuple[str, ...]:
    """ "SO-NV + SO-LDTBXH" → ("SO-NV", "SO-LDTBXH"); CellError for an empty or repeated code."""
    text = tabular.parse_text(value)
    if not text:
        return ()
    codes = tuple(part.strip() for part in text.split(CODE_SEPARATOR))
    if any(not code for code in codes):
        raise tabular.CellError(
            _("có mã đơn vị trống (các mã cách nhau bằng dấu “%(sep)s”)") % {"sep": CODE_SEPARATOR}
        )
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise tabular.CellError(
            _("mã “%(codes)s” được ghi hai lần") % {"codes": ", ".join(repeated)}
        )
    return codes


def parse_event(value) -> str:
    word = tabular.parse_text(value).casefold()
    if word not in EVENT_WORDS:
        raise tabular.CellError(
            _("loại thay đổi “%(word)s” không hợp lệ (dùng rename, merge, split hoặc end)")
            % {"word": tabular.parse_text(value)}
        )
    return EVENT_WORDS[word]


def shape_problems(
    kind: str, before: Sequence, after: Sequence, new_name: str
) -> list[tuple[str | None, str]]:
    """What is wrong with an event's shape, as (column, message): the counts of units before and
    after that its kind allows, and its new name. Shared by the importer and the admin form."""
    problems: list[tuple[str | None, str]] = []
    overlap = {getattr(u, "pk", u) for u in before} & {getattr(u, "pk", u) for u in after}
    if not before:
        problems.append(("from_codes", _("cần ít nhất một đơn vị trước")))
    if kind == LineageKind.MERGE:
        if len(before) < 2:
            problems.append(("from_codes", _("hợp nhất cần ít nhất hai đơn vị trước")))
        if len(after) != 1:
            problems.append(
                ("to_codes", _("hợp nhất cần đúng một đơn vị sau (có thể là một đơn vị trước)"))
            )
    elif kind == LineageKind.SPLIT:
        if len(before) != 1:
            problems.append(("from_codes", _("chia tách cần đúng một đơn vị trước")))
        if len(after) < 2:
            problems.append(("to_codes", _("chia tách cần ít nhất hai đơn vị sau")))
    elif kind == LineageKind.END:
        if after:
            problems.append(("to_codes", _("đơn vị kết thúc không có đơn vị sau")))
    elif kind == LineageKind.RENAME:
        if len(before) != 1:
            problems.append(("from_codes", _("đổi tên cần đúng một đơn vị trước")))
        if len(after) > 1:
            problems.append(("to_codes", _("đổi tên có nhiều nhất một đơn vị sau")))
        if not new_name and (not after or overlap):
            problems.append(("new_name", _("đổi tên cần tên mới")))
    if new_name and kind not in (LineageKind.RENAME, LineageKind.MERGE):
        problems.append(("new_name", _("tên mới chỉ dùng cho đổi tên hoặc hợp nhất")))
    if len(new_name) > NAME_MAX:
        problems.append(("new_name", _("dài quá %(limit)s ký tự") % {"limit": NAME_MAX}))
    return problems


def read_lineage_rows(data) -> list[LineageRow]:
    """Read a lineage file (year, event, from_codes; optional to_codes, new_name, note); raise
    TableError with every problem of the file itself."""
    rows = tabular.read_table(
        data, required=LINEAGE_COLUMNS, optional=LINEAGE_OPTIONAL, limits=UNIT_FILE_LIMITS
    )
    problems = tabular.Problems()
    lineage_rows = []
    for row in rows:
        year = problems.parse(row, "year", tabular.parse_int)
        if year is None and row.get("year") is None:
            problems.add(row, "year", _("không được để trống"))
        elif year is not None and (problem := year_problem(year)):
            problems.add(row, "year", problem)
            year = None
        kind = None
        if row.get("event") is None:
            problems.add(row, "event", _("không được để trống"))
        else:
            kind = problems.parse(row, "event", parse_event)
        before = problems.parse(row, "from_codes", parse_codes, default=None)
        after = problems.parse(row, "to_codes", parse_codes, default=None)
        new_name = problems.parse(row, "new_name", parse_name, default="") or ""
        note = problems.parse(row, "note", tabular.parse_text, default="") or ""
        if kind is not None and before is not None and after is not None:
            for column, message in shape_problems(kind, before, after, new_name):
                problems.add(row, column, message)
        if year is not None and kind is not None and before is not None and after is not None:
            lineage_rows.append(
                LineageRow(year, kind, before, after, new_name, note, row=row.number)
            )
    problems.raise_if_any()
    if not lineage_rows:
        raise tabular.TableError(_("Tệp không có dữ liệu"))
    return lineage_rows


@dataclass
class _Plan:
    """An event to write, with its units."""

    row: LineageRow
    before: list[Unit]
    after: list[Unit]
    existing: LineageEvent | None = None


def _after(event: LineageEvent) -> list[Unit]:
    """The units after a recorded event (prefetched); a rename without one continues its unit."""
    after = list(event.successors.all())
    if event.kind == LineageKind.RENAME and not after:
        after = list(event.predecessors.all())
    return after


@transaction.atomic
def import_lineage(rows: Sequence[LineageRow]) -> LineageImportSummary:
    """Record the events of a lineage file, all or nothing; raise TableError with every problem.

    Checked against the units and the events already recorded: every code exists; a unit is
    taken in by at most one event a year (not merged into two successors, not both merged and
    ended) and comes out of at most one; a unit before an event exists in the year before it, a
    unit after it in its year; a new successor did not exist before; no unit succeeds itself
    through a chain of events. An event already recorded identically is left as it is. Then each
    event is applied (`apply_event`): units that do not continue end the year before, new ones
    begin in its year, a new name is recorded from its year.
    """
    problems = tabular.Problems()
    codes = {code for row in rows for code in (*row.from_codes, *row.to_codes)}
    units = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=codes)}
    for row in rows:
        for column, row_codes in (("from_codes", row.from_codes), ("to_codes", row.to_codes)):
            for code in row_codes:
                if code not in units:
                    problems.add(
                        row.row, column, _("không có đơn vị mã “%(code)s”") % {"code": code}
                    )
    problems.raise_if_any()

    recorded = list(LineageEvent.objects.prefetch_related("predecessors", "successors"))
    plans = []
    for row in sorted(rows, key=lambda r: (r.year, r.row)):
        before = [units[code] for code in row.from_codes]
        after = [units[code] for code in row.to_codes]
        if row.kind == LineageKind.RENAME and not after:
            after = list(before)
        plan = _Plan(row, before, after)
        for event in recorded:
            if (
                event.year == row.year
                and event.kind == row.kind
                and {u.pk for u in event.predecessors.all()} == {u.pk for u in before}
                and {u.pk for u in _after(event)} == {u.pk for u in after}
                and event.new_name == row.new_name
            ):
                plan.existing = event
        plans.append(plan)

    # Which event takes each unit in (as a predecessor) and gives it out (as a successor), by
    # year: recorded events first, then the file's rows.
    taken: dict[tuple[int, int], str] = {}
    given: dict[tuple[int, int], str] = {}
    duplicates = {plan.existing.pk for plan in plans if plan.existing}
    for event in recorded:
        if event.pk in duplicates:
            continue
        where = _("một thay đổi đã ghi năm %(year)s") % {"year": event.year}
        for unit in event.predecessors.all():
            taken[(unit.pk, event.year)] = where
        for unit in _after(event):
            given[(unit.pk, event.year)] = where
    for plan in plans:
        row = plan.row
        where = _("dòng %(row)s") % {"row": row.row}
        for unit in plan.before:
            if (unit.pk, row.year) in taken:
                problems.add(
                    row.row,
                    "from_codes",
                    _(
                        "đơn vị “%(code)s” đã thay đổi năm %(year)s ở %(where)s (một đơn vị chỉ "
                        "được hợp nhất, chia tách, đổi tên hoặc kết thúc một lần mỗi năm)"
                    )
                    % {"code": unit.code, "year": row.year, "where": taken[(unit.pk, row.year)]},
                )
            taken.setdefault((unit.pk, row.year), where)
        for unit in plan.after:
            if (unit.pk, row.year) in given:
                problems.add(
                    row.row,
                    "to_codes",
                    _("đơn vị “%(code)s” đã là đơn vị sau của %(where)s cùng năm %(year)s")
                    % {"code": unit.code, "year": row.year, "where": given[(unit.pk, row.year)]},
                )
            given.setdefault((unit.pk, row.year), where)

    # The years in which each unit exists, as the events before it leave them.
    first = {u.pk: u.first_year for u in units.values()}
    last = {u.pk: u.last_year for u in units.values()}

    def exists(unit: Unit, year: int) -> bool:
        start, end = first[unit.pk], last[unit.pk]
        return (start is None or start <= year) and (end is None or year <= end)

    for plan in plans:
        row, year = plan.row, plan.row.year
        continuing = {u.pk for u in plan.before} & {u.pk for u in plan.after}
        for unit in plan.before:
            if not exists(unit, year - 1):
                problems.add(
                    row.row,
                    "from_codes",
                    _("đơn vị “%(code)s” không tồn tại năm %(year)s (%(years)s)")
                    % {
                        "code": unit.code,
                        "year": year - 1,
                        "years": _years_text(first[unit.pk], last[unit.pk]),
                    },
                )
        for unit in plan.after:
            if unit.pk in continuing:
                if (end := last[unit.pk]) is not None and end < year:
                    problems.add(
                        row.row,
                        "to_codes",
                        _("đơn vị “%(code)s” đã kết thúc năm %(last)s")
                        % {"code": unit.code, "last": last[unit.pk]},
                    )
                continue
            if first[unit.pk] is not None and first[unit.pk] != year:
                problems.add(
                    row.row,
                    "to_codes",
                    _(
                        "đơn vị sau “%(code)s” bắt đầu từ năm %(first)s, không phải năm %(year)s "
                        "của thay đổi (nếu nó tiếp nối chính nó, hãy ghi cả ở cột from_codes)"
                    )
                    % {"code": unit.code, "first": first[unit.pk], "year": year},
                )
            elif (end := last[unit.pk]) is not None and end < year:
                problems.add(
                    row.row,
                    "to_codes",
                    _("đơn vị “%(code)s” đã kết thúc năm %(last)s")
                    % {"code": unit.code, "last": last[unit.pk]},
                )
        if plan.existing is None:
            for unit in plan.before:
                if unit.pk not in continuing:
                    last[unit.pk] = year - 1
            for unit in plan.after:
                if unit.pk not in continuing and first[unit.pk] is None:
                    first[unit.pk] = year

    cycle = _cycle(
        [
            (u.pk, v.pk)
            for event in recorded
            if event.pk not in duplicates
            for u in event.predecessors.all()
            for v in event.successors.all()
        ]
        + [(u.pk, v.pk) for plan in plans for u in plan.before for v in plan.after]
    )
    if cycle:
        code_of = {u.pk: u.code for u in units.values()}
        for event in recorded:
            for u in (*event.predecessors.all(), *event.successors.all()):
                code_of.setdefault(u.pk, u.code)
        problems.add(
            None,
            None,
            _("Đơn vị “%(code)s” tiếp nối chính nó qua chuỗi thay đổi: %(chain)s")
            % {"code": code_of[cycle[0]], "chain": " → ".join(code_of[pk] for pk in cycle)},
        )
    problems.raise_if_any()

    summary = LineageImportSummary()
    for plan in plans:
        if plan.existing is not None:
            summary.unchanged += 1
            continue
        row = plan.row
        event = LineageEvent.objects.create(
            year=row.year, kind=row.kind, new_name=row.new_name, note=row.note
        )
        event.predecessors.set(plan.before)
        if row.kind != LineageKind.RENAME or {u.pk for u in plan.after} != {
            u.pk for u in plan.before
        }:
            event.successors.set(plan.after)
        changes = apply_event(event)
        summary.created += 1
        summary.ended += changes.ended
        summary.started += changes.started
        summary.renamed += changes.renamed
    return summary


def _years_text(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return _("không giới hạn năm")
    if first is None:
        return _("đến năm %(last)s") % {"last": last}
    if last is None:
        return _("từ năm %(first)s") % {"first": first}
    return _("từ năm %(first)s đến năm %(last)s") % {"first": first, "last": last}


def _cycle(edges: Iterable[tuple[int, int]]) -> list[int] | None:
    """A cycle of the directed graph of units (before → after, a unit continuing itself left
    out), as [a, b, …, a]; None without one."""
    following: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        if a != b and b not in following[a]:
            following[a].append(b)
    state: dict[int, int] = {}  # 1: on the path, 2: done
    path: list[int] = []

    def visit(node: int) -> list[int] | None:
        state[node] = 1
        path.append(node)
        for nxt in following.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(following):
        if node not in state and (found := visit(node)):
            return found
    return None


@dataclass(frozen=True)
class EventChanges:
    ended: int
    started: int
    renamed: int


def apply_event(event: LineageEvent) -> EventChanges:
    """Apply a recorded event to its units (the importer and the admin both call this).

    Units before it that do not continue end the year before (their figures stay readable);
    new units after it begin in its year, unless they have a first year already; a new name
    (rename, or a merge's successor) is recorded from its year, the unit's name before it
    being kept from the unit's first year, and becomes the unit's name.
    """
    before = list(event.predecessors.all())
    after = list(event.successors.all())
    if event.kind == LineageKind.RENAME and not after:
        after = list(before)
    continuing = {u.pk for u in before} & {u.pk for u in after}
    ended = started = renamed = 0
    for unit in before:
        if unit.pk not in continuing and (unit.last_year is None or unit.last_year >= event.year):
            unit.last_year = event.year - 1
            unit.save(update_fields=["last_year"])
            ended += 1
    for unit in after:
        if unit.pk not in continuing and unit.first_year is None:
            unit.first_year = event.year
            unit.save(update_fields=["first_year"])
            started += 1
    if event.new_name and len(after) == 1:
        rename(after[0], event.year, event.new_name)
        renamed += 1
    return EventChanges(ended, started, renamed)


def rename(unit: Unit, year: int, name: str) -> None:
    """Record that `unit` is called `name` from `year` on, keeping its earlier name for the years
    before; the latest name becomes `Unit.name`."""
    names = list(unit.names.order_by("from_year"))
    if not any(row.from_year < year for row in names):
        start = unit.first_year if unit.first_year is not None and unit.first_year < year else None
        UnitName.objects.create(unit=unit, from_year=start or year - 1, name=unit.name)
    UnitName.objects.update_or_create(unit=unit, from_year=year, defaults={"name": name})
    latest = unit.names.order_by("-from_year").values_list("from_year", flat=True).first()
    if latest == year and unit.name != name:
        unit.name = name
        unit.save(update_fields=["name"])
