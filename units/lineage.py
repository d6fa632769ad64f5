"""The lineage of units across reorganisations: the one place of its rules.

A unit's name in a year, the units it continues, and above all what its figure of one year may
honestly be compared with in an earlier year (`reference_for`). Every page, export and command
that compares years goes through these functions; nothing else reads `LineageEvent`.

    lineage = Lineage.load()                    # 3 queries, however many units and events
    lineage.name_in(unit, 2023)                 # the name the unit had in 2023
    lineage.predecessors(unit, 2025)            # ("merge", [Sở Nội vụ, Sở LĐ-TB&XH])
    lineage.reference_for(unit, 2025, 2024)     # Reference(kind="merged", units=(…), …)
    lineage.references(units, 2025, 2024)       # {unit id: Reference}: a whole page at once

The module-level `name_in`, `predecessors` and `reference_for` load the lineage for one call.

The rules:

- A unit's name in a year is its `UnitName` of the latest `from_year` not after that year (before
  its first recorded name, that first name); the latest recorded name is today's, `Unit.name`.
  A unit without recorded names always has `Unit.name`.
- Walking back from a unit in `year` to `previous_year`, every event of a year in between whose
  successors include a unit replaces it by the event's predecessors. The units reached are the
  reference. A split on the way, or a unit reached that did not exist in `previous_year` (a new
  body), leaves nothing honest to compare with ("không so sánh được"). Otherwise a merge makes the
  reference the mean of the units reached; a rename (or a name that changed) is the same body
  under another name; no event at all is the same unit.
- Ranks are compared only for the same body (same or renamed); the pages also require that the
  group exists in both years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from units.models import LineageEvent, LineageKind, Unit, UnitName

SAME = "same"
RENAMED = "renamed"
MERGED = "merged"
SPLIT = "split"
NEW = "new"
NONE = "none"

#: Kinds whose reference is the same body (its rank may be compared).
SAME_BODY = frozenset({SAME, RENAMED})


@dataclass(frozen=True)
class Event:
    """A LineageEvent as the rules read it; a rename without successor continues its unit."""

    id: int
    year: int
    kind: str
    predecessors: tuple[Unit, ...]
    successors: tuple[Unit, ...]
    new_name: str = ""


@dataclass(frozen=True)
class Reference:
    """What a unit's figure of `year` is compared with in `previous_year`.

    `units` are the units whose figures of `previous_year` make the reference (one: its index;
    several, after a merge: the mean of their indices). `label` says which, in Vietnamese.
    """

    kind: str
    units: tuple[Unit, ...]
    comparable: bool
    label: str
    year: int | None = None  # the previous year

    @property
    def same_body(self) -> bool:
        return self.kind in SAME_BODY

    @property
    def is_mean(self) -> bool:
        return self.kind == MERGED and len(self.units) > 1

    @property
    def short_label(self) -> str:
        """A few words for a table cell."""
        if self.kind == MERGED:
            return _("TB %(count)s đơn vị trước hợp nhất") % {"count": len(self.units)}
        if self.kind == RENAMED:
            return _("tên cũ")
        if not self.comparable:
            return _("không so sánh được")
        return ""


def _names_text(names: Iterable[str]) -> str:
    return ", ".join(names)


class Lineage:
    """Every lineage event and recorded name, read once; the rules run in memory."""

    def __init__(self, events: Iterable[Event], names: dict[int, list[tuple[int, str]]]):
        self.events = sorted(events, key=lambda e: (e.year, e.id))
        self.names = {unit_id: sorted(rows) for unit_id, rows in names.items()}
        self.years = sorted({event.year for event in self.events})
        self._by_successor: dict[tuple[int, int], Event] = {}
        self._by_predecessor: dict[tuple[int, int], Event] = {}
        for event in self.events:
            for unit in event.successors:
                self._by_successor.setdefault((unit.pk, event.year), event)
            for unit in event.predecessors:
                self._by_predecessor.setdefault((unit.pk, event.year), event)

    @classmethod
    def load(cls) -> Lineage:
        """All events with their units, and all recorded names (3 queries)."""
        predecessors: dict[int, list[Unit]] = defaultdict(list)
        successors: dict[int, list[Unit]] = defaultdict(list)
        heads: dict[int, LineageEvent] = {}
        units: dict[int, Unit] = {}
        links_before = LineageEvent.predecessors.through.objects.select_related(
            "lineageevent", "unit"
        )
        for link in links_before.order_by("lineageevent_id", "unit__code"):
            heads[link.lineageevent_id] = link.lineageevent
            predecessors[link.lineageevent_id].append(units.setdefault(link.unit_id, link.unit))
        links_after = LineageEvent.successors.through.objects.select_related("unit")
        for later in links_after.order_by("lineageevent_id", "unit__code"):
            successors[later.lineageevent_id].append(units.setdefault(later.unit_id, later.unit))
        names: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, from_year, name in UnitName.objects.order_by().values_list(
            "unit_id", "from_year", "name"
        ):
            names[unit_id].append((from_year, name))
        events = []
        for event_id, head in heads.items():
            after = tuple(successors.get(event_id, ()))
            if head.kind == LineageKind.RENAME and not after:
                after = tuple(predecessors[event_id])
            events.append(
                Event(
                    event_id,
                    head.year,
                    head.kind,
                    tuple(predecessors[event_id]),
                    after,
                    head.new_name,
                )
            )
        return cls(events, names)

    # ----------------------------------------------------------------------- names

    def name_in(self, unit: Unit, year: int) -> str:
        """The name the unit had in `year`."""
        rows = self.names.get(unit.pk)
        if not rows:
            return unit.name
        chosen = 0
        for position, (from_year, _name) in enumerate(rows):
            if from_year <= year:
                chosen = position
        # The latest recorded name is today's: `Unit.name`, where admins correct it.
        return unit.name if chosen == len(rows) - 1 else rows[chosen][1]

    def names_in(self, units: Iterable[Unit], year: int) -> dict[int, str]:
        return {unit.pk: self.name_in(unit, year) for unit in units}

    # ----------------------------------------------------------------------- events

    def predecessors(self, unit: Unit, year: int) -> tuple[str, list[Unit]]:
        """The kind of the event of `year` that the unit came out of, and its predecessors;
        ("", []) when no event of that year leads to it."""
        event = self._by_successor.get((unit.pk, year))
        if event is None:
            return "", []
        return event.kind, list(event.predecessors)

    def successors(self, unit: Unit, year: int) -> tuple[str, list[Unit]]:
        """The kind of the event of `year` that took the unit in, and its successors (an end has
        none); ("", []) when no event of that year involves it as a predecessor."""
        event = self._by_predecessor.get((unit.pk, year))
        if event is None:
            return "", []
        return event.kind, list(event.successors)

    def next_event(
        self, unit: Unit, after_year: int, until_year: int | None = None
    ) -> Event | None:
        """The first event after `after_year` (up to `until_year`) that takes the unit in as a
        predecessor and does not simply continue it (a merge into itself, a rename in place)."""
        for event in self.events:
            if event.year <= after_year or (until_year is not None and event.year > until_year):
                continue
            if not any(u.pk == unit.pk for u in event.predecessors):
                continue
            if event.kind == LineageKind.END or any(u.pk != unit.pk for u in event.successors):
                return event
        return None

    def fate(self, unit: Unit, after_year: int, until_year: int | None = None) -> str:
        """What became of a unit after `after_year` (up to `until_year`), in words; "" when it
        continues (merged into itself, renamed in place, unchanged)."""
        event = self.next_event(unit, after_year, until_year)
        if event is None:
            return ""
        names = _names_text(
            self.name_in(u, event.year) for u in event.successors if u.pk != unit.pk
        )
        if event.kind == LineageKind.END:
            return _("kết thúc từ năm %(year)s") % {"year": event.year}
        if event.kind == LineageKind.SPLIT:
            names = _names_text(self.name_in(u, event.year) for u in event.successors)
            return _("chia tách thành %(names)s từ năm %(year)s") % {
                "names": names,
                "year": event.year,
            }
        if event.kind == LineageKind.MERGE:
            return _("hợp nhất vào %(names)s từ năm %(year)s") % {
                "names": names,
                "year": event.year,
            }
        return _("đổi thành %(names)s từ năm %(year)s") % {"names": names, "year": event.year}

    # ----------------------------------------------------------------------- references

    def reference_for(self, unit: Unit, year: int, previous_year: int | None) -> Reference:
        """What the unit's figure of `year` is compared with in `previous_year` (see the rules in
        the module docstring)."""
        if previous_year is None or previous_year >= year:
            return Reference(NONE, (), False, _("không so sánh được: không có năm trước"), None)
        current: dict[int, Unit] = {unit.pk: unit}
        kinds: set[str] = set()
        split_from: list[Unit] = []
        split_year: int | None = None  # set by a split, and only by one
        for event_year in reversed(self.years):
            if not previous_year < event_year <= year:
                continue
            following: dict[int, Unit] = {}
            for member in current.values():
                event = self._by_successor.get((member.pk, event_year))
                if event is None:
                    following[member.pk] = member
                    continue
                kinds.add(event.kind)
                if event.kind == LineageKind.SPLIT:
                    split_from.extend(event.predecessors)
                    split_year = event.year
                for before in event.predecessors:
                    following[before.pk] = before
            current = following
        units = tuple(sorted(current.values(), key=lambda u: (u.pk != unit.pk, u.code)))
        names = _names_text(self.name_in(u, previous_year) for u in units)

        if split_year is not None:  # a split on the way (LineageKind.SPLIT in kinds)
            return Reference(
                SPLIT,
                units,
                False,
                _("không so sánh được: chia tách từ %(names)s năm %(year)s")
                % {
                    "names": _names_text(self.name_in(u, split_year - 1) for u in split_from),
                    "year": split_year,
                },
                previous_year,
            )
        absent = [u for u in units if not u.exists_in(previous_year)]
        if absent:
            since = unit.first_year if unit.first_year and unit.first_year <= year else None
            label = (
                _("không so sánh được: đơn vị mới từ năm %(year)s") % {"year": since}
                if since
                else _("không so sánh được: đơn vị chưa có năm %(year)s") % {"year": previous_year}
            )
            return Reference(NEW, units, False, label, previous_year)
        if LineageKind.MERGE in kinds and len(units) > 1:
            return Reference(
                MERGED,
                units,
                True,
                _("trung bình chỉ số năm %(year)s của %(count)s đơn vị trước hợp nhất: %(names)s")
                % {"year": previous_year, "count": len(units), "names": names},
                previous_year,
            )
        before = units[0]
        if (
            LineageKind.RENAME in kinds
            or before.pk != unit.pk
            or self.name_in(before, previous_year) != self.name_in(unit, year)
        ):
            return Reference(
                RENAMED,
                units,
                True,
                _("cùng đơn vị, năm %(year)s mang tên “%(name)s”")
                % {"year": previous_year, "name": names},
                previous_year,
            )
        return Reference(SAME, units, True, _("cùng đơn vị"), previous_year)

    def references(
        self, units: Iterable[Unit], year: int, previous_year: int | None
    ) -> dict[int, Reference]:
        """`reference_for` of every unit of a page, by unit id (no query)."""
        return {unit.pk: self.reference_for(unit, year, previous_year) for unit in units}


# --------------------------------------------------------------------------- one-off calls


def name_in(unit: Unit, year: int) -> str:
    return Lineage.load().name_in(unit, year)


def predecessors(unit: Unit, year: int) -> tuple[str, list[Unit]]:
    return Lineage.load().predecessors(unit, year)


def reference_for(unit: Unit, year: int, previous_year: int | None) -> Reference:
    return Lineage.load().reference_for(unit, year, previous_year)
