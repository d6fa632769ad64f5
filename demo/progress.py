"""The year in progress (2026): a self-assessment closed a few days ago, the appraisal under way.

Most sheets are submitted and their scores written in bulk; a few communes are still drafts after
the deadline. Where a page shows who did what and when, the rows come from the services
themselves: one ward saves its self-assessment, attaches evidence documents and submits
(`workflow`); one draft commune saved part of its sheet; the year moves to the appraisal
(`year_states.start_appraisal`); an appraiser appraises some items of Sở Tư pháp and asks it to
explain one (`appraisal`), a request still open.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from demo.build import (
    all_units,
    at,
    record_transition,
    replacement_rows,
    rule_value,
    score_rows,
    units_of,
)
from demo.data import (
    APPRAISALS_2026,
    APPRAISED_UNIT_2026,
    APPRAISED_VALUES_2026,
    DIFFICULTIES,
    DRAFTS_2026,
    EXPLANATION_2026,
    PROPOSALS,
    REASON_HIGHER,
    REASONS_LOWER,
    REPLACED_2026,
    WORKFLOW_UNIT_2026,
    groups_of,
)
from demo.scores import generate_scores, points
from scoring import permissions
from scoring.models import (
    AssessmentYear,
    Framework,
    Item,
    Method,
    Score,
    Sheet,
    SheetReplacement,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.permissions import Account
from scoring.services import year_states
from scoring.services.appraisal import appraise, request_explanation
from scoring.services.replacement import MapRow, replace_version
from scoring.services.results import recompute_group
from scoring.services.scores import ScoreChange
from scoring.services.self_assessment import add_evidence, save_self_assessment, submit_sheet
from units.models import Unit, UnitGroup

EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def build_year_in_progress(
    year: AssessmentYear,
    frameworks: dict[tuple[int, str], list[Item]],
    units: dict[str, Unit],
    users: dict[str, Account],
    groups: dict[str, UnitGroup],
    today: datetime.date,
) -> None:
    number = year.year
    opened = at(today - datetime.timedelta(days=60), 8)
    deadline = at(today - datetime.timedelta(days=10), 17)
    admin = users.get("admin")
    AssessmentYear.objects.filter(pk=year.pk).update(
        state=YearState.SELF_ASSESSMENT,
        self_assessment_deadline=deadline,
        appraisal_deadline=at(today + datetime.timedelta(days=20), 17),
    )
    year.refresh_from_db()
    record_transition(
        year,
        YearState.PREPARING,
        YearState.SELF_ASSESSMENT,
        f"Hạn tự đánh giá: {deadline:%H:%M %d/%m/%Y}.",
        opened,
        by=admin,
    )

    abbreviations = {code: abbr for _group, code, _name, abbr in all_units()}
    group_of = {code: group for group, code, _name, _abbr in all_units()}
    assessed = units_of(number, units)
    sheets, pending = [], []
    for code, unit in assessed.items():
        rng = random.Random(f"cchc-demo-sheet:{number}:{code}")  # noqa: S311 - sample data
        submitted = code not in DRAFTS_2026 and code != WORKFLOW_UNIT_2026
        sheet = Sheet(
            unit=unit,
            year=year,
            state=SheetState.SUBMITTED if submitted else SheetState.DRAFT,
            submitted_at=(
                deadline - datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 7))
                if submitted
                else None
            ),
            difficulties=rng.choice(DIFFICULTIES) if submitted and rng.random() < 0.5 else "",
            proposals=rng.choice(PROPOSALS) if submitted and rng.random() < 0.5 else "",
        )
        sheets.append(sheet)
        pending.append((code, sheet, rng, submitted))
    Sheet.objects.bulk_create(sheets)

    scores = []
    for code, sheet, rng, submitted in pending:
        items = frameworks[number, group_of[code]]
        generated = generate_scores(group_of[code], code, number, items)
        appraisal_codes = [i.code for i in items if i.is_scored and i.method == Method.APPRAISAL]
        claimed: set[str] | None
        appraised: set[str] | None
        if code == WORKFLOW_UNIT_2026:
            claimed, appraised = set(), set()  # the unit claims through the workflow below
        elif not submitted:
            claimed, appraised = set(appraisal_codes[: len(appraisal_codes) * 3 // 5]), set()
        elif code == APPRAISED_UNIT_2026:
            claimed, appraised = None, set()  # appraised through the services below
        else:
            progress = rng.choice(("done", "done", "halfway", "not_started"))
            claimed = None
            appraised = {"done": None, "halfway": {"1", "2", "3"}, "not_started": set()}[progress]
        scores += score_rows(
            sheet,
            items,
            generated,
            rng,
            abbreviations[code],
            number,
            appraised_domains=appraised,
            claimed=claimed,
        )
    Score.objects.bulk_create(scores, batch_size=2000)

    before_deadline = deadline - datetime.timedelta(days=3)
    by_code = {code: sheet for code, sheet, _rng, _submitted in pending}
    _self_assess_and_submit(
        by_code[WORKFLOW_UNIT_2026],
        frameworks[number, group_of[WORKFLOW_UNIT_2026]],
        users,
        before_deadline,
    )
    _save_part_of_a_draft(by_code[DRAFTS_2026[0]], before_deadline - datetime.timedelta(days=9))
    _replace_framework(year, groups, users, deadline)
    year_states.start_appraisal(year, user=admin)
    record_dates = list(year.transitions.order_by("-id").values_list("pk", flat=True)[:1])
    year.transitions.filter(pk__in=record_dates).update(
        at=deadline + datetime.timedelta(days=1, hours=-9)
    )
    _appraise(by_code[APPRAISED_UNIT_2026], users)
    for group_code in groups_of(number):
        recompute_group(year, groups[group_code])


def _replace_framework(
    year: AssessmentYear,
    groups: dict[str, UnitGroup],
    users: dict[str, Account],
    deadline: datetime.datetime,
) -> None:
    """October: the sector units' framework is issued again (REPLACED_2026) through the service;
    their submitted sheets go back to draft, and each unit enters the new items and the points
    that no longer fitted and submits again three days later."""
    spec = REPLACED_2026
    when = deadline - datetime.timedelta(days=spec.days_before_deadline)
    summary = replace_version(
        year,
        groups[spec.group],
        replacement_rows(year.year),
        [MapRow(old, new, row=n) for n, (old, new) in enumerate(spec.map, start=2)],
        decision=spec.decision,
        issued_on=when.date(),
        reason=spec.reason,
        user=users.get("admin"),
        now=when,
    )
    framework = summary.framework
    YearTransition.objects.filter(pk=year.transitions.order_by("-id").values("pk")[:1]).update(
        at=when
    )
    SheetReplacement.objects.filter(new_framework=framework).update(at=when)
    Framework.versions.filter(pk=framework.pk).update(issued_on=when.date())
    items = [i for i in Item.objects.filter(framework=framework) if i.is_scored]
    for record in SheetReplacement.objects.filter(
        new_framework=framework, sent_back=True
    ).select_related("sheet__unit"):
        sheet = record.sheet
        rng = random.Random(f"cchc-demo-reentry:{sheet.unit.code}")  # noqa: S311 - sample data
        scores = {s.item_id: s for s in Score.objects.filter(sheet=sheet).select_related("item")}
        appraised = {
            s.item.domain_code
            for s in scores.values()
            if s.points is not None and s.item.method == Method.APPRAISAL
        }
        for item in items:
            if item.method != Method.APPRAISAL:
                continue
            score = scores.get(item.id) or Score(sheet=sheet, item=item)
            if score.self_points is not None or score.not_applicable:
                continue
            share = Decimal(rng.choice(("1", "1", "0.75", "0.5")))
            score.self_points = (item.max_points * share).quantize(Decimal("0.01"))
            if item.domain_code in appraised:
                score.points = score.self_points
            score._change_reason = "form"  # type: ignore[attr-defined]
            score.save()
        Sheet.objects.filter(pk=sheet.pk).update(
            state=SheetState.SUBMITTED, submitted_at=when + datetime.timedelta(days=3)
        )


def _self_assess_and_submit(
    sheet: Sheet, items: list[Item], users: dict[str, Account], now: datetime.datetime
) -> None:
    """The ward's own self-assessment through the workflow: claims, evidence, submission."""
    staff, leader = users.get("canbo.tamky"), users.get("lanhdao.tamky")
    generated = generate_scores("XA", sheet.unit.code, sheet.year.year, items)
    rng = random.Random(f"cchc-demo-workflow:{sheet.unit.code}")  # noqa: S311 - sample data
    changes = []
    for item in items:
        if not item.is_scored or item.method != Method.APPRAISAL:
            continue
        claim = generated.self_points.get(item.code)
        if item.code in generated.points and generated.points[item.code] is None:
            changes.append(ScoreChange(item.code, not_applicable=True))
        elif item.rule:
            # A rule item: the ward enters the measured value; the rule gives the points.
            value = rule_value(item, points(claim) or Decimal(0), rng)
            changes.append(ScoreChange(item.code, self_value=value))
        else:
            changes.append(ScoreChange(item.code, self_points=points(claim)))
    sheet = save_self_assessment(
        sheet,
        changes,
        user=staff,
        difficulties=DIFFICULTIES[1],
        proposals=PROPOSALS[1],
        now=now - datetime.timedelta(days=2),
    )
    for item in items:
        if item.evidence_required and item.method == Method.APPRAISAL:
            upload = SimpleUploadedFile(
                f"Tai lieu kiem chung {item.code}.pdf", EVIDENCE_PDF, "application/pdf"
            )
            add_evidence(sheet, item.code, upload, user=staff, now=now)
    submit_sheet(sheet, user=leader or staff, now=now)


def _save_part_of_a_draft(sheet: Sheet, now: datetime.datetime) -> None:
    """A commune that saved part of its claims and never submitted (past the deadline now)."""
    scores = list(
        Score.objects.filter(sheet=sheet, self_points__isnull=False, item__method=Method.APPRAISAL)
        .select_related("item")
        .order_by("item__sort_key")[:3]
    )
    changes = [
        ScoreChange(s.item.code, note="Đang tổng hợp tài liệu kiểm chứng, sẽ cập nhật.")
        for s in scores
    ]
    save_self_assessment(sheet, changes, now=now)


def _appraise(sheet: Sheet, users: dict[str, Account]) -> None:
    """An appraiser appraises a few items of Sở Tư pháp and asks it to explain one."""
    appraiser = users.get("thamdinh")
    if appraiser is None:
        return  # the login was taken by a real user: no history in its name
    claims = dict(
        Score.objects.filter(sheet=sheet, item__code__in=list(APPRAISALS_2026)).values_list(
            "item__code", "self_points"
        )
    )
    changes = []
    for number, (code, (value, reason)) in enumerate(APPRAISALS_2026.items()):
        granted = Decimal(value)
        claim = claims.get(code)
        if not reason and claim is not None and granted != claim:
            reason = REASON_HIGHER if granted > claim else REASONS_LOWER[number]
        changes.append(ScoreChange(code, points=granted, reason=reason))
    for code, (value, reason) in APPRAISED_VALUES_2026.items():
        # A rule item: the appraisers correct the measured value, with the reason.
        changes.append(ScoreChange(code, value=Decimal(value), reason=reason))
    domains = permissions.appraised_domains(appraiser, sheet)
    sheet = appraise(sheet, changes, user=appraiser, domains=domains)
    item_code, question = EXPLANATION_2026
    request_explanation(sheet, item_code, question, user=appraiser, domains=domains)
