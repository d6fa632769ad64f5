"""Engine benchmarks and page setup, in a Django process on a generated database.

    DATABASE_URL=… python bench/engine.py engine   # JSON: the writes (recompute, saves, imports…)
    DATABASE_URL=… python bench/engine.py pages    # JSON: the people who sign in and the URLs

Run by bench/run.py; each figure is the median of a few runs, measured with perf_counter.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from scoring.exchange import importers  # noqa: E402
from scoring.models import (  # noqa: E402
    AssessmentYear,
    Framework,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.services.appraisal import appraise  # noqa: E402
from scoring.services.errors import ServiceError  # noqa: E402
from scoring.services.results import recompute_group  # noqa: E402
from scoring.services.scores import ScoreChange, apply_score_changes  # noqa: E402
from scoring.services.self_assessment import submit_sheet  # noqa: E402
from scoring.services.survey import import_survey  # noqa: E402
from scoring.services.year_states import publish  # noqa: E402
from units.models import Membership, Role, Unit, UnitGroup  # noqa: E402

REPEAT = 5
CENT = Decimal("0.01")
PASSWORD = "bench-cchc-not-secret"  # noqa: S105 - scratch databases of the benchmark only
SURVEY_ROWS = 10_000


class RolledBack(Exception):
    """Raised at the end of a timed action whose writes must not stay (submit, publish)."""


def rolled_back(action):
    """`action(run)` inside a transaction that is rolled back: the time includes its commit-free
    work only (a submit or a publication must not change the scratch database for the next run)."""

    def run(n):
        try:
            with transaction.atomic():
                action(n)
                raise RolledBack
        except RolledBack:
            pass

    return run


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

    # One domain of an appraisal: the first domain's appraisal items, points a cent lower than
    # the unit's claim (with a reason), then back to the claim, through services.appraise.
    other = Sheet.objects.filter(year=year, unit__group=group).order_by("-unit__code").first()
    claims = {
        s.item.code: s
        for s in Score.objects.filter(sheet=other, item__method=Method.APPRAISAL).select_related(
            "item"
        )
    }
    domain = min(code.split(".")[0] for code in claims)
    domain_items = [code for code in claims if code.split(".")[0] == domain]

    def appraise_domain(run):
        changes = []
        for code in domain_items:
            claim = claims[code]
            if claim.not_applicable:
                continue
            base = claim.self_points if claim.self_points is not None else claim.points
            base = base or Decimal("0")
            lower = run % 2 == 0 and base >= CENT
            changes.append(
                ScoreChange(
                    code,
                    points=base - CENT if lower else base,
                    reason="Đo hiệu năng: thiếu một phần hồ sơ." if lower else "",
                )
            )
        appraise(other, changes, user=None, domains=None, source="command")

    def submit(_run):
        # The year back in its self-assessment and the sheet a draft, then the leader's submit.
        AssessmentYear.objects.filter(pk=year.pk).update(
            state=YearState.SELF_ASSESSMENT,
            self_assessment_deadline=timezone.now() + timedelta(days=7),
        )
        Sheet.objects.filter(pk=sheet.pk).update(state=SheetState.DRAFT)
        submit_sheet(Sheet.objects.get(pk=sheet.pk))

    publication = {"refusal": ""}

    def publish_year(_run):
        try:
            publish(AssessmentYear.objects.get(pk=year.pk), user=None)
        except ServiceError as error:
            publication["refusal"] = str(error)[:200]

    survey_items = list(
        Item.objects.filter(framework__year=year, is_scored=True, method=Method.SURVEY)
        .select_related("framework")
        .order_by("framework__group__order", "sort_key")
    )
    survey_units = Unit.objects.filter(sheets__year=year).order_by("code")
    by_group: dict[int, list[Item]] = {}
    for item in survey_items:
        by_group.setdefault(item.framework.group_id, []).append(item)
    survey_cells = [
        (unit.code, item)
        for unit in survey_units.only("code", "group_id")
        for item in by_group.get(unit.group_id, [])
    ][:SURVEY_ROWS]

    def import_survey_file(run):
        lines = ["unit_code,item_code,points"]
        for n, (code, item) in enumerate(survey_cells):
            value = item.max_points * Decimal((n + run) % 10) / 10
            lines.append(f"{code},{item.code},{value.quantize(CENT)}")
        data = ("\n".join(lines) + "\n").encode()
        import_survey(data, year, user=None, allowed_units=None)

    figures = {
        "units": units,
        "items": len(items),
        "recompute_ms": timed(recompute),
        "save_sheet_items": len(items),
        "save_sheet_ms": timed(save_sheet),
        "appraise_domain_items": len(domain_items),
        "appraise_domain_ms": timed(appraise_domain),
        "import_units": len(unit_codes),
        "import_rows": len(unit_codes) * len(items),
        "import_ms": timed(import_file, repeat=3),
        "survey_rows": len(survey_cells),
        "survey_import_ms": timed(import_survey_file, repeat=3),
    }
    try:
        figures["submit_ms"] = timed(rolled_back(submit))
    except ServiceError as error:
        figures["submit_ms"], figures["submit_refusal"] = None, str(error)[:200]
    figures["publish_ms"] = timed(rolled_back(publish_year), repeat=3)
    if publication["refusal"]:
        figures["publish_ms"], figures["publish_refusal"] = None, publication["refusal"]
    return figures


def person(username: str, name: str, unit: Unit, role: str):
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name}
    )
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def pages() -> dict:
    """The people who sign in (with their password: bench/run.py logs in through the form) and
    the placeholders of bench/pages.py."""
    codes_in_order = Unit.objects.order_by("code")
    first, last = codes_in_order.first(), codes_in_order.last()
    person("bench-lanhdao", "Lãnh đạo (đo hiệu năng)", first, Role.LEADERSHIP)
    # The appraiser belongs to another unit than the one appraised (never one's own unit).
    person("bench-thamdinh", "Thẩm định viên (đo hiệu năng)", last, Role.APPRAISER)
    person("bench-canbo", "Cán bộ (đo hiệu năng)", first, Role.STAFF)
    # …and a second one for the appraiser's own unit, so that a publication is not refused.
    person("bench-thamdinh-2", "Thẩm định viên 2 (đo hiệu năng)", first, Role.APPRAISER)
    current = year_in_progress()
    published = AssessmentYear.objects.published().aggregate(latest=Max("year"))["latest"]
    codes = list(Unit.objects.order_by("code").values_list("code", flat=True))
    step = max(1, len(codes) // 100)  # 100 profiles, spread over every group
    groups = list(
        UnitGroup.objects.filter(units__isnull=False).distinct().values_list("code", flat=True)
    )
    return {
        "password": PASSWORD,
        "published": published,
        "previous": published - 1,
        "published_year": published,
        "year": current.year,
        "unit": first.code,
        "group": sorted(groups)[0],
        "groups": sorted(groups),
        "units": len(codes),
        "scores": Score.objects.count(),
        "items_per_framework": Item.objects.filter(
            framework__year__year=published, is_scored=True
        ).count()
        // max(1, len(groups)),
        "profiles": codes[::step][:100],
    }


def load_setup() -> dict:
    """The deadline week on a copy of the scratch database (bench/deadline_week.py): the year in
    progress back in its self-assessment (the staff's sheets drafts, the deadline in a week) and
    the year before reopened for appraisal (the portal appraises one year at a time: the two
    years let both kinds of work run at once); 100 unit staff and 10 appraisers, one password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    current = year_in_progress()
    before = AssessmentYear.objects.filter(year__lt=current.year).order_by("-year").first()
    units = list(Unit.objects.filter(sheets__year=current).order_by("code")[:100])
    AssessmentYear.objects.filter(pk=current.pk).update(
        state=YearState.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    Sheet.objects.filter(year=current, unit__in=units).update(state=SheetState.DRAFT)
    AssessmentYear.objects.filter(pk=before.pk).update(state=YearState.APPRAISAL)
    password = make_password(PASSWORD)
    User = get_user_model()
    staff, appraisers = [], []
    appraised = units[: len(units) - 10]
    for n, unit in enumerate(units):
        username = f"bench-load-canbo-{n:03d}"
        user = User.objects.create(username=username, password=password, first_name=username)
        Membership.objects.create(user=user, unit=unit, role=Role.STAFF)
        staff.append({"username": username, "unit": unit.code, "year": current.year})
    for k, unit in enumerate(units[len(units) - 10 :]):
        username = f"bench-load-thamdinh-{k:02d}"
        user = User.objects.create(username=username, password=password, first_name=username)
        Membership.objects.create(user=user, unit=unit, role=Role.APPRAISER)
        mine = [u.code for j, u in enumerate(appraised) if j % 10 == k]
        appraisers.append({"username": username, "units": mine, "year": before.year})
    return {"password": PASSWORD, "staff": staff, "appraisers": appraisers}


def load_verify(acks_file: str) -> dict:
    """After the load: every acknowledged save is in the database (the last one of each cell),
    and the stored results equal a recompute of every group of the two years."""
    from scoring.models import Result

    last: dict[tuple, dict] = {}
    with open(acks_file) as lines:
        for line in lines:
            ack = json.loads(line)
            last[(ack["kind"], ack["unit"], ack["year"], ack["item"])] = ack
    lost = []
    for (kind, unit, year, item), ack in last.items():
        score = Score.objects.filter(
            sheet__unit__code=unit, sheet__year__year=year, item__code=item
        ).first()
        stored = None if score is None else getattr(score, kind)
        # The form shows points the Vietnamese way ("0,50"): the value as typed back.
        if stored is None or stored != Decimal(ack["value"].replace(",", ".")):
            lost.append({**ack, "stored": None if stored is None else str(stored)})
    fields = ["appraisal", "survey", "total", "index", "band_label", "rank", "rank_of"]
    fields = [f for f in fields if f in {field.name for field in Result._meta.fields}]
    years = sorted({year for (_k, _u, year, _i) in last})
    differing = 0
    for year in AssessmentYear.objects.filter(year__in=years):

        def snapshot(year=year):
            return {
                row[0]: row[1:]
                for row in Result.objects.filter(year=year).values_list("unit_id", *fields)
            }

        stored = snapshot()
        try:
            with transaction.atomic():
                for group in UnitGroup.objects.filter(frameworks__year=year).distinct():
                    recompute_group(year, group)
                fresh = snapshot()
                raise RolledBack
        except RolledBack:
            pass
        differing += sum(1 for unit, row in fresh.items() if stored.get(unit) != row)
    return {
        "acknowledged": len(last),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "differing": differing,
    }


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "engine"
    if what == "load-setup":
        print(json.dumps(load_setup()))
    elif what == "load-verify":
        print(json.dumps(load_verify(sys.argv[2])))
    else:
        print(json.dumps(engine() if what == "engine" else pages()))
