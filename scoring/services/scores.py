"""The one save path for points: one lock, one version check, one framework load per save.

Every write of scores goes through `apply_score_changes`: the self-assessment, the appraisal,
the survey, the importers, the Excel round trip, the admin and the commands. The callers add
their own rules on state (`state_check`: is the self-assessment or the appraisal open?) and on
which fields they may change (`prepare`), never on roles: who may act is decided before, by
`scoring.permissions`. Results are recomputed in the same transaction when something that counts
changed (the points that count or "not applicable"), or when the sheet has no result yet (every
sheet has one); the unit's own claim and notes do not count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import AssessmentYear, Framework, Item, Method, Result, Score, Sheet
from scoring.permissions import Account
from scoring.services.bulk import update_rows
from scoring.services.errors import ServiceError, StaleSheetError, ensure_not_published
from scoring.services.results import derive_rule_points, recompute_group
from scoring.signals import scores_changed
from scoring.specs import rule_spec, rule_text
from units.models import Unit, UnitGroup


class Unset:
    """A field of a ScoreChange left as it is (None clears it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()


@dataclass(frozen=True)
class ScoreChange:
    """A change to one score. A field left as UNSET is not touched; None clears it."""

    item_code: str
    self_points: Decimal | None | Unset = UNSET
    points: Decimal | None | Unset = UNSET
    not_applicable: bool | Unset = UNSET
    note: str | None | Unset = UNSET
    reason: str | None | Unset = UNSET
    row: int = 0
    # Rule items: the unit's measured value and the appraisers' (corrected) one; the points
    # follow from the rule (`calculations.rule_points`) and are never given directly.
    self_value: Decimal | None | Unset = UNSET
    value: Decimal | None | Unset = UNSET
    # A linked rule item (issue 19): the index's value, where from and as of when, and the
    # reasons of the unit's and the appraisers' overrides (services.value_sources).
    source_value: Decimal | None | Unset = UNSET
    source_text: str | None | Unset = UNSET
    source_as_of: date | None | Unset = UNSET
    self_value_override: str | None | Unset = UNSET
    value_override: str | None | Unset = UNSET


class StoredValues(Protocol):
    """What the checks read of a stored score: a Score, or an importer's copy of one."""

    @property
    def self_points(self) -> Decimal | None: ...
    @property
    def points(self) -> Decimal | None: ...
    @property
    def not_applicable(self) -> bool: ...


# What a cleared field becomes: points empty, texts "", not applicable False.
CLEARED: dict[str, object] = {
    "not_applicable": False,
    "note": "",
    "reason": "",
    "source_text": "",
    "self_value_override": "",
    "value_override": "",
}
SCORE_FIELDS = (
    "self_points",
    "points",
    "not_applicable",
    "note",
    "reason",
    "self_value",
    "value",
    "source_value",
    "source_text",
    "source_as_of",
    "self_value_override",
    "value_override",
)
#: The fields of a score that count towards results: a change of one recomputes them.
COUNTED_FIELDS = frozenset({"points", "not_applicable"})

#: A caller's own rules on the changes, run on the locked sheet after the version check:
#: (items by code, current scores by code, changes) → (the changes to save, problems).
Prepare = Callable[
    [Mapping[str, Item], Mapping[str, Score], Sequence[ScoreChange]],
    tuple[Sequence[ScoreChange], list[str]],
]


def attribute(row: models.Model, user: Account | None, source: str | None = None) -> None:
    """Who made the change a save records, and from where (django-simple-history's
    history_user and history_change_reason: form, import, admin, command, upload…)."""
    if source is not None:
        row._change_reason = source  # type: ignore[attr-defined]
    if user is not None:
        row._history_user = user  # type: ignore[attr-defined]


def get_or_create_sheet(unit: Unit, year: AssessmentYear) -> Sheet:
    sheet, _created = Sheet.objects.get_or_create(unit=unit, year=year)
    return sheet


def lock_sheet(sheet: Sheet) -> Sheet:
    """Lock the sheet's row until the end of the transaction (creating the sheet if needed).

    Only the sheet's own row is locked (`of=("self",)`), not its unit's or year's.
    """
    if sheet.pk is None:
        sheet, _created = Sheet.objects.get_or_create(unit=sheet.unit, year=sheet.year)
    return (
        Sheet.objects.select_for_update(of=("self",))
        .select_related("unit__group", "year", "submitted_by")
        .get(pk=sheet.pk)
    )


def framework_for(unit: Unit, year: AssessmentYear) -> Framework:
    """The framework a unit is scored on in a year (`Framework.objects.scored_on`); refused if
    there is none."""
    framework = Framework.objects.scored_on(unit, year)
    if framework is None:
        raise ServiceError(
            _("Chưa có bộ chỉ số năm %(year)s cho khối %(group)s.")
            % {"year": year.year, "group": unit.group.name}
        )
    return framework


def survey_not_self_scored(code: str) -> str:
    """The refusal of a unit's claim on a survey item (imports and the sheet alike)."""
    return _("tiêu chí %(code)s chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.") % {
        "code": code
    }


def validate_score_changes(
    items_by_code: Mapping[str, Item],
    current: Mapping[str, StoredValues],
    changes: Sequence[ScoreChange],
    where: Callable[[ScoreChange], str] | None = None,
    decimals: int = 2,
) -> list[str]:
    """Check changes against the framework; return every problem (empty list: all valid).

    Points have at most the year's `decimals` places. A rule item takes measured values
    (`self_value`, `value`), never points; a plain item takes points, never values; values are
    never negative and fit their rule (whole counts, đạt/không đạt as 1/0).

    Without `where` each message is a sentence of its own. With it, a message follows the place
    `where(change)` gives (e.g. "Dòng 7: "), as written, even when the place is empty: importers
    file the bare message under their own row.
    """
    problems = []
    for change in changes:
        item = items_by_code.get(change.item_code)
        # The place and the labels are translated only for a problem (an import checks
        # 15,000 changes: translating them all was a second of a 100-unit file).
        prefix = _Place(where, change)
        if item is None or not item.is_scored:
            problems.append(
                placed(
                    prefix.text(),
                    _("tiêu chí “%(code)s” không có (hoặc không được chấm) trong bộ chỉ số.")
                    % {"code": change.item_code},
                )
            )
            continue
        score = current.get(item.code)
        na = (
            change.not_applicable
            if change.not_applicable is not UNSET
            else (score.not_applicable if score else False)
        )
        self_points = (
            change.self_points
            if change.self_points is not UNSET
            else (score.self_points if score else None)
        )
        points = change.points if change.points is not UNSET else (score.points if score else None)
        problems.extend(placed(prefix.text(), message) for message in _rule_problems(item, change))
        if na and any(
            isinstance(getattr(change, name), Decimal) for name in ("self_value", "value")
        ):
            problems.append(
                placed(
                    prefix.text(),
                    _("tiêu chí %(code)s không áp dụng thì không có giá trị.")
                    % {"code": item.code},
                )
            )
        for label_of, value in (
            (_self_points_label, change.self_points),
            (_points_label, change.points),
        ):
            if not isinstance(value, Decimal):
                continue
            if item.rule:
                continue  # refused above: points of a rule item follow from its value
            if value < 0:
                problems.append(
                    placed(prefix.text(), _("%(field)s không được âm.") % {"field": label_of()})
                )
            elif value != value.quantize(calc.quantum(decimals)):
                problems.append(
                    placed(
                        prefix.text(),
                        _("%(field)s có tối đa %(decimals)s chữ số thập phân.")
                        % {"field": label_of(), "decimals": decimals},
                    )
                )
            elif value > item.max_points:
                problems.append(
                    placed(
                        prefix.text(),
                        _("%(field)s %(value)s vượt điểm tối đa %(max)s của tiêu chí %(code)s.")
                        % {
                            "field": label_of(),
                            "value": number_format(value, decimals),
                            "max": number_format(item.max_points, decimals),
                            "code": item.code,
                        },
                    )
                )
        if (
            item.method == Method.SURVEY
            and self_points is not None
            and change.self_points is not UNSET
        ):
            problems.append(placed(prefix.text(), survey_not_self_scored(item.code)))
        if na and not item.na_allowed and change.not_applicable is not UNSET:
            problems.append(
                placed(
                    prefix.text(),
                    _("tiêu chí %(code)s không được chọn “không áp dụng”.") % {"code": item.code},
                )
            )
        if na and (
            (change.self_points is not UNSET and self_points is not None)
            or (change.points is not UNSET and points is not None)
        ):
            problems.append(
                placed(
                    prefix.text(),
                    _("tiêu chí %(code)s không áp dụng thì không có điểm.") % {"code": item.code},
                )
            )
    return problems


def _rule_problems(item: Item, change: ScoreChange) -> list[str]:
    """Points given on a rule item, values on a plain item, values that do not fit the rule."""
    problems: list[str] = []
    given_points = any(
        isinstance(getattr(change, name), Decimal) for name in ("self_points", "points")
    )
    given_values = [
        (name, getattr(change, name))
        for name in ("self_value", "value")
        if isinstance(getattr(change, name), Decimal)
    ]
    if not item.rule and not given_values:
        return problems
    given_values = [(_value_label(name), value) for name, value in given_values]
    if not item.rule:
        if given_values:
            problems.append(
                _("tiêu chí %(code)s nhập điểm, không nhập giá trị đo.") % {"code": item.code}
            )
        return problems
    if given_points:
        problems.append(
            _(
                "tiêu chí %(code)s chấm theo quy tắc (%(rule)s): nhập giá trị đo, điểm tự tính theo quy tắc."
            )
            % {"code": item.code, "rule": rule_text(item)}
        )
    spec = rule_spec(item)
    if spec is None:
        return problems
    messages = {
        "negative": _("%(field)s của tiêu chí %(code)s không được âm."),
        "not_whole": _("%(field)s của tiêu chí %(code)s là số lần, phải là số nguyên (%(value)s)."),
        "not_yes_no": _(
            "%(field)s của tiêu chí %(code)s là đạt (1) hoặc không đạt (0), không phải %(value)s."
        ),
    }
    for label, value in given_values:
        problem = calc.value_problem(spec, value)
        if problem is not None:
            problems.append(
                messages[problem]
                % {"field": label, "code": item.code, "value": number_format(value)}
            )
    return problems


# Translated only for a problem (an import checks 15,000 changes).
def _self_points_label() -> str:
    return _("điểm tự đánh giá")


def _points_label() -> str:
    return _("điểm")


def _value_label(name: str) -> str:
    return _("giá trị tự đánh giá") if name == "self_value" else _("giá trị")


class _Place:
    """`where(change)`, asked only when a problem is found."""

    def __init__(self, where: Callable[[ScoreChange], str] | None, change: ScoreChange):
        self.where, self.change = where, change

    def text(self) -> str | None:
        return self.where(self.change) if self.where is not None else None


def placed(prefix: str | None, message: str) -> str:
    """A message after its place, or on its own as a sentence (first letter capitalised)."""
    if prefix is None:
        return message[:1].upper() + message[1:]
    return prefix + message


@transaction.atomic
def apply_score_changes(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user: Account | None = None,
    source: str = "form",
    expected_version: int | None = None,
    where: Callable[[ScoreChange], str] | None = None,
    state_check: Callable[[Sheet], None] | None = None,
    prepare: Prepare | None = None,
    bump_unchanged: bool = True,
    recompute: bool = True,
    framework: Framework | None = None,
) -> Sheet:
    """Write score changes to one sheet, all or nothing; the one save path for points.

    In order, once each: lock the sheet; refuse a published year, then whatever `state_check`
    refuses; with `expected_version`, refuse a save made from an older version of the sheet
    (`StaleSheetError`: nobody's change is silently overwritten); load the framework; run the
    caller's `prepare` and the framework's checks (`validate_score_changes`), refusing with every
    problem at once; write the changed scores with their history (the user and `source`: form,
    import, admin, command, upload); bump the sheet's version (also when nothing changed, unless
    `bump_unchanged` is off); recompute the unit's result and its group's ranks when a field that
    counts changed. With `recompute=False` the caller recomputes (importers: once per group);
    `framework`: the unit's framework when the caller has just resolved it in the same
    transaction (importers), else it is loaded here. Returns the locked sheet as saved.
    """
    sheet = lock_sheet(sheet)
    ensure_not_published(sheet.year)
    if state_check is not None:
        state_check(sheet)
    if expected_version is not None and sheet.version != expected_version:
        raise StaleSheetError(sheet)
    if framework is None:
        framework = framework_for(sheet.unit, sheet.year)
    items = list(framework.items.all())
    items_by_code = {item.code: item for item in items}
    code_by_id = {item.pk: item.code for item in items}
    current = {code_by_id[s.item_id]: s for s in sheet.scores.all() if s.item_id in code_by_id}
    problems: list[str] = []
    if prepare is not None:
        changes, problems = prepare(items_by_code, current, changes)
    problems += validate_score_changes(items_by_code, current, changes, where, sheet.year.decimals)
    if problems:
        raise ServiceError(problems)
    created, updated, changed_fields = stage_changes(
        sheet, sheet.year, items_by_code, current, changes, user, source
    )
    if not (created or updated) and not bump_unchanged:
        return sheet
    write_scores(created, updated, changed_fields, user, source)
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
    sheet.version += 1
    if recompute and (
        changed_fields & COUNTED_FIELDS
        # A sheet saved for the first time gets its result (every sheet has one).
        or not Result.objects.filter(unit_id=sheet.unit_id, year_id=sheet.year_id).exists()
    ):
        recompute_group(sheet.year, framework.group, unit_ids=[sheet.unit_id])
    elif created or updated:
        # Nothing that counts changed, so no result moves; pages that show claims and notes
        # (the cached profile) hear of it all the same.
        scores_changed.send(sender=Score, sheet=sheet)
    return sheet


def stage_changes(
    sheet: Sheet,
    year: AssessmentYear,
    items_by_code: Mapping[str, Item],
    current: dict[str, Score],
    changes: Sequence[ScoreChange],
    user: Account | None,
    source: str,
) -> tuple[list[Score], list[Score], set[str]]:
    """The validated `changes` applied to the sheet's `current` scores in memory (rule items'
    points derived, `current` updated): (new scores, changed scores, the fields that changed).
    A change that changes nothing is left out. Nothing is written: `write_scores` does."""
    created: dict[str, Score] = {}
    updated: dict[str, Score] = {}
    changed_fields: set[str] = set()
    for change in changes:
        item = items_by_code[change.item_code]
        score = current.get(item.code) or Score(sheet=sheet, item=item)
        before = tuple(getattr(score, name) for name in SCORE_FIELDS)
        for name in SCORE_FIELDS:
            value = getattr(change, name)
            if value is not UNSET:
                setattr(score, name, CLEARED.get(name) if value is None else value)
        if score.not_applicable:
            score.self_points = score.points = score.self_value = score.value = None
        derive_rule_points(score, item, year)
        after = tuple(getattr(score, name) for name in SCORE_FIELDS)
        if score.pk and before == after:
            continue
        changed_fields.update(
            name for name, old, new in zip(SCORE_FIELDS, before, after, strict=True) if old != new
        )
        score.updated_by = user
        attribute(score, user, source)
        (updated if score.pk else created)[item.code] = score
        current[item.code] = score
    return list(created.values()), list(updated.values()), changed_fields


def write_checked_changes(
    year: AssessmentYear,
    batches: Iterable[
        tuple[
            Unit, Sheet | None, Framework, Mapping[str, Item], dict[str, Score], list[ScoreChange]
        ]
    ],
    user: Account | None,
    source: str,
) -> int:
    """Checked changes of many units (unit, its sheet or None, the framework it is scored on, its
    items by code, its current scores by code, the changes), written as `apply_score_changes`
    writes one sheet's, for all of them at once: the changes staged, every score and history row
    in a few statements, each sheet's version bumped, each touched group's results and ranks
    recomputed once. The caller has locked the sheets and checked the changes. Returns how many
    groups were recomputed."""
    created: list[Score] = []
    updated: list[Score] = []
    fields: set[str] = set()
    saved: list[int] = []
    touched: dict[int, tuple[UnitGroup, list[int]]] = {}
    for unit, sheet, framework, items, current, changes in batches:
        sheet = sheet or get_or_create_sheet(unit, year)
        new, changed, names = stage_changes(sheet, year, items, current, changes, user, source)
        created += new
        updated += changed
        fields |= names
        saved.append(sheet.id)
        touched.setdefault(framework.group_id, (framework.group, []))[1].append(unit.id)
    write_scores(created, updated, fields, user, source)
    Sheet.objects.filter(pk__in=saved).update(version=F("version") + 1)
    for group, unit_ids in touched.values():
        recompute_group(year, group, unit_ids=unit_ids)
    return len(touched)


def lock_sheets(sheet_ids: Iterable[int]) -> None:
    """Lock many sheets' rows until the end of the transaction, in one query, in the order of
    their ids (two imports over the same sheets wait for each other instead of deadlocking)."""
    list(
        Sheet.objects.select_for_update(of=("self",))
        .filter(pk__in=list(sheet_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def write_scores(
    created: list[Score],
    updated: list[Score],
    fields: Iterable[str],
    user: Account | None = None,
    source: str = "",
) -> None:
    """Save scores in bulk, each with its history row (user and source as `save()` records them).

    One save per score (with simple_history's per-save work) made a 100-unit file take half a
    minute; in bulk it is a few statements for the whole file. Updates write only the `fields`
    that changed on some score (one statement a batch); the history rows are copied from the
    rows as saved, by one INSERT … SELECT per kind (no model instance per history row).
    """
    now = timezone.now()
    for score in updated:
        score.updated_at = now  # a bulk write does not apply auto_now
    Score.objects.bulk_create(created)
    if updated:
        _update_rows(
            updated,
            [name for name in SCORE_FIELDS if name in fields] + ["updated_by", "updated_at"],
        )
    _write_history([score.pk for score in created], "+", user, source, now)
    _write_history([score.pk for score in updated], "~", user, source, now)


HISTORY_BATCH = 1000


def _write_history(
    score_ids: list[int], kind: str, user: Account | None, source: str, when: datetime
) -> None:
    """django-simple-history's rows for these scores, as its `bulk_history_create` makes them
    (every tracked field, the date, the user, or the request's, the change reason, + or ~),
    copied in the database from the scores' rows."""
    if not score_ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history: Any = Score.history.model
    if user is None:
        user = history.get_default_history_user(None)
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(field.column) for field in history.tracked_fields)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    params = [
        history._meta.get_field("history_date").get_db_prep_save(when, connection),
        source,
        kind,
        getattr(user, "pk", None),
    ]
    insert = (
        # Names come from the models (quoted), every value is a parameter.
        f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, {extra}) "  # noqa: S608  # nosec B608
        f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(Score._meta.db_table)} "
        f"WHERE {quote('id')} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "= ANY(%s)", [*params, score_ids])
            return
        for start in range(0, len(score_ids), HISTORY_BATCH):
            batch = score_ids[start : start + HISTORY_BATCH]
            cursor.execute(insert + f"IN ({', '.join(['%s'] * len(batch))})", [*params, *batch])


def _update_rows(scores: list[Score], names: list[str]) -> None:
    """The `names` fields of the scores, in one statement a batch (`bulk.update_rows`)."""
    attname_of = {field.name: field.attname for field in Score._meta.concrete_fields}
    attnames = [attname_of[name] for name in names]
    update_rows(
        Score,
        names,
        [(score.pk, *(getattr(score, attname) for attname in attnames)) for score in scores],
    )


def score_change_problems(sheet: Sheet, change: ScoreChange) -> list[str]:
    """What `apply_score_changes` would refuse in this change, without saving anything."""
    try:
        ensure_not_published(sheet.year)
        framework = framework_for(sheet.unit, sheet.year)
    except ServiceError as error:
        return error.messages
    items_by_code = {item.code: item for item in framework.items.all()}
    current = {s.item.code: s for s in sheet.scores.select_related("item")}
    return validate_score_changes(
        items_by_code, current, [change], lambda _change: "", sheet.year.decimals
    )
