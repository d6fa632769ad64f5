"""load_demo: the whole demo in one transaction (see the package docstring).

The published years are built by `build.py`, the year in progress by `progress.py`, which uses
some of `build.py`'s helpers: this module is the one that calls both.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from demo import indices as demo_indices
from demo.build import (
    DemoSummary,
    build_bands,
    build_frameworks,
    build_groups,
    build_lineage,
    build_sheets_and_scores,
    build_units,
    build_users,
    build_years,
    check_conflicts,
    counts,
    delete_demo,
    groups_of,
    is_loaded,
)
from demo.data import CURRENT_YEAR
from demo.progress import build_year_in_progress
from demo.survey import build_survey
from scoring.services.results import recompute_group
from units.models import Unit


@transaction.atomic
def load_demo(reset: bool = False, today: datetime.date | None = None) -> DemoSummary:
    """Build the demo (see the package docstring); all or nothing.

    Does nothing when the demo is already loaded, unless `reset`: then deletes it and builds it
    again. Refuses (DemoError) when a year or unit code it needs holds real data. The year in
    progress has its deadlines set relative to `today` (default: the local date).
    """
    if is_loaded() and not reset:
        return DemoSummary(created=False, counts=counts())
    check_conflicts()
    delete_demo()
    today = today or timezone.localdate()
    groups = build_groups()
    units = build_units(groups)
    users, skipped = build_users(units)
    build_lineage()
    units = {unit.code: unit for unit in Unit.objects.filter(is_sample=True)}
    years = build_years(today)
    frameworks = build_frameworks(years, groups)
    build_bands(years, groups)
    published = {year: y for year, y in years.items() if year != CURRENT_YEAR}
    build_sheets_and_scores(published, frameworks, units, users)
    for year, assessment_year in published.items():
        for group_code in groups_of(year):
            recompute_group(assessment_year, groups[group_code])
    build_year_in_progress(years[CURRENT_YEAR], frameworks, units, users, groups, today)
    demo_indices.build()
    build_survey(years[CURRENT_YEAR], groups, units, users.get("admin"))
    return DemoSummary(created=True, counts=counts(), skipped_users=skipped)
