"""Loading and deleting the demo: load_demo builds everything in one transaction.

The published years (2021–2025) are written in bulk (no history rows for a bulk load) and their
results computed by `services.recompute_group`; the lineage of 2025 goes through
`units.services.import_lineage`, like a province's own file; the year in progress (2026) is
built in `progress.py`, partly through the workflow and appraisal services.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from demo import indices as demo_indices
from demo.data import (
    BANDS,
    CAPS_2026,
    CURRENT_YEAR,
    DEMO_MARK,
    DIFFICULTIES,
    DOMAIN_NAMES_BEFORE_2022,
    EMAIL_DOMAIN,
    EVIDENCE_NOTES,
    EXTRAS_2026,
    FIRST_REAL_FRAMEWORK_YEAR,
    FRAMEWORK_NAMES,
    FRAMEWORKS,
    GROUP_NAMES,
    GROUP_YEARS,
    ITEM_NAMES_FROM_2025,
    LINEAGE_2025,
    LINEAGE_NOTES,
    MAXIMA_2026,
    NEW_UNITS,
    NOTE_NOT_APPLICABLE,
    PASSWORD,
    PROPOSALS,
    PUBLICATION,
    RENUMBERED_FROM_2023,
    REORGANISED,
    REPLACED_2026,
    RULE_GUIDANCE_2026,
    RULES_2026,
    SECTIONS_2026,
    SOURCES_2026,
    SURVEY_GUIDANCE,
    UNITS,
    USERS,
    YEARS,
    commune_units,
    groups_of,
    owner_name,
)
from demo.scores import generate_scores, points
from demo.survey import delete_survey
from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Band,
    BandCap,
    Evidence,
    ExplanationRequest,
    Framework,
    Item,
    ItemCrosswalk,
    Method,
    Result,
    Score,
    Sheet,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.permissions import Account
from scoring.services.frameworks import ItemRow, build_items
from scoring.services.results import derive_rule_points
from scoring.specs import rule_spec
from units import services as unit_services
from units.models import LineageEvent, LineageKind, Membership, Unit, UnitGroup


def all_units() -> list[tuple[str, str, str, str]]:
    """(group, code, name, abbreviation) of every unit of the demo, old and new."""
    return UNITS + NEW_UNITS + commune_units()


class DemoError(Exception):
    """The demo cannot be loaded here (real data in the way); the message is for the user."""


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    skipped_users: list[str] = field(default_factory=list)


def is_loaded() -> bool:
    """The demo is loaded when its 2023 year and its units exist."""
    return (
        AssessmentYear.objects.filter(year=2023, owner_name__contains=DEMO_MARK).exists()
        and Unit.objects.filter(is_sample=True).exists()
    )


def counts() -> dict[str, int]:
    """Row counts of everything the demo writes (for the summary and the tests)."""
    return {
        "units": Unit.objects.filter(is_sample=True).count(),
        "years": AssessmentYear.objects.filter(owner_name__contains=DEMO_MARK).count(),
        "frameworks": Framework.objects.filter(year__owner_name__contains=DEMO_MARK).count(),
        "items": Item.objects.filter(framework__year__owner_name__contains=DEMO_MARK).count(),
        "bands": Band.objects.filter(year__owner_name__contains=DEMO_MARK).count(),
        "sheets": Sheet.objects.filter(unit__is_sample=True).count(),
        "scores": Score.objects.filter(sheet__unit__is_sample=True).count(),
        "results": Result.objects.filter(unit__is_sample=True).count(),
        "users": demo_users().count(),
        "memberships": Membership.objects.filter(unit__is_sample=True).count(),
        "lineage_events": LineageEvent.objects.filter(predecessors__is_sample=True)
        .distinct()
        .count(),
    }


def demo_users():
    return get_user_model().objects.filter(
        username__in=[row[0] for row in USERS], email__endswith="@" + EMAIL_DOMAIN
    )


def check_conflicts() -> None:
    """Refuse to mix the demo with real data: its years and unit codes must be free or its own."""
    taken = list(
        AssessmentYear.objects.filter(year__in=YEARS)
        .exclude(owner_name__contains=DEMO_MARK)
        .values_list("year", flat=True)
    )
    if taken:
        raise DemoError(
            _("Cơ sở dữ liệu đã có năm %(years)s không phải dữ liệu mẫu: không nạp dữ liệu mẫu.")
            % {"years": ", ".join(str(y) for y in sorted(taken))}
        )
    codes = list(
        Unit.objects.filter(code__in=[row[1] for row in all_units()], is_sample=False).values_list(
            "code", flat=True
        )
    )
    if codes:
        raise DemoError(
            _("Đã có đơn vị thật mang mã %(codes)s: không nạp dữ liệu mẫu.")
            % {"codes": ", ".join(sorted(codes))}
        )


def delete_demo() -> None:
    """Delete everything marked as sample data: years, frameworks, bands, sheets, scores and their
    history, evidence, results, the lineage of demo units, demo units (with their memberships
    and names) and demo users."""
    years = AssessmentYear.objects.filter(owner_name__contains=DEMO_MARK)
    units = Unit.objects.filter(is_sample=True)
    demo_indices.delete()  # the related indices' figures hold on to the units (PROTECT)
    LineageEvent.objects.filter(
        Q(predecessors__in=units) | Q(successors__in=units)
    ).distinct().delete()
    sheet_ids = list(
        Sheet.objects.filter(Q(year__in=years) | Q(unit__in=units)).values_list("id", flat=True)
    )
    score_ids = Score.all_versions.filter(sheet_id__in=sheet_ids).values("id")
    Result.objects.filter(Q(year__in=years) | Q(unit__in=units)).delete()
    for evidence in Evidence.objects.filter(score_id__in=score_ids):
        evidence.file.delete(save=False)
    Evidence.objects.filter(score_id__in=score_ids).delete()
    ExplanationRequest.objects.filter(score_id__in=score_ids).delete()
    ExplanationRequest.history.filter(score_id__in=score_ids).delete()
    Score.history.filter(sheet_id__in=sheet_ids).delete()
    # Deleting Score rows one by one would send a signal per row (history); their history is
    # deleted just above, so the rows go in one statement.
    scores = Score.all_versions.filter(sheet_id__in=sheet_ids)
    scores._raw_delete(scores.db)
    Sheet.objects.filter(id__in=sheet_ids).delete()
    delete_survey(years)
    years.delete()
    units.delete()
    demo_users().delete()


def build_groups() -> dict[str, UnitGroup]:
    """The unit groups, shared with real data: created if missing, given their years if unset."""
    groups = {}
    for code, (name, order) in GROUP_NAMES.items():
        first, last = GROUP_YEARS.get(code, (None, None))
        group, _created = UnitGroup.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "first_year": first}
        )
        changed = []
        if first is not None and group.first_year is None:
            group.first_year = first
            changed.append("first_year")
        if last is not None and group.last_year is None:
            group.last_year = last
            changed.append("last_year")
        if changed:
            group.save(update_fields=changed)
        groups[code] = group
    return groups


def build_units(groups: dict[str, UnitGroup]) -> dict[str, Unit]:
    """Every unit, old and new; the new ones (a department, the communes) begin in 2025."""
    new = {row[1] for row in NEW_UNITS + commune_units()}
    created = Unit.objects.bulk_create(
        [
            Unit(
                code=code,
                name=name,
                group=groups[group],
                is_sample=True,
                first_year=REORGANISED if code in new else None,
            )
            for group, code, name, _abbr in all_units()
        ]
    )
    return {unit.code: unit for unit in created}


def build_lineage() -> None:
    """The reorganisation of 2025 through the lineage importer: departments merged and renamed,
    central agencies renamed, districts ended (their units end with 2024, names are kept)."""
    districts = tuple(code for group, code, _name, _abbr in UNITS if group == "HUYEN")
    events = [*LINEAGE_2025, (LineageKind.END, districts, (), "")]
    unit_services.import_lineage(
        [
            unit_services.LineageRow(
                REORGANISED, kind, before, after, new_name, LINEAGE_NOTES[kind], row=number
            )
            for number, (kind, before, after, new_name) in enumerate(events, start=2)
        ]
    )


def build_users(units: dict[str, Unit]) -> tuple[dict[str, Account], list[str]]:
    """The demo logins, all with PASSWORD. A username already taken by a real user is skipped."""
    User = get_user_model()
    taken = set(
        User.objects.filter(username__in=[row[0] for row in USERS]).values_list(
            "username", flat=True
        )
    )
    password = make_password(PASSWORD)  # hashed once: the same for every login
    users: dict[str, Account] = {}
    memberships: list[Membership] = []
    skipped: list[str] = []
    for username, full_name, role, unit_code, domains, superuser in USERS:
        if username in taken:
            skipped.append(username)
            continue
        user = User.objects.create(
            username=username,
            first_name=full_name,
            email=f"{username}@{EMAIL_DOMAIN}",
            password=password,
            is_staff=superuser,
            is_superuser=superuser,
        )
        users[username] = user
        memberships.append(
            Membership(user=user, unit=units[unit_code], role=role, domains=list(domains))
        )
    Membership.objects.bulk_create(memberships)
    return users, skipped


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of a local day, timezone-aware."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_default_timezone(),
    )


def self_assessment_deadline(year: int) -> datetime.datetime:
    """A published demo year's self-assessment deadline."""
    return at(datetime.date(year, 12, 15), 17)


def build_years(today: datetime.date) -> dict[int, AssessmentYear]:
    """2021–2025 published, with their transitions; 2026 prepared (opened in `progress.py`).
    Quảng Nam runs the portal up to 2024, Thành phố Đà Nẵng from 2025."""
    years = {}
    for year in YEARS:
        if year == CURRENT_YEAR:
            years[year] = AssessmentYear.objects.create(
                year=year, owner_name=owner_name(year), state=YearState.PREPARING
            )
            continue
        published_on, decision = PUBLICATION[year]
        years[year] = AssessmentYear.objects.create(
            year=year,
            owner_name=owner_name(year),
            state=YearState.PUBLISHED,
            self_assessment_deadline=self_assessment_deadline(year),
            appraisal_deadline=at(datetime.date(year + 1, 2, 28), 17),
            published_at=at(published_on, 9),
        )
        reason = f"Công bố kết quả theo Quyết định số {decision} ngày {published_on:%d/%m/%Y}."
        steps = [
            (YearState.PREPARING, YearState.SELF_ASSESSMENT, "", datetime.date(year, 10, 1)),
            (YearState.SELF_ASSESSMENT, YearState.APPRAISAL, "", datetime.date(year, 12, 16)),
            (YearState.APPRAISAL, YearState.PUBLISHED, reason, published_on),
        ]
        for from_state, to_state, why, day in steps:
            record_transition(years[year], from_state, to_state, why, at(day, 8))
    return years


def record_transition(year, from_state, to_state, reason, moment, by=None) -> None:
    transition = YearTransition.objects.create(
        year=year, from_state=from_state, to_state=to_state, reason=reason, by=by
    )
    # `at` is set on creation; the demo dates it when it happened.
    YearTransition.objects.filter(pk=transition.pk).update(at=moment)


def framework_rows(group_code: str, year: int) -> list[ItemRow]:
    """The framework of a group in a year, from its text, with the year's renamings."""
    renumbered = RENUMBERED_FROM_2023[group_code] if year >= 2023 else {}
    renamed = ITEM_NAMES_FROM_2025[group_code] if year >= REORGANISED else {}
    rows = []
    for number, line in enumerate(FRAMEWORKS[group_code].strip().splitlines(), start=1):
        parts = [part.strip() for part in line.split("|")]
        code, name = parts[0], renamed.get(parts[0], parts[1])
        if year < 2022 and "." not in code:
            name = DOMAIN_NAMES_BEFORE_2022.get(name, name)
        if len(parts) == 2:
            rows.append(ItemRow(code=code, name=name, max_points=None, row=number))
            continue
        flags = parts[3].split()
        method = Method.SURVEY if "S" in flags else Method.APPRAISAL
        guidance = parts[4] if len(parts) > 4 else ""
        if method == Method.SURVEY and not guidance:
            guidance = SURVEY_GUIDANCE
        rows.append(
            ItemRow(
                code=renumbered.get(code, code),
                name=name,
                max_points=Decimal(parts[2]),
                method=method,
                guidance=guidance,
                na_allowed="k" in flags,
                evidence_required="e" in flags,
                row=number,
            )
        )
    if year >= FIRST_REAL_FRAMEWORK_YEAR and group_code in MAXIMA_2026:
        maxima = MAXIMA_2026[group_code]
        rows = [
            replace(
                row,
                max_points=Decimal(maxima[row.code][0]),
                guidance=maxima[row.code][1] or row.guidance,
            )
            if row.code in maxima
            else row
            for row in rows
        ]
    if year >= FIRST_REAL_FRAMEWORK_YEAR and group_code in RULES_2026:
        rows = real_framework_rows(group_code, rows)
    return rows


def replacement_rows(year: int) -> list[ItemRow]:
    """The second version of REPLACED_2026's group framework in `year` (issued in October)."""
    spec = REPLACED_2026
    rows = [
        replace(
            row,
            max_points=Decimal(spec.maxima[row.code][0]),
            guidance=spec.maxima[row.code][1],
        )
        if row.code in spec.maxima
        else row
        for row in framework_rows(spec.group, year)
        if row.code not in spec.drop
    ]
    number = len(rows)
    for code, name, maximum, guidance in spec.add:
        number += 1
        rows.append(
            ItemRow(
                code=code,
                name=name,
                max_points=Decimal(maximum),
                method=Method.APPRAISAL,
                guidance=guidance,
                row=number,
            )
        )
    return rows


def real_framework_rows(group_code: str, rows: list[ItemRow]) -> list[ItemRow]:
    """A framework from 2026: some items scored by rule, then the bonus and deduction sections."""
    rules = RULES_2026[group_code]
    rows = [
        replace(
            row,
            rule=rules.get(row.code, ""),
            source=SOURCES_2026.get(group_code, {}).get(row.code, ""),
            guidance=RULE_GUIDANCE_2026.get((group_code, row.code), row.guidance),
        )
        for row in rows
    ]
    number = len(rows)
    for code, name, maximum, method, rule, guidance in SECTIONS_2026:
        number += 1
        rows.append(
            ItemRow(
                code=code,
                name=name,
                max_points=Decimal(maximum) if maximum else None,
                method=method,
                guidance=guidance,
                evidence_required=method == Method.BONUS,
                row=number,
                rule=rule,
            )
        )
    return rows


def build_frameworks(
    years: dict[int, AssessmentYear], groups: dict[str, UnitGroup]
) -> dict[tuple[int, str], list[Item]]:
    """A framework per year and group (items through services.build_items), and the crosswalk
    of the items renumbered in 2023."""
    frameworks = {}
    for year, assessment_year in years.items():
        for group_code in groups_of(year):
            group = groups[group_code]
            framework = Framework.objects.create(
                year=assessment_year,
                group=group,
                name=FRAMEWORK_NAMES[group_code].format(year=year),
            )
            frameworks[year, group_code] = build_items(framework, framework_rows(group_code, year))
    crosswalks = []
    for group_code in groups_of(2022):
        renumbered = RENUMBERED_FROM_2023[group_code]
        old = {item.code: item for item in frameworks[2022, group_code]}
        new = {item.code: item for item in frameworks[2023, group_code]}
        for old_code, new_code in renumbered.items():
            crosswalks.append(
                ItemCrosswalk(
                    from_item=old[old_code],
                    to_item=new[new_code],
                    note=f"Tiêu chí {old_code} năm 2022 được đánh số lại thành {new_code} từ năm 2023.",
                )
            )
    ItemCrosswalk.objects.bulk_create(crosswalks)
    return frameworks


def build_bands(years: dict[int, AssessmentYear], groups: dict[str, UnitGroup]) -> None:
    Band.objects.bulk_create(
        [
            Band(year=year, group=groups[group_code], label=label, min_index=Decimal(minimum))
            for number, year in years.items()
            for group_code in groups_of(number)
            for label, minimum in BANDS[group_code]
        ]
    )
    BandCap.objects.bulk_create(
        [
            BandCap(year=year, group=groups[group_code], band_label=label, kind=kind, code=code)
            for number, year in years.items()
            if number >= FIRST_REAL_FRAMEWORK_YEAR
            for group_code, caps in CAPS_2026.items()
            if group_code in groups_of(number)
            for label, kind, code in caps
        ]
    )


def units_of(year: int, units: dict[str, Unit]) -> dict[str, Unit]:
    """The demo units assessed in a year: those that exist in it, in a group of that year."""
    groups = groups_of(year)
    group_of = {code: group for group, code, _name, _abbr in all_units()}
    return {
        code: unit
        for code, unit in units.items()
        if unit.exists_in(year) and group_of[code] in groups
    }


def build_sheets_and_scores(
    years: dict[int, AssessmentYear],
    frameworks: dict[tuple[int, str], list[Item]],
    units: dict[str, Unit],
    users: dict[str, Account],
) -> None:
    """Every unit's sheet and scores for every published year, in bulk (no history rows for a
    bulk load): submitted, fully appraised."""
    abbreviations = {code: abbr for _group, code, _name, abbr in all_units()}
    group_of = {code: group for group, code, _name, _abbr in all_units()}
    sheets, pending = [], []
    for year, assessment_year in years.items():
        deadline = self_assessment_deadline(year)
        for unit_code, unit in units_of(year, units).items():
            rng = random.Random(f"cchc-demo-sheet:{year}:{unit_code}")  # noqa: S311
            sheet = Sheet(
                unit=unit,
                year=assessment_year,
                state=SheetState.SUBMITTED,
                submitted_at=deadline
                - datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 7)),
                submitted_by=users.get("lanhdao.ldtbxh") if unit_code == "SO-LDTBXH" else None,
                difficulties=rng.choice(DIFFICULTIES) if rng.random() < 0.5 else "",
                proposals=rng.choice(PROPOSALS) if rng.random() < 0.5 else "",
            )
            sheets.append(sheet)
            pending.append((year, unit_code, sheet, rng))
    Sheet.objects.bulk_create(sheets)

    scores = []
    for year, unit_code, sheet, rng in pending:
        items = frameworks[year, group_of[unit_code]]
        generated = generate_scores(group_of[unit_code], unit_code, year, items)
        scores += score_rows(sheet, items, generated, rng, abbreviations[unit_code], year)
    Score.objects.bulk_create(scores, batch_size=2000)


def score_rows(
    sheet: Sheet,
    items: list[Item],
    generated,
    rng: random.Random,
    abbreviation: str,
    year: int,
    *,
    appraised_domains: set[str] | None = None,
    claimed: set[str] | None = None,
) -> list[Score]:
    """A sheet's Score rows from generated scores: claims (of the `claimed` items, default all),
    appraisal points (of the appraised domains, default all) and survey points, notes."""
    scores = []
    for item in items:
        if not item.is_scored:
            continue
        if item.method in EXTRA_METHODS:
            scores.append(
                extra_score(
                    sheet,
                    item,
                    abbreviation,
                    year,
                    claims=claimed is None,
                    appraised=appraised_domains is None,
                )
            )
            continue
        value = generated.points[item.code]
        if item.code in generated.points and value is None:
            scores.append(
                Score(sheet=sheet, item=item, not_applicable=True, note=NOTE_NOT_APPLICABLE)
            )
            continue
        appraised = item.method == Method.SURVEY or (
            appraised_domains is None or item.code.split(".")[0] in appraised_domains
        )
        claims = claimed is None or item.code in claimed
        note = ""
        if item.evidence_required and rng.random() < 0.8 and claims:
            note = rng.choice(EVIDENCE_NOTES).format(
                n=rng.randint(5, 250),
                abbr=abbreviation,
                day=rng.randint(1, 28),
                month=rng.randint(1, 12),
                year=year,
            )
        score = Score(
            sheet=sheet,
            item=item,
            self_points=points(generated.self_points.get(item.code)) if claims else None,
            points=points(value) if appraised else None,
            note=note,
            reason=generated.reasons.get(item.code, "") if appraised else "",
        )
        if item.rule:
            # A rule item: the measured values behind the generated points, then the points
            # the rule gives for them (as the save path derives them).
            if score.self_points is not None:
                score.self_value = rule_value(item, score.self_points, rng)
            if score.points is not None:
                score.value = (
                    score.self_value
                    if score.self_points == score.points
                    else rule_value(item, score.points, rng)
                )
            derive_rule_points(score, item, sheet.year)
        scores.append(score)
    return scores


def rule_value(item: Item, wanted: Decimal, rng: random.Random) -> Decimal:
    """A plausible measured value whose rule gives about `wanted` points."""
    rule = rule_spec(item)
    if rule is None:
        return wanted
    if rule.kind == calc.YES_NO:
        return Decimal(1 if wanted * 2 >= item.max_points else 0)
    if rule.kind == calc.PROPORTIONAL and rule.target:
        return (rule.target * wanted / item.max_points).quantize(Decimal("0.1"))
    if rule.kind == calc.PER_OCCURRENCE and rule.k:
        return Decimal(int((item.max_points - wanted) / rule.k))
    # threshold: a value within the band of the highest bound whose points are within reach
    bounds = sorted(rule.bounds)
    reached = [n for n, (_bound, band_points) in enumerate(bounds) if band_points <= wanted]
    n = max(reached) if reached else 0
    low = bounds[n][0]
    high = bounds[n + 1][0] if n + 1 < len(bounds) else max(Decimal(100), low)
    if high == low:
        return low
    step = rng.randint(0, int((high - low) * 10) - 1) if high > low else 0
    return low + Decimal(step) / 10


def extra_score(
    sheet: Sheet, item: Item, abbreviation: str, year: int, *, claims: bool, appraised: bool
) -> Score:
    """A bonus or deduction item's score: the unit's own figures (EXTRAS_2026), else none;
    claimed when the unit claims, counted when it is appraised."""
    given = Decimal(EXTRAS_2026.get(sheet.unit.code, {}).get(item.code) or 0)
    score = Score(sheet=sheet, item=item)
    if item.rule:
        score.value = given if appraised else None
        score.self_value = given if claims else None
        derive_rule_points(score, item, sheet.year)
    else:
        score.points = given if appraised else None
        score.self_points = given if claims else None
    if given and item.method == Method.BONUS:
        score.note = f"Quyết định công nhận sáng kiến số {len(abbreviation) * 7}/QĐ-HĐSK ({year})."
    return score
