"""Names that a spreadsheet could take for a formula are refused, everywhere they come in.

A unit, unit group, band or framework item is named by people and shown in every export and in
open data; a name like ``=HYPERLINK(…)`` would run in whoever opens the CSV in Excel. Names may
not begin with ``=``, ``+``, ``@``, a tab or a carriage return; a leading ``-`` is accepted only
as a bullet (``- `` then a letter), which is dropped. The importers read names with
:func:`parse_name`; model fields check them with :func:`validate_name` (admin forms).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib.tabular import CellError, parse_text

FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
# "- Sở Nội vụ": a bullet before a name (a letter after "- "), dropped.
BULLET = re.compile(r"^-\s+(?=[^\W\d_])")


def clean_name(text: str) -> str:
    """The name without a leading bullet ("- Sở Nội vụ" → "Sở Nội vụ")."""
    return BULLET.sub("", text, count=1)


def name_problem(text: str) -> str | None:
    """Why a name (bullet already dropped) could be read as a formula, or None."""
    if text.startswith(FORMULA_STARTS) or text.startswith("-"):
        return _(
            "tên không được bắt đầu bằng =, +, -, @, dấu tab hoặc xuống dòng (Excel hiểu là "
            "công thức)"
        )
    return None


def parse_name(value: Any) -> str:
    """A name cell: text (`parse_text`), its bullet dropped; CellError if it reads as a formula."""
    text = clean_name(parse_text(value))
    problem = name_problem(text)
    if problem:
        raise CellError(problem)
    return text


def validate_name(value: str) -> None:
    """Model field validator: the same rule for names typed in a form (the admin)."""
    problem = name_problem(value)
    if problem:
        raise ValidationError(problem[:1].upper() + problem[1:] + ".", code="formula")
