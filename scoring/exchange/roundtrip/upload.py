"""Reading an uploaded round-trip file: every check, by sheet row, then the preview."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _

from lib import tabular
from scoring.exchange.roundtrip.apply import check_with_services
from scoring.exchange.roundtrip.layout import (
    ALL_COLUMNS,
    BOOL,
    DIGEST_LENGTH,
    ITEM_CODE,
    MAX,
    META_TOKEN,
    META_UNIT,
    META_VERSION,
    META_YEAR,
    METHOD,
    POINTS,
    SALT,
    SELF,
    SURVEY,
    TEXT,
    CellChange,
    Layout,
    Line,
    Preview,
    RoundTripError,
    Subject,
    canonical,
    digest,
    has_values,
    kind_label,
    norm_text,
    shown,
    unescape_text,
)
from scoring.permissions import Account

XLSX_MAGIC = b"PK\x03\x04"

_EMPTY = {POINTS: None, BOOL: False, TEXT: ""}

#: A sheet has one row per item (a province's 150 items, with a wide margin) and a few columns.
SHEET_LIMITS = tabular.Limits(rows=2_000, columns=30, cells=50_000)


def _parse(kind: str, raw, places: int = 2):
    """A cell's value; points with at most the year's decimals (`places`, 2 or 3)."""
    if kind == POINTS:
        return tabular.parse_points(raw, places)
    if kind == BOOL:
        return tabular.parse_bool(raw)
    return unescape_text(tabular.parse_text(raw))


def check_file_name(name: str, head: bytes) -> None:
    """Refuse a file whose name does not say what it is (.xlsx or .csv, matching its content)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("xlsm", "xltm", "xlsb"):
        raise RoundTripError(
            _("Tệp có macro (%(ext)s) không được chấp nhận; hãy lưu lại dưới dạng .xlsx thường")
            % {"ext": "." + extension}
        )
    if extension not in ("xlsx", "csv"):
        raise RoundTripError(
            _("Chỉ nhận tệp .xlsx (hoặc .csv); tệp “%(name)s” không phải.") % {"name": name}
        )
    is_zip = head.startswith(XLSX_MAGIC)
    if extension == "csv" and is_zip:
        raise RoundTripError(
            _(
                "Tệp “%(name)s” có đuôi .csv nhưng nội dung là tệp xlsx: hãy đặt lại đúng đuôi .xlsx."
            )
            % {"name": name}
        )


def read_upload(data, subject: Subject, *, user: Account) -> Preview:
    """Read and check an uploaded file against `subject`; a Preview or RoundTripError."""
    layout = subject.layout
    try:
        rows = tabular.read_table(
            data, required=(), optional=ALL_COLUMNS, single_sheet=True, limits=SHEET_LIMITS
        )
    except tabular.TableError as error:
        raise RoundTripError(error.messages) from None
    problems = tabular.Problems()
    meta: dict[str, str] = {}
    key_name = tabular.normalize_name(layout.key_column)
    value_name = tabular.normalize_name(layout.value_column)
    item_rows = []
    for row in rows:
        key = _safe_text(row.values.get(key_name))
        if key.startswith("#"):
            meta[_meta_key(key)] = _safe_text(row.values.get(value_name))
        else:
            item_rows.append(row)
    payload = _check_meta(meta, subject)
    present = rows[0].present if rows else frozenset()
    needed = [c for c in layout.identity if c != METHOD] + [f.column for f in layout.editable]
    missing = [c for c in needed if tabular.normalize_name(c) not in present]
    if missing:
        raise RoundTripError(
            [
                _("Thiếu cột “%(column)s”: dòng tiêu đề đã bị sửa; hãy tải tệp mới.")
                % {"column": c}
                for c in missing
            ]
        )
    changes, kept = _compare(item_rows, subject, payload, problems)
    if problems:
        raise RoundTripError(problems.messages)
    preview = Preview(subject, changes, kept, version=subject.version)
    if changes:
        check_with_services(preview, user)
    return preview


def _safe_text(value) -> str:
    try:
        return tabular.parse_text(value)
    except tabular.CellError:
        return ""


def _meta_key(text: str) -> str:
    """A meta row's key as matched: "# Mã kiểm tra (không sửa)" → "mãkiểmtra(khôngsửa)"."""
    return tabular.normalize_name(text.replace(" ", "").lstrip("#"))


def _check_meta(meta: dict[str, str], subject: Subject) -> dict:
    """The signed payload, once the file is known to be this subject's; RoundTripError if not."""

    def value(key: str) -> str | None:
        return meta.get(_meta_key(key))

    token = value(META_TOKEN)
    if not token:
        raise RoundTripError(
            _(
                "Không tìm thấy dòng “%(key)s”: tệp này không phải tệp nhập điểm tải từ cổng, "
                "hoặc phần đầu tệp đã bị xóa. Hãy tải tệp mẫu và nhập lại."
            )
            % {"key": META_TOKEN}
        )
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise RoundTripError(
            _("Mã kiểm tra của tệp không hợp lệ (phần đầu tệp đã bị sửa). Hãy tải tệp mới.")
        ) from None
    if payload.get("k") != subject.kind:
        raise RoundTripError(
            _("Đây là tệp nhập “%(file)s”, không phải tệp nhập “%(page)s”.")
            % {"file": kind_label(payload.get("k", SELF)), "page": kind_label(subject.kind)}
        )
    expected_unit = subject.sheet.unit.code if subject.sheet else ""
    if payload.get("u") != expected_unit or payload.get("y") != subject.year.year:
        raise RoundTripError(
            _(
                "Tệp này là của đơn vị %(unit)s năm %(year)s, không phải của đơn vị %(this_unit)s "
                "năm %(this_year)s."
            )
            % {
                "unit": payload.get("u") or "–",
                "year": payload.get("y"),
                "this_unit": expected_unit or "–",
                "this_year": subject.year.year,
            }
        )
    if payload.get("g", "") != subject.group_code:
        raise RoundTripError(_("Tệp này là của khối khác; hãy tải tệp của khối đang xem."))
    made_from = payload.get("fv", 0)
    if made_from and made_from != subject.framework_version:
        raise RoundTripError(
            _(
                "Tệp này được tạo theo phiên bản %(old)s của bộ chỉ số; bộ chỉ số đã được thay "
                "bằng phiên bản %(new)s. Hãy tải tệp mới và nhập lại."
            )
            % {"old": made_from, "new": subject.framework_version}
        )
    shown_values = {
        META_YEAR: str(subject.year.year),
        META_UNIT: expected_unit if subject.sheet else None,
        META_VERSION: str(payload.get("v")) if subject.sheet else None,
    }
    for key, expected in shown_values.items():
        if expected is not None and value(key) != expected:
            raise RoundTripError(
                _(
                    "Dòng “%(key)s” đã bị sửa (ghi “%(found)s”, đúng là “%(expected)s”). "
                    "Hãy tải tệp mới."
                )
                % {"key": key, "found": value(key) or "", "expected": expected}
            )
    if payload.get("f") != subject.framework_hash:
        raise RoundTripError(
            _("Bộ chỉ số (hoặc danh sách đơn vị) đã thay đổi sau khi tải tệp. Hãy tải tệp mới.")
        )
    return payload


def _compare(item_rows, subject: Subject, payload: dict, problems: tabular.Problems):
    """The changed cells (and the newer portal values kept) of the item rows; problems filed."""
    layout = subject.layout
    lines = {line.key: line for line in subject.lines}
    digests: dict = payload.get("d", {})
    seen: dict[str, int] = {}
    changes: list[CellChange] = []
    kept: list[CellChange] = []
    for row in item_rows:
        identity = [problems.parse(row, c, tabular.parse_text, default="") for c in layout.identity]
        if subject.kind == SURVEY:
            key = f"{identity[0]}|{identity[2]}"
            label = _("đơn vị %(unit)s, tiêu chí %(item)s") % {
                "unit": identity[0],
                "item": identity[2],
            }
        else:
            key, label = identity[0], identity[0]
        line = lines.get(key)
        if line is None:
            problems.add(
                row,
                ITEM_CODE if subject.kind == SURVEY else layout.identity[0],
                _("“%(key)s” không có trong tệp đã tải về (mã đã bị sửa hoặc dòng được thêm).")
                % {"key": label},
            )
        elif key in seen:
            problems.add(
                row, None, _("%(key)s đã có ở dòng %(first)s.") % {"key": label, "first": seen[key]}
            )
        else:
            seen[key] = row.number
            if _identity_matches(line, identity, row, layout, problems):
                known = digests.get(key, "")
                for position, f in enumerate(layout.editable):
                    original = known[position * DIGEST_LENGTH : (position + 1) * DIGEST_LENGTH]
                    change = _changed_cell(row, line, f, problems, subject.year.decimals)
                    if change is None:
                        continue
                    if original == digest(f.kind, change.old):
                        changes.append(change)
                    elif original == digest(f.kind, change.new):
                        kept.append(change)  # not touched in the file; the portal's is newer
                    else:
                        problems.add(
                            row,
                            f.column,
                            _(
                                "giá trị trên cổng đã đổi thành “%(now)s” sau khi bạn tải tệp; "
                                "hãy tải tệp mới rồi nhập lại."
                            )
                            % {"now": shown(f.kind, change.old)},
                        )
    return changes, kept


def _changed_cell(
    row, line: Line, f, problems: tabular.Problems, places: int = 2
) -> CellChange | None:
    """The cell of field `f` if its value differs from the portal's and may change, else None."""
    if tabular.normalize_name(f.column) not in row.present:
        return None
    try:
        new = _parse(f.kind, row.values.get(tabular.normalize_name(f.column)), places)
    except tabular.CellError as error:
        problems.add(row, f.column, error.message)
        return None
    current = line.values.get(f.name) if has_values(line) else _EMPTY[f.kind]
    if canonical(f.kind, new) == canonical(f.kind, current):
        return None
    if not line.editable:
        problems.add(
            row,
            f.column,
            _("ô này chỉ để xem (%(why)s); không sửa.")
            % {"why": line.why_not or _("không nhập ở tệp này")},
        )
        return None
    if f.kind == POINTS and new is not None and new > line.item.max_points:
        problems.add(
            row,
            f.column,
            _("%(value)s vượt điểm tối đa %(max)s.")
            % {"value": shown(POINTS, new), "max": shown(POINTS, line.item.max_points)},
        )
        return None
    return CellChange(
        row=row.number,
        key=line.key,
        item_code=line.item.code,
        item_name=line.item.name,
        unit_code=line.unit_code,
        field=f.name,
        label=f.column,
        kind=f.kind,
        old=current,
        new=new,
    )


def _identity_matches(line: Line, identity: list, row, layout: Layout, problems) -> bool:
    ok = True
    for column, found, expected in zip(layout.identity, identity, line.identity, strict=True):
        if column == MAX:
            try:
                number = tabular.parse_points(row.values.get(tabular.normalize_name(MAX)))
            except tabular.CellError:
                number = None
            same = number == expected
        elif column == METHOD:
            continue  # shown for the reader only
        else:
            same = " ".join(found.split()) == " ".join(norm_text(str(expected)).split())
        if not same:
            problems.add(
                row,
                column,
                _("không sửa cột này (trên cổng là “%(value)s”).")
                % {"value": shown(POINTS, expected) if column == MAX else expected},
            )
            ok = False
    return ok
