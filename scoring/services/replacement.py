"""A year and group's framework replaced during its year by a new version (a re-issued decision).

`replace_version` keeps the old version readable (its items, each sheet as it was), creates the
new version from validated rows, carries one-to-one items' scores over (with their values, N/A,
notes, evidence, explanations and history, since the score row itself moves to the new item),
re-checks their points against the new item, lists for each unit what it must look at again,
sends changed submitted sheets back to draft when the deadline permits (else the administrator's
decision, given to the command, is applied and recorded), records the change in the year's
history and recomputes the group's results. All or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Framework,
    Item,
    ItemCrosswalk,
    ItemReplacement,
    Mapping,
    Method,
    Score,
    Sheet,
    SheetReplacement,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.permissions import Account
from scoring.services import notifications
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.frameworks import ItemRow, build_items, validate_framework_rows
from scoring.services.results import derive_rule_points, recompute_group
from scoring.services.scores import attribute
from scoring.services.self_assessment import deadline_passed
from units.models import UnitGroup

#: What the administrator decided for submitted sheets whose content changed after the
#: self-assessment deadline (or outside the self-assessment): send them back, or keep them.
PAST_DEADLINE_REOPEN = "reopen"
PAST_DEADLINE_KEEP = "keep"
PAST_DEADLINE_CHOICES = (PAST_DEADLINE_REOPEN, PAST_DEADLINE_KEEP)


@dataclass(frozen=True)
class MapRow:
    """One row of a crosswalk file between two versions (row = spreadsheet row number)."""

    old_code: str
    new_code: str
    row: int = 0


@dataclass
class ReplacementSummary:
    framework: Framework
    kinds: dict[str, int] = field(default_factory=dict)
    sheets: int = 0
    sent_back: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    to_review: int = 0

    def __str__(self) -> str:
        framework = self.framework
        return _(
            "Đã thay bộ chỉ số %(group)s năm %(year)s bằng phiên bản %(version)s: %(same)s tiêu "
            "chí chuyển nguyên, %(split)s tách, %(merge)s gộp, %(new)s mới, %(dropped)s bỏ; "
            "%(sheets)s phiếu, %(review)s việc đơn vị cần xem lại; trả về đang soạn: "
            "%(back)s; giữ đã gửi: %(kept)s."
        ) % {
            "group": framework.group.code,
            "year": framework.year.year,
            "version": framework.version,
            "same": self.kinds.get(Mapping.SAME, 0),
            "split": self.kinds.get(Mapping.SPLIT, 0),
            "merge": self.kinds.get(Mapping.MERGE, 0),
            "new": self.kinds.get(Mapping.NEW, 0),
            "dropped": self.kinds.get(Mapping.DROPPED, 0),
            "sheets": self.sheets,
            "review": self.to_review,
            "back": ", ".join(self.sent_back) or "–",
            "kept": ", ".join(self.kept) or "–",
        }


def _figure(value: Decimal | None) -> str:
    """Points in a note: two decimals, three where a year of three has a third."""
    if value is None:
        return "–"
    return number_format(value, 2 if value == value.quantize(calc.CENT) else 3)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def map_problems(mapping: Sequence[MapRow], old_codes: set[str], new_codes: set[str]) -> list[str]:
    """Every problem of a crosswalk between two versions, each naming its row: codes that are
    not scored items of the old (old_code) or the new version (new_code), empty cells, repeated
    pairs."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for line in mapping:
        if not line.old_code or not line.new_code:
            problems.append(_("Dòng %(row)s: cần cả old_code và new_code.") % {"row": line.row})
            continue
        if line.old_code not in old_codes:
            problems.append(
                _(
                    "Dòng %(row)s, cột old_code: “%(code)s” không phải tiêu chí được chấm điểm "
                    "của phiên bản đang áp dụng."
                )
                % {"row": line.row, "code": line.old_code}
            )
        if line.new_code not in new_codes:
            problems.append(
                _(
                    "Dòng %(row)s, cột new_code: “%(code)s” không phải tiêu chí được chấm điểm "
                    "của phiên bản mới."
                )
                % {"row": line.row, "code": line.new_code}
            )
        pair = (line.old_code, line.new_code)
        if pair in seen:
            problems.append(
                _("Dòng %(row)s: cặp %(old)s → %(new)s đã có ở dòng trước.")
                % {"row": line.row, "old": line.old_code, "new": line.new_code}
            )
        seen.add(pair)
    return problems


def classify(
    mapping: Sequence[MapRow], old_codes: set[str], new_codes: set[str]
) -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """New code → (kind, old codes) for every scored item of the new version, and the dropped
    old codes. An item whose code is in both versions and in no row of the map maps one to one;
    one old code to several new ones is a split, several old ones to one new a merge."""
    named_old = {line.old_code for line in mapping}
    named_new = {line.new_code for line in mapping}
    old_to_new: dict[str, list[str]] = defaultdict(list)
    new_to_old: dict[str, list[str]] = defaultdict(list)
    for line in mapping:
        old_to_new[line.old_code].append(line.new_code)
        new_to_old[line.new_code].append(line.old_code)
    for code in old_codes & new_codes:
        if code not in named_old and code not in named_new:
            old_to_new[code].append(code)
            new_to_old[code].append(code)
    kinds: dict[str, tuple[str, list[str]]] = {}
    for code in new_codes:
        olds = sorted(new_to_old.get(code, []))
        if not olds:
            kinds[code] = (Mapping.NEW, [])
        elif len(olds) > 1:
            kinds[code] = (Mapping.MERGE, olds)
        elif len(old_to_new[olds[0]]) > 1:
            kinds[code] = (Mapping.SPLIT, olds)
        else:
            kinds[code] = (Mapping.SAME, olds)
    dropped = sorted(code for code in old_codes if not old_to_new.get(code))
    return kinds, dropped


def _snapshot(score: Score, item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "max_points": _text(item.max_points),
        "method": item.method,
        "self_points": _text(score.self_points),
        "points": _text(score.points),
        "self_value": _text(score.self_value),
        "value": _text(score.value),
        "not_applicable": score.not_applicable,
        "note": score.note,
        "reason": score.reason,
        "evidence": [e.original_name for e in score.evidence.all()],
    }


def _recheck(score: Score, old: Item, new: Item, year: AssessmentYear) -> list[str]:
    """Fit a carried score to its new item; what no longer fits is cleared and returned as
    sentences for the unit (with the old figure), never cut silently."""
    notes = []
    code = new.code
    if score.not_applicable and not new.na_allowed:
        score.not_applicable = False
        notes.append(
            _("%(code)s: tiêu chí không còn được chọn “không áp dụng”; cần tự đánh giá lại.")
            % {"code": code}
        )
    if new.method != old.method:
        score.self_points = score.points = score.self_value = score.value = None
        notes.append(
            _("%(code)s: phương pháp đổi từ “%(old)s” sang “%(new)s”; cần nhập lại.")
            % {
                "code": code,
                "old": Method(old.method).label,
                "new": Method(new.method).label,
            }
        )
        return notes
    if new.rule:
        if score.self_value is None and score.self_points is not None:
            notes.append(
                _(
                    "%(code)s: nay chấm theo giá trị đo được; %(points)s điểm tự đánh giá cũ "
                    "không dùng được, cần nhập giá trị."
                )
                % {"code": code, "points": _figure(score.self_points)}
            )
        if score.value is None and score.points is not None:
            notes.append(
                _("%(code)s: %(points)s điểm thẩm định cũ cần thẩm định lại theo giá trị.")
                % {"code": code, "points": _figure(score.points)}
            )
        before = (score.self_points, score.points)
        derive_rule_points(score, new, year)
        if score.self_value is not None and before[0] != score.self_points:
            notes.append(
                _("%(code)s: điểm tính lại theo quy tắc mới: %(old)s → %(new)s.")
                % {"code": code, "old": _figure(before[0]), "new": _figure(score.self_points)}
            )
        return notes
    if old.rule:
        if score.self_value is not None or score.value is not None:
            notes.append(
                _("%(code)s: nay nhập điểm trực tiếp; giá trị đo được cũ (%(value)s) được bỏ.")
                % {"code": code, "value": _figure(score.self_value)}
            )
        score.self_value = score.value = None
    for name, label in (("self_points", _("tự đánh giá")), ("points", _("thẩm định"))):
        points = getattr(score, name)
        if points is not None and points > new.max_points:
            setattr(score, name, None)
            notes.append(
                _("%(code)s: %(points)s điểm %(label)s vượt điểm tối đa mới %(max)s; cần nhập lại.")
                % {
                    "code": code,
                    "points": _figure(points),
                    "label": label,
                    "max": _figure(new.max_points),
                }
            )
    return notes


def _reentry_note(code: str, kind: str, olds: list[str]) -> str:
    if kind == Mapping.SPLIT:
        return _(
            "%(code)s: tách từ %(old)s; cần tự đánh giá lại (giá trị cũ hiển thị bên cạnh)."
        ) % {
            "code": code,
            "old": ", ".join(olds),
        }
    if kind == Mapping.MERGE:
        return _(
            "%(code)s: gộp từ %(old)s; cần tự đánh giá lại (giá trị cũ hiển thị bên cạnh)."
        ) % {
            "code": code,
            "old": ", ".join(olds),
        }
    return _("%(code)s: tiêu chí mới; cần tự đánh giá.") % {"code": code}


@transaction.atomic
def replace_version(
    year: AssessmentYear,
    group: UnitGroup,
    rows: Sequence[ItemRow],
    mapping: Sequence[MapRow] = (),
    *,
    decision: str = "",
    issued_on: date | None = None,
    reason: str = "",
    past_deadline: str = "",
    user: Account | None = None,
    now: datetime | None = None,
) -> ReplacementSummary:
    """Replace the year and group's active framework by a new version built from `rows`.

    Refused once the year is published, when the group has no framework yet, when the rows or
    the map have problems (each named by row), and when submitted sheets whose content changed
    can no longer go back to draft by themselves (deadline passed, or the year is past its
    self-assessment) and `past_deadline` does not say what the administrator decided.
    """
    ensure_not_published(year)
    old = Framework.objects.select_for_update().filter(year=year, group=group).first()
    if old is None:
        raise ServiceError(
            _(
                "Khối %(group)s năm %(year)s chưa có bộ chỉ số để thay; hãy nhập bộ chỉ số không "
                "kèm --replace."
            )
            % {"group": group.code, "year": year.year}
        )
    if past_deadline and past_deadline not in PAST_DEADLINE_CHOICES:
        raise ServiceError(_("Quyết định cho phiếu đã gửi sau hạn phải là reopen hoặc keep."))
    problems = validate_framework_rows(rows, year.decimals)
    old_items = {item.code: item for item in Item.objects.filter(framework=old)}
    old_scored = {code for code, item in old_items.items() if item.is_scored}
    parent_codes = {r.code.strip().rsplit(".", 1)[0] for r in rows if "." in r.code.strip()}
    new_scored = {r.code.strip() for r in rows} - parent_codes
    problems += map_problems(mapping, old_scored, new_scored)
    if problems:
        raise ServiceError(problems)
    kinds, dropped = classify(mapping, old_scored, new_scored)

    now = now or timezone.now()
    scores_by_sheet: dict[int, list[Score]] = defaultdict(list)
    for score in (
        Score.objects.filter(item__framework=old)
        .select_related("item")
        .prefetch_related("evidence")
    ):
        scores_by_sheet[score.sheet_id].append(score)
    sheets = {
        sheet.pk: sheet
        for sheet in Sheet.objects.select_for_update()
        .filter(pk__in=scores_by_sheet)
        .select_related("unit")
    }
    self_assessment_open = year.state == YearState.SELF_ASSESSMENT and not deadline_passed(
        year, now
    )

    Framework.objects.filter(pk=old.pk).update(active=False, replaced_at=now)
    new = Framework.objects.create(
        year=year,
        group=group,
        name=old.name,
        version=old.version + 1,
        decision=decision.strip(),
        issued_on=issued_on,
    )
    new_items = {item.code: item for item in build_items(new, rows)}
    ItemReplacement.objects.bulk_create(
        [
            ItemReplacement(
                framework=new, from_item=old_items[old_code], to_item=new_items[code], kind=kind
            )
            for code, (kind, olds) in sorted(kinds.items())
            for old_code in olds
        ]
        + [
            ItemReplacement(framework=new, to_item=new_items[code], kind=Mapping.NEW)
            for code, (kind, _olds) in sorted(kinds.items())
            if kind == Mapping.NEW
        ]
        + [
            ItemReplacement(framework=new, from_item=old_items[code], kind=Mapping.DROPPED)
            for code in dropped
        ]
    )
    _carry_crosswalks(kinds, old_items, new_items)
    same = {olds[0]: code for code, (kind, olds) in kinds.items() if kind == Mapping.SAME}
    reentry = [
        _reentry_note(code, kind, olds)
        for code, (kind, olds) in sorted(kinds.items())
        if kind != Mapping.SAME
    ]
    dropped_notes = [
        _("%(code)s: không còn trong bộ chỉ số mới.") % {"code": code} for code in dropped
    ]

    pending: list[tuple[Sheet, list[str]]] = []
    summary = ReplacementSummary(
        framework=new, kinds=dict.fromkeys(Mapping.values, 0), sheets=len(sheets)
    )
    for kind, _olds in kinds.values():
        summary.kinds[kind] += 1
    summary.kinds[Mapping.DROPPED] = len(dropped)
    records = []
    for sheet_id, scores in sorted(scores_by_sheet.items()):
        sheet = sheets[sheet_id]
        snapshot = [_snapshot(score, score.item) for score in scores]
        notes: list[str] = []
        for score in scores:
            new_code = same.get(score.item.code)
            if new_code is None:
                continue  # stays on the old item, shown beside the inputs to re-enter
            old_item = score.item
            score.item = new_items[new_code]
            notes += _recheck(score, old_item, score.item, year)
            attribute(score, user, "framework_replaced")
            score.save()
        touched = {score.item.code for score in scores}
        notes += reentry
        notes += [n for code, n in zip(dropped, dropped_notes, strict=True) if code in touched]
        changed = bool(notes)
        record = SheetReplacement(
            sheet=sheet,
            old_framework=old,
            new_framework=new,
            old_scores=snapshot,
            to_review=notes,
        )
        records.append(record)
        summary.to_review += len(notes)
        if changed and sheet.state == SheetState.SUBMITTED:
            pending.append((sheet, notes))
        Sheet.objects.filter(pk=sheet.pk).update(version=sheet.version + 1)

    past = [sheet for sheet, _notes in pending if not self_assessment_open]
    if past and not past_deadline:
        raise ServiceError(
            _(
                "Hạn tự đánh giá đã qua (hoặc năm không còn trong giai đoạn tự đánh giá) nhưng "
                "phiếu đã gửi của %(units)s thay đổi theo phiên bản mới: quản trị cần quyết định "
                "trả về đang soạn (--past-deadline reopen) hay giữ đã gửi (--past-deadline keep)."
            )
            % {"units": ", ".join(sheet.unit.code for sheet in past)}
        )
    why = reason.strip() or _("Bộ chỉ số được ban hành lại")
    by_sheet = {record.sheet_id: record for record in records}
    for sheet, _notes in pending:
        record = by_sheet[sheet.pk]
        if self_assessment_open or past_deadline == PAST_DEADLINE_REOPEN:
            sheet.refresh_from_db()
            sheet.state = SheetState.DRAFT
            sheet.submitted_at = None
            sheet.submitted_by = None
            attribute(sheet, user, "framework_replaced")
            sheet.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
            record.sent_back = True
            record.decision = (
                _("Trả về đang soạn vì nội dung phiếu thay đổi theo phiên bản %(version)s.")
                if self_assessment_open
                else _(
                    "Quá hạn tự đánh giá; quản trị quyết định trả về đang soạn theo phiên bản "
                    "%(version)s."
                )
            ) % {"version": new.version}
            summary.sent_back.append(sheet.unit.code)
        else:
            record.decision = _(
                "Quá hạn tự đánh giá; quản trị quyết định giữ phiếu đã gửi theo phiên bản "
                "%(version)s."
            ) % {"version": new.version}
            summary.kept.append(sheet.unit.code)
    SheetReplacement.objects.bulk_create(records)
    YearTransition.objects.create(
        year=year,
        from_state=year.state,
        to_state=year.state,
        by=user,
        reason=_(
            "Thay bộ chỉ số khối %(group)s: phiên bản %(old)s → %(new)s%(decision)s. Lý do: "
            "%(why)s."
        )
        % {
            "group": group.code,
            "old": old.version,
            "new": new.version,
            "decision": f" ({new.decision})" if new.decision else "",
            "why": why,
        },
    )
    recompute_group(year, group)
    for record in SheetReplacement.objects.filter(new_framework=new, sent_back=True):
        notifications.notify_framework_replaced(record)
    return summary


def _carry_crosswalks(
    kinds: dict[str, tuple[str, list[str]]], old_items: dict[str, Item], new_items: dict[str, Item]
) -> None:
    """The crosswalks from other years to the old version's items, carried to the new items
    they became (the comparison with other years reads only active versions)."""
    to_new: dict[int, list[Item]] = defaultdict(list)
    for code, (_kind, olds) in kinds.items():
        for old_code in olds:
            to_new[old_items[old_code].pk].append(new_items[code])
    links = []
    for link in ItemCrosswalk.objects.filter(to_item_id__in=to_new):
        for item in to_new[link.to_item_id]:
            links.append(
                ItemCrosswalk(from_item_id=link.from_item_id, to_item=item, note=link.note)
            )
    ItemCrosswalk.objects.bulk_create(links, ignore_conflicts=True)
