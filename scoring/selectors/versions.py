"""Reads of framework versions: what a replacement did to a sheet, and a sheet as it was under a
replaced version (`services.replacement` writes both)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.models import Framework, Item, ItemReplacement, Mapping, Sheet, SheetReplacement


@dataclass
class OldValues:
    """One old item's entry of a sheet as it was (`SheetReplacement.old_scores`), for display."""

    code: str
    name: str
    max_points: Decimal | None
    self_points: Decimal | None
    points: Decimal | None
    not_applicable: bool
    note: str
    reason: str
    evidence: list[str] = field(default_factory=list)
    self_value: Decimal | None = None
    value: Decimal | None = None


def _number(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def old_values(entry: dict[str, Any]) -> OldValues:
    return OldValues(
        code=entry["code"],
        name=entry.get("name", ""),
        max_points=_number(entry.get("max_points")),
        self_points=_number(entry.get("self_points")),
        points=_number(entry.get("points")),
        not_applicable=bool(entry.get("not_applicable")),
        note=entry.get("note", ""),
        reason=entry.get("reason", ""),
        evidence=list(entry.get("evidence", [])),
        self_value=_number(entry.get("self_value")),
        value=_number(entry.get("value")),
    )


@dataclass
class SheetVersionNotice:
    """What the sheet page says about the framework's replacement."""

    record: SheetReplacement
    old: Framework
    new: Framework
    # New item id → the old items' values to show beside its inputs (split and merged items).
    beside: dict[int, list[OldValues]]


def sheet_replacement(sheet: Sheet) -> SheetVersionNotice | None:
    """The latest replacement of the sheet's framework that is still in force, or None (in
    three queries)."""
    if sheet.pk is None:
        return None
    record = (
        SheetReplacement.objects.filter(sheet=sheet, new_framework__active=True)
        .select_related("old_framework", "new_framework")
        .first()
    )
    if record is None:
        return None
    by_code = {entry["code"]: entry for entry in record.old_scores}
    beside: dict[int, list[OldValues]] = defaultdict(list)
    for line in ItemReplacement.objects.filter(
        framework=record.new_framework, kind__in=[Mapping.SPLIT, Mapping.MERGE]
    ).select_related("from_item"):
        if line.to_item_id is not None and line.from_item is not None:
            entry = by_code.get(line.from_item.code)
            if entry is not None:
                beside[line.to_item_id].append(old_values(entry))
    return SheetVersionNotice(
        record=record, old=record.old_framework, new=record.new_framework, beside=dict(beside)
    )


@dataclass
class OldRow:
    item: Item
    values: OldValues | None


def sheet_as_it_was(sheet: Sheet, version: int) -> tuple[SheetReplacement, list[OldRow]] | None:
    """The sheet as it was under a replaced version: that version's items with the values the
    sheet had when it was replaced; None if the sheet has no such version."""
    record = (
        SheetReplacement.objects.filter(sheet=sheet, old_framework__version=version)
        .select_related("old_framework", "new_framework")
        .first()
    )
    if record is None:
        return None
    by_code = {entry["code"]: old_values(entry) for entry in record.old_scores}
    items = Item.all_versions.filter(framework=record.old_framework).order_by("sort_key")
    return record, [OldRow(item, by_code.get(item.code)) for item in items]
