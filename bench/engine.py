"""Engine benchmarks and page setup, in a Django process on a generated database.

    DATABASE_URL=… python bench/engine.py engine   # JSON: recompute, save a sheet, import a file
    DATABASE_URL=… python bench/engine.py pages    # JSON: a leadership session and the URLs

Run by bench/run.py; each figure is the median of a few runs, measured with perf_counter.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Max  # noqa: E402

from scoring.exchange import importers  # noqa: E402
from scoring.models import AssessmentYear, Framework, Item, Score, Sheet, YearState  # noqa: E402
from scoring.services.results import recompute_group  # noqa: E402
from scoring.services.scores import ScoreChange, apply_score_changes  # noqa: E402
from units.models import Membership, Role, Unit, UnitGroup  # noqa: E402

REPEAT = 5
CENT = Decimal("0.01")


def timed(action, repeat: int = REPEAT) -> float:
    """The median wall time of `action()` in milliseconds."""
    times = []
    for run in range(repeat):
        started = time.perf_counter()
        action(run)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def year_in_progress() -> AssessmentYear:
    return AssessmentYear.objects.exclude(state=YearState.PUBLISHED).order_by("-year").first()


def engine() -> dict:
    year = year_in_progress()
    framework = (
        Framework.objects.filter(year=year).select_related("group").order_by("group__order")[0]
    )
    group = framework.group
    units = Sheet.objects.filter(year=year, unit__group=group).count()
    items = list(framework.items.filter(is_scored=True).order_by("sort_key"))

    def recompute(_run):
        recompute_group(year, group)

    sheet = Sheet.objects.filter(year=year, unit__group=group).order_by("unit__code").first()
    stored = {s.item_id: s for s in Score.objects.filter(sheet=sheet).select_related("item")}

    def save_sheet(run):
        # Every item changes on every run: points a cent lower, then back.
        changes = []
        for item in items:
            score = stored.get(item.id)
            if score is None or score.not_applicable:
                continue
            base = score.points or Decimal("0")
            points = base - CENT if run % 2 == 0 and base >= CENT else base
            changes.append(ScoreChange(item.code, points=points))
        apply_score_changes(sheet, changes, source="command")

    unit_codes = list(
        Unit.objects.filter(sheets__year=year, group=group)
        .order_by("code")
        .values_list("code", flat=True)
    )
    maxima = {item.code: item.max_points for item in items}

    def import_file(run):
        lines = ["unit_code,item_code,points,not_applicable"]
        for n, code in enumerate(unit_codes):
            for item_code, maximum in maxima.items():
                value = maximum * Decimal((n + len(item_code) + run) % 10) / 10
                lines.append(f"{code},{item_code},{value.quantize(CENT)},0")
        data = ("\n".join(lines) + "\n").encode()
        importers.import_scores(year, importers.read_score_rows(data), source="import")

    return {
        "units": units,
        "items": len(items),
        "recompute_ms": timed(recompute),
        "save_sheet_items": len(items),
        "save_sheet_ms": timed(save_sheet),
        "import_units": len(unit_codes),
        "import_rows": len(unit_codes) * len(items),
        "import_ms": timed(import_file, repeat=3),
    }


def pages() -> dict:
    """A leadership login (as a session cookie) and the URLs of the benchmarked pages."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    first = Unit.objects.order_by("code").first()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-lanhdao", defaults={"first_name": "Lãnh đạo (đo hiệu năng)"}
    )
    Membership.objects.get_or_create(user=user, unit=first, role=Role.LEADERSHIP)
    client = Client()
    client.force_login(user)
    published = AssessmentYear.objects.published().aggregate(latest=Max("year"))["latest"]
    codes = list(Unit.objects.order_by("code").values_list("code", flat=True))
    step = max(1, len(codes) // 100)  # 100 profiles, spread over every group
    groups = list(
        UnitGroup.objects.filter(units__isnull=False).distinct().values_list("code", flat=True)
    )
    return {
        "session": client.cookies["sessionid"].value,
        "published_year": published,
        "units": len(codes),
        "scores": Score.objects.count(),
        "items_per_framework": Item.objects.filter(
            framework__year__year=published, is_scored=True
        ).count()
        // max(1, len(groups)),
        "profiles": [f"/don-vi/{code}/" for code in codes[::step][:100]],
        "comparisons": [f"/so-sanh/?group={code}" for code in sorted(groups)],
        "csv": f"/mo/ket-qua-{published}.csv",
    }


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "engine"
    print(json.dumps(engine() if what == "engine" else pages()))
