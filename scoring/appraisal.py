"""The appraisers' side of the workflow: appraisal points, reasons and explanation rounds.

Appraisal is open while the year is in its appraisal state, whatever the sheet's state: a unit
that did not submit by the deadline is appraised on its sheet as it stands (the council has to
score every unit). Appraisers set the points that count and a reason on the appraisal items of
the domains their membership lists (`permissions.appraised_domains`), never on their own unit;
they never touch the unit's claim (self points, note, not applicable). Where the appraised
points differ from the claim, a reason is required.

An appraiser may ask the unit to explain an item (`request_explanation`); the unit answers with
text and files (`answer_explanation`); the appraiser then appraises again (the second round, kept
in the score's history) and closes the request (`close_explanation`).

Who may act comes from `scoring.permissions`; these functions also refuse a user outside the
item's domains, so that no page or command can get round it. Score writes go through
`services.apply_score_changes` (history with source, optimistic locking, results recomputed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import evidence, notifications, permissions, services, workflow
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Item,
    Method,
    Score,
    Sheet,
    YearState,
)
from scoring.services import UNSET, ScoreChange, ServiceError, StaleSheetError

MAX_ANSWER_FILES = 10


def _prefix(code: str) -> str:
    return _("Tiêu chí %(code)s: ") % {"code": code}


def _shown(points: Decimal | None) -> str:
    return "–" if points is None else number_format(points, 2)


def appraisal_closed_reason(year: AssessmentYear) -> str | None:
    """Why appraisal (points, explanations) is closed for the year, or None when it is open."""
    if year.state == YearState.PUBLISHED:
        return _("Năm %(year)s đã công bố kết quả: không thể thay đổi (cần mở lại năm trước).") % {
            "year": year.year
        }
    if year.state != YearState.APPRAISAL:
        return _("Năm %(year)s chưa đến giai đoạn thẩm định.") % {"year": year.year}
    return None


def ensure_appraisal_open(year: AssessmentYear) -> None:
    reason = appraisal_closed_reason(year)
    if reason:
        raise ServiceError(reason)


def ensure_may_appraise(user, sheet: Sheet) -> None:
    """Refuse anyone who may not appraise this sheet (a unit's own appraisers included)."""
    if user is None or not user.has_perm("scoring.appraise_sheet", sheet):
        raise ServiceError(
            _("Bạn không được thẩm định phiếu của %(unit)s.") % {"unit": sheet.unit.name}
        )


def _appraisal_item(sheet: Sheet, code: str, user) -> Item:
    """The sheet's appraisal item `code`, if the user appraises its domain; ServiceError if not."""
    framework = services.framework_for(sheet.unit, sheet.year)
    item = framework.items.filter(code=code, is_scored=True).first()
    if item is None:
        raise ServiceError(
            _prefix(code) + _("không có (hoặc không được chấm) trong bộ chỉ số của phiếu này.")
        )
    if item.method != Method.APPRAISAL:
        raise ServiceError(_prefix(code) + _("chấm bằng điều tra XHH, không thẩm định."))
    domains = permissions.appraised_domains(user, sheet)
    if domains is not None and item.domain_code not in domains:
        raise ServiceError(_prefix(code) + _("không thuộc lĩnh vực bạn được giao thẩm định."))
    return item


# --------------------------------------------------------------------------- appraisal


@transaction.atomic
def appraise(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user,
    expected_version: int | None = None,
    source: str = "form",
) -> Sheet:
    """Set appraisal points and reasons on a sheet, all or nothing; results follow.

    Each change may carry `points` and `reason` only. Changes that alter nothing are dropped
    (no history, no version bump when nothing is left). Refused, with every problem listed:
    outside the appraisal state; a stale `expected_version` (`StaleSheetError`); a change of
    the unit's claim; a survey item; an item outside the user's domains (or on their own unit);
    appraised points that differ from the self points without a reason; points above the
    maximum or on an item marked not applicable.
    """
    sheet = workflow.lock_sheet(sheet)
    ensure_appraisal_open(sheet.year)
    ensure_may_appraise(user, sheet)
    if expected_version is not None and sheet.version != expected_version:
        raise StaleSheetError(sheet)
    framework = services.framework_for(sheet.unit, sheet.year)
    items = {item.code: item for item in framework.items.all()}
    current = {score.item.code: score for score in sheet.scores.select_related("item")}
    domains = permissions.appraised_domains(user, sheet)
    problems: list[str] = []
    effective: list[ScoreChange] = []
    for change in changes:
        code = change.item_code
        if any(
            getattr(change, name) is not UNSET for name in ("self_points", "not_applicable", "note")
        ):
            problems.append(
                _prefix(code)
                + _(
                    "thẩm định viên không được sửa điểm tự đánh giá, ghi chú hay lựa chọn “không áp dụng” của đơn vị."
                )
            )
            continue
        item = items.get(code)
        if item is None or not item.is_scored:
            problems.append(
                _prefix(code) + _("không có (hoặc không được chấm) trong bộ chỉ số của phiếu này.")
            )
            continue
        if item.method != Method.APPRAISAL:
            problems.append(_prefix(code) + _("chấm bằng điều tra XHH: nhập ở trang điều tra XHH."))
            continue
        score = current.get(code)
        old_points = score.points if score else None
        old_reason = score.reason if score else ""
        points = old_points if change.points is UNSET else change.points
        reason = old_reason if change.reason is UNSET else (change.reason or "").strip()
        if points == old_points and reason == old_reason:
            continue
        if domains is not None and item.domain_code not in domains:
            problems.append(_prefix(code) + _("không thuộc lĩnh vực bạn được giao thẩm định."))
            continue
        self_points = score.self_points if score else None
        if points is not None and points != self_points and not reason:
            if self_points is None:
                message = _(
                    "đơn vị không tự chấm tiêu chí này: cần ghi lý do cho điểm thẩm định %(points)s."
                )
            else:
                message = _(
                    "điểm thẩm định %(points)s khác điểm tự đánh giá %(self)s: cần ghi lý do thẩm định."
                )
            problems.append(
                _prefix(code) + message % {"points": _shown(points), "self": _shown(self_points)}
            )
        effective.append(ScoreChange(code, points=points, reason=reason, row=change.row))
    problems += services.validate_score_changes(
        items, current, effective, lambda change: _prefix(change.item_code)
    )
    if problems:
        raise ServiceError(problems)
    if not effective:
        return sheet
    return services.apply_score_changes(
        sheet,
        effective,
        user=user,
        source=source,
        expected_version=sheet.version,
        where=lambda change: _prefix(change.item_code),
    )


# --------------------------------------------------------------------------- explanations


@transaction.atomic
def request_explanation(sheet: Sheet, item_code: str, question: str, *, user) -> ExplanationRequest:
    """Ask the unit to explain its claim on one appraisal item; the unit is emailed.

    The request's round is one more than the item's earlier requests. Refused outside the
    appraisal state, outside the user's domains, without a question, or while an earlier
    request on the item still waits for its answer.
    """
    sheet = workflow.lock_sheet(sheet)
    ensure_appraisal_open(sheet.year)
    ensure_may_appraise(user, sheet)
    item = _appraisal_item(sheet, item_code, user)
    question = (question or "").strip()
    if not question:
        raise ServiceError(_prefix(item.code) + _("cần ghi nội dung yêu cầu giải trình."))
    score = Score.objects.filter(sheet=sheet, item=item).first()
    if score is None:
        score = Score(sheet=sheet, item=item, updated_by=user)
        score._change_reason = "form"
        score._history_user = user
        score.save()
    earlier = list(score.explanations.all())
    if any(e.state == ExplanationState.OPEN for e in earlier):
        raise ServiceError(_prefix(item.code) + _("đang có yêu cầu giải trình chờ đơn vị trả lời."))
    explanation = ExplanationRequest(
        score=score, round=len(earlier) + 1, question=question, requested_by=user
    )
    explanation._history_user = user
    explanation.save()
    notifications.on_commit(notifications.notify_explanation_requested, explanation)
    return explanation


def explanation_closed_reason(explanation: ExplanationRequest) -> str | None:
    """Why the unit cannot answer this request now, or None when it can."""
    reason = appraisal_closed_reason(explanation.score.sheet.year)
    if reason:
        return reason
    if explanation.state != ExplanationState.OPEN:
        return _("Yêu cầu giải trình này đã được trả lời hoặc đã xử lý xong.")
    return None


def _locked_explanation(explanation: ExplanationRequest) -> ExplanationRequest:
    workflow.lock_sheet(explanation.score.sheet)
    return (
        ExplanationRequest.objects.select_for_update(of=("self",))
        .select_related("score__sheet__year", "score__sheet__unit", "score__item")
        .get(pk=explanation.pk)
    )


@transaction.atomic
def answer_explanation(
    explanation: ExplanationRequest, answer: str, files: Sequence = (), *, user
) -> ExplanationRequest:
    """The unit's answer to a request: text (required) and evidence files, all or nothing.

    Files are checked like the self-assessment's evidence (`evidence.check_evidence_file`) and
    stored against the score and this request. The appraiser who asked is emailed.
    """
    explanation = _locked_explanation(explanation)
    reason = explanation_closed_reason(explanation)
    if reason:
        raise ServiceError(reason)
    if user is None or not permissions.may(
        user, "scoring.answer_explanation", explanation.score.sheet
    ):
        raise ServiceError(_("Chỉ cán bộ, lãnh đạo của đơn vị được trả lời yêu cầu giải trình."))
    answer = (answer or "").strip()
    problems = []
    if not answer:
        problems.append(_("Cần ghi nội dung giải trình."))
    if len(files) > MAX_ANSWER_FILES:
        problems.append(
            _("Tối đa %(count)s tệp cho một lần giải trình.") % {"count": MAX_ANSWER_FILES}
        )
    for upload in files:
        try:
            evidence.check_evidence_file(upload)
        except ServiceError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ServiceError(problems)
    for upload in files:
        evidence.store_evidence_file(explanation.score, upload, user=user, explanation=explanation)
    explanation.answer = answer
    explanation.answered_by = user
    explanation.answered_at = timezone.now()
    explanation.state = ExplanationState.ANSWERED
    explanation._history_user = user
    explanation.save()
    notifications.on_commit(notifications.notify_explanation_answered, explanation)
    return explanation


@transaction.atomic
def close_explanation(explanation: ExplanationRequest, *, user) -> ExplanationRequest:
    """Mark a request settled (after the unit's answer, or when it is no longer needed)."""
    explanation = _locked_explanation(explanation)
    sheet = explanation.score.sheet
    ensure_appraisal_open(sheet.year)
    ensure_may_appraise(user, sheet)
    _appraisal_item(sheet, explanation.score.item.code, user)
    if explanation.state == ExplanationState.CLOSED:
        raise ServiceError(_("Yêu cầu giải trình này đã được xử lý xong."))
    explanation.state = ExplanationState.CLOSED
    explanation._history_user = user
    explanation.save()
    return explanation


# --------------------------------------------------------------------------- reading


@dataclass
class AppraisalRow:
    """One scored item as the appraisal page shows it."""

    item: Item
    score: Score | None
    editable: bool
    evidence: list[Evidence] = field(default_factory=list)
    explanations: list[ExplanationRequest] = field(default_factory=list)
    fields: dict | None = None  # the page's bound form fields, set by the view

    @property
    def differs(self) -> bool:
        return (
            self.score is not None
            and self.score.points is not None
            and self.score.points != self.score.self_points
        )

    @property
    def open_explanation(self) -> ExplanationRequest | None:
        return next((e for e in self.explanations if e.state == ExplanationState.OPEN), None)


@dataclass
class AppraisalDomain:
    item: Item
    rows: list[AppraisalRow]


def appraisal_sheet(sheet: Sheet, user) -> list[AppraisalDomain]:
    """The appraisal page's rows by domain, in a fixed number of queries.

    Survey items are left out (they are entered on the survey page). `editable` says whether
    the user may appraise the item now (state, permission and domain).
    """
    framework = services.framework_for(sheet.unit, sheet.year)
    items = list(framework.items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    documents: dict[int, list[Evidence]] = defaultdict(list)
    explanations: dict[int, list[ExplanationRequest]] = defaultdict(list)
    if sheet.pk:
        for doc in Evidence.objects.filter(score__sheet=sheet, explanation__isnull=True):
            documents[doc.score_id].append(doc)
        answers: dict[int, list[Evidence]] = defaultdict(list)
        for doc in Evidence.objects.filter(score__sheet=sheet, explanation__isnull=False):
            answers[doc.explanation_id].append(doc)
        for request in ExplanationRequest.objects.filter(score__sheet=sheet).select_related(
            "requested_by", "answered_by"
        ):
            request.attachments = answers[request.pk]
            explanations[request.score_id].append(request)
    is_open = appraisal_closed_reason(sheet.year) is None
    may_appraise = is_open and user.has_perm("scoring.appraise_sheet", sheet)
    domains = permissions.appraised_domains(user, sheet) if may_appraise else set()
    result: list[AppraisalDomain] = []
    for item in items:
        if item.parent_id is None:
            result.append(AppraisalDomain(item, []))
        if not item.is_scored or item.method != Method.APPRAISAL or not result:
            continue
        score = scores.get(item.id)
        result[-1].rows.append(
            AppraisalRow(
                item=item,
                score=score,
                editable=may_appraise and (domains is None or item.domain_code in domains),
                evidence=documents[score.id] if score else [],
                explanations=explanations[score.id] if score else [],
            )
        )
    return [domain for domain in result if domain.rows]


def sheet_explanations(sheet: Sheet) -> list[ExplanationRequest]:
    """Every explanation request on a sheet, by item and round (for the unit's sheet page)."""
    if sheet.pk is None:
        return []
    return list(
        ExplanationRequest.objects.filter(score__sheet=sheet)
        .select_related("score__item")
        .order_by("score__item__sort_key", "round")
    )
