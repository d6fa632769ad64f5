"""Report documents (.docx) in the usual administrative layout (python-docx).

* `self_assessment_report(sheet)`: a unit's report on its self-assessment — title block, a
  summary table per domain, the items scored by rule with the measured value and the rule, the
  bonus and deduction sections with their caps, the classification of the current result with
  the reason of a cap, the items without evidence with the unit's explanations, and the
  difficulties and proposals the unit wrote. Figures have the year's decimals (2 or 3).
* `results_report(year)`: the province's results for a year — the figures per unit group, the
  ranking table of each group, the classification counts and the items that cost the most.

Layout (Nghị định 30/2020/NĐ-CP on administrative documents): A4, margins 2/2/3/2 cm, Times
New Roman 14 (tables 12–13), the national heading "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" /
"Độc lập - Tự do - Hạnh phúc" on the right, the issuing body on the left, then the place and
date line. Every figure comes from the pages' selectors (`workflow.self_totals`,
`dashboards.province.overview`, `dashboards.losses.most_lost`) and the stored results.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from scoring import calculations as calc
from scoring.exchange import exports
from scoring.exchange.reports.layout import (
    data_table,
    date_line,
    heading_block,
    new_document,
    paragraph,
    place_name,
    points,
    signature,
    title,
    to_bytes,
)
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    Item,
    Method,
    Result,
    Score,
    Sheet,
)
from scoring.selectors.losses import most_lost
from scoring.selectors.province import RankingRow, overview
from scoring.selectors.sheets import self_totals
from scoring.services.scores import framework_for
from scoring.templatetags.portal_format import measured, rule_label

__all__ = ["date_line", "place_name", "results_report", "self_assessment_report"]

MOST_LOST = 10


# --------------------------------------------------------------------------- the unit's report


def self_assessment_report(sheet: Sheet) -> bytes:
    """The unit's self-assessment report for its sheet's year (figures: the unit's claims)."""
    year, unit = sheet.year, sheet.unit
    places = year.decimals
    owner = exports.owner_name(year)
    items = list(framework_for(unit, year).items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    claims = self_totals(
        items,
        {i.code: (s.self_points, s.not_applicable) for i in items if (s := scores.get(i.id))},
        year.rounding,
        places,
    )
    # The bonus and deduction sections, as `compute_unit` reads them (their nodes' method).
    sections = [
        i
        for i in items
        if i.parent_id is None and claims.domains[i.code].method in calc.EXTRA_METHODS
    ]
    document = new_document()
    heading_block(
        document, [_("UBND %(owner)s") % {"owner": owner.upper()}, unit.name.upper()], owner
    )
    title(
        document,
        [
            _("BÁO CÁO"),
            _("Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm %(year)s")
            % {"year": year.year},
        ],
    )
    paragraph(
        document,
        _(
            "Thực hiện kế hoạch xác định Chỉ số cải cách hành chính năm %(year)s của %(owner)s, "
            "%(unit)s báo cáo kết quả tự đánh giá, chấm điểm như sau:"
        )
        % {"year": year.year, "owner": owner, "unit": unit.name},
    )
    paragraph(document, _("I. KẾT QUẢ TỰ ĐÁNH GIÁ"), bold=True, indent=False)
    paragraph(
        document,
        _(
            "Tổng điểm tự đánh giá: %(earned)s/%(max)s điểm (các tiêu chí thẩm định; điểm điều tra "
            "xã hội học do Sở Nội vụ xác định)."
        )
        % {"earned": points(claims.earned, places), "max": points(claims.max_points, places)},
    )
    result = Result.objects.filter(unit=unit, year=year).first() if sheet.pk else None
    if result is not None and result.band_label:
        paragraph(document, _classification_line(result, year))
    # Each rate is the points printed beside it over the maximum printed beside it: the
    # applicable maximum (the items marked not applicable leave it), as the index is computed.
    rows = []
    domains = (i for i in items if i.parent_id is None and i not in sections)
    for number, item in enumerate(domains, start=1):
        node = claims.domains.get(item.code)
        survey = item.method == Method.SURVEY
        rows.append(
            [
                number,
                f"{item.code}. {item.name}",
                points(item.max_points if survey or node is None else node.max_points, places),
                _("ĐTXHH") if survey or node is None else points(node.earned, places),
                "–" if survey or node is None else points(node.index, places),
            ]
        )
    rows.append(
        [
            "",
            _("Tổng (các tiêu chí thẩm định)"),
            points(claims.max_points, places),
            points(claims.earned, places),
            points(claims.index, places),
        ]
    )
    data_table(
        document,
        [
            _("STT"),
            _("Lĩnh vực"),
            _("Điểm tối đa áp dụng"),
            _("Điểm tự đánh giá"),
            _("Tỷ lệ đạt (%)"),
        ],
        rows,
        numeric=(2, 3, 4),
        widths=(1.2, 8.3, 2.3, 2.4, 1.8),
        bold_last=True,
    )
    paragraph(
        document,
        _(
            "Điểm tối đa áp dụng: điểm tối đa của lĩnh vực, trừ các tiêu chí đơn vị đánh dấu không "
            "áp dụng; tỷ lệ đạt = điểm tự đánh giá ÷ điểm tối đa áp dụng × 100."
        ),
        italic=True,
        size=12,
    )
    ruled = [i for i in items if i.is_scored and i.rule]
    if ruled:
        paragraph(document, _("Các tiêu chí chấm theo giá trị đo:"), bold=True)
        data_table(
            document,
            [_("Mã"), _("Tiêu chí"), _("Cách tính điểm"), _("Tự đánh giá")],
            [
                [i.code, i.name, rule_label(i, places), _rule_claim(i, scores.get(i.id), places)]
                for i in ruled
            ],
            widths=(1.5, 5.5, 5.5, 3.5),
        )
    for section in sections:
        _section_table(document, section, items, scores, claims, places)

    paragraph(document, _("II. TIÊU CHÍ CHƯA CÓ TÀI LIỆU KIỂM CHỨNG"), bold=True, indent=False)
    missing = _without_evidence(sheet, items, scores)
    if missing:
        data_table(
            document,
            [_("STT"), _("Mã"), _("Tiêu chí"), _("Điểm tự đánh giá"), _("Giải trình của đơn vị")],
            missing,
            numeric=(3,),
            widths=(1.2, 1.6, 6.0, 2.2, 5.0),
        )
    else:
        paragraph(document, _("Tất cả các tiêu chí thẩm định đều đã có tài liệu kiểm chứng."))
    paragraph(document, _("III. KHÓ KHĂN, VƯỚNG MẮC"), bold=True, indent=False)
    for line in (sheet.difficulties or _("Không có.")).splitlines() or [""]:
        if line.strip():
            paragraph(document, line.strip())
    paragraph(document, _("IV. ĐỀ XUẤT, KIẾN NGHỊ"), bold=True, indent=False)
    for line in (sheet.proposals or _("Không có.")).splitlines() or [""]:
        if line.strip():
            paragraph(document, line.strip())
    signature(
        document,
        [_("- Sở Nội vụ;"), _("- Lưu: VT.")],
        [_("THỦ TRƯỞNG ĐƠN VỊ"), _("(Ký, ghi rõ họ tên và đóng dấu)")],
    )
    return to_bytes(document)


def _rule_claim(item: Item, score: Score | None, places: int) -> str:
    """The unit's measured value and the points its rule gives: "đạt 85 → 0,50 điểm"; "3 lần →
    0,75 điểm"; "Đạt → 1,00 điểm"; "Không áp dụng"; "–" without a value."""
    if score is not None and score.not_applicable:
        return _("Không áp dụng")
    if score is None or score.self_value is None:
        return "–"
    value = measured(score.self_value, item)
    if item.rule in (calc.THRESHOLD, calc.PROPORTIONAL):
        value = _("đạt %(value)s") % {"value": value}
    return _("%(value)s → %(points)s điểm") % {
        "value": value,
        "points": points(score.self_points, places),
    }


def _section_table(document, section: Item, items, scores, claims, places: int) -> None:
    """A bonus or deduction section: its items with the unit's claims, and its sum within its
    cap (the section's maximum, when below its items' sum)."""
    node = claims.domains[section.code]
    method = node.method
    children = [i for i in items if i.is_scored and i.code.startswith(f"{section.code}.")]
    items_max = sum((i.max_points for i in children), calc.ZERO)
    cap = section.max_points if section.max_points < items_max else None
    heading = (
        _("Điểm thưởng: %(code)s. %(name)s")
        if method == Method.BONUS
        else _("Điểm trừ: %(code)s. %(name)s")
    ) % {"code": section.code, "name": section.name}
    paragraph(document, heading, bold=True)
    rows: list[list[object]] = []
    for item in children:
        score = scores.get(item.id)
        claim = (
            _rule_claim(item, score, places)
            if item.rule
            else points(score.self_points if score else None, places)
        )
        rows.append([item.code, item.name, points(item.max_points, places), claim])
    rows.append(
        [
            "",
            _("Tổng của mục (đã áp dụng mức tối đa của mục)")
            if cap is not None
            else _("Tổng của mục"),
            points(cap if cap is not None else items_max, places),
            points(node.earned, places),
        ]
    )
    data_table(
        document,
        [_("Mã"), _("Nội dung"), _("Tối đa"), _("Tự đánh giá")],
        rows,
        numeric=(2,),
        widths=(1.5, 8.5, 2.0, 4.0),
        bold_last=True,
    )
    if cap is not None:
        note = (
            _("Tổng điểm thưởng của mục không vượt %(cap)s.")
            if method == Method.BONUS
            else _("Tổng điểm trừ của mục không vượt %(cap)s.")
        )
        paragraph(document, note % {"cap": points(cap, places)}, italic=True, size=12)


def _classification_line(result: Result, year: AssessmentYear) -> str:
    """The classification of the unit's current result, with the reason of a cap beside it."""
    line = _("Xếp loại theo kết quả hiện tại: %(band)s") % {"band": result.band_label}
    if result.cap_reason:
        line += _(" (giới hạn xếp loại: %(reason)s)") % {"reason": result.cap_reason}
    if not year.is_published:
        line += _(" — tạm tính, chưa công bố")
    return line + "."


def _without_evidence(sheet: Sheet, items, scores) -> list[list[object]]:
    """Applicable appraisal items with no evidence document, with the unit's explanations."""
    counts = {}
    answers: dict[int, list[str]] = {}
    if sheet.pk:
        counts = dict(
            Evidence.objects.filter(score__sheet=sheet)
            .values("score_id")
            .annotate(n=Count("id"))
            .values_list("score_id", "n")
        )
        for score_id, answer in (
            ExplanationRequest.objects.filter(score__sheet=sheet)
            .exclude(answer="")
            .order_by("round")
            .values_list("score_id", "answer")
        ):
            answers.setdefault(score_id, []).append(answer)
    rows: list[list[object]] = []
    for item in items:
        if not item.is_scored or item.method != Method.APPRAISAL:
            continue
        score = scores.get(item.id)
        if score is not None and (score.not_applicable or counts.get(score.id)):
            continue
        texts = [score.note] if score is not None and score.note else []
        texts += answers.get(score.id, []) if score is not None else []
        rows.append(
            [
                len(rows) + 1,
                item.code,
                item.name,
                points(score.self_points if score else None, sheet.year.decimals),
                "\n".join(texts) or _("(chưa giải trình)"),
            ]
        )
    return rows


# --------------------------------------------------------------------------- the province's report


def _total_with_max(row: RankingRow, decimals: int) -> str:
    """The total, with the applicable maximum where the index reads differently ("93,53 /
    96,50"), as the ranking page shows it."""
    if row.applicable_max is None:
        return points(row.result.total, decimals)
    return f"{points(row.result.total, decimals)} / {points(row.applicable_max, decimals)}"


def results_report(year: AssessmentYear, *, published_only_previous: bool = True) -> bytes:
    """The province's results report for a year: figures, rankings, bands, most lost items."""
    owner = exports.owner_name(year)
    groups = overview(year, published_only_previous=published_only_previous)
    document = new_document()
    heading_block(document, [_("UBND %(owner)s") % {"owner": owner.upper()}, _("SỞ NỘI VỤ")], owner)
    title(
        document,
        [
            _("BÁO CÁO"),
            _(
                "Kết quả xác định Chỉ số cải cách hành chính năm %(year)s của các cơ quan, "
                "đơn vị trên địa bàn"
            )
            % {"year": year.year},
        ],
    )
    if not year.is_published:
        paragraph(
            document,
            _("(Số liệu tạm tính, chưa công bố)"),
            italic=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    paragraph(document, _("I. KẾT QUẢ CHUNG"), bold=True, indent=False)
    for g in groups:
        highest = ", ".join(row.result.unit.name for row in g.highest)
        lowest = ", ".join(row.result.unit.name for row in g.lowest)
        paragraph(
            document,
            _(
                "%(group)s: %(count)s đơn vị; chỉ số trung bình %(average)s%%; cao nhất %(top)s "
                "(%(top_index)s%%); thấp nhất %(bottom)s (%(bottom_index)s%%)."
            )
            % {
                "group": g.group.name,
                "count": len(g.rows),
                "average": points(g.average, year.decimals),
                "top": highest or "–",
                "top_index": points(g.highest[0].result.index, year.decimals) if g.highest else "–",
                "bottom": lowest or "–",
                "bottom_index": points(g.lowest[0].result.index, year.decimals)
                if g.lowest
                else "–",
            },
        )
    paragraph(document, _("II. XẾP HẠNG THEO KHỐI"), bold=True, indent=False)
    for number, g in enumerate(groups, start=1):
        paragraph(document, f"{number}. {g.group.name}", bold=True, indent=False)
        data_table(
            document,
            [
                _("Hạng"),
                _("Đơn vị"),
                _("Điểm thẩm định"),
                _("Điểm ĐTXHH"),
                _("Tổng điểm"),
                _("Chỉ số (%)"),
                _("Xếp loại"),
            ],
            [
                [
                    row.result.rank or "–",
                    row.result.unit.name,
                    points(row.result.appraisal, year.decimals),
                    points(row.result.survey, year.decimals),
                    _total_with_max(row, year.decimals),
                    points(row.result.index, year.decimals),
                    row.result.band_label or "–",
                ]
                for row in g.rows
            ],
            numeric=(0, 2, 3, 4, 5),
            widths=(1.3, 5.4, 2.0, 1.9, 1.9, 1.7, 1.8),
        )
        extras = [
            _("%(unit)s: điểm thưởng %(bonus)s, điểm trừ %(deduction)s")
            % {
                "unit": row.result.unit.name,
                "bonus": points(row.result.bonus, year.decimals),
                "deduction": points(row.result.deduction, year.decimals),
            }
            for row in g.rows
            if row.result.bonus or row.result.deduction
        ]
        if extras:
            paragraph(
                document,
                _("Tổng điểm đã gồm điểm thưởng, điểm trừ: %(list)s.")
                % {"list": "; ".join(extras)},
                italic=True,
                size=12,
            )
        capped = [
            f"{row.result.unit.name}: {row.result.cap_reason}"
            for row in g.rows
            if row.result.cap_reason
        ]
        if capped:
            paragraph(
                document,
                _("Xếp loại bị giới hạn: %(list)s.") % {"list": "; ".join(capped)},
                italic=True,
                size=12,
            )
    if any(g.shows_applicable_max for g in groups):
        paragraph(
            document,
            _(
                "Tổng điểm / điểm tối đa áp dụng: tiêu chí không áp dụng với đơn vị được trừ khỏi "
                "điểm tối đa; chỉ số = tổng điểm ÷ điểm tối đa áp dụng × 100, nên có thể khác tổng "
                "điểm."
            ),
            italic=True,
            size=12,
        )
    paragraph(document, _("III. XẾP LOẠI"), bold=True, indent=False)
    data_table(
        document,
        [_("Khối"), _("Xếp loại"), _("Số đơn vị")],
        [[g.group.name, label, count] for g in groups for label, count in g.band_counts],
        numeric=(2,),
        widths=(7.0, 5.0, 3.0),
    )
    paragraph(document, _("IV. CÁC TIÊU CHÍ MẤT NHIỀU ĐIỂM NHẤT"), bold=True, indent=False)
    for number, g in enumerate(groups, start=1):
        losses = most_lost(year, g.group).items[:MOST_LOST]
        paragraph(document, f"{number}. {g.group.name}", bold=True, indent=False)
        if not losses:
            paragraph(document, _("Chưa có số liệu điểm chi tiết."))
            continue
        data_table(
            document,
            [
                _("STT"),
                _("Mã"),
                _("Tiêu chí"),
                _("Điểm tối đa"),
                _("Tổng điểm bị mất"),
                _("Số đơn vị bị mất điểm"),
            ],
            [
                [
                    i,
                    e.code,
                    e.name,
                    points(e.max_points, year.decimals),
                    points(e.lost, year.decimals),
                    e.units,
                ]
                for i, e in enumerate(losses, start=1)
            ],
            numeric=(0, 3, 4, 5),
            widths=(1.1, 1.5, 7.0, 1.9, 2.2, 2.3),
        )
    signature(
        document,
        [_("- UBND tỉnh;"), _("- Các cơ quan, đơn vị;"), _("- Lưu: VT.")],
        [_("GIÁM ĐỐC"), _("(Ký, ghi rõ họ tên và đóng dấu)")],
    )
    return to_bytes(document)
