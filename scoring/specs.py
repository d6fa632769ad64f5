"""ORM rows → the calculations' specs (items and bands), for services and selectors alike."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from scoring import calculations as calc
from scoring.models import (
    Band,
    Item,
    Method,
)

ZERO = Decimal("0")


def item_specs(items: Iterable[Item]) -> list[calc.ItemSpec]:
    """The calculations' view of a framework's items (parents looked up by id, in memory)."""
    items = list(items)
    code_by_id = {item.id: item.code for item in items}
    return [
        calc.ItemSpec(
            code=item.code,
            max_points=item.max_points,
            parent_code=code_by_id.get(item.parent_id) if item.parent_id else None,
            is_scored=item.is_scored,
            method=item.method or Method.APPRAISAL,
            name=item.name,
        )
        for item in items
    ]


def band_specs(bands: Iterable[Band]) -> list[calc.BandSpec]:
    return [calc.BandSpec(band.label, band.min_index) for band in bands]
