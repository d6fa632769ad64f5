"""The survey's aggregates as files: per unit and question, never a ballot.

One row per unit and question: the valid answers, the blanks ("không trả lời"), the
distribution over the options (one column per option code of the questionnaire), the
satisfaction rate (answers weighted 60 % or more, in percent) and the mean weight, from
`selectors.unit_question_results` (grouped counts; no ballot is read, so none can leak).

CSV is for machines: the keys below as the header, decimals with a dot, UTF-8 with a BOM, user
text that could be a formula quoted (`csv_safe`). xlsx is for people: the portal's export
layout (`scoring.exchange.exports`), Vietnamese headers. The survey's readers download both for
any year; open data (/mo/) serves them for published years only.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from scoring.exchange.exports import (
    INTEGER,
    POINTS,
    TEXT,
    Column,
    Table,
    csv_safe,
    file_stem,
    owner_name,
    to_xlsx,
)
from survey import selectors
from survey.models import Questionnaire

#: The fixed columns, in this order; `answers_<code>` (one per option code) come before the rates.
LEADING_KEYS = (
    "year",
    "group",
    "unit_code",
    "unit_name",
    "question",
    "item_code",
    "text",
    "valid_answers",
    "blank",
)
TRAILING_KEYS = ("satisfaction", "mean_weight")
#: Open data leaves out the distribution and the rates of a unit's question answered by fewer
#: people than this: with one or two ballots, the "aggregate" would be someone's answers.
MIN_PUBLIC_ANSWERS = 5


def option_codes(questionnaire: Questionnaire) -> list[str]:
    """Every option code of the questionnaire, in the order they first appear."""
    codes: list[str] = []
    for question in questionnaire.questions.prefetch_related("options").order_by("order"):
        for option in question.options.all():
            if option.code not in codes:
                codes.append(option.code)
    return codes


def aggregate_rows(
    questionnaire: Questionnaire, *, public: bool = False
) -> tuple[list[str], list[list]]:
    """(keys, rows) of plain values: ints, Decimals (None where no valid answer), text. With
    `public` (open data), a question with fewer than MIN_PUBLIC_ANSWERS valid answers at a unit
    keeps its counts of answers but not its distribution or rates (empty cells)."""
    codes = option_codes(questionnaire)
    keys = [*LEADING_KEYS, *(f"answers_{c}" for c in codes), *TRAILING_KEYS]
    rows = []
    for unit, results in selectors.unit_question_results(questionnaire):
        for result in results:
            question = result.question
            hidden = public and result.answers < MIN_PUBLIC_ANSWERS
            rows.append(
                [
                    questionnaire.year.year,
                    questionnaire.group.code,
                    unit.code,
                    unit.name,
                    question.code,
                    question.item.code,
                    question.text,
                    result.answers,
                    result.blank,
                    *(None if hidden else result.distribution.get(c) for c in codes),
                    None if hidden else result.satisfaction,
                    None if hidden else result.mean_weight,
                ]
            )
    return keys, rows


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    return str(value)  # int, or a Decimal already rounded to the year's places ("66.67", "66.667")


def aggregates_csv(questionnaire: Questionnaire, *, public: bool = False) -> bytes:
    keys, rows = aggregate_rows(questionnaire, public=public)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def aggregates_table(questionnaire: Questionnaire, *, public: bool = False) -> Table:
    keys, rows = aggregate_rows(questionnaire, public=public)
    labels = {
        "year": Column(_("Năm"), INTEGER),
        "group": Column(_("Khối")),
        "unit_code": Column(_("Mã đơn vị")),
        "unit_name": Column(_("Đơn vị")),
        "question": Column(_("Mã câu hỏi")),
        "item_code": Column(_("Tiêu chí")),
        "text": Column(_("Câu hỏi"), TEXT, wrap=True),
        "valid_answers": Column(_("Số câu trả lời hợp lệ"), INTEGER),
        "blank": Column(_("Không trả lời"), INTEGER),
        "satisfaction": Column(_("Tỷ lệ hài lòng (%)"), POINTS),
        "mean_weight": Column(_("Tỷ lệ điểm bình quân (%)"), POINTS),
    }
    columns = [
        labels.get(key) or Column(_("Số chọn %(code)s") % {"code": key[8:]}, INTEGER)
        for key in keys
    ]
    year = questionnaire.year
    return Table(
        name=_("Khảo sát %(year)s %(group)s")
        % {"year": year.year, "group": questionnaire.group.code},
        owner=owner_name(year),
        title=_("Kết quả khảo sát năm %(year)s, khối %(group)s: từng đơn vị, từng câu hỏi")
        % {"year": year.year, "group": questionnaire.group.name},
        columns=columns,
        rows=rows,
        decimals=selectors.decimals_of(year),
        notes=[
            _(
                "Hài lòng: câu trả lời có tỷ lệ điểm từ 60 % trở lên. Chỉ số liệu tổng hợp, "
                "không có phiếu nào."
            )
        ],
    )


def aggregates_xlsx(questionnaire: Questionnaire, *, public: bool = False) -> bytes:
    return to_xlsx([aggregates_table(questionnaire, public=public)])


def file_name(questionnaire: Questionnaire, ext: str) -> str:
    return f"{file_stem('khao-sat', questionnaire.year.year, questionnaire.group.code)}.{ext}"
