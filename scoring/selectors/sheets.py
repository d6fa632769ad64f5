"""Reads shaped for the sheet pages: the unit's sheet, its history, the appraisal rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from django.db.models import Q
from django.forms import BoundField
from django.utils.translation import gettext_lazy

from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Framework,
    Item,
    Method,
    Score,
    Sheet,
)
from scoring.specs import item_specs
from units.models import Unit

# Sources written into history_change_reason, and how the history page names them.
SOURCE_LABELS = {
    "form": gettext_lazy("Nhập trên phiếu"),
    "import": gettext_lazy("Nhập từ tệp"),
    "admin": gettext_lazy("Trang quản trị"),
    "command": gettext_lazy("Lệnh quản trị"),
    "upload": gettext_lazy("Tải lên tệp Excel"),
    "framework_replaced": gettext_lazy("Thay bộ chỉ số"),
}


def sheet_for(unit: Unit, year: AssessmentYear) -> Sheet:
    """The unit's sheet for the year; an unsaved one (version 0) if nobody has saved it yet.

    Reading a page never creates rows: the sheet is created by the first save or upload.
    """
    sheet = Sheet.objects.filter(unit=unit, year=year).select_related(
        "submitted_by"
    ).first() or Sheet(unit=unit, year=year)
    sheet.unit, sheet.year = unit, year
    return sheet


@dataclass(frozen=True)
class SelfTotals:
    """The unit's claimed points: overall and per domain (appraisal items only)."""

    earned: Decimal
    max_points: Decimal
    domains: Mapping[str, calc.NodeFigures]
    index: Decimal  # earned ÷ applicable maximum, as a domain's (`calc.ratio_index`)


def self_totals(
    items: Sequence[Item],
    values: Mapping[str, tuple[Decimal | None, bool]],
    rounding: str,
    decimals: int = 2,
) -> SelfTotals:
    """Totals of self points, through the same calculation as the official figures.

    `values` maps an item code to (self points, not applicable). Survey items are left out: the
    unit does not claim them.
    """
    specs = [
        spec for spec in item_specs(items) if not (spec.is_scored and spec.method == Method.SURVEY)
    ]
    figures = calc.compute_unit(
        specs,
        {code: calc.ScoreValue(points, na) for code, (points, na) in values.items()},
        rounding,
        decimals=decimals,
    )
    return SelfTotals(
        figures.appraisal,
        figures.appraisal_max,
        figures.nodes,
        calc.ratio_index(figures.appraisal, figures.appraisal_max, rounding, decimals),
    )


# Score fields shown in history, with their kind (how the page formats the values).
HISTORY_FIELDS = (
    ("self_value", gettext_lazy("Giá trị tự đánh giá"), "value", False),
    ("self_points", gettext_lazy("Điểm tự đánh giá"), "points", False),
    ("not_applicable", gettext_lazy("Không áp dụng"), "bool", False),
    ("note", gettext_lazy("Ghi chú của đơn vị"), "text", False),
    ("value", gettext_lazy("Giá trị thẩm định"), "value", True),
    ("points", gettext_lazy("Điểm thẩm định"), "points", True),
    ("reason", gettext_lazy("Lý do thẩm định"), "text", True),
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    kind: str  # points, value (a rule item's measured value), bool, text
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
    # A score carried over from a replaced version keeps its row: its history under the old
    # item is this item's history too.
    carried = Score.objects.filter(sheet=sheet, item=item).values_list("pk", flat=True)
    records = (
        Score.history.filter(Q(item_id=item.pk) | Q(id__in=list(carried)), sheet_id=sheet.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = [f for f in HISTORY_FIELDS if include_appraisal or not f[3]]
    records = list(records)
    item_ids = {record.item_id for record in records}
    labels = {
        pk: gettext_lazy("%(code)s (phiên bản %(version)s)") % {"code": code, "version": version}
        for pk, code, version in Item.all_versions.filter(pk__in=item_ids).values_list(
            "pk", "code", "framework__version"
        )
    }
    entries, previous = [], None
    for record in records:
        if record.history_type == "-":
            continue
        changes = []
        if previous is not None and previous.item_id != record.item_id:
            changes.append(
                FieldChange(
                    "item",
                    str(gettext_lazy("Tiêu chí")),
                    "text",
                    str(labels.get(previous.item_id, "")),
                    str(labels.get(record.item_id, "")),
                )
            )
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


class AppraisalFields(TypedDict):
    """An appraisal row's inputs on the page (`forms.appraisal.AppraisalForm.fields_for`)."""

    points: BoundField | None  # an item whose points are entered
    value: BoundField | None  # an item scored by rule: the measured value
    reason: BoundField


@dataclass
class AppraisalRow:
    """One scored item as the appraisal page shows it."""

    item: Item
    score: Score | None
    editable: bool
    evidence: list[Evidence] = field(default_factory=list)
    explanations: list[ExplanationRequest] = field(default_factory=list)
    fields: AppraisalFields | None = None  # the page's bound form fields, set by the view

    @property
    def differs(self) -> bool:
        return (
            self.score is not None
            and self.score.points is not None
            and (
                self.score.points != self.score.self_points
                or (bool(self.item.rule) and self.score.value != self.score.self_value)
            )
        )

    @property
    def open_explanation(self) -> ExplanationRequest | None:
        return next((e for e in self.explanations if e.state == ExplanationState.OPEN), None)

    @property
    def settled(self) -> bool:
        """Appraised: points set, or the unit marked the item not applicable (`models.SETTLED`).
        A bonus or deduction item the unit claims no points on (empty or 0) has nothing to
        appraise (the appraisers may still set points on it)."""
        if self.item.method in EXTRA_METHODS and not (self.score and self.score.self_points):
            return True
        return self.score is not None and (
            self.score.points is not None or self.score.not_applicable
        )

    @property
    def new_evidence(self) -> bool:
        """A document (on the item or with an answer) uploaded after the item's latest
        explanation request: what the unit sent since the last round. False without a round."""
        if not self.explanations:
            return False
        last_round = max(e.requested_at for e in self.explanations)
        documents = [*self.evidence, *(d for e in self.explanations for d in e.attachments)]
        return any(doc.uploaded_at > last_round for doc in documents)

    @property
    def acceptable(self) -> bool:
        """The claimed points may be accepted as they are (bulk "accept the claim"): an item the
        user may appraise, with self points, whose appraisal points are not already those (a rule
        item: whose appraised value is not already the claimed one)."""
        score = self.score
        if self.item.rule:
            return (
                self.editable
                and score is not None
                and not score.not_applicable
                and score.self_value is not None
                and score.value != score.self_value
            )
        return (
            self.editable
            and score is not None
            and not score.not_applicable
            and score.self_points is not None
            and score.points != score.self_points
        )


@dataclass
class AppraisalDomain:
    item: Item
    rows: list[AppraisalRow]
    html: str = ""  # the rows drawn by the view (from the cache), or empty: the page includes each

    @property
    def appraised(self) -> int:
        return sum(1 for row in self.rows if row.settled)

    @property
    def editable(self) -> bool:
        return any(row.editable for row in self.rows)

    @property
    def acceptable(self) -> bool:
        return any(row.acceptable for row in self.rows)


def appraisal_sheet(sheet: Sheet, editable_domains: set[str] | None) -> list[AppraisalDomain]:
    """The appraisal page's rows by domain, in a fixed number of queries.

    Survey items are left out (they are entered on the survey page); the bonus and deduction
    sections are listed like domains. A row is `editable` when
    its domain is in `editable_domains` (None: every domain; empty: none), which the view
    decides from the year's state and the user's permissions.
    """
    framework = Framework.objects.scored_on(sheet.unit, sheet.year)
    if framework is None:
        return []
    items = list(framework.items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    documents: dict[int, list[Evidence]] = defaultdict(list)
    explanations: dict[int, list[ExplanationRequest]] = defaultdict(list)
    if sheet.pk:
        # The item's documents and those sent with an answer, in one query.
        answers: dict[int | None, list[Evidence]] = defaultdict(list)
        for doc in Evidence.objects.filter(score__sheet=sheet):
            if doc.explanation_id is None:
                documents[doc.score_id].append(doc)
            else:
                answers[doc.explanation_id].append(doc)
        for request in ExplanationRequest.objects.filter(score__sheet=sheet).select_related(
            "requested_by", "answered_by"
        ):
            request.attachments = answers[request.pk]
            explanations[request.score_id].append(request)
    result: list[AppraisalDomain] = []
    for item in items:
        if item.parent_id is None:
            result.append(AppraisalDomain(item, []))
        if not item.is_scored or item.method == Method.SURVEY or not result:
            continue
        score = scores.get(item.id)
        result[-1].rows.append(
            AppraisalRow(
                item=item,
                score=score,
                editable=editable_domains is None or item.domain_code in editable_domains,
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
