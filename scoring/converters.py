"""Path converters: a value that cannot name anything is a 404 before any query runs.

A code (of a unit, a unit group or an item) is 1 to 30 printable characters without a slash or a
space; a year is four digits; a row's id at most 18 digits. NUL, control characters and 10,000-character values never reach
the database (PostgreSQL refuses NUL, and a number too large for the column is an error there).
"""

from __future__ import annotations

import re

#: What a code may look like, in a path or a query parameter (`views.loading.checked_code`).
CODE_PATTERN = r"[^/\s\x00-\x1f\x7f]{1,30}"
CODE = re.compile(CODE_PATTERN)


class CodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A row's id: at most 18 digits (a larger number overflows the database's integer)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
