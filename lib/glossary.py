"""The portal's words: one Vietnamese term per concept, and the forms it retired.

Vietnamese is the source language of every string, so a concept must read the same on every
page, message, export and e-mail. Each :class:`Term` names a concept, its one term, where a
table needs it short, and the retired forms as regular expressions (matched case-insensitively
on NFC text). ``tests/test_glossary.py`` fails when a retired form appears in a template, a
Python or JavaScript source, or the catalogue's msgid/msgstr, and names the file and line.

A retired form may still be *read*: importers accept what older files and people write (the
framework's method column takes "điều tra XHH"). Such a line carries the marker
:data:`ACCEPTED_ON_INPUT` in a comment and is skipped by the test.

Words that look alike but are not retired: "chấm điểm" (scoring; the sheet is a "phiếu chấm
điểm") stays; "giải trình" alone is the unit's answer, "Chờ giải trình" a request's state (the
unit is yet to answer); "trả lời yêu cầu giải trình" is what a unit does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Comment marker of a line that reads a retired form on input, on purpose.
ACCEPTED_ON_INPUT = "glossary: accepted on input"


@dataclass(frozen=True)
class Term:
    concept: str  # the concept, in English (the translation's word)
    term: str  # the one Vietnamese term
    usage: str  # when to write which form
    short: str = ""  # the form for table columns, badges and compact labels, if any
    retired: tuple[str, ...] = ()  # regular expressions of forms no longer written
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = tuple(re.compile(p, re.IGNORECASE) for p in self.retired)
        object.__setattr__(self, "patterns", compiled)


TERMS: tuple[Term, ...] = (
    Term(
        concept="self-assessment",
        term="tự đánh giá",
        usage="The unit's own claim on an appraisal item: 'điểm tự đánh giá', 'phiếu tự đánh "
        "giá', 'đơn vị không tự đánh giá' (survey items).",
        retired=(r"\btự chấm\b",),
    ),
    Term(
        concept="sociological survey",
        term="điều tra xã hội học",
        short="ĐTXHH",
        usage="Written out in headings, titles and sentences ('Điểm điều tra xã hội học năm "
        "2026', 'chấm bằng điều tra xã hội học'); ĐTXHH in tables, columns, badges, buttons and "
        "the method's label ('Điểm ĐTXHH').",
        retired=(r"\bđiều tra XHH\b", r"\bĐT XHH\b", r"\bĐTXH\b", r"\bĐT-XHH\b"),
    ),
    Term(
        concept="cancel",
        term="Hủy",
        usage="The cancel button and link: 'Hủy' (tone mark on the u), as in Django's own "
        "Vietnamese catalogue.",
        retired=(r"\bhuỷ\b", r"\bhuỷ bỏ\b"),
    ),
    Term(
        concept="explanation request",
        term="yêu cầu giải trình",
        usage="The appraisal council's request to a unit about one item ('yêu cầu giải trình "
        "chờ trả lời', 'Trả lời yêu cầu giải trình'); never 'giải trình' alone for the request.",
        retired=(
            r"(?<!yêu cầu )\bgiải trình (?:chờ|đã)(?: / đã)? trả lời",
            r"(?<!yêu cầu )\bgiải trình quá hạn",
            r"\bđề nghị giải trình\b",
        ),
    ),
    Term(
        concept="explanation",
        term="giải trình",
        usage="The unit's answer to a request ('nội dung giải trình', 'Đã gửi giải trình', "
        "'Có giải trình chờ xem'); not the unit's note on an item.",
        retired=(r"\blời giải trình\b",),
    ),
    Term(
        concept="note",
        term="ghi chú",
        usage="The unit's own note on an item ('Ghi chú của đơn vị'), written with its points; "
        "it is not an explanation.",
        retired=(r"\bghi chú, giải trình\b", r"\bghi chú/giải trình\b"),
    ),
)


def retired_forms(text: str) -> list[tuple[Term, str]]:
    """Each retired form found in `text`, with its term: [(Term, 'tự chấm'), …]."""
    text = unicodedata.normalize("NFC", text)
    return [(term, m.group(0)) for term in TERMS for p in term.patterns for m in p.finditer(text)]
