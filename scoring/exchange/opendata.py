"""Results as open data: one record per unit, as CSV or JSON.

The `results` command and the public open-data pages both go through these functions, so a file
downloaded from the portal and one produced on the server are the same text. The figures are the
stored results (computed by `calculations.py`); nothing is recomputed or rounded here.

    records = result_records(2023)             # or result_records(year, group="SO")
    records_to_csv(records)                    # "code,name,group,appraisal,…\\nSNV,Sở Nội vụ,SO,…"
    records_to_json(records)                   # '[{"code": "SNV", …, "index": "96.86", …}]'
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.db.models import F

from scoring.models import AssessmentYear, PublicationDecision, Result
from units.lineage import Lineage
from units.models import UnitGroup

#: The columns of every open-data file, in this order.
RESULT_COLUMNS = (
    "code",
    "name",
    "group",
    "appraisal",
    "survey",
    "total",
    "index",
    "classification",
    "rank",
    "max",
    "publication_note",
    # Added with real frameworks (issue 13), at the end so that older readers keep working.
    "bonus",
    "deduction",
    "cap_reason",
)
DECIMAL_COLUMNS = frozenset({"appraisal", "survey", "total", "index", "max", "bonus", "deduction"})
CENT = Decimal("0.01")


def result_records(year: AssessmentYear | int, group: UnitGroup | str | None = None) -> list[dict]:
    """One dict per unit with the keys of RESULT_COLUMNS, in one query (and the lineage's three,
    for the names the units had that year, and one for the publication decisions: a unit
    published with work still open carries the decision's reason, author and date).

    Decimals stay Decimal, the rank is an int (None if a result has none yet). Ordered by
    group order, rank, unit code: ties are listed by code. Decimals have the year's number of
    places (2 or 3), which the files are written with.
    """
    chosen = Result.objects.select_related("unit", "group", "year")
    if isinstance(year, AssessmentYear):
        chosen = chosen.filter(year=year)
    else:
        chosen = chosen.filter(year__year=year)
    if isinstance(group, UnitGroup):
        chosen = chosen.filter(group=group)
    elif group is not None:
        chosen = chosen.filter(group__code=group)
    results = list(
        chosen.order_by("group__order", "group__code", F("rank").asc(nulls_last=True), "unit__code")
    )
    if not results:
        return []
    number = year.year if isinstance(year, AssessmentYear) else year
    lineage = Lineage.load()
    notes = PublicationDecision.objects.notes(
        results[0].year_id, [result.unit_id for result in results]
    )
    records = [
        {
            "code": result.unit.code,
            "name": lineage.name_in(result.unit, number),
            "group": result.group.code,
            "appraisal": result.appraisal,
            "survey": result.survey,
            "total": result.total,
            "index": result.index,
            "classification": result.band_label,
            "rank": result.rank,
            "max": result.max_points,
            "publication_note": notes.get(result.unit_id, ""),
            "bonus": result.bonus,
            "deduction": result.deduction,
            "cap_reason": result.cap_reason,
        }
        for result in results
    ]
    step = Decimal(1).scaleb(-results[0].year.decimals)
    for record in records:
        for column in DECIMAL_COLUMNS:
            record[column] = Decimal(record[column]).quantize(step)
    return records


def _text(column: str, value) -> str | int | None:
    """A value as written to a file: decimals with a dot and the year's places (at least two)."""
    if value is None:
        return None
    if column in DECIMAL_COLUMNS:
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -2:
            number = number.quantize(CENT)
        return format(number, "f")
    return value


def records_to_csv(records: list[dict]) -> str:
    """UTF-8 text (no BOM), one header row, one row per record, lines ending in "\\n"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for record in records:
        writer.writerow(["" if (v := _text(c, record[c])) is None else v for c in RESULT_COLUMNS])
    return out.getvalue()


def records_to_json(records: list[dict]) -> str:
    """A JSON list of objects with the keys of RESULT_COLUMNS; decimals as strings ("92.03")."""
    data = [
        {column: _text(column, record[column]) for column in RESULT_COLUMNS} for record in records
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
