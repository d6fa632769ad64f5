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

from scoring import calculations as calc
from scoring import permissions
from scoring.models import AssessmentYear, Item, Method, Score, Sheet
from scoring.permissions import User
from scoring.selectors.survey import survey_grid
from scoring.services.scores import ScoreChange, framework_for
from scoring.specs import item_rule_points, item_specs, rule_label, rule_text

SELF, APPRAISAL, SURVEY = "self", "appraisal", "survey"
SOURCE = "upload"
SALT = "scoring.exchange.roundtrip"

POINTS, BOOL, TEXT, VALUE = "points", "bool", "text", "value"
#: A cell's value as read: points or a measured value (None: empty), a yes/no, or a text.
CellValue = Decimal | bool | str | None
#: The measured values of rule items are kept with up to three places (`Score.self_value`).
VALUE_QUANTUM = Decimal("0.001")

# Column headers are part of the file format: fixed Vietnamese words, matched in any case and
# any order, and the same whatever the interface language (not translated on purpose).
CODE, NAME, METHOD, MAX = "Mã", "Tiêu chí", "Phương pháp", "Điểm tối đa"
RULE = "Quy tắc"  # a sheet's file whose framework has rule items; for the reader only
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
SELF_VALUE = Field("self_value", "Giá trị tự đánh giá", VALUE)
VALUE_FIELD = Field("value", "Giá trị thẩm định", VALUE)


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
#: The layouts of a sheet whose framework has rule items: the rule, then each value beside
#: its points (the unit's value shown read-only in the appraisal file).
RULE_LAYOUTS = {
    SELF: Layout(
        SELF, CODE, NAME, (CODE, NAME, METHOD, MAX, RULE), (), (NA, SELF_VALUE, SELF_POINTS, NOTE)
    ),
    APPRAISAL: Layout(
        APPRAISAL,
        CODE,
        NAME,
        (CODE, NAME, METHOD, MAX, RULE),
        (NA, SELF_VALUE, SELF_POINTS, NOTE),
        (VALUE_FIELD, POINTS_FIELD, REASON),
    ),
}
#: Identity columns written for the reader and never compared on upload.
READER_ONLY = (METHOD, RULE)
ALL_COLUMNS = list(
    dict.fromkeys(
        c for layout in [*LAYOUTS.values(), *RULE_LAYOUTS.values()] for c in layout.columns
    )
)


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


def canonical(kind: str, value, decimals: int = 2) -> str:
    """The form in which a value is compared and digested: points with the year's `decimals`
    ("9.50", "9.500"), a measured value with three ("85.000"), "1"/"0", trimmed NFC text."""
    if kind == POINTS:
        return "" if value is None else format(Decimal(value).quantize(calc.quantum(decimals)), "f")
    if kind == VALUE:
        return "" if value is None else format(Decimal(value).quantize(VALUE_QUANTUM), "f")
    if kind == BOOL:
        return "1" if value else "0"
    return norm_text(value)


DIGEST_LENGTH = 8  # hex characters of one value's digest in the check code


def digest(kind: str, value, decimals: int = 2) -> str:
    return hashlib.blake2s(
        canonical(kind, value, decimals).encode(), digest_size=DIGEST_LENGTH // 2
    ).hexdigest()


def escape_text(text: str) -> str:
    """Text as written in a round-trip cell: a leading = or ' gets a quote (undone on reading).

    The shared reader refuses any text starting with "=" (a formula); the quote keeps such a
    note importable, and quoting a leading quote keeps the rule reversible.
    """
    return "'" + text if text.startswith(("=", "'")) else text


def unescape_text(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def shown(kind: str, value, decimals: int = 2) -> str:
    """A value as the preview shows it: 92,03 (92,030 in a 3-decimal year) / 85,5 / Có / the
    text; "–" when empty."""
    if kind == POINTS:
        return "–" if value is None else number_format(value, 3 if decimals == 3 else 2)
    if kind == VALUE:
        return "–" if value is None else plain_value(value)
    if kind == BOOL:
        return _("Có") if value else _("Không")
    return value or "–"


def plain_value(value: Decimal) -> str:
    """A measured value without trailing zeros, with a decimal comma: 85, 92,5, 3."""
    normal = Decimal(value).normalize()
    exponent = normal.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(normal, places)


def yes_no_words(item: Item) -> tuple[str, str]:
    """How a yes_no item's value is written in the file: đạt/không đạt; on a deduction item the
    question is whether it happened (a violation), có/không, as on the forms. Both pairs (and
    1/0) are read back (`importers.parse_value`)."""
    if item.method == Method.DEDUCTION:
        return "có", "không"
    return "đạt", "không đạt"


def value_cell(item: Item, value: Decimal | None) -> Decimal | int | str | None:
    """A measured value as written in its cell: a word for yes_no, a whole number for a
    count, the number otherwise (no trailing zeros)."""
    if value is None:
        return None
    if item.rule == calc.YES_NO:
        yes, no = yes_no_words(item)
        return yes if value == 1 else no
    normal = Decimal(value).normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return normal


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
    # Fields read-only on this row although their column is editable (a rule item's points, a
    # plain item's value, both on a linked item): field name → why (shown in messages).
    locked: dict[str, str] = field(default_factory=dict)

    def may_edit(self, name: str) -> bool:
        return self.editable and name not in self.locked


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
    # The framework has items scored by rule: the file has the rule and value columns.
    with_rules: bool = False

    @property
    def layout(self) -> Layout:
        return RULE_LAYOUTS[self.kind] if self.with_rules else LAYOUTS[self.kind]

    @property
    def decimals(self) -> int:
        """The year's number of decimals: points are written, read and compared with it."""
        return self.year.decimals

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
        "self_value": score.self_value if score else None,
        "value": score.value if score else None,
    }


def _locked(item: Item) -> dict[str, str]:
    """The fields a scored item's row does not take, each with why (see `Line.locked`)."""
    if item.source_kind:
        why = source_note(item)
        return dict.fromkeys(("self_value", "value", "self_points", "points"), why)
    if item.rule:
        why = _("tiêu chí chấm theo quy tắc: nhập giá trị đo, điểm tự tính theo quy tắc")
        return {"self_points": why, "points": why}
    why = _("tiêu chí nhập điểm, không nhập giá trị đo")
    return {"self_value": why, "value": why}


def source_note(item: Item) -> str:
    """Why a linked item's value and points are read-only in the file."""
    return _(
        "giá trị lấy từ chỉ số %(kind)s (thành phần %(component)s, kỳ %(period)s); "
        "sửa giá trị trên cổng, kèm lý do"
    ) % {
        "kind": item.source_kind,
        "component": item.source_component,
        "period": item.source_period,
    }


def _rule_cell(item: Item, decimals: int, caps: dict[str, Decimal]) -> str:
    """The "Quy tắc" cell: the rule in words (`specs.rule_label`), why a linked item is
    read-only, or a bonus or deduction section's cap."""
    if item.code in caps:
        return _("Tổng điểm của mục không vượt %(cap)s") % {
            "cap": shown(POINTS, caps[item.code], decimals)
        }
    text = rule_label(item, decimals)
    if item.source_kind:
        note = source_note(item)
        text = f"{text} ({note})" if text else note[:1].upper() + note[1:]
    return text


def sheet_subject(sheet: Sheet, kind: str, user: User) -> Subject:
    """The lines of a unit's sheet for a self-assessment or appraisal file."""
    framework = framework_for(sheet.unit, sheet.year)
    items = list(framework.items.all())
    scores = {s.item_id: s for s in sheet.scores.all()} if sheet.pk else {}
    domains = permissions.appraised_domains(user, sheet) if kind == APPRAISAL else None
    with_rules = any(item.rule for item in items)
    caps = (
        {spec.code: spec.cap for spec in item_specs(items) if spec.cap is not None}
        if with_rules
        else {}
    )
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
        identity = [
            item.code,
            item.name,
            item.get_method_display() if item.method else "",
            item.max_points,
        ]
        if with_rules:
            identity.append(_rule_cell(item, sheet.year.decimals, caps))
        lines.append(
            Line(
                key=item.code,
                item=item,
                identity=identity,
                values=_score_values(scores.get(item.id)),
                editable=editable,
                why_not="" if editable else why,
                depth=item.depth,
                kind=kind,
                locked=_locked(item) if with_rules and item.is_scored else {},
            )
        )
    shape: list[tuple] = [(i.code, i.max_points, i.method) for i in items]
    if with_rules:
        # A changed rule or link changes the file's columns and cells: a file made before is
        # refused. (Kept out of a plain framework's hash, so its files stay valid.)
        shape = [(*row, rule_text(i), i.source_kind) for row, i in zip(shape, items, strict=True)]
    return Subject(
        kind=kind,
        year=sheet.year,
        sheet=sheet,
        lines=lines,
        framework_hash=_framework_hash(shape),
        version=sheet.version,
        framework_version=framework.version,
        with_rules=with_rules,
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
            line.key: "".join(
                digest(f.kind, line.values.get(f.name), subject.decimals) for f in fields
            )
            for line in subject.lines
        },
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def has_values(line: Line) -> bool:
    """Rows that carry the file's fields: scored items assessed by the file's method (a sheet's
    appraisal, bonus and deduction items; the survey file's survey items)."""
    if not line.item.is_scored:
        return False
    if line.kind == SURVEY:
        return True
    return line.item.method != Method.SURVEY


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
    decimals: int = 2  # the year's: points are shown with it
    # A measured value's: how a yes_no value reads (words) and the points each value earns.
    words: tuple[str, str] | None = None
    old_points: Decimal | None = None
    new_points: Decimal | None = None

    @property
    def old_shown(self) -> str:
        return self._shown(self.old, self.old_points)

    @property
    def new_shown(self) -> str:
        return self._shown(self.new, self.new_points)

    def _shown(self, value: CellValue, points: Decimal | None) -> str:
        if self.kind != VALUE or value is None:
            return shown(self.kind, value, self.decimals)
        text = shown(VALUE, value) if self.words is None else self.words[0 if value == 1 else 1]
        if points is None:
            return text
        return _("%(value)s → %(points)s điểm") % {
            "value": text,
            "points": shown(POINTS, points, self.decimals),
        }


def cell_change(
    row: int,
    line: Line,
    f: Field,
    old: CellValue,
    new: CellValue,
    year: AssessmentYear,
) -> CellChange:
    """One changed cell of `line`; a measured value carries the points it earns by the rule."""
    extra: dict = {}
    if f.kind == VALUE:
        extra = {
            "words": yes_no_words(line.item) if line.item.rule == calc.YES_NO else None,
            "old_points": item_rule_points(line.item, _decimal(old), year.rounding, year.decimals),
            "new_points": item_rule_points(line.item, _decimal(new), year.rounding, year.decimals),
        }
    return CellChange(
        row=row,
        key=line.key,
        item_code=line.item.code,
        item_name=line.item.name,
        unit_code=line.unit_code,
        field=f.name,
        label=f.column,
        kind=f.kind,
        old=old,
        new=new,
        decimals=year.decimals,
        **extra,
    )


def _decimal(value: CellValue) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


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
                [
                    c.row,
                    c.key,
                    c.field,
                    canonical(c.kind, c.new, c.decimals),
                    canonical(c.kind, c.old, c.decimals),
                ]
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
