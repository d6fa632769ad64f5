"""The appraisers' side of the workflow: appraisal points, reasons and explanation rounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    ExplanationRequest,
    ExplanationState,
    Item,
    Method,
    Score,
    Sheet,
    YearState,
)
from scoring.permissions import Account
from scoring.services import evidence, notifications
from scoring.services.errors import ServiceError, published_refusal
from scoring.services.scores import (
    UNSET,
    Prepare,
    ScoreChange,
    Unset,
    apply_score_changes,
    attribute,
    framework_for,
    lock_sheet,
)

#: The domains an appraiser may appraise on a sheet: their codes, or None for every domain
#: (`permissions.appraised_domains`, decided by the caller before calling a service).
Domains = set[str] | frozenset[str] | None

MAX_ANSWER_FILES = 10


def _prefix(code: str) -> str:
    return _("Tiêu chí %(code)s: ") % {"code": code}


def _shown(points: Decimal | None) -> str:
    """Points or a value in a message, as entered: two decimals, three where a year of three has
    a third."""
    if points is None:
        return "–"
    return number_format(points, 2 if points == points.quantize(calc.CENT) else 3)


def appraisal_closed_reason(year: AssessmentYear) -> str | None:
    """Why appraisal (points, explanations) is closed for the year, or None when it is open."""
    refusal = published_refusal(year)
    if refusal:
        return refusal
    if year.state != YearState.APPRAISAL:
        return _("Năm %(year)s chưa đến giai đoạn thẩm định.") % {"year": year.year}
    return None


def ensure_appraisal_open(year: AssessmentYear) -> None:
    reason = appraisal_closed_reason(year)
    if reason:
        raise ServiceError(reason)


def _appraisal_item(sheet: Sheet, code: str, domains: Domains) -> Item:
    """The sheet's appraisal item `code`, if it is in `domains`; ServiceError if not."""
    framework = framework_for(sheet.unit, sheet.year)
    item = framework.items.filter(code=code, is_scored=True).first()
    if item is None:
        raise ServiceError(
            _prefix(code) + _("không có (hoặc không được chấm) trong bộ chỉ số của phiếu này.")
        )
    if item.method != Method.APPRAISAL:
        raise ServiceError(_prefix(code) + _("chấm bằng điều tra xã hội học, không thẩm định."))
    if domains is not None and item.domain_code not in domains:
        raise ServiceError(_prefix(code) + _("không thuộc lĩnh vực bạn được giao thẩm định."))
    return item


def _appraisal_changes(domains: Domains) -> Prepare:
    """The appraisers' rules on a change (`scores.Prepare`): points and reasons only, on the
    appraisal items of `domains`, a reason where the points differ from the claim. A change
    that alters nothing is dropped."""

    def prepare(
        items: Mapping[str, Item], current: Mapping[str, Score], changes: Sequence[ScoreChange]
    ) -> tuple[list[ScoreChange], list[str]]:
        problems: list[str] = []
        effective: list[ScoreChange] = []
        for change in changes:
            code = change.item_code
            if any(
                getattr(change, name) is not UNSET
                for name in ("self_points", "self_value", "not_applicable", "note")
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
                    _prefix(code)
                    + _("không có (hoặc không được chấm) trong bộ chỉ số của phiếu này.")
                )
                continue
            if item.method == Method.SURVEY:
                problems.append(
                    _prefix(code)
                    + _("chấm bằng điều tra xã hội học: nhập ở trang điểm điều tra xã hội học.")
                )
                continue
            score = current.get(code)
            old_reason = score.reason if score else ""
            if item.rule and isinstance(change.points, Decimal):
                problems.append(
                    _prefix(code)
                    + _("chấm theo quy tắc: nhập giá trị đo, điểm tự tính theo quy tắc.")
                )
                continue
            if item.rule:
                # A rule item is appraised by its value (the points follow from the rule).
                old_points = score.value if score else None
                points = old_points if isinstance(change.value, Unset) else change.value
            else:
                old_points = score.points if score else None
                points = old_points if isinstance(change.points, Unset) else change.points
            reason = old_reason if isinstance(change.reason, Unset) else (change.reason or "")
            reason = reason.strip()
            if points == old_points and reason == old_reason:
                continue
            if domains is not None and item.domain_code not in domains:
                problems.append(_prefix(code) + _("không thuộc lĩnh vực bạn được giao thẩm định."))
                continue
            self_points = (score.self_value if item.rule else score.self_points) if score else None
            if points is not None and points != self_points and not reason and item.rule:
                problems.append(
                    _prefix(code)
                    + _(
                        "giá trị thẩm định %(value)s khác giá trị đơn vị tự đánh giá: cần ghi lý do thẩm định."
                    )
                    % {"value": _shown(points)}
                )
            elif points is not None and points != self_points and not reason:
                if self_points is None:
                    message = _(
                        "đơn vị không tự đánh giá tiêu chí này: cần ghi lý do cho điểm thẩm định %(points)s."
                    )
                else:
                    message = _(
                        "điểm thẩm định %(points)s khác điểm tự đánh giá %(self)s: cần ghi lý do thẩm định."
                    )
                problems.append(
                    _prefix(code)
                    + message % {"points": _shown(points), "self": _shown(self_points)}
                )
            if item.rule:
                effective.append(ScoreChange(code, value=points, reason=reason, row=change.row))
            else:
                effective.append(ScoreChange(code, points=points, reason=reason, row=change.row))
        return effective, problems

    return prepare


def appraise(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user: Account | None,
    domains: Domains,
    expected_version: int | None = None,
    source: str = "form",
) -> Sheet:
    """Set appraisal points and reasons on a sheet, all or nothing; results follow.

    Each change may carry `points` and `reason` only, on items of `domains` (the caller's
    decision: `permissions.appraised_domains`). Changes that alter nothing are dropped (no
    history, no version bump when nothing is left). Refused, with every problem listed: outside
    the appraisal state; a stale `expected_version` (`StaleSheetError`); a change of the unit's
    claim; a survey item; an item outside `domains`; appraised points that differ from the self
    points without a reason; points above the maximum or on an item marked not applicable.
    """
    return apply_score_changes(
        sheet,
        changes,
        user=user,
        source=source,
        expected_version=expected_version,
        where=lambda change: _prefix(change.item_code),
        state_check=lambda locked: ensure_appraisal_open(locked.year),
        prepare=_appraisal_changes(domains),
        bump_unchanged=False,
    )


@transaction.atomic
def request_explanation(
    sheet: Sheet, item_code: str, question: str, *, user: Account | None, domains: Domains
) -> ExplanationRequest:
    """Ask the unit to explain its claim on one appraisal item; the unit is emailed.

    The request's round is one more than the item's earlier requests. Refused outside the
    appraisal state, outside `domains`, without a question, or while an earlier request on the
    item still waits for its answer.
    """
    sheet = lock_sheet(sheet)
    ensure_appraisal_open(sheet.year)
    item = _appraisal_item(sheet, item_code, domains)
    question = (question or "").strip()
    if not question:
        raise ServiceError(_prefix(item.code) + _("cần ghi nội dung yêu cầu giải trình."))
    score = Score.objects.filter(sheet=sheet, item=item).first()
    if score is None:
        score = Score(sheet=sheet, item=item, updated_by=user)
        attribute(score, user, "form")
        score.save()
    earlier = list(score.explanations.all())
    if any(e.state == ExplanationState.OPEN for e in earlier):
        raise ServiceError(_prefix(item.code) + _("đang có yêu cầu giải trình chờ đơn vị trả lời."))
    explanation = ExplanationRequest(
        score=score, round=len(earlier) + 1, question=question, requested_by=user
    )
    attribute(explanation, user)
    explanation.save()
    notifications.notify_explanation_requested(explanation)
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
    lock_sheet(explanation.score.sheet)
    return (
        ExplanationRequest.objects.select_for_update(of=("self",))
        .select_related("score__sheet__year", "score__sheet__unit", "score__item")
        .get(pk=explanation.pk)
    )


@transaction.atomic
def answer_explanation(
    explanation: ExplanationRequest,
    answer: str,
    files: Sequence[UploadedFile[bytes]] = (),
    *,
    user: Account | None,
) -> ExplanationRequest:
    """The unit's answer to a request: text (required) and evidence files, all or nothing.

    Files are checked like the self-assessment's evidence (`evidence.check_evidence_file`) and
    stored against the score and this request. The appraiser who asked is emailed.
    """
    explanation = _locked_explanation(explanation)
    reason = explanation_closed_reason(explanation)
    if reason:
        raise ServiceError(reason)
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
    attribute(explanation, user)
    explanation.save()
    notifications.notify_explanation_answered(explanation)
    return explanation


@transaction.atomic
def close_explanation(
    explanation: ExplanationRequest, *, user: Account | None, domains: Domains
) -> ExplanationRequest:
    """Mark a request settled (after the unit's answer, or when it is no longer needed)."""
    explanation = _locked_explanation(explanation)
    sheet = explanation.score.sheet
    ensure_appraisal_open(sheet.year)
    _appraisal_item(sheet, explanation.score.item.code, domains)
    if explanation.state == ExplanationState.CLOSED:
        raise ServiceError(_("Yêu cầu giải trình này đã được xử lý xong."))
    explanation.state = ExplanationState.CLOSED
    attribute(explanation, user)
    explanation.save()
    return explanation
