"""The unit's side of the yearly workflow: self-assessment, submission, evidence and history.

Views, importers and commands call these; each write runs in one transaction on a locked sheet.
Who may act is checked by the caller (scoring/permissions.py); these functions enforce *when*:
the year's state, the sheet's state and the self-assessment deadline, refusing with Vietnamese
messages (`ServiceError`). Score writes go through `services.apply_score_changes`, so history,
optimistic locking and the recomputation of results stay in one place.

Part B (appraisal, explanations, survey, publication) builds on `lock_sheet`, `score_history`,
`check_evidence_file` and `store_evidence_file` (from scoring/evidence.py, re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import calculations as calc
from scoring import notifications, services
from scoring.evidence import check_evidence_file, store_evidence_file
from scoring.models import (
    AssessmentYear,
    Evidence,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.services import UNSET, ScoreChange, ServiceError, StaleSheetError
from units.models import Unit

__all__ = [
    "ScoreChange",
    "ServiceError",
    "StaleSheetError",
    "add_evidence",
    "check_evidence_file",
    "lock_sheet",
    "missing_for_submission",
    "remove_evidence",
    "save_self_assessment",
    "score_history",
    "self_assessment_lock_reason",
    "self_totals",
    "sheet_for",
    "store_evidence_file",
    "submit_refusal",
    "submit_sheet",
    "withdraw_refusal",
    "withdraw_sheet",
]

# Sources written into history_change_reason, and how the history page names them.
SOURCE_LABELS = {
    "form": gettext_lazy("Nhập trên phiếu"),
    "import": gettext_lazy("Nhập từ tệp"),
    "admin": gettext_lazy("Trang quản trị"),
    "command": gettext_lazy("Lệnh quản trị"),
    "upload": gettext_lazy("Tải lên tệp Excel"),
}


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y")


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


# --------------------------------------------------------------------------- sheets and states


def sheet_for(unit: Unit, year: AssessmentYear) -> Sheet:
    """The unit's sheet for the year; an unsaved one (version 0) if nobody has saved it yet.

    Reading a page never creates rows: the sheet is created by the first save or upload.
    """
    sheet = Sheet.objects.filter(unit=unit, year=year).select_related(
        "submitted_by"
    ).first() or Sheet(unit=unit, year=year)
    sheet.unit, sheet.year = unit, year
    return sheet


def lock_sheet(sheet: Sheet) -> Sheet:
    """Lock the sheet's row until the end of the transaction (creating the sheet if needed).

    Only the sheet's own row is locked (`of=("self",)`), not its unit's or year's.
    """
    if sheet.pk is None:
        sheet, _created = Sheet.objects.get_or_create(unit=sheet.unit, year=sheet.year)
    return (
        Sheet.objects.select_for_update(of=("self",))
        .select_related("unit", "year", "submitted_by")
        .get(pk=sheet.pk)
    )


def deadline_passed(year: AssessmentYear, now: datetime | None = None) -> bool:
    deadline = year.self_assessment_deadline
    return deadline is not None and _now(now) >= deadline


def self_assessment_lock_reason(sheet: Sheet, now: datetime | None = None) -> str | None:
    """Why the unit cannot change its self-assessment now, or None when it can.

    Open means: the year is in self-assessment, the sheet is a draft and the deadline (if any)
    has not passed.
    """
    year = sheet.year
    if year.state == YearState.PUBLISHED:
        return _("Năm %(year)s đã công bố kết quả: phiếu không thể thay đổi.") % {"year": year.year}
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


def _save_with_history(sheet: Sheet, user, reason: str, fields: Iterable[str]) -> None:
    sheet._change_reason = reason
    if user is not None:
        sheet._history_user = user
    sheet.save(update_fields=[*fields, "updated_at"])


# --------------------------------------------------------------------------- self-assessment


@transaction.atomic
def save_self_assessment(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user=None,
    expected_version: int | None = None,
    difficulties: str | None = None,
    proposals: str | None = None,
    source: str = "form",
    now: datetime | None = None,
) -> Sheet:
    """Save a unit's draft: self points, notes, not-applicable and the report texts, all or nothing.

    Refused when the self-assessment is closed (see `self_assessment_lock_reason`), when the
    sheet changed since `expected_version` (`StaleSheetError`, carrying the newer sheet), when a
    change touches the appraisal side (points, reason) or a survey item. Results follow in the
    same transaction. `difficulties`/`proposals` left as None are not touched.
    """
    sheet = lock_sheet(sheet)
    ensure_self_assessment_open(sheet, now)
    if expected_version is not None and sheet.version != expected_version:
        raise StaleSheetError(sheet)
    framework = services.framework_for(sheet.unit, sheet.year)
    methods = dict(framework.items.filter(is_scored=True).values_list("code", "method"))
    problems = []
    for change in changes:
        if change.points is not UNSET or change.reason is not UNSET:
            problems.append(
                _("Tiêu chí %(code)s: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định.")
                % {"code": change.item_code}
            )
        elif methods.get(change.item_code) == Method.SURVEY:
            problems.append(
                _("Tiêu chí %(code)s chấm bằng điều tra XHH: đơn vị không tự chấm.")
                % {"code": change.item_code}
            )
    if problems:
        raise ServiceError(problems)
    if changes:
        sheet = services.apply_score_changes(
            sheet,
            changes,
            user=user,
            source=source,
            expected_version=sheet.version,
            where=lambda change: _("Tiêu chí %(code)s: ") % {"code": change.item_code},
        )
    else:
        _bump_version(sheet)
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
    """Codes of appraisal items still without self points, and of those missing required evidence.

    `scores` maps item ids to scores; `evidence_counts` maps score ids to their evidence count.
    Items marked not applicable need neither.
    """
    no_points, no_evidence = [], []
    for item in items:
        if not item.is_scored or item.method != Method.APPRAISAL:
            continue
        score = scores.get(item.id)
        if score is not None and score.not_applicable:
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
def submit_sheet(sheet: Sheet, *, user=None, now: datetime | None = None) -> Sheet:
    """Submit a draft (the unit leader's approval): the sheet then locks for the unit.

    Refused after the deadline, outside the self-assessment, and while an appraisal item has no
    self points (nor not-applicable) or a required evidence document is missing.
    """
    sheet = lock_sheet(sheet)
    reason = submit_refusal(sheet, now)
    if reason:
        raise ServiceError(reason)
    items = list(services.framework_for(sheet.unit, sheet.year).items.filter(is_scored=True))
    scores = {score.item_id: score for score in sheet.scores.all()}
    evidence_counts: dict[int, int] = {}
    for score_id in Evidence.objects.filter(score__sheet=sheet).values_list("score_id", flat=True):
        evidence_counts[score_id] = evidence_counts.get(score_id, 0) + 1
    no_points, no_evidence = missing_for_submission(items, scores, evidence_counts)
    problems = []
    if no_points:
        problems.append(
            _("Chưa thể gửi: còn %(count)s tiêu chí chưa tự chấm điểm (%(codes)s).")
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
    notifications.on_commit(notifications.notify_sheet_submitted, sheet)
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
def withdraw_sheet(sheet: Sheet, *, user=None, now: datetime | None = None) -> Sheet:
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


# --------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class SelfTotals:
    """The unit's claimed points: overall and per domain (appraisal items only)."""

    earned: Decimal
    max_points: Decimal
    domains: Mapping[str, calc.NodeFigures]


def self_totals(
    items: Sequence[Item], values: Mapping[str, tuple[Decimal | None, bool]], rounding: str
) -> SelfTotals:
    """Totals of self points, through the same calculation as the official figures.

    `values` maps an item code to (self points, not applicable). Survey items are left out: the
    unit does not claim them.
    """
    specs = [
        spec
        for spec in services.item_specs(items)
        if not (spec.is_scored and spec.method == Method.SURVEY)
    ]
    figures = calc.compute_unit(
        specs,
        {code: calc.ScoreValue(points, na) for code, (points, na) in values.items()},
        rounding,
    )
    return SelfTotals(figures.appraisal, figures.appraisal_max, figures.nodes)


# --------------------------------------------------------------------------- evidence


@transaction.atomic
def add_evidence(
    sheet: Sheet, item_code: str, upload, *, user=None, now: datetime | None = None
) -> Evidence:
    """Attach an evidence document to one appraisal item of a draft sheet."""
    sheet = lock_sheet(sheet)
    ensure_self_assessment_open(sheet, now)
    framework = services.framework_for(sheet.unit, sheet.year)
    item = framework.items.filter(code=item_code, is_scored=True).first()
    if item is None:
        raise ServiceError(
            _("Tiêu chí “%(code)s” không có trong bộ chỉ số của phiếu này.") % {"code": item_code}
        )
    if item.method == Method.SURVEY:
        raise ServiceError(
            _("Tiêu chí %(code)s chấm bằng điều tra XHH: đơn vị không nộp tài liệu kiểm chứng.")
            % {"code": item.code}
        )
    score = Score.objects.filter(sheet=sheet, item=item).first()
    if score is None:
        score = Score(sheet=sheet, item=item, updated_by=user)
        score._change_reason = "form"
        if user is not None:
            score._history_user = user
        score.save()
    score.sheet = sheet
    return store_evidence_file(score, upload, user=user)


@transaction.atomic
def remove_evidence(document: Evidence, *, user=None, now: datetime | None = None) -> None:
    """Remove a self-assessment evidence document while the sheet is an open draft."""
    sheet = lock_sheet(document.score.sheet)
    ensure_self_assessment_open(sheet, now)
    if document.explanation_id is not None:
        raise ServiceError(_("Tài liệu này thuộc một giải trình: không xóa ở phiếu tự đánh giá."))
    name, storage = document.file.name, document.file.storage
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))


# --------------------------------------------------------------------------- history

# Score fields shown in history, with their kind (how the page formats the values).
HISTORY_FIELDS = (
    ("self_points", gettext_lazy("Điểm tự chấm"), "points", False),
    ("not_applicable", gettext_lazy("Không áp dụng"), "bool", False),
    ("note", gettext_lazy("Ghi chú của đơn vị"), "text", False),
    ("points", gettext_lazy("Điểm thẩm định"), "points", True),
    ("reason", gettext_lazy("Lý do thẩm định"), "text", True),
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    kind: str  # points, bool, text
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: str
    source: str
    source_label: str
    changes: list[FieldChange]


def score_history(
    sheet: Sheet, item: Item, *, include_appraisal: bool = True
) -> list[HistoryEntry]:
    """Every recorded change of one item's score on a sheet, newest first.

    Each entry says when, who, from which source (history_change_reason: form, import, admin,
    command) and which fields went from which old to which new value. With
    `include_appraisal=False` the appraisal side (points, reason) is left out.
    """
    if sheet.pk is None:
        return []
    records = (
        Score.history.filter(sheet_id=sheet.pk, item_id=item.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = [f for f in HISTORY_FIELDS if include_appraisal or not f[3]]
    entries, previous = [], None
    for record in records:
        if record.history_type == "-":
            continue
        changes = []
        for name, label, kind, _appraisal in fields:
            new = getattr(record, name)
            if previous is None:
                old = False if kind == "bool" else ("" if kind == "text" else None)
            else:
                old = getattr(previous, name)
            if old != new:
                changes.append(FieldChange(name, str(label), kind, old, new))
        previous = record
        if not changes:
            continue
        user = record.history_user
        source = record.history_change_reason or ""
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=(user.get_full_name() or user.get_username()) if user else "",
                source=source,
                source_label=str(SOURCE_LABELS.get(source, source)),
                changes=changes,
            )
        )
    entries.reverse()
    return entries
