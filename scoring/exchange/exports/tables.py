"""The pages' tables as `Table`s: the ranking, a unit's sheet, the comparison, the tracker.

Each builder takes what the page's own selector returns (`dashboards.province.overview`,
`dashboards.comparison.compare`, `tracker.tracker_rows`) or, for a sheet, the scores through
the same calculations as the sheet page (`workflow.self_totals`, `dashboards.stored_figures`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from scoring.exchange.exports import (
    DATETIME,
    INTEGER,
    POINTS,
    Column,
    Table,
    local_time,
    owner_name,
    yes_no,
)
from scoring.models import AssessmentYear, Evidence, Method, PublicationDecision, Sheet, SheetState
from scoring.selectors.common import sheet_state_label, stored_figures
from scoring.selectors.sheets import self_totals
from scoring.services.scores import framework_for
from scoring.specs import rule_label

# --------------------------------------------------------------------------- the ranking


def ranking_table(year: AssessmentYear, overview) -> Table:
    """One unit group's ranking (a `dashboards.province.GroupOverview`) as the home page shows it."""
    rows = overview.rows
    extra = any(r.result.bonus or r.result.deduction for r in rows)
    capped = any(r.result.cap_reason for r in rows)
    notes = PublicationDecision.objects.notes(year.pk, [r.result.unit_id for r in rows])
    columns = [
        Column(_("Xếp hạng"), INTEGER),
        Column(_("Trên tổng số"), INTEGER),
        Column(_("Mã đơn vị")),
        Column(_("Đơn vị")),
        Column(_("Điểm thẩm định"), POINTS),
        Column(_("Điểm ĐTXHH"), POINTS),
        *([Column(_("Điểm thưởng"), POINTS), Column(_("Điểm trừ"), POINTS)] if extra else []),
        Column(_("Tổng điểm"), POINTS),
        Column(_("Điểm tối đa áp dụng"), POINTS),
        Column(_("Chỉ số (%)"), POINTS),
        Column(_("Xếp loại")),
        *([Column(_("Lý do giới hạn xếp loại"), wrap=True)] if capped else []),
        Column(_("Chỉ số năm %(year)s (%%)") % {"year": year.year - 1}, POINTS),
        Column(_("Thay đổi chỉ số"), POINTS),
        Column(_("Thay đổi thứ hạng"), INTEGER),
        Column(_("So sánh với")),
        Column(_("Trạng thái")),
        *([Column(_("Ghi chú công bố"), wrap=True)] if notes else []),
    ]
    body = []
    for row in rows:
        r = row.result
        previous_index, compared_with = _previous(row.previous)
        body.append(
            [
                r.rank,
                r.rank_of,
                r.unit.code,
                r.unit.name,
                r.appraisal,
                r.survey,
                *([r.bonus, r.deduction] if extra else []),
                r.total,
                r.max_points,
                r.index,
                r.band_label,
                *([r.cap_reason] if capped else []),
                previous_index,
                row.index_change,
                row.rank_move,
                compared_with,
                row.state_label,
                *([notes.get(r.unit_id, "")] if notes else []),
            ]
        )
    return Table(
        name=overview.group.code,
        owner=owner_name(year),
        title=_("Kết quả Chỉ số CCHC năm %(year)s · %(group)s")
        % {"year": year.year, "group": overview.group.name},
        columns=columns,
        rows=body,
        notes=[] if year.is_published else [_("Số liệu tạm tính, chưa công bố.")],
        decimals=year.decimals,
    )


def _value(score, name: str) -> str:
    """A measured value as written in the file: 85.5, 3 (no trailing zeros)."""
    value = getattr(score, name) if score is not None else None
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _previous(previous) -> tuple[Decimal | None, str]:
    """The earlier figure a unit is compared with (`dashboards.PreviousFigures`) and, when it
    is not the unit's own (a merge, a split, a new body), the words that say so."""
    if previous is None:
        return None, ""
    index = previous.index if previous.comparable else None
    # As the ranking page: words only where the figure is not simply the unit's own.
    return index, previous.label if previous.refused or previous.short_label else ""


# --------------------------------------------------------------------------- a unit's sheet


def sheet_table(sheet: Sheet, *, sees_appraisal: bool) -> Table:
    """A unit's sheet: the item tree with maximum, self points, the points that count (appraisal
    or survey), points lost, not applicable, note, reason and evidence count.

    Without `sees_appraisal` (a unit before publication) the appraisal side is left out.
    """
    year = sheet.year
    items = list(framework_for(sheet.unit, year).items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    evidence = (
        dict(
            Evidence.objects.filter(score__sheet=sheet)
            .values("score_id")
            .annotate(n=Count("id"))
            .values_list("score_id", "n")
        )
        if sheet.pk
        else {}
    )
    claims = self_totals(
        items,
        {i.code: (s.self_points, s.not_applicable) for i in items if (s := scores.get(i.id))},
        year.rounding,
    )
    figures = stored_figures(items, list(scores.values()), year.rounding, year.decimals)

    columns = [
        Column(_("Mã")),
        Column(_("Tiêu chí"), wrap=True),
        Column(_("Phương pháp")),
        Column(_("Điểm tối đa"), POINTS),
        Column(_("Không áp dụng")),
    ]
    # Items scored by rule: the rule in words and the measured values (the points follow).
    rules = any(item.rule for item in items)
    if rules:
        columns += [Column(_("Quy tắc chấm"), wrap=True), Column(_("Giá trị tự đánh giá"))]
        if sees_appraisal:
            columns += [Column(_("Giá trị thẩm định"))]
    columns += [Column(_("Điểm tự đánh giá"), POINTS)]
    if sees_appraisal:
        columns += [
            Column(_("Điểm thẩm định / ĐTXHH"), POINTS),
            Column(_("Điểm bị mất"), POINTS),
        ]
    columns += [Column(_("Ghi chú của đơn vị"), wrap=True)]
    if sees_appraisal:
        columns += [Column(_("Lý do thẩm định"), wrap=True)]
    columns += [Column(_("Số tài liệu kiểm chứng"), INTEGER)]

    body, depths = [], []
    for item in items:
        score = scores.get(item.id)
        is_survey = item.method == Method.SURVEY
        claim = claims.domains.get(item.code)
        node = figures.nodes[item.code]
        # Points lost (`NodeFigures.lost`) where something is scored: blank on an item not
        # scored yet, and on a parent none of whose items is.
        lost = node.lost if node.assessed else None
        if item.is_scored:
            self_points = None if is_survey or score is None else score.self_points
            na = bool(score and score.not_applicable)
            points = score.points if score else None
        else:
            self_points = None if is_survey or claim is None else claim.earned
            na = None
            points = node.earned if node.assessed else None
        row = [
            item.code,
            item.name,
            item.get_method_display() if item.method else "",
            item.max_points,
            yes_no(True) if na else "",
        ]
        if rules:
            row += [rule_label(item, year.decimals), _value(score, "self_value")]
            if sees_appraisal:
                row += [_value(score, "value")]
        row += [self_points]
        if sees_appraisal:
            row += [points, lost]
        row += [score.note if score else ""]
        if sees_appraisal:
            row += [score.reason if score else ""]
        row += [evidence.get(score.id, 0) if score and item.is_scored else None]
        body.append(row)
        depths.append(item.depth)

    footer = [
        _("Tổng"),
        "",
        "",
        sum((i.max_points for i in items if i.parent_id is None), Decimal(0)),
    ]
    footer += (
        [""] + (["", ""] + ([""] if sees_appraisal else []) if rules else []) + [claims.earned]
    )
    if sees_appraisal:
        footer += [figures.total, figures.lost]
    footer += [""] + ([""] if sees_appraisal else []) + [None]
    notes = []
    if not year.is_published and sees_appraisal:
        notes.append(_("Số liệu tạm tính, chưa công bố."))
    return Table(
        name=_("Phiếu %(unit)s") % {"unit": sheet.unit.code},
        owner=owner_name(year),
        title=_("Phiếu chấm điểm Chỉ số CCHC năm %(year)s · %(unit)s · %(group)s")
        % {"year": year.year, "unit": sheet.unit.name, "group": sheet.unit.group.name},
        columns=columns,
        rows=body,
        notes=notes,
        depths=depths,
        tree_column=1,
        footer=[footer],
        decimals=year.decimals,
    )


# --------------------------------------------------------------------------- the comparison


def _codes(items) -> str:
    return ", ".join(item.code for item in items)


def _names(items) -> str:
    return "; ".join(item.name for item in items)


def comparison_tables(comparison) -> list[Table]:
    """The comparison page's three tables: units, domains, items (`dashboards.comparison`)."""
    old, new = comparison.old_year, comparison.new_year
    group = comparison.group
    scope = comparison.unit.name if comparison.unit else _("trung bình của khối")
    owner = owner_name(new)
    # Each year's figures with its own decimals; a change between them with the finer of the two.
    both = max(old.decimals, new.decimals)
    notes = []
    if not old.is_published or not new.is_published:
        notes.append(_("Có năm chưa công bố: số liệu tạm tính, có thể còn thay đổi."))

    def title(what: str) -> str:
        return _("So sánh Chỉ số CCHC %(old)s → %(new)s · %(group)s · %(what)s") % {
            "old": old.year,
            "new": new.year,
            "group": group.name,
            "what": what,
        }

    units = Table(
        name=_("Đơn vị"),
        owner=owner,
        title=title(_("theo đơn vị")),
        notes=list(notes),
        columns=[
            Column(_("Mã đơn vị")),
            Column(_("Đơn vị")),
            Column(_("Chỉ số %(year)s (%%)") % {"year": old.year}, POINTS, decimals=old.decimals),
            Column(_("Chỉ số %(year)s (%%)") % {"year": new.year}, POINTS, decimals=new.decimals),
            Column(_("Thay đổi chỉ số"), POINTS, decimals=both),
            Column(_("Hạng %(year)s") % {"year": old.year}, INTEGER),
            Column(_("Hạng %(year)s") % {"year": new.year}, INTEGER),
            Column(_("Thay đổi thứ hạng"), INTEGER),
            Column(_("So sánh với")),
        ],
        rows=[
            [
                row.unit.code,
                row.unit.name,
                _previous(row.old)[0],
                row.new.index if row.new else None,
                row.index_change,
                row.old.rank if row.old else None,
                row.new.rank if row.new else None,
                row.rank_move,
                _previous(row.old)[1] if row.new else capfirst(row.fate),
            ]
            for row in comparison.units
        ],
        decimals=new.decimals,
    )

    def matches(name: str, what: str, rows, as_index: bool) -> Table:
        unit_label = _("Tỷ lệ đạt %(year)s (%%)") if as_index else _("Điểm %(year)s")
        columns = [
            Column(_("Mã %(year)s") % {"year": old.year}),
            Column(_("Tên %(year)s") % {"year": old.year}, wrap=True),
            Column(_("Mã %(year)s") % {"year": new.year}),
            Column(_("Tên %(year)s") % {"year": new.year}, wrap=True),
            Column(_("Đối chiếu")),
            Column(unit_label % {"year": old.year}, POINTS, decimals=old.decimals),
        ]
        if not as_index:
            columns.append(
                Column(_("Tối đa %(year)s") % {"year": old.year}, POINTS, decimals=old.decimals)
            )
        columns.append(Column(unit_label % {"year": new.year}, POINTS, decimals=new.decimals))
        if not as_index:
            columns.append(
                Column(_("Tối đa %(year)s") % {"year": new.year}, POINTS, decimals=new.decimals)
            )
        columns.append(Column(_("Thay đổi"), POINTS, decimals=both))
        body = []
        for row in rows:
            m = row.match
            cells = [_codes(m.old), _names(m.old), _codes(m.new), _names(m.new), m.kind_label]
            cells.append(row.old if m.old else None)
            if not as_index:
                cells.append(row.old_max if m.old else None)
            cells.append(row.new if m.new else None)
            if not as_index:
                cells.append(row.new_max if m.new else None)
            cells.append(row.change if m.old and m.new else None)
            body.append(cells)
        return Table(
            name=name,
            owner=owner,
            title=title(what % {"scope": scope}),
            notes=list(notes),
            columns=columns,
            rows=body,
            decimals=new.decimals,
        )

    return [
        units,
        matches(_("Lĩnh vực"), _("theo lĩnh vực: %(scope)s"), comparison.domains, True),
        matches(_("Tiêu chí"), _("theo tiêu chí: %(scope)s"), comparison.items, False),
    ]


# --------------------------------------------------------------------------- the tracker


def tracker_table(year: AssessmentYear, rows, progress: dict | None = None) -> Table:
    """The submission tracker (`tracker.tracker_rows`), with the appraisal progress if given."""
    progress = progress or {}
    columns = [
        Column(_("Khối")),
        Column(_("Mã đơn vị")),
        Column(_("Đơn vị")),
        Column(_("Trạng thái")),
        Column(_("Gửi lúc"), DATETIME),
        Column(_("Đã tự đánh giá"), INTEGER),
        Column(_("Số tiêu chí tự đánh giá"), INTEGER),
        Column(_("Thiếu tài liệu kiểm chứng"), INTEGER),
        Column(_("Chờ đơn vị giải trình"), INTEGER),
        Column(_("Yêu cầu giải trình quá hạn"), INTEGER),
        Column(_("Quá hạn")),
        Column(_("Đã thẩm định"), INTEGER),
        Column(_("Khác điểm tự đánh giá"), INTEGER),
        Column(_("Đã giải trình, chờ xử lý"), INTEGER),
    ]
    body = []
    for row in rows:
        sheet = row.sheet
        done = progress.get(sheet.id)
        body.append(
            [
                sheet.unit.group.name,
                sheet.unit.code,
                sheet.unit.name,
                sheet_state_label(sheet.state, year),
                sheet.submitted_at if sheet.state == SheetState.SUBMITTED else None,
                row.scored,
                row.total,
                row.without_evidence,
                row.open_explanations,
                row.overdue_explanations,
                _("Quá hạn") if row.overdue else "",
                done.appraised if done else 0,
                done.differing if done else 0,
                done.answered if done else 0,
            ]
        )
    notes = []
    if year.self_assessment_deadline:
        notes.append(
            _("Hạn tự đánh giá: %(deadline)s")
            % {"deadline": date_format(local_time(year.self_assessment_deadline), "H:i d/m/Y")}
        )
    return Table(
        name=_("Theo dõi %(year)s") % {"year": year.year},
        owner=owner_name(year),
        title=_("Theo dõi nộp phiếu tự đánh giá năm %(year)s") % {"year": year.year},
        columns=columns,
        rows=body,
        notes=notes,
        decimals=year.decimals,
    )
