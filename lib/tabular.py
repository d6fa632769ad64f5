"""One shared reader for the tabular files that the portal imports (CSV and xlsx).

Every importer (units, frameworks, bands, scores, lineage, score sheets) reads its upload through
:func:`read_table` and turns cells into values with the ``parse_*`` functions, collecting every
problem in a :class:`Problems` object so that the person uploading sees all mistakes at once.

Usage::

    from lib import tabular

    rows = tabular.read_table(upload, required=["mã", "tên"], optional=["điểm", "ẩn"])
    problems = tabular.Problems()
    for row in rows:
        code = problems.parse(row, "mã", tabular.parse_text)
        points = problems.parse(row, "điểm", tabular.parse_points)  # None: empty cell
        if "ẩn" in row.present:  # column absent from the file: leave the field alone
            hidden = problems.parse(row, "ẩn", tabular.parse_bool)
        if not code:
            problems.add(row, "mã", gettext("không được để trống"))
    problems.raise_if_any()  # TableError listing every problem, sorted by row

API
---
``read_table(data, *, required, optional=(), max_bytes=None, single_sheet=False, filename="")``
    ``data`` is ``bytes`` or a binary file-like object (a Django ``UploadedFile``; it is rewound
    with ``seek(0)`` when possible). Returns ``list[Row]`` (possibly empty when the file has only
    a header: the caller decides whether that is acceptable). Raises :class:`TableError`.
    ``max_bytes`` defaults to ``settings.IMPORT_MAX_BYTES`` (10 MB without Django settings).
    ``single_sheet=True`` makes an xlsx with more than one sheet an error. ``filename`` is
    accepted for call-site convenience only: the format is always detected from the content.

``Row(number, values, present, labels)``
    ``number``: the row number a spreadsheet shows (header = 1, first data row = 2).
    ``values``: normalised column name -> raw cell, for every column present in the file;
    an empty cell is ``None`` (CSV: ``str``; xlsx: ``str``/``int``/``float``/``bool``/``datetime``).
    ``present``: frozenset of normalised names of the columns present in the file.
    ``labels``: normalised name -> the header as written in the file (used in messages).
    ``row.get(column)`` returns ``values.get(...)`` (``None`` for an empty or absent column).

``parse_points(v) -> Decimal | None``, ``parse_bool(v) -> bool``, ``parse_int(v) -> int | None``,
``parse_text(v) -> str``
    Raise :class:`CellError` (a ``ValueError``) with a Vietnamese message, lower-case, without
    the row/column prefix.

``Problems``: ``add(row, column, message)``, ``parse(row, column, parser, default=None)``,
``messages`` (sorted by row), ``raise_if_any()``, ``len()``/``bool()``.

``TableError(messages)``: ``.messages`` is a list of complete, translated messages.

Messages
--------
Cell problem: ``"Dòng %(row)s, cột %(column)s: %(message)s"``; row problem:
``"Dòng %(row)s: %(message)s"``; file problems are plain sentences ("Tệp quá lớn (tối đa 10 MB)",
"Tệp không phải bảng tính Excel hoặc CSV", "Tệp xlsx bị hỏng hoặc không đọc được",
"Tệp không có dữ liệu",
"Thiếu cột bắt buộc “mã”", ...). msgids are Vietnamese; English is the translation.

Format rules
------------
* The format comes from the content, never from the file name. xlsx = a zip (``PK\\x03\\x04``)
  holding ``[Content_Types].xml`` and an ``xl/`` part that openpyxl can open; any other zip (a
  Word document, an archive) -> "Tệp không phải bảng tính Excel hoặc CSV"; a truncated or corrupt
  workbook -> "Tệp xlsx bị hỏng hoặc không đọc được". Macro-enabled workbooks (vbaProject.bin or a
  macroEnabled content type) are refused. Anything else must be text: UTF-8 (BOM optional), else
  Windows-1258; NUL bytes, more than 1 % control characters, or the start of a PDF, an image or
  an RTF file -> "Tệp không phải bảng tính Excel hoặc CSV".
* CSV: separator ``,`` or ``;`` (whichever occurs more outside quotes in the header line; a tie
  means ``,``); all text is normalised to Unicode NFC (cp1258 text uses combining tone marks).
* xlsx: the first worksheet only, opened with ``data_only=False`` so formulas are never
  evaluated; a formula cell (or a text cell starting with ``=``) is an error "Ô chứa công thức",
  as is an error value (#N/A, ...). Merged cells in the data area, hidden rows/columns that hold
  data, and a hidden first sheet are errors (they hide data from the person who checked the file).
  A zip that would inflate to more than ``max(20 × max_bytes, 50 MB)`` is refused.
* Row 1 is the header. Names are trimmed, NFC, lower-cased and matched in any order; unknown,
  missing required and duplicate columns are errors; so is data in a column without a header.
  Completely empty rows are skipped (row numbers still count).
* Numbers typed into Excel come back as numbers: ``parse_text`` turns 1.2 into "1.2" and 1.0
  into "1". Excel keeps no trailing zeros, so a code typed as the number 1.10 is read as "1.1":
  that cannot be recovered; codes must be entered as text (format the column as Text).
  Floats are read with Excel's 15 significant digits, so 65.81 (or 65.81000000000001 left behind
  by a pasted formula result) is ``Decimal("65.81")``, never a binary artefact.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Context, Decimal
from typing import Any, TypeVar, overload

from django.core.exceptions import ImproperlyConfigured, ValidationError
from openpyxl.utils import get_column_letter

__all__ = [
    "CellError",
    "Limits",
    "Problems",
    "Row",
    "TableError",
    "parse_bool",
    "parse_int",
    "parse_points",
    "parse_text",
    "read_table",
    "stream_table",
]

T = TypeVar("T")
D = TypeVar("D")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: A workbook may inflate to this many times max_bytes (but at least MIN_UNZIPPED_LIMIT).
UNZIPPED_RATIO = 20
MIN_UNZIPPED_LIMIT = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
#: XML elements allowed in one part of a workbook: per cell of the limit, plus the fixed parts.
ELEMENTS_PER_CELL = 10
ELEMENTS_BASE = 100_000
#: Digits a number may have before the decimal point; far beyond any score (the item's maximum
#: refuses it later with its own message), and within what Decimal can quantize.
MAX_DIGITS = 40
#: Share of control characters above which "text" is considered binary.
MAX_CONTROL_SHARE = 0.01
#: How many rows/columns/ranges a structural message lists before "…".
MAX_LISTED = 10

UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc

TRUE_WORDS = frozenset({"1", "x", "true", "có", "yes"})
FALSE_WORDS = frozenset({"0", "false", "không", "no", ""})

_NUMBER_RE = re.compile(r"([+\-\u2212]?)(\d+)(?:[.,](\d+))?")
_INT_RE = re.compile(r"[+\-\u2212]?\d+")


def _(message: str) -> str:
    """gettext when Django is configured, the Vietnamese msgid otherwise."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except ImproperlyConfigured:
        return message


# --------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """Hard caps on one file, checked while it is read and before any cell object is built.

    ``rows`` counts every row (an xlsx ``<row>``, a CSV record, empty or not); ``cells`` every
    xlsx ``<c>`` element, empty or not (a CSV's non-blank fields); ``columns`` is the last column
    that holds a value; ``part_bytes`` the unzipped size of each part of an xlsx. Each entry
    point passes the caps of its largest real file with a wide margin (``read_table(limits=)``).
    """

    rows: int = 20_000
    columns: int = 100
    cells: int = 400_000
    part_bytes: int = 50 * 1024 * 1024

    @property
    def elements(self) -> int:
        return ELEMENTS_PER_CELL * self.cells + ELEMENTS_BASE


DEFAULT_LIMITS = Limits()


def _count_text(n: int) -> str:
    """20000 -> "20.000" (the active language's grouping) for a message naming a limit."""
    try:
        from django.utils.formats import get_format

        separator = str(get_format("THOUSAND_SEPARATOR"))
    except ImproperlyConfigured:
        separator = "."
    return f"{n:,}".replace(",", separator)


def _too_many_rows(limits: Limits) -> TableError:
    return TableError(
        _("Tệp có quá nhiều dòng (tối đa %(limit)s dòng)") % {"limit": _count_text(limits.rows)}
    )


def _too_many_columns(limits: Limits) -> TableError:
    return TableError(
        _("Tệp có dữ liệu ở quá nhiều cột (tối đa %(limit)s cột)")
        % {"limit": _count_text(limits.columns)}
    )


def _too_many_cells(limits: Limits) -> TableError:
    return TableError(
        _("Tệp có quá nhiều ô (tối đa %(limit)s ô)") % {"limit": _count_text(limits.cells)}
    )


# --------------------------------------------------------------------------- errors and rows


class TableError(Exception):
    """The file cannot be imported; ``messages`` lists every problem found (translated)."""

    def __init__(self, messages: str | Iterable[str]):
        self.messages: list[str] = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class CellError(ValueError):
    """A cell value is invalid; ``message`` is the Vietnamese text without row/column prefix."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def normalize_name(name: Any) -> str:
    """A column name as it is matched: text, NFC, trimmed, lower-case."""
    return unicodedata.normalize("NFC", _header_text(name)).strip().lower()


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]
    present: frozenset[str]
    labels: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def get(self, column: str, default: Any = None) -> Any:
        value = self.values.get(normalize_name(column))
        return default if value is None else value

    def label(self, column: str) -> str:
        return self.labels.get(normalize_name(column), column)


def cell_message(row: int, column: str, message: str) -> str:
    return _("Dòng %(row)s, cột %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def row_message(row: int, message: str) -> str:
    return _("Dòng %(row)s: %(message)s") % {"row": row, "message": message}


class Problems:
    """Collects problems across a whole file; ``raise_if_any`` raises them sorted by row."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, str]] = []

    def add(self, row: Row | int | None, column: str | None, message: str) -> None:
        """Record ``message`` for a cell (row and column), a row (column None) or the file."""
        if row is None:
            self._items.append((0, len(self._items), message))
            return
        number = row.number if isinstance(row, Row) else int(row)
        if column is None:
            text = row_message(number, message)
        else:
            label = row.label(column) if isinstance(row, Row) else column
            text = cell_message(number, label, message)
        self._items.append((number, len(self._items), text))

    @overload
    def parse(self, row: Row, column: str, parser: Callable[[Any], T]) -> T | None: ...

    @overload
    def parse(self, row: Row, column: str, parser: Callable[[Any], T], default: D) -> T | D: ...

    def parse(
        self,
        row: Row,
        column: str,
        parser: Callable[[Any], T],
        default: Any = None,
    ) -> Any:
        """``parser(row.get(column))``; on CellError/ValidationError record it, return default.

        An absent column reaches the parser as ``None`` (like an empty cell): check
        ``column in row.present`` first when "absent" must mean "leave alone".
        """
        try:
            return parser(row.values.get(normalize_name(column)))
        except CellError as exc:
            self.add(row, column, exc.message)
        except ValidationError as exc:
            self.add(row, column, "; ".join(str(m) for m in exc.messages))
        return default

    @property
    def messages(self) -> list[str]:
        return [text for _row, _seq, text in sorted(self._items)]

    def extend(self, other: Problems) -> None:
        """Add another collection's problems (a stream's file problems to the rows')."""
        self._items.extend(other._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise TableError(self.messages)


# --------------------------------------------------------------------------- cell parsers


def _shown(value: Any) -> str:
    """The value as quoted in a message (short)."""
    if isinstance(value, float):
        text = _float_text(value)
    elif isinstance(value, Decimal):
        text = format(value, "f") if value.is_finite() else str(value)
    else:
        text = str(value).strip()
    return text if len(text) <= 50 else text[:49] + "…"


def _got(message: str, value: Any) -> str:
    return _("%(message)s, nhận được “%(value)s”") % {"message": message, "value": _shown(value)}


def _float_text(value: float) -> str:
    """A float as Excel shows it: 15 significant digits, no exponent, no trailing ".0"."""
    if not math.isfinite(value):
        return str(value)
    number = Decimal(format(value, ".15g"))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_str(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _to_decimal(value: Any) -> Decimal:
    """Decimal from an xlsx/CSV cell, or CellError "không phải là số"."""
    # Translated only for a refusal (a 15,000-row score file parses 15,000 numbers).
    if isinstance(value, bool | date | time | timedelta):
        raise CellError(_got(_("không phải là số"), value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_got(_("không phải là số"), value))
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(_got(_("không phải là số"), value))
        return value
    if not isinstance(value, str):
        raise CellError(_got(_("không phải là số"), value))
    text = _clean_str(value)
    if "." in text and "," in text:
        raise CellError(_got(_("không phải là số (không dùng dấu phân cách hàng nghìn)"), value))
    match = _NUMBER_RE.fullmatch(text)
    if not match:
        raise CellError(_got(_("không phải là số"), value))
    sign, whole, fraction = match.groups()
    # keep the places as written: "65.8" stays 65.8, "1.500" has three places (not 1.5)
    number = Decimal(whole if fraction is None else f"{whole}.{fraction}")
    return -number if sign in ("-", "\u2212") else number


def parse_points(value: Any, places: int = 2) -> Decimal | None:
    """Points: "65.81", "65,81", 65.81 (xlsx) -> Decimal("65.81"); empty -> None.

    At most `places` decimal places (two; three for the score files of years that publish
    three, checked against the year by the service), not negative; "1.234,5" (thousand
    separators) is refused. The Decimal is returned as written (not quantized).
    """
    if _is_blank(value):
        return None
    number = _to_decimal(value)
    if number < 0:
        raise CellError(_got(_("không được âm"), value))
    if number.is_zero():
        number = abs(number)  # "-0" -> 0
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -places:
        raise CellError(_got(_("tối đa %(places)s chữ số thập phân") % {"places": places}, value))
    if number.adjusted() >= MAX_DIGITS:
        raise CellError(_got(_("quá lớn"), value))
    if exponent > 0:
        number = number.quantize(Decimal(1), context=Context(prec=MAX_DIGITS))  # 1E+2 -> 100
    return number


def parse_bool(value: Any) -> bool:
    """Yes/no: 1 x true có yes -> True; 0 false không no and empty -> False (any case)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _clean_str(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise CellError(
        _got(
            _("giá trị có/không không hợp lệ (dùng có/không, x, 1/0, yes/no, true/false)"),
            value,
        )
    )


def parse_int(value: Any) -> int | None:
    """Integer (years): "2023", 2023, 2023.0 -> 2023; empty -> None."""
    if _is_blank(value):
        return None
    message = _("không phải là số nguyên")
    if isinstance(value, bool):
        raise CellError(_got(message, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        number = _to_decimal(value) if isinstance(value, float) else value
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
        raise CellError(_got(message, value))
    if isinstance(value, str):
        text = _clean_str(value).replace("\u2212", "-")
        if _INT_RE.fullmatch(text):
            return int(text)
    raise CellError(_got(message, value))


def parse_text(value: Any) -> str:
    """Text: trimmed, NFC; empty -> "". xlsx numbers: 1.2 -> "1.2", 1.0 -> "1".

    Excel stores the code 1.10 typed as a number as 1.1: it reads as "1.1" (unrecoverable).
    Dates and TRUE/FALSE are refused (Excel may have turned a code into a date).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, bool):
        raise CellError(_got(_("ô chứa giá trị TRUE/FALSE, không phải văn bản"), value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_got(_("không phải là văn bản"), value))
        return _float_text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | time | datetime | timedelta):
        raise CellError(
            _got(
                _("ô chứa ngày/giờ, không phải văn bản; hãy định dạng cột là Văn bản (Text)"), value
            )
        )
    raise CellError(_got(_("không phải là văn bản"), value))


# --------------------------------------------------------------------------- reading bytes


def _size_text(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb:
        value = n / mb
        return f"{value:.0f} MB" if value == round(value) else f"{value:.1f} MB"
    if n >= 1024:
        return f"{round(n / 1024)} KB"
    return f"{n} byte"


def _too_big(max_bytes: int) -> TableError:
    return TableError(_("Tệp quá lớn (tối đa %(size)s)") % {"size": _size_text(max_bytes)})


def _default_max_bytes() -> int:
    try:
        from django.conf import settings

        return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ImproperlyConfigured:
        return DEFAULT_MAX_BYTES


def _read_bytes(data: Any, max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        size = getattr(data, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise _too_big(max_bytes)
        with contextlib.suppress(AttributeError, OSError, ValueError):
            data.seek(0)  # an upload may have been read already (e.g. by a validator)
        raw = data.read(max_bytes + 1)
        if isinstance(raw, str):
            raise TypeError("read_table needs bytes or a binary file, not text")
        raw = bytes(raw)
    if len(raw) > max_bytes:
        raise _too_big(max_bytes)
    return raw


def _not_tabular() -> TableError:
    return TableError(_("Tệp không phải bảng tính Excel hoặc CSV"))


def _corrupt_xlsx() -> TableError:
    return TableError(_("Tệp xlsx bị hỏng hoặc không đọc được"))


def _no_data() -> TableError:
    return TableError(_("Tệp không có dữ liệu"))


# A grid is the header (column index -> value) and the data rows (number, column index -> value),
# holding only non-blank cells; indexes are 1-based like spreadsheet columns.
Cells = dict[int, Any]


@dataclass
class _Grid:
    rows: dict[int, Cells]  # row number -> non-blank cells (row 1 = header)
    problems: Problems


# --------------------------------------------------------------------------- CSV


# Files that are text-like at their start but never a table: a PDF (often plain ASCII when small),
# images, RTF. Without this, such a file renamed .xlsx or .csv would be read as CSV and refused
# for its missing columns, a message that sends people looking in the wrong place.
DOCUMENT_MAGIC = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"{\\rtf")


def _decode(raw: bytes) -> str:
    if raw.startswith(OLE2_MAGIC):
        raise TableError(
            _(
                "Tệp .xls kiểu cũ hoặc tệp có mật khẩu: hãy mở bằng Excel và lưu lại dưới dạng "
                ".xlsx, không đặt mật khẩu"
            )
        )
    if b"\x00" in raw or raw.startswith(DOCUMENT_MAGIC):
        raise _not_tabular()
    body = raw[len(UTF8_BOM) :] if raw.startswith(UTF8_BOM) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("cp1258")
        except UnicodeDecodeError:
            raise _not_tabular() from None
    controls = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r") or "\x7f" <= ch <= "\x9f")
    if controls and controls > MAX_CONTROL_SHARE * len(text):
        raise _not_tabular()
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    """``;`` if it occurs more than ``,`` outside quotes in the header line, else ``,``."""
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def _csv_records(
    lines: Iterable[str], delimiter: str, limits: Limits, problems: Problems
) -> Iterator[tuple[int, Cells]]:
    """A CSV's non-empty records one at a time (row number, non-blank cells, NFC), the caps
    checked as they come; a format error is recorded in `problems` and ends the records."""
    reader = csv.reader(
        lines,
        delimiter=delimiter,
        quotechar='"',
        skipinitialspace=True,
        strict=True,
    )
    number = count = 0
    try:
        for number, record in enumerate(reader, start=1):  # number: used after the loop
            if number > limits.rows:
                raise _too_many_rows(limits)
            cells = {
                i: unicodedata.normalize("NFC", v)
                for i, v in enumerate(record, start=1)
                if not _is_blank(v)
            }
            if cells:
                if max(cells) > limits.columns:
                    raise _too_many_columns(limits)
                count += len(cells)
                if count > limits.cells:
                    raise _too_many_cells(limits)
                yield number, cells
    except csv.Error:
        problems.add(
            number + 1,
            None,
            _('lỗi định dạng CSV (kiểm tra dấu ngoặc kép “"” chưa đóng hoặc thừa)'),
        )


def _csv_grid(text: str, limits: Limits) -> _Grid:
    problems = Problems()
    lines = io.StringIO(text, newline="")
    rows = dict(_csv_records(lines, _delimiter(text), limits, problems))
    return _Grid(rows, problems)


# --------------------------------------------------------------------------- xlsx


def _open_zip(raw: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _corrupt_xlsx() from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise _not_tabular()  # another zip: a Word document, an archive
    return archive


def _check_zip(archive: zipfile.ZipFile, max_bytes: int, limits: Limits) -> None:
    infos = archive.infolist()
    limit = max(UNZIPPED_RATIO * max_bytes, MIN_UNZIPPED_LIMIT)
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > limit:
        raise TableError(
            _("Tệp xlsx quá lớn sau khi giải nén (tối đa %(size)s)") % {"size": _size_text(limit)}
        )
    for info in infos:
        # zipfile never inflates a part past the size its header declares
        if info.file_size > limits.part_bytes:
            raise TableError(
                _("Tệp xlsx quá lớn sau khi giải nén: phần %(part)s vượt %(size)s")
                % {"part": info.filename[:80], "size": _size_text(limits.part_bytes)}
            )
    macro = any(i.filename.lower().endswith("vbaproject.bin") for i in infos)
    if not macro:
        try:
            content_types = archive.read("[Content_Types].xml")
        except Exception:  # any zip failure: corrupt file
            raise _corrupt_xlsx() from None
        macro = b"macroenabled" in content_types.lower()
    if macro:
        raise TableError(
            _("Tệp có macro (xlsm) không được chấp nhận; hãy lưu lại dưới dạng .xlsx thường")
        )


_COLUMN_RE = re.compile(r"\$?([A-Za-z]{1,3})")


def _column_index(reference: str) -> int:
    """The column of a cell reference ("AB12" -> 28); 0 when it is not one."""
    match = _COLUMN_RE.match(reference)
    if not match:
        return 0
    index = 0
    for letter in match.group(1).upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


class _Counter:
    """Counts a part's XML elements as the parser meets them (expat, no tree, constant memory)
    and stops the parse at the first cap passed: rows, cells and the last column with a value
    in a worksheet, shared strings in the string table, elements in any part."""

    def __init__(self, limits: Limits, kind: str):
        self.limits = limits
        self.kind = kind  # "sheet", "strings" or "other"
        self.elements = self.rows = self.cells = self.strings = 0
        self.column = 0  # the column of the current cell
        self.counted_column = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.limits.elements:
            raise _too_many_cells(self.limits)
        tag = name.rpartition(":")[2]
        if self.kind == "sheet":
            if tag == "row":
                self.rows += 1
                self.column = 0
                if self.rows > self.limits.rows:
                    raise _too_many_rows(self.limits)
            elif tag == "c":
                self.cells += 1
                if self.cells > self.limits.cells:
                    raise _too_many_cells(self.limits)
                reference = attributes.get("r")
                self.column = _column_index(reference) if reference else self.column + 1
                self.counted_column = False
            elif tag in ("v", "is", "f") and not self.counted_column:
                self.counted_column = True  # the cell holds something: its column counts
                if self.column > self.limits.columns:
                    raise _too_many_columns(self.limits)
        elif self.kind == "strings" and tag == "si":
            self.strings += 1
            if self.strings > self.limits.cells:
                raise _too_many_cells(self.limits)


def _refuse_declarations(*_args: Any) -> None:
    raise _corrupt_xlsx()  # a workbook never declares a DTD or entities


def _scan_parts(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Stream every XML part once, counting, before openpyxl reads anything."""
    from xml.parsers import expat

    for info in archive.infolist():
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        if "/worksheets/" in name:
            kind = "sheet"
        elif name.endswith("sharedstrings.xml"):
            kind = "strings"
        else:
            kind = "other"
        counter = _Counter(limits, kind)
        parser = expat.ParserCreate()
        parser.StartElementHandler = counter.start
        parser.StartDoctypeDeclHandler = _refuse_declarations
        parser.EntityDeclHandler = _refuse_declarations
        try:
            with archive.open(info) as stream:
                parser.ParseFile(stream)
        except TableError:
            raise
        except Exception:  # expat, zlib or zip errors: the part is damaged
            raise _corrupt_xlsx() from None


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (", …" if len(items) > MAX_LISTED else "")


def _xlsx_records(
    raw: bytes, max_bytes: int, single_sheet: bool, limits: Limits, problems: Problems
) -> Iterator[tuple[int, Cells]]:
    """The first worksheet's rows one at a time (row number, non-blank cells), after the caps
    were checked on the whole zip; formula and error cells, hidden rows, merged ranges and
    hidden columns holding data are recorded in `problems` (the last two once every row was
    read). Raises TableError for a workbook that cannot be read."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    with _open_zip(raw) as archive:
        _check_zip(archive, max_bytes, limits)
        _scan_parts(archive, limits)
    # Within the caps: openpyxl in read-only mode (nothing but the string table and the styles
    # is loaded), and the first sheet read row by row by its streaming parser, which also
    # collects the merged ranges and the hidden rows and columns. openpyxl is pinned.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(raw),
                read_only=True,
                data_only=False,
                keep_vba=False,
                keep_links=False,
                rich_text=False,
            )
    except Exception:  # openpyxl raises anything on broken files
        raise _corrupt_xlsx() from None

    header: Cells = {}
    hidden_rows: list[str] = []
    cols_with_data: set[int] = set()
    last_row = last_col = 0
    try:
        if single_sheet and len(workbook.sheetnames) > 1:
            problems.add(
                None,
                None,
                _("Tệp có %(count)s trang tính (%(names)s); chỉ được có một trang tính")
                % {"count": len(workbook.sheetnames), "names": _listed(workbook.sheetnames)},
            )
        if not workbook.worksheets:
            raise _no_data()
        sheet: Any = workbook.worksheets[0]
        book: Any = workbook  # openpyxl's reader keeps the date formats on private attributes
        if sheet.sheet_state != "visible":
            problems.add(
                None, None, _("Trang tính đầu tiên “%(name)s” đang bị ẩn") % {"name": sheet.title}
            )
        with warnings.catch_warnings(), sheet._get_source() as source:
            warnings.simplefilter("ignore")
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            rows = parser.parse()
            while True:
                try:
                    _number, row_cells = next(rows)
                except StopIteration:
                    break
                except TableError:
                    raise
                except Exception:  # a damaged sheet
                    raise _corrupt_xlsx() from None
                cells: Cells = {}
                for cell in row_cells:
                    value = cell["value"]
                    if _is_blank(value):
                        continue
                    r, c = cell["row"], cell["column"]
                    last_row, last_col = max(last_row, r), max(last_col, c)
                    cols_with_data.add(c)
                    if r == 1:
                        header[c] = value
                    label = _header_text(header[c]).strip() if c in header else get_column_letter(c)
                    if (
                        cell["data_type"] == "f"
                        or isinstance(value, ArrayFormula | DataTableFormula)
                        or (isinstance(value, str) and value.startswith("="))
                    ):
                        problems.add(
                            r,
                            label,
                            _(
                                "Ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức"
                            ),
                        )
                        continue
                    if cell["data_type"] == "e":
                        problems.add(r, label, _("Ô chứa lỗi %(value)s") % {"value": value})
                        continue
                    if isinstance(value, str):
                        value = unicodedata.normalize("NFC", value)
                    cells[c] = value
                if not any(not _is_blank(cell["value"]) for cell in row_cells):
                    continue
                r = row_cells[0]["row"]
                if _hidden(parser.row_dimensions.get(str(r)), size="ht"):
                    hidden_rows.append(str(r))
                if cells:
                    yield r, cells
    finally:
        workbook.close()
    if not last_row:
        raise _no_data()

    ranges = [rng.ref for rng in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
    merged = [
        str(ref)
        for ref in ranges
        if _merged_bounds(ref)[0] <= last_row and _merged_bounds(ref)[1] <= last_col
    ]
    if merged:
        problems.add(
            None,
            None,
            _("Tệp có ô gộp (merged cells) ở %(ranges)s; hãy bỏ gộp ô")
            % {"ranges": _listed(sorted(merged))},
        )
    if hidden_rows:
        problems.add(
            None,
            None,
            _("Tệp có dòng bị ẩn chứa dữ liệu (dòng %(rows)s); hãy bỏ ẩn hoặc xoá các dòng này")
            % {"rows": _listed(hidden_rows)},
        )
    hidden_cols: set[int] = set()
    for attributes in parser.column_dimensions.values():
        if _hidden(attributes, size="width"):
            low, high = int(attributes.get("min", 0)), int(attributes.get("max", 0))
            hidden_cols.update(c for c in cols_with_data if low <= c <= high)
    if hidden_cols:
        problems.add(
            None,
            None,
            _("Tệp có cột bị ẩn chứa dữ liệu (cột %(columns)s); hãy bỏ ẩn hoặc xoá các cột này")
            % {"columns": _listed([get_column_letter(c) for c in sorted(hidden_cols)])},
        )


def _xlsx_grid(raw: bytes, max_bytes: int, single_sheet: bool, limits: Limits) -> _Grid:
    problems = Problems()
    return _Grid(dict(_xlsx_records(raw, max_bytes, single_sheet, limits, problems)), problems)


def _hidden(attributes: Mapping[str, str] | None, *, size: str) -> bool:
    """A row or column marked hidden, or of height/width 0 (the XML attributes as written)."""
    if not attributes:
        return False
    if str(attributes.get("hidden", "")).lower() in ("1", "true"):
        return True
    try:
        return size in attributes and float(attributes[size]) == 0
    except ValueError:
        return False


def _merged_bounds(reference: str) -> tuple[int, int]:
    """The first row and column of a range such as "A3:B4"."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, _max_col, _max_row = range_boundaries(reference)
    except (TypeError, ValueError):
        return (0, 0)
    return (min_row or 0, min_col or 0)


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _float_text(value)
    return str(value)


# --------------------------------------------------------------------------- the reader


#: What the readers accept: the bytes of a file, an open file or an upload (anything with read()).
Source = bytes | Any


def _header_columns(
    header: Cells,
    required: Sequence[str],
    optional: Sequence[str],
    ignore_unknown: bool,
    problems: Problems,
) -> tuple[dict[int, str], dict[str, str]]:
    """The header row's columns (index -> normalised name) and labels (name -> as written);
    repeated, unknown and missing required columns are recorded in `problems`."""
    required_names = [normalize_name(n) for n in required]
    known = dict.fromkeys(required_names + [normalize_name(n) for n in optional])
    columns: dict[int, str] = {}  # column index -> normalised name
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for index in sorted(header):
        label = unicodedata.normalize("NFC", _header_text(header[index])).strip()
        name = label.lower()
        if name in seen:
            problems.add(None, None, _("Cột “%(column)s” bị lặp lại") % {"column": label})
        elif name not in known and ignore_unknown:
            pass
        elif name not in known:
            problems.add(
                None,
                None,
                _("Cột “%(column)s” không được hỗ trợ; các cột hợp lệ: %(allowed)s")
                % {"column": label, "allowed": ", ".join(known)},
            )
        else:
            columns[index] = name
            labels[name] = label
        seen.add(name)
    if header:
        for name in required_names:
            if name not in labels:
                problems.add(None, None, _("Thiếu cột bắt buộc “%(column)s”") % {"column": name})
    return columns, labels


def _note_headerless(cells: Cells, header: Cells, number: int, headerless: dict[int, int]) -> None:
    """Remember the first row with data in a column that has no name in row 1."""
    for index in cells:
        if index not in header:
            headerless.setdefault(index, number)


def _headerless_problems(headerless: dict[int, int], problems: Problems) -> None:
    for index, number in sorted(headerless.items()):
        problems.add(
            None,
            None,
            _("Cột %(column)s có dữ liệu (dòng %(row)s) nhưng không có tên cột ở dòng 1")
            % {"column": get_column_letter(index), "row": number},
        )


def read_table(
    data: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int | None = None,
    single_sheet: bool = False,
    filename: str = "",
    limits: Limits = DEFAULT_LIMITS,
    ignore_unknown: bool = False,
) -> list[Row]:
    """Read a CSV or xlsx upload into rows; raise TableError listing every problem found.

    See the module docstring for the rules. ``filename`` never decides the format. With
    ``ignore_unknown`` columns other than ``required`` and ``optional`` are skipped rather than
    refused (another tool's export, e.g. KoboToolbox's metadata columns).
    """
    del filename  # the content decides the format
    limit = _default_max_bytes() if max_bytes is None else max_bytes
    raw = _read_bytes(data, limit)
    if not raw.strip():
        raise _no_data()
    if raw.startswith(ZIP_MAGIC):
        grid = _xlsx_grid(raw, limit, single_sheet, limits)
    else:
        grid = _csv_grid(_decode(raw), limits)
    problems = grid.problems
    if not grid.rows and not problems:
        raise _no_data()

    header = grid.rows.get(1, {})
    if not header and grid.rows:
        problems.add(None, None, _("Dòng 1 phải là dòng tiêu đề (tên các cột) nhưng đang trống"))
    columns, labels = _header_columns(header, required, optional, ignore_unknown, problems)

    headerless: dict[int, int] = {}
    for number, cells in sorted(grid.rows.items()):
        if number == 1 or not header:
            continue
        _note_headerless(cells, header, number, headerless)
    _headerless_problems(headerless, problems)
    problems.raise_if_any()

    present = frozenset(columns.values())
    rows = []
    for number, cells in sorted(grid.rows.items()):
        if number == 1:
            continue
        values = {name: cells.get(index) for index, name in columns.items()}
        rows.append(Row(number=number, values=values, present=present, labels=labels))
    return rows


# --------------------------------------------------------------------------- the streaming reader

#: Characters that make "text" binary (as in `_decode`), counted chunk by chunk.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CHUNK = 1024 * 1024


def _text_encoding(raw: bytes) -> str:
    """The encoding `_decode` would choose (UTF-8, else Windows-1258), checked over the whole
    file chunk by chunk without building its text; TableError as `_decode` raises."""
    import codecs

    if raw.startswith(OLE2_MAGIC):
        _decode(raw[: len(OLE2_MAGIC)])  # raises its message (an old .xls, a password)
    if b"\x00" in raw or raw.startswith(DOCUMENT_MAGIC):
        raise _not_tabular()
    for encoding in ("utf-8-sig", "cp1258"):
        decoder = codecs.getincrementaldecoder(encoding)()
        characters = controls = 0
        try:
            for start in range(0, len(raw), _CHUNK):
                text = decoder.decode(raw[start : start + _CHUNK], final=start + _CHUNK >= len(raw))
                characters += len(text)
                controls += len(_CONTROL_RE.findall(text))
        except UnicodeDecodeError:
            continue
        if controls and controls > MAX_CONTROL_SHARE * characters:
            raise _not_tabular()
        return encoding
    raise _not_tabular()


class TableStream:
    """The rows of a CSV or xlsx file one at a time, for files too large to hold as rows (a
    million rows): `read_table`'s caps and checks, with the memory of one row at a time (plus
    the file's bytes).

        stream = stream_table(upload, required=[...], limits=Limits(rows=1_000_001, ...))
        for row in stream:          # Row objects, as read_table returns them
            ...
        problems.extend(stream.problems)   # found while reading: complete once iterated

    The header is read when the stream is made: its problems (missing, unknown or repeated
    columns, an empty row 1) and the caps raise TableError there. What only the whole file
    shows (a CSV format error, formula or error cells, data without a column name, hidden rows
    and columns, merged cells) is collected in `problems` while iterating: the caller reports
    it with its own row problems, and saves nothing when there is any.
    """

    def __init__(
        self,
        records: Iterator[tuple[int, Cells]],
        problems: Problems,
        required: Sequence[str],
        optional: Sequence[str],
        ignore_unknown: bool,
    ) -> None:
        self.problems = problems
        self._records = records
        first = next(records, None)
        if first is None:
            problems.raise_if_any()
            raise _no_data()
        number, cells = first
        if number != 1:
            problems.add(
                None, None, _("Dòng 1 phải là dòng tiêu đề (tên các cột) nhưng đang trống")
            )
            problems.raise_if_any()
        self._header = cells
        self._columns, self._labels = _header_columns(
            cells, required, optional, ignore_unknown, problems
        )
        problems.raise_if_any()
        self._present = frozenset(self._columns.values())

    def __iter__(self) -> Iterator[Row]:
        headerless: dict[int, int] = {}
        columns, labels, present = self._columns, self._labels, self._present
        for number, cells in self._records:
            _note_headerless(cells, self._header, number, headerless)
            values = {name: cells.get(index) for index, name in columns.items()}
            yield Row(number=number, values=values, present=present, labels=labels)
        _headerless_problems(headerless, self.problems)


def stream_table(
    data: Source,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int | None = None,
    single_sheet: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    ignore_unknown: bool = False,
) -> TableStream:
    """`read_table`'s rules, one row at a time (see `TableStream`)."""
    limit = _default_max_bytes() if max_bytes is None else max_bytes
    raw = _read_bytes(data, limit)
    if not raw.strip():
        raise _no_data()
    problems = Problems()
    records: Iterator[tuple[int, Cells]]
    if raw.startswith(ZIP_MAGIC):
        records = _xlsx_records(raw, limit, single_sheet, limits, problems)
    else:
        encoding = _text_encoding(raw)
        head = raw[:_CHUNK].decode(encoding, errors="ignore")
        lines = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline="")
        records = _csv_records(lines, _delimiter(head), limits, problems)
    return TableStream(records, problems, required, optional, ignore_unknown)
