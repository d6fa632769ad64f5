"""The unit's side of the yearly workflow: self-assessment, submission, evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Evidence,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.permissions import Account
from scoring.services import notifications
from scoring.services.errors import ServiceError, published_refusal
from scoring.services.evidence import Upload, check_evidence_file, store_evidence_file
from scoring.services.scores import (
    UNSET,
    ScoreChange,
    apply_score_changes,
    attribute,
    framework_for,
    lock_sheet,
    placed,
    survey_not_self_scored,
)


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y") if moment else "–"


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def deadline_passed(year: AssessmentYear, now: datetime | None = None) -> bool:
    deadline = year.self_assessment_deadline
    return deadline is not None and _now(now) >= deadline


def self_assessment_lock_reason(sheet: Sheet, now: datetime | None = None) -> str | None:
    """Why the unit cannot change its self-assessment now, or None when it can.

    Open means: the year is in self-assessment, the sheet is a draft and the deadline (if any)
    has not passed.
    """
    year = sheet.year
    refusal = published_refusal(year)
    if refusal:
        return refusal
    if year.state == YearState.PREPARING:
        return _("Năm %(year)s chưa mở tự đánh giá.") % {"year": year.year}
    if year.state == YearState.APPRAISAL:
        return _(
            "Năm %(year)s đã chuyển sang thẩm định: đơn vị không sửa phiếu tự đánh giá nữa."
        ) % {"year": year.year}
    if sheet.state == SheetState.SUBMITTED:
        submitted = _when(sheet.submitted_at) if sheet.submitted_at else "–"
        if deadline_passed(year, now):
            return _(
                "Phiếu đã gửi lúc %(at)s và đã hết hạn tự đánh giá (%(deadline)s): không thể rút lại để sửa."
            ) % {"at": submitted, "deadline": _when(year.self_assessment_deadline)}
        if year.self_assessment_deadline:
            return _(
                "Phiếu đã gửi lúc %(at)s nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa trước hạn %(deadline)s."
            ) % {"at": submitted, "deadline": _when(year.self_assessment_deadline)}
        return _("Phiếu đã gửi lúc %(at)s nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa.") % {
            "at": submitted
        }
    if deadline_passed(year, now):
        return _(
            "Đã hết hạn tự đánh giá (%(deadline)s): máy chủ không nhận thay đổi của đơn vị."
        ) % {"deadline": _when(year.self_assessment_deadline)}
    return None


def ensure_self_assessment_open(sheet: Sheet, now: datetime | None = None) -> None:
    reason = self_assessment_lock_reason(sheet, now)
    if reason:
        raise ServiceError(reason)


def _bump_version(sheet: Sheet) -> None:
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
    sheet.refresh_from_db(fields=["version"])


def _save_with_history(
    sheet: Sheet, user: Account | None, reason: str, fields: Iterable[str]
) -> None:
    attribute(sheet, user, reason)
    sheet.save(update_fields=[*fields, "updated_at"])


def _claims_only(
    items: Mapping[str, Item], current: Mapping[str, Score], changes: Sequence[ScoreChange]
) -> tuple[list[ScoreChange], list[str]]:
    """The unit changes its claim (self points, not applicable, note) on appraisal items only."""
    kept, problems = [], []
    for change in changes:
        item = items.get(change.item_code)
        if change.points is not UNSET or change.value is not UNSET or change.reason is not UNSET:
            problems.append(
                _("Tiêu chí %(code)s: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định.")
                % {"code": change.item_code}
            )
        elif item is not None and item.method == Method.SURVEY:
            problems.append(placed(None, survey_not_self_scored(item.code)))
        else:
            kept.append(change)
    return kept, problems


@transaction.atomic
def save_self_assessment(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user: Account | None = None,
    expected_version: int | None = None,
    difficulties: str | None = None,
    proposals: str | None = None,
    source: str = "form",
    now: datetime | None = None,
) -> Sheet:
    """Save a unit's draft: self points, notes, not-applicable and the report texts, all or nothing.

    Refused when the self-assessment is closed (see `self_assessment_lock_reason`), when the
    sheet changed since `expected_version` (`StaleSheetError`, carrying the newer sheet), when a
    change touches the appraisal side (points, reason) or a survey item. Only a change of "not
    applicable" moves the results (claims do not count). `difficulties`/`proposals` left as None
    are not touched.
    """
    sheet = apply_score_changes(
        sheet,
        changes,
        user=user,
        source=source,
        expected_version=expected_version,
        where=lambda change: _("Tiêu chí %(code)s: ") % {"code": change.item_code},
        state_check=lambda locked: ensure_self_assessment_open(locked, now),
        prepare=_claims_only,
    )
    texts = {}
    if difficulties is not None and difficulties != sheet.difficulties:
        texts["difficulties"] = difficulties
    if proposals is not None and proposals != sheet.proposals:
        texts["proposals"] = proposals
    if texts:
        for name, value in texts.items():
            setattr(sheet, name, value)
        _save_with_history(sheet, user, source, texts)
    return sheet


def missing_for_submission(
    items: Iterable[Item], scores: Mapping[int, Score], evidence_counts: Mapping[int, int]
) -> tuple[list[str], list[str]]:
    """Codes of appraisal items still without self points (a rule item: without a value), and
    of those missing required evidence.

    `scores` maps item ids to scores; `evidence_counts` maps score ids to their evidence count.
    Items marked not applicable need neither. A bonus or deduction item is claimed only when it
    applies: it never lacks points, and needs its required evidence only once points are claimed.
    """
    no_points, no_evidence = [], []
    for item in items:
        if not item.is_scored or item.method == Method.SURVEY:
            continue
        score = scores.get(item.id)
        if score is not None and score.not_applicable:
            continue
        if item.method in EXTRA_METHODS:
            if (
                item.evidence_required
                and score is not None
                and score.self_points
                and not evidence_counts.get(score.id)
            ):
                no_evidence.append(item.code)
            continue
        if score is None or score.self_points is None:
            no_points.append(item.code)
        if item.evidence_required and (score is None or not evidence_counts.get(score.id)):
            no_evidence.append(item.code)
    return no_points, no_evidence


def submit_refusal(sheet: Sheet, now: datetime | None = None) -> str | None:
    """Why the sheet cannot be submitted now (state and deadline only), or None."""
    if sheet.state == SheetState.SUBMITTED:
        return _("Phiếu đã được gửi rồi.")
    return self_assessment_lock_reason(sheet, now)


@transaction.atomic
def submit_sheet(
    sheet: Sheet, *, user: Account | None = None, now: datetime | None = None
) -> Sheet:
    """Submit a draft (the unit leader's approval): the sheet then locks for the unit.

    Refused after the deadline, outside the self-assessment, and while an appraisal item has no
    self points (nor not-applicable) or a required evidence document is missing.
    """
    sheet = lock_sheet(sheet)
    reason = submit_refusal(sheet, now)
    if reason:
        raise ServiceError(reason)
    items = list(framework_for(sheet.unit, sheet.year).items.filter(is_scored=True))
    scores = {score.item_id: score for score in sheet.scores.all()}
    evidence_counts: dict[int, int] = {}
    for score_id in Evidence.objects.filter(score__sheet=sheet).values_list("score_id", flat=True):
        evidence_counts[score_id] = evidence_counts.get(score_id, 0) + 1
    no_points, no_evidence = missing_for_submission(items, scores, evidence_counts)
    problems = []
    if no_points:
        problems.append(
            _("Chưa thể gửi: còn %(count)s tiêu chí chưa tự đánh giá (%(codes)s).")
            % {"count": len(no_points), "codes": ", ".join(no_points)}
        )
    if no_evidence:
        problems.append(
            _(
                "Chưa thể gửi: còn %(count)s tiêu chí thiếu tài liệu kiểm chứng bắt buộc (%(codes)s)."
            )
            % {"count": len(no_evidence), "codes": ", ".join(no_evidence)}
        )
    if problems:
        raise ServiceError(problems)
    sheet.state = SheetState.SUBMITTED
    sheet.submitted_at = _now(now)
    sheet.submitted_by = user
    _save_with_history(sheet, user, "submit", ["state", "submitted_at", "submitted_by"])
    _bump_version(sheet)
    notifications.notify_sheet_submitted(sheet)
    return sheet


def withdraw_refusal(sheet: Sheet, now: datetime | None = None) -> str | None:
    """Why a submitted sheet cannot be withdrawn now, or None."""
    year = sheet.year
    if year.state != YearState.SELF_ASSESSMENT:
        return _("Năm %(year)s không còn trong giai đoạn tự đánh giá: không thể rút phiếu.") % {
            "year": year.year
        }
    if sheet.state != SheetState.SUBMITTED:
        return _("Phiếu chưa gửi nên không có gì để rút.")
    if deadline_passed(year, now):
        return _("Đã hết hạn tự đánh giá (%(deadline)s): không thể rút phiếu.") % {
            "deadline": _when(year.self_assessment_deadline)
        }
    return None


@transaction.atomic
def withdraw_sheet(
    sheet: Sheet, *, user: Account | None = None, now: datetime | None = None
) -> Sheet:
    """Withdraw a submitted sheet to edit it again (before the deadline, during self-assessment).

    The submission stays in the sheet's history.
    """
    sheet = lock_sheet(sheet)
    reason = withdraw_refusal(sheet, now)
    if reason:
        raise ServiceError(reason)
    sheet.state = SheetState.DRAFT
    sheet.submitted_at = None
    sheet.submitted_by = None
    _save_with_history(sheet, user, "withdraw", ["state", "submitted_at", "submitted_by"])
    _bump_version(sheet)
    return sheet


@transaction.atomic
def add_evidence(
    sheet: Sheet,
    item_code: str,
    upload: Upload,
    *,
    user: Account | None = None,
    now: datetime | None = None,
) -> Evidence:
    """Attach an evidence document to one appraisal item of a draft sheet."""
    sheet = lock_sheet(sheet)
    ensure_self_assessment_open(sheet, now)
    framework = framework_for(sheet.unit, sheet.year)
    item = framework.items.filter(code=item_code, is_scored=True).first()
    if item is None:
        raise ServiceError(
            _("Tiêu chí “%(code)s” không có trong bộ chỉ số của phiếu này.") % {"code": item_code}
        )
    if item.method == Method.SURVEY:
        raise ServiceError(
            _(
                "Tiêu chí %(code)s chấm bằng điều tra xã hội học: đơn vị không nộp tài liệu kiểm chứng."
            )
            % {"code": item.code}
        )
    score = Score.objects.filter(sheet=sheet, item=item).first()
    if score is None:
        score = Score(sheet=sheet, item=item, updated_by=user)
        attribute(score, user, "form")
        score.save()
    score.sheet = sheet
    return store_evidence_file(score, upload, user=user)


def add_evidence_files(
    sheet: Sheet,
    item_code: str,
    uploads: Sequence[Upload],
    *,
    user: Account | None = None,
    now: datetime | None = None,
) -> list[Evidence]:
    """Attach several documents to one item at once: all of them, or none.

    Every file is checked before any is stored, so the refusal names each wrong file; a failure
    while storing removes the files already written.
    """
    problems = []
    for upload in uploads:
        try:
            check_evidence_file(upload)
        except ServiceError as error:
            problems.extend(error.messages)
    if problems:
        raise ServiceError(problems)
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            for upload in uploads:
                stored.append(add_evidence(sheet, item_code, upload, user=user, now=now))
    except Exception:
        for document in stored:
            document.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def remove_evidence(
    document: Evidence, *, user: Account | None = None, now: datetime | None = None
) -> None:
    """Remove a self-assessment evidence document while the sheet is an open draft."""
    sheet = lock_sheet(document.score.sheet)
    ensure_self_assessment_open(sheet, now)
    if document.explanation_id is not None:
        raise ServiceError(_("Tài liệu này thuộc một giải trình: không xóa ở phiếu tự đánh giá."))
    name, storage = document.file.name, document.file.storage
    document.delete()
    # The file goes only once the row is gone for good.
    if name:
        transaction.on_commit(lambda: storage.delete(name))
