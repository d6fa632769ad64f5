"""Checking previewed changes with the services' own rules, and applying them on confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from scoring import permissions
from scoring.exchange.roundtrip.layout import (
    APPRAISAL,
    BOOL,
    POINTS,
    SELF,
    SOURCE,
    SURVEY,
    VALUE,
    CellChange,
    CellValue,
    Preview,
    RoundTripError,
    Subject,
    canonical,
    cell_change,
    score_changes,
)
from scoring.models import AssessmentYear, Method, Score, Sheet
from scoring.permissions import Account
from scoring.services.appraisal import appraise
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.services.self_assessment import save_self_assessment
from scoring.services.survey import save_survey, survey_problems


class StaleUpload(RoundTripError):
    """The portal changed between the preview and the confirmation: nothing was saved."""

    def __init__(self):
        super().__init__(
            _(
                "Phiếu đã được cập nhật sau khi bạn xem trước; không có gì được lưu. "
                "Hãy tải tệp lên lại để xem trước với các giá trị mới."
            )
        )


class _DryRun(Exception):
    pass


def check_with_services(preview: Preview, user: Account) -> None:
    """Check the changes with the service's own rules; its refusals become problems.

    A sheet's changes run through the real service in a transaction that is rolled back. The
    survey's many units are checked by the survey service's validation alone (writing a hundred
    units twice would not fit in a request).
    """
    if preview.subject.kind == SURVEY:
        # The same checks as survey.save_survey, without writing (see its docstring).
        problems = survey_problems(
            preview.subject.year,
            _survey_values(preview.changes),
            allowed_units=permissions.survey_units(user, preview.subject.year),
        )
        if problems:
            raise RoundTripError(problems)
        return
    try:
        with transaction.atomic():
            _apply(preview.subject, preview.changes, preview.version, user=user)
            raise _DryRun
    except _DryRun:
        return
    except ServiceError as error:
        raise RoundTripError(error.messages) from None


def changes_from_session(subject: Subject, stored: dict[str, Any]) -> list[CellChange]:
    """Rebuild the previewed cell changes (see `Preview.to_session`) against `subject`."""
    lines = {line.key: line for line in subject.lines}
    fields = {f.name: f for f in subject.layout.editable}
    changes = []
    for row, key, name, new, old in stored["changes"]:
        line, f = lines.get(key), fields.get(name)
        if line is None or f is None:
            raise StaleUpload
        changes.append(
            cell_change(
                row,
                line,
                f,
                _from_canonical(f.kind, old),
                _from_canonical(f.kind, new),
                subject.year,
            )
        )
    return changes


def _from_canonical(kind: str, text: str) -> CellValue:
    if kind in (POINTS, VALUE):
        return Decimal(text) if text else None
    if kind == BOOL:
        return text == "1"
    return text


def apply_upload(subject: Subject, stored: dict[str, Any], *, user: Account) -> int:
    """Apply a confirmed preview, all or nothing; the number of cells changed.

    Refused (`StaleUpload`) when the sheet's version is no longer the one previewed (or, for
    the survey, when a previewed old value changed); history records the source "upload".
    """
    if stored.get("kind") != subject.kind:
        raise StaleUpload
    changes = changes_from_session(subject, stored)
    if not changes:
        return 0
    try:
        _apply(subject, changes, stored["version"], user=user)
    except StaleSheetError:
        raise StaleUpload from None
    except ServiceError as error:
        raise RoundTripError(error.messages) from None
    return len(changes)


def _apply(
    subject: Subject, changes: Sequence[CellChange], version: int, *, user: Account
) -> Sheet | int:
    changes_by_item = score_changes(changes)
    if subject.kind == SELF:
        return save_self_assessment(
            subject.unit_sheet, changes_by_item, user=user, expected_version=version, source=SOURCE
        )
    if subject.kind == APPRAISAL:
        return appraise(
            subject.unit_sheet,
            changes_by_item,
            user=user,
            domains=permissions.appraised_domains(user, subject.unit_sheet),
            expected_version=version,
            source=SOURCE,
        )
    return _apply_survey(subject.year, changes, user=user)


def _survey_values(changes: Sequence[CellChange]) -> dict[str, dict[str, Decimal | None]]:
    """Unit code → item code → new points, from a survey file's changes."""
    values: dict[str, dict[str, Decimal | None]] = {}
    for change in changes:
        # A survey file's one editable field is points (layout.SURVEY_POINTS).
        values.setdefault(change.unit_code, {})[change.item_code] = cast(Decimal | None, change.new)
    return values


@transaction.atomic
def _apply_survey(year: AssessmentYear, changes: Sequence[CellChange], *, user: Account) -> int:
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    current = {
        f"{unit}|{code}": points
        for unit, code, points in Score.objects.filter(
            sheet__year=year, item__method=Method.SURVEY, item__is_scored=True
        ).values_list("sheet__unit__code", "item__code", "points")
    }
    decimals = year.decimals
    if any(
        canonical(POINTS, current.get(c.key), decimals) != canonical(POINTS, c.old, decimals)
        for c in changes
    ):
        raise StaleUpload
    return save_survey(
        year,
        _survey_values(changes),
        user=user,
        allowed_units=permissions.survey_units(user, year),
        source=SOURCE,
    )
