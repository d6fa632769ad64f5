"""What a round-trip file holds: its kinds, columns, values, subjects and changes."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import permissions
from scoring.exchange import exports
from scoring.models import AssessmentYear, Item, Method, Score, Sheet
from scoring.permissions import User
from scoring.selectors.survey import survey_grid
from scoring.services.scores import ScoreChange, framework_for

SELF, APPRAISAL, SURVEY = "self", "appraisal", "survey"
SOURCE = "upload"
SALT = "scoring.exchange.roundtrip"

POINTS, BOOL, TEXT = "points", "bool", "text"
#: A cell's value as read: points (None: empty), a yes/no, or a text.
CellValue = Decimal | bool | str | None

# Column headers are part of the file format: fixed Vietnamese words, matched in any case and
# any order, and the same whatever the interface language (not translated on purpose).
CODE, NAME, METHOD, MAX = "Mã", "Tiêu chí", "Phương pháp", "Điểm tối đa"
UNIT_CODE, UNIT_NAME = "Mã đơn vị", "Đơn vị"
ITEM_CODE = "Mã tiêu chí"
META_UNIT, META_YEAR, META_KIND = "# Mã đơn vị", "# Năm", "# Loại tệp"
META_GROUP, META_VERSION, META_TOKEN = "# Khối", "# Phiên bản", "# Mã kiểm tra (không sửa)"
META_HELP = "# Hướng dẫn"


@dataclass(frozen=True)
class Field:
    name: str  # the ScoreChange field
    column: str
    kind: str


NA = Field("not_applicable", "Không áp dụng", BOOL)
SELF_POINTS = Field("self_points", "Điểm tự đánh giá", POINTS)
NOTE = Field("note", "Ghi chú của đơn vị", TEXT)
POINTS_FIELD = Field("points", "Điểm thẩm định", POINTS)
REASON = Field("reason", "Lý do thẩm định", TEXT)
SURVEY_POINTS = Field("points", "Điểm ĐTXHH", POINTS)


@dataclass(frozen=True)
class Layout:
    kind: str
    key_column: str  # meta rows: the key in this column, the value in `value_column`
    value_column: str
    identity: tuple[str, ...]  # columns that name the row and must not be edited
    shown: tuple[Field, ...]  # read-only values, for the reader of the file
    editable: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [*self.identity, *[f.column for f in self.shown], *[f.column for f in self.editable]]


LAYOUTS = {
    SELF: Layout(SELF, CODE, NAME, (CODE, NAME, METHOD, MAX), (), (NA, SELF_POINTS, NOTE)),
    APPRAISAL: Layout(
        APPRAISAL,
        CODE,
        NAME,
        (CODE, NAME, METHOD, MAX),
        (NA, SELF_POINTS, NOTE),
        (POINTS_FIELD, REASON),
    ),
    SURVEY: Layout(
        SURVEY,
        UNIT_CODE,
        UNIT_NAME,
        (UNIT_CODE, UNIT_NAME, ITEM_CODE, NAME, MAX),
        (),
        (SURVEY_POINTS,),
    ),
}
ALL_COLUMNS = list(dict.fromkeys(c for layout in LAYOUTS.values() for c in layout.columns))


def kind_label(kind: str) -> str:
    return {
        SELF: _("Tự đánh giá"),
        APPRAISAL: _("Thẩm định"),
        SURVEY: _("Điều tra xã hội học"),
    }[kind]


class RoundTripError(Exception):
    """The upload cannot be applied; `messages` lists every problem (Vietnamese)."""

    def __init__(self, messages: str | Sequence[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


# --------------------------------------------------------------------------- values


def norm_text(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def canonical(kind: str, value) -> str:
    """The form in which a value is compared and digested: "9.50", "1"/"0", trimmed NFC text.

    Points with two places, or three where a year of three decimals has a third ("9.125"), so
    that the digests of files of two-decimal years stay what they were."""
    if kind == POINTS:
        return "" if value is None else format(_two_or_three(Decimal(value)), "f")
    if kind == BOOL:
        return "1" if value else "0"
    return norm_text(value)


DIGEST_LENGTH = 8  # hex characters of one value's digest in the check code


def digest(kind: str, value) -> str:
    return hashlib.blake2s(
        canonical(kind, value).encode(), digest_size=DIGEST_LENGTH // 2
    ).hexdigest()


def escape_text(text: str) -> str:
    """Text as written in a round-trip cell: a leading = or ' gets a quote (undone on reading).

    The shared reader refuses any text starting with "=" (a formula); the quote keeps such a
    note importable, and quoting a leading quote keeps the rule reversible.
    """
    return "'" + text if text.startswith(("=", "'")) else text


def unescape_text(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _two_or_three(value: Decimal) -> Decimal:
    """Points with two places, or three when they have a third (a year of three decimals)."""
    cents = value.quantize(exports.CENT)
    return cents if cents == value else value.quantize(Decimal("0.001"))


def shown(kind: str, value) -> str:
    """A value as the preview shows it: 92,03 (91,651 with a third decimal) / Có / the text; "–"
    when empty."""
    if kind == POINTS:
        if value is None:
            return "–"
        number = Decimal(value)
        return number_format(
            number, 2 if _two_or_three(number) == number.quantize(exports.CENT) else 3
        )
    if kind == BOOL:
        return _("Có") if value else _("Không")
    return value or "–"


def _framework_hash(rows: Sequence[tuple]) -> str:
    text = "\n".join("|".join(str(part) for part in row) for row in rows)
    return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


# --------------------------------------------------------------------------- what a file holds


@dataclass
class Line:
    """One item row of a file: its key, identity cells and current values by field name."""

    key: str  # item code, or "UNIT|item code" for the survey
    item: Item
    identity: list
    values: dict[str, CellValue]  # field name → current value (also the read-only ones)
    editable: bool
    why_not: str = ""  # why the row is read-only (shown in messages)
    depth: int = 1
    unit_code: str = ""
    kind: str = SELF


@dataclass
class Subject:
    """What a file is about: a sheet (self, appraisal) or a year's survey (optionally a group)."""

    kind: str
    year: AssessmentYear
    sheet: Sheet | None = None
    group_code: str = ""
    lines: list[Line] = field(default_factory=list)
    framework_hash: str = ""
    version: int = 0
    # The version of the framework a sheet's file was made from (0: a survey file, which spans
    # groups; its hash covers a change of framework).
    framework_version: int = 0

    @property
    def layout(self) -> Layout:
        return LAYOUTS[self.kind]

    @property
    def unit_sheet(self) -> Sheet:
        """The sheet of a self-assessment or appraisal file (a survey file has none)."""
        if self.sheet is None:
            raise ValueError(f"A {self.kind} file is about no sheet.")
        return self.sheet


def _score_values(score: Score | None) -> dict[str, CellValue]:
    return {
        "not_applicable": bool(score and score.not_applicable),
        "self_points": score.self_points if score else None,
        "note": score.note if score else "",
        "points": score.points if score else None,
        "reason": score.reason if score else "",
    }


def sheet_subject(sheet: Sheet, kind: str, user: User) -> Subject:
    """The lines of a unit's sheet for a self-assessment or appraisal file."""
    framework = framework_for(sheet.unit, sheet.year)
    items = list(framework.items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    domains = permissions.appraised_domains(user, sheet) if kind == APPRAISAL else None
    lines = []
    for item in items:
        editable, why = False, _("dòng tiêu đề của lĩnh vực, tiêu chí")
        if item.is_scored and item.method == Method.SURVEY:
            why = _("tiêu chí chấm bằng điều tra xã hội học")
        elif item.is_scored and kind == SELF:
            editable = True
        elif item.is_scored:
            editable = domains is None or item.domain_code in domains
            why = _("tiêu chí không thuộc lĩnh vực bạn được giao thẩm định")
        lines.append(
            Line(
                key=item.code,
                item=item,
                identity=[
                    item.code,
                    item.name,
                    item.get_method_display() if item.method else "",
                    item.max_points,
                ],
                values=_score_values(scores.get(item.id)),
                editable=editable,
                why_not="" if editable else why,
                depth=item.depth,
                kind=kind,
            )
        )
    return Subject(
        kind=kind,
        year=sheet.year,
        sheet=sheet,
        lines=lines,
        framework_hash=_framework_hash([(i.code, i.max_points, i.method) for i in items]),
        version=sheet.version,
        framework_version=framework.version,
    )


def survey_subject(year: AssessmentYear, user: User, group_code: str = "") -> Subject:
    """Every unit × survey item the user may enter survey points for (optionally one group)."""
    lines = []
    for group in survey_grid(year):
        if group_code and group.group.code != group_code:
            continue
        for unit, values in group.units:
            if not permissions.may(user, "scoring.enter_survey", Sheet(unit=unit, year=year)):
                continue
            for item in group.items:
                lines.append(
                    Line(
                        key=f"{unit.code}|{item.code}",
                        item=item,
                        identity=[unit.code, unit.name, item.code, item.name, item.max_points],
                        values={"points": values.get(item.code)},
                        editable=True,
                        unit_code=unit.code,
                        kind=SURVEY,
                    )
                )
    return Subject(
        kind=SURVEY,
        year=year,
        group_code=group_code,
        lines=lines,
        framework_hash=_framework_hash([(ln.key, ln.item.max_points) for ln in lines]),
    )


def token(subject: Subject) -> str:
    fields = subject.layout.editable
    payload = {
        "k": subject.kind,
        "y": subject.year.year,
        "u": subject.sheet.unit.code if subject.sheet else "",
        "g": subject.group_code,
        "v": subject.version,
        "f": subject.framework_hash,
        "fv": subject.framework_version,
        "d": {
            line.key: "".join(digest(f.kind, line.values.get(f.name)) for f in fields)
            for line in subject.lines
        },
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def has_values(line: Line) -> bool:
    """Rows that carry the file's fields: scored items assessed by the file's method."""
    return line.item.is_scored and (line.kind == SURVEY or line.item.method == Method.APPRAISAL)


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class CellChange:
    """One changed cell: where it is in the file and what it changes on the portal."""

    row: int
    key: str
    item_code: str
    item_name: str
    unit_code: str
    field: str
    label: str
    kind: str
    old: CellValue
    new: CellValue

    @property
    def old_shown(self) -> str:
        return shown(self.kind, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.kind, self.new)


@dataclass
class Preview:
    """What an upload would change: exactly the changed cells, checked by the real service."""

    subject: Subject
    changes: list[CellChange]
    kept: list[CellChange] = field(default_factory=list)  # newer portal values left alone
    version: int = 0  # the sheet's version at preview (confirming from another one is refused)

    def score_changes(self) -> list[ScoreChange]:
        return score_changes(self.changes)

    def to_session(self) -> dict:
        """What the confirmation needs, as JSON: kind, version and each change (canonical)."""
        return {
            "kind": self.subject.kind,
            "version": self.version,
            "changes": [
                [c.row, c.key, c.field, canonical(c.kind, c.new), canonical(c.kind, c.old)]
                for c in self.changes
            ],
        }


def score_changes(changes: Sequence[CellChange]) -> list[ScoreChange]:
    """The cell changes as ScoreChanges, one per item (fields not changed stay UNSET)."""
    by_key: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for change in changes:
        by_key.setdefault(change.key, {})[change.field] = change.new
        rows.setdefault(change.key, change.row)
    return [
        ScoreChange(key.rsplit("|", 1)[-1], row=rows[key], **fields)
        for key, fields in by_key.items()
    ]
