"""Report documents (.docx) in the usual administrative layout (python-docx).

* `self_assessment_report(sheet)`: a unit's report on its self-assessment — title block, a
  summary table per domain, the items without evidence with the unit's explanations, and the
  difficulties and proposals the unit wrote.
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
from scoring.models import AssessmentYear, Evidence, ExplanationRequest, Method, Sheet
from scoring.selectors.losses import most_lost
from scoring.selectors.province import RankingRow, overview
from scoring.selectors.sheets import self_totals
from scoring.services.scores import framework_for

__all__ = ["date_line", "place_name", "results_report", "self_assessment_report"]

MOST_LOST = 10


# --------------------------------------------------------------------------- the unit's report


def self_assessment_report(sheet: Sheet) -> bytes:
    """The unit's self-assessment report for its sheet's year (figures: the unit's claims)."""
    year, unit = sheet.year, sheet.unit
    owner = exports.owner_name(year)
    items = list(framework_for(unit, year).items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    claims = self_totals(
        items,
        {i.code: (s.self_points, s.not_applicable) for i in items if (s := scores.get(i.id))},
        year.rounding,
    )
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
        % {"earned": points(claims.earned), "max": points(claims.max_points)},
    )
    # Each rate is the points printed beside it over the maximum printed beside it: the
    # applicable maximum (the items marked not applicable leave it), as the index is computed.
    rows = []
    for number, item in enumerate((i for i in items if i.parent_id is None), start=1):
        node = claims.domains.get(item.code)
        survey = item.method == Method.SURVEY
        rows.append(
            [
                number,
                f"{item.code}. {item.name}",
                points(item.max_points if survey or node is None else node.max_points),
                _("ĐTXHH") if survey or node is None else points(node.earned),
                "–" if survey or node is None else points(node.index),
            ]
        )
    rows.append(
        [
            "",
            _("Tổng (các tiêu chí thẩm định)"),
            points(claims.max_points),
            points(claims.earned),
            points(claims.index),
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
                points(score.self_points if score else None),
                "\n".join(texts) or _("(chưa giải trình)"),
            ]
        )
    return rows


# --------------------------------------------------------------------------- the province's report


def _total_with_max(row: RankingRow) -> str:
    """The total, with the applicable maximum where the index reads differently ("93,53 /
    96,50"), as the ranking page shows it."""
    if row.applicable_max is None:
        return points(row.result.total)
    return f"{points(row.result.total)} / {points(row.applicable_max)}"


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
                "average": points(g.average),
                "top": highest or "–",
                "top_index": points(g.highest[0].result.index) if g.highest else "–",
                "bottom": lowest or "–",
                "bottom_index": points(g.lowest[0].result.index) if g.lowest else "–",
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
                    points(row.result.appraisal),
                    points(row.result.survey),
                    _total_with_max(row),
                    points(row.result.index),
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
                "bonus": points(row.result.bonus),
                "deduction": points(row.result.deduction),
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
                [i, e.code, e.name, points(e.max_points), points(e.lost), e.units]
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
