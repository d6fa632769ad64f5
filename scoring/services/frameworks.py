"""Frameworks, their items and the classification bands: writes, each in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lib.names import name_problem
from scoring import calculations as calc
from scoring import specs
from scoring.extensions import index_source_problem
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Band,
    BandCap,
    Framework,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
    code_sort_key,
)
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.results import recompute_group
from units.models import UnitGroup

ZERO = Decimal("0")


@dataclass(frozen=True)
class ItemRow:
    """One row of a framework as read from a file or a form (row = spreadsheet row number)."""

    code: str
    name: str
    max_points: Decimal | None
    method: str = ""
    guidance: str = ""
    na_allowed: bool = False
    evidence_required: bool = False
    row: int = 0
    # A scored item's rule as the file writes it ("threshold 80:1 50:0.5 0:0", "proportional
    # 100", "per_occurrence 0.25", "yes_no"); "" when points are entered.
    rule: str = ""
    # A rule item's value taken from a related index's component: "766:5@2026-12" (issue 19).
    source: str = ""


RULE_WORDS = {
    "threshold": calc.THRESHOLD,
    "proportional": calc.PROPORTIONAL,
    "per_occurrence": calc.PER_OCCURRENCE,
    "yes_no": calc.YES_NO,
}


def _rule_number(text: str) -> Decimal | None:
    """A number of a rule, written with a dot: "0.5", "80"; None when it is not one."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def parse_rule(text: str) -> tuple[calc.RuleSpec | None, list[str]]:
    """A rule cell → (its RuleSpec, or None for an empty cell; the problems, without the row).

    `threshold 80:2 50:1 0:0` (bound:points pairs), `proportional 100` (the target),
    `per_occurrence 0.5` (k, points off per occurrence), `yes_no`; numbers with a dot. The
    rule's own soundness (a 0 bound, a target above 0, nothing negative, no points above the
    maximum) is checked by `validate_framework_rows` with `calculations.rule_problems`.
    """
    words = text.split()
    if not words:
        return None, []
    kind = RULE_WORDS.get(words[0].lower())
    arguments = words[1:]
    if kind is None:
        return None, [
            _("quy tắc “%(word)s” không hợp lệ (threshold, proportional, per_occurrence, yes_no).")
            % {"word": words[0]}
        ]
    if kind == calc.THRESHOLD:
        bounds = []
        for pair in arguments:
            bound_text, sep, points_text = pair.partition(":")
            bound, points = _rule_number(bound_text), _rule_number(points_text)
            if not sep or bound is None or points is None:
                return None, [
                    _(
                        "ngưỡng “%(pair)s” không hợp lệ: cần dạng mức:điểm, số viết bằng dấu chấm, ví dụ 80:1."
                    )
                    % {"pair": pair}
                ]
            bounds.append((bound, points))
        if not bounds:
            return None, [
                _("quy tắc threshold cần bảng ngưỡng, ví dụ “threshold 80:1 50:0.5 0:0”.")
            ]
        return calc.RuleSpec(kind, bounds=tuple(bounds)), []
    if kind in (calc.PROPORTIONAL, calc.PER_OCCURRENCE):
        number = _rule_number(arguments[0]) if len(arguments) == 1 else None
        if number is None:
            example = "proportional 100" if kind == calc.PROPORTIONAL else "per_occurrence 0.25"
            return None, [
                _("quy tắc %(rule)s cần đúng một số (dấu chấm), ví dụ “%(example)s”.")
                % {"rule": kind, "example": example}
            ]
        if kind == calc.PROPORTIONAL:
            return calc.RuleSpec(kind, target=number), []
        return calc.RuleSpec(kind, k=number), []
    if arguments:
        return None, [_("quy tắc yes_no không có tham số.")]
    return calc.RuleSpec(kind), []


def _rule_problem_messages(rule: calc.RuleSpec, maximum: Decimal) -> list[str]:
    """`calculations.rule_problems` in words (without the row)."""
    messages = {
        "negative": _("quy tắc có số âm."),
        "no_zero_bound": _("bảng ngưỡng phải có mức 0 (ví dụ 0:0)."),
        "duplicate_bound": _("bảng ngưỡng có mức trùng nhau."),
        "above_max": _("bảng ngưỡng cho điểm vượt điểm tối đa %(max)s của tiêu chí.")
        % {"max": number_format(maximum)},
        "target_zero": _("chỉ tiêu của quy tắc proportional phải lớn hơn 0."),
        "k_missing": _("quy tắc per_occurrence cần số điểm trừ mỗi lần."),
        "unknown": _("quy tắc không hợp lệ."),
    }
    return [messages[key] for key in calc.rule_problems(rule, maximum)]


def validate_framework_rows(rows: Sequence[ItemRow], decimals: int = 2) -> list[str]:
    """Check a framework tree; return every problem found (empty list: the tree is valid).

    Every node has a row; the parent of 1.2.3 is 1.2; leaves are the scored items and need a
    method; a parent's method, if given, must match all its items; a parent's maximum may be
    empty and, if given, must equal the sum of its children — except on the top node of a bonus
    or deduction section, where a maximum below the sum caps the section's sum. Bonus and
    deduction items form top-level sections of their own. A rule is on a scored item that is
    not a survey item, and is sound (`calculations.rule_problems`). Maxima have at most
    `decimals` places (the year's).
    """
    problems: list[str] = []
    by_code: dict[str, ItemRow] = {}
    for row in rows:
        code = row.code.strip()
        if not code or any(not part for part in code.split(".")):
            problems.append(
                _("Dòng %(row)s: mã tiêu chí “%(code)s” không hợp lệ.")
                % {"row": row.row, "code": row.code}
            )
            continue
        if code in by_code:
            problems.append(
                _("Dòng %(row)s: mã tiêu chí %(code)s bị trùng.") % {"row": row.row, "code": code}
            )
            continue
        by_code[code] = row
    children: dict[str, list[str]] = defaultdict(list)
    for code, row in by_code.items():
        if "." in code:
            parent = code.rsplit(".", 1)[0]
            if parent not in by_code:
                problems.append(
                    _("Dòng %(row)s: tiêu chí %(code)s thiếu tiêu chí cha %(parent)s.")
                    % {"row": row.row, "code": code, "parent": parent}
                )
            children[parent].append(code)
        if row.method and row.method not in Method.values:
            problems.append(
                _(
                    "Dòng %(row)s, cột method: “%(method)s” không hợp lệ (appraisal, survey, bonus hoặc deduction)."
                )
                % {"row": row.row, "method": row.method}
            )
    rules: dict[str, calc.RuleSpec] = {}
    for code, row in by_code.items():
        rule, rule_messages = parse_rule(row.rule)
        problems.extend(
            _("Dòng %(row)s, cột rule: %(problem)s") % {"row": row.row, "problem": message}
            for message in rule_messages
        )
        if rule is not None:
            rules[code] = rule
    if problems:
        return problems

    for code, rule in rules.items():
        row = by_code[code]
        where = {"row": row.row, "code": code}
        if children.get(code):
            problems.append(
                _(
                    "Dòng %(row)s, cột rule: %(code)s có tiêu chí con, chỉ tiêu chí được chấm mới có quy tắc."
                )
                % where
            )
        elif row.method == Method.SURVEY:
            problems.append(
                _(
                    "Dòng %(row)s, cột rule: %(code)s chấm bằng điều tra xã hội học (điểm lấy từ kết quả điều tra), không chấm theo quy tắc."
                )
                % where
            )
        elif row.max_points is not None:
            problems.extend(
                _("Dòng %(row)s, cột rule: %(problem)s") % {"row": row.row, "problem": message}
                for message in _rule_problem_messages(rule, row.max_points)
            )
    problems.extend(source_problems(rows, rules))

    def check(code: str) -> tuple[Decimal, set[str]]:
        row = by_code[code]
        kids = children.get(code, [])
        if not kids:
            if not row.method:
                problems.append(
                    _(
                        "Dòng %(row)s, cột method: tiêu chí được chấm %(code)s cần phương pháp (appraisal hoặc survey)."
                    )
                    % {"row": row.row, "code": code}
                )
            if row.max_points is None:
                problems.append(
                    _("Dòng %(row)s, cột max_points: tiêu chí được chấm %(code)s cần điểm tối đa.")
                    % {"row": row.row, "code": code}
                )
                return ZERO, {row.method}
            if row.max_points < 0 or row.max_points != row.max_points.quantize(
                calc.quantum(decimals)
            ):
                problems.append(
                    _(
                        "Dòng %(row)s, cột max_points: điểm tối đa của %(code)s không được âm và có tối đa %(decimals)s chữ số thập phân."
                    )
                    % {"row": row.row, "code": code, "decimals": decimals}
                )
            return row.max_points, {row.method}
        total, methods = ZERO, set()
        for kid in kids:
            kid_total, kid_methods = check(kid)
            total += kid_total
            methods |= kid_methods
        section = "." not in code and len(methods) == 1 and methods <= calc.EXTRA_METHODS
        if row.max_points is not None and row.max_points < total and not section:
            problems.append(
                _(
                    "Dòng %(row)s, cột max_points: điểm tối đa %(given)s của %(code)s thấp hơn tổng các tiêu chí con %(sum)s; chỉ mục điểm thưởng hoặc điểm trừ (cấp cao nhất) mới có mức trần như vậy."
                )
                % {
                    "row": row.row,
                    "code": code,
                    "given": number_format(row.max_points, decimals),
                    "sum": number_format(total, decimals),
                }
            )
        elif row.max_points is not None and row.max_points < 0:
            problems.append(
                _("Dòng %(row)s, cột max_points: mức trần của %(code)s không được âm.")
                % {"row": row.row, "code": code}
            )
        elif row.max_points is not None and row.max_points > total:
            problems.append(
                _(
                    "Dòng %(row)s, cột max_points: điểm tối đa của %(code)s là %(given)s nhưng tổng các tiêu chí con là %(sum)s."
                )
                % {
                    "row": row.row,
                    "code": code,
                    "given": number_format(row.max_points, decimals),
                    "sum": number_format(total, decimals),
                }
            )
        if row.method and methods != {row.method}:
            problems.append(
                _(
                    "Dòng %(row)s, cột method: %(code)s ghi “%(method)s” nhưng không phải mọi tiêu chí con đều như vậy."
                )
                % {"row": row.row, "code": code, "method": row.method}
            )
        return total, methods

    for code in by_code:
        if "." not in code:
            _total, methods = check(code)
            if len(methods) > 1 and methods & calc.EXTRA_METHODS:
                problems.append(
                    _(
                        "Dòng %(row)s: %(code)s trộn điểm thưởng hoặc điểm trừ với tiêu chí khác; điểm thưởng, điểm trừ là mục riêng ở cấp cao nhất."
                    )
                    % {"row": by_code[code].row, "code": code}
                )
    if not by_code:
        problems.append(_("Bộ chỉ số không có tiêu chí nào."))
    return problems


@transaction.atomic
def replace_framework(year: AssessmentYear, group: UnitGroup, rows: Sequence[ItemRow]) -> Framework:
    """Replace a year and group's framework with `rows`, all or nothing, and recompute results.

    Refused when the year is published or when the framework already has scores. Sheets without
    scores may already have results: their maxima and domains follow the new tree.
    """
    ensure_not_published(year)
    problems = validate_framework_rows(rows, year.decimals)
    if problems:
        raise ServiceError(problems)
    framework, _created = Framework.objects.select_for_update().get_or_create(
        year=year, group=group
    )
    if Score.objects.filter(item__framework=framework).exists():
        raise ServiceError(
            _("Bộ chỉ số %(group)s năm %(year)s đã có điểm chấm: không thể thay thế.")
            % {"group": group.code, "year": year.year}
        )
    framework.items.all().delete()
    build_items(framework, rows)
    recompute_group(year, group)
    return framework


def build_items(framework: Framework, rows: Sequence[ItemRow]) -> list[Item]:
    """Create a validated tree of items in bulk; parents' maxima and methods are derived."""
    rows = sorted(rows, key=lambda r: code_sort_key(r.code.strip()))
    codes = {row.code.strip() for row in rows}
    parent_codes = {code.rsplit(".", 1)[0] for code in codes if "." in code}
    leaf_sum: dict[str, Decimal] = defaultdict(lambda: ZERO)
    methods: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        code = row.code.strip()
        if code in parent_codes:
            continue
        parts = code.split(".")
        for depth in range(1, len(parts) + 1):
            ancestor = ".".join(parts[:depth])
            leaf_sum[ancestor] += row.max_points or ZERO
            methods[ancestor].add(row.method)
    created: dict[str, Item] = {}
    rules = {row.code.strip(): parse_rule(row.rule)[0] for row in rows}
    # Create level by level so that parents have ids before their children.
    by_depth: dict[int, list[ItemRow]] = defaultdict(list)
    for row in rows:
        by_depth[row.code.strip().count(".")].append(row)
    for depth in sorted(by_depth):
        batch = []
        for row in by_depth[depth]:
            code = row.code.strip()
            node_methods = methods[code]
            method = next(iter(node_methods)) if len(node_methods) == 1 else ""
            maximum = leaf_sum[code]
            if (
                depth == 0
                and method in calc.EXTRA_METHODS
                and row.max_points is not None
                and row.max_points < maximum
            ):
                maximum = row.max_points  # the section's cap (validate_framework_rows)
            rule = rules.get(code)
            batch.append(
                Item(
                    framework=framework,
                    parent=created.get(code.rsplit(".", 1)[0]) if "." in code else None,
                    code=code,
                    sort_key=code_sort_key(code),
                    depth=depth + 1,
                    name=row.name.strip(),
                    max_points=maximum,
                    method=method,
                    is_scored=code not in parent_codes,
                    guidance=row.guidance,
                    na_allowed=row.na_allowed,
                    evidence_required=row.evidence_required,
                    rule=rule.kind if rule else "",
                    rule_params=specs.rule_params(rule) if rule else {},
                    **_source_fields(row.source),
                )
            )
        for item in Item.objects.bulk_create(batch):
            created[item.code] = item
    return list(created.values())


def _source_fields(text: str) -> dict[str, str]:
    """An ItemRow's `source` ("766:5@2026-12") as the Item's fields (checked before)."""
    parsed = calc.parse_value_source(text) if text else None
    if parsed is None:
        return {}
    kind, component, period = parsed
    return {"source_kind": kind, "source_component": component, "source_period": period}


def source_problems(rows: Sequence[ItemRow], rule_codes: Iterable[str]) -> list[str]:
    """Every problem of the rows' `source` links: the form "766:5@2026-12", an item scored by
    rule, and an index, component and period that exist (`extensions.index_source_problem`)."""
    problems = []
    with_rule = set(rule_codes)
    for row in rows:
        text = row.source.strip()
        if not text:
            continue
        parsed = calc.parse_value_source(text)
        problem: str | None
        if parsed is None:
            problem = _("“%(text)s” không đúng dạng chỉ số:thành phần@kỳ, ví dụ 766:5@2026-12.") % {
                "text": text
            }
        elif row.code.strip() not in with_rule:
            problem = _(
                "tiêu chí %(code)s không chấm theo quy tắc, không lấy giá trị từ chỉ số liên quan."
            ) % {"code": row.code.strip()}
        else:
            problem = index_source_problem(*parsed)
        if problem:
            problems.append(
                _("Dòng %(row)s, cột source: %(problem)s") % {"row": row.row, "problem": problem}
            )
    return problems


def band_problems(bands: Sequence[tuple[str, Decimal]]) -> list[str]:
    """Every problem of a year and group's whole set of bands (empty list: valid).

    At least one band; labels not empty and distinct; minima distinct, from 0 to 100 with at
    most two decimals. The command, the importers and the admin's band form all check here.
    """
    problems = []
    labels = [label.strip() for label, _minimum in bands]
    minima = [minimum for _label, minimum in bands]
    if not bands:
        problems.append(_("Cần ít nhất một mức xếp loại."))
    if len(set(labels)) != len(labels):
        problems.append(_("Tên mức xếp loại bị trùng."))
    if len(set(minima)) != len(minima):
        problems.append(_("Hai mức xếp loại có cùng chỉ số tối thiểu."))
    for label, minimum in zip(labels, minima, strict=True):
        if not label:
            problems.append(_("Tên mức xếp loại không được để trống."))
        elif problem := name_problem(label):
            problems.append(
                _("Mức “%(label)s”: %(problem)s.") % {"label": label, "problem": problem}
            )
        if minimum < 0 or minimum > 100 or minimum != minimum.quantize(calc.CENT):
            problems.append(
                _("Mức “%(label)s”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.")
                % {"label": label}
            )
    return problems


@dataclass(frozen=True)
class CapRow:
    """A cap on classification as given: not above `band_label` if the condition holds
    (`text` is how it was written, for messages)."""

    band_label: str
    kind: str
    code: str
    figure: Decimal | None = None
    text: str = ""


def cap_problems(
    year: AssessmentYear, group: UnitGroup, labels: Sequence[str], caps: Sequence[CapRow]
) -> list[str]:
    """Every problem of a year and group's caps against its bands (`labels`) and framework: the
    band exists; item_above_zero and item_zero name a scored item; domain_below names a domain
    (a top node that is not a bonus or deduction section) and a figure from 0 to 100."""
    framework = Framework.objects.filter(year=year, group=group).first()
    items = list(framework.items.all()) if framework else []
    scored = {item.code for item in items if item.is_scored}
    domains = {
        item.code for item in items if item.parent_id is None and item.method not in EXTRA_METHODS
    }
    problems = []
    for cap in caps:
        shown = cap.text or f"{cap.band_label}:{cap.code}"
        if cap.band_label not in labels:
            problems.append(
                _("Giới hạn “%(cap)s”: không có mức xếp loại “%(band)s” (các mức: %(known)s).")
                % {"cap": shown, "band": cap.band_label, "known": ", ".join(labels)}
            )
        if cap.kind in (calc.ITEM_ABOVE_ZERO, calc.ITEM_ZERO) and cap.code not in scored:
            problems.append(
                _(
                    "Giới hạn “%(cap)s”: không có tiêu chí được chấm %(code)s trong bộ chỉ số khối %(group)s năm %(year)s."
                )
                % {"cap": shown, "code": cap.code, "group": group.code, "year": year.year}
            )
        if cap.kind == calc.DOMAIN_BELOW:
            if cap.code not in domains:
                problems.append(
                    _(
                        "Giới hạn “%(cap)s”: không có lĩnh vực %(code)s trong bộ chỉ số khối %(group)s năm %(year)s."
                    )
                    % {"cap": shown, "code": cap.code, "group": group.code, "year": year.year}
                )
            if cap.figure is None or not ZERO <= cap.figure <= 100:
                problems.append(
                    _("Giới hạn “%(cap)s”: mức chỉ số phải từ 0 đến 100.") % {"cap": shown}
                )
        if cap.kind not in calc.CAP_KINDS:
            problems.append(_("Giới hạn “%(cap)s” không hợp lệ.") % {"cap": shown})
    return problems


@transaction.atomic
def set_bands(
    year: AssessmentYear,
    group: UnitGroup,
    bands: Sequence[tuple[str, Decimal]],
    caps: Sequence[CapRow] | None = None,
) -> list[Band]:
    """Replace a year and group's classification bands and reclassify its results.

    `caps` replace the year and group's caps on classification; None keeps them (they must
    still name a band of the new set); an empty list removes them.
    """
    ensure_not_published(year)
    problems = band_problems(bands)
    labels = [label.strip() for label, _minimum in bands]
    minima = [minimum for _label, minimum in bands]
    if not problems:
        kept = caps
        if kept is None:
            kept = [
                CapRow(cap.band_label, cap.kind, cap.code, cap.figure)
                for cap in BandCap.objects.filter(year=year, group=group)
            ]
        problems += cap_problems(year, group, labels, kept)
    if problems:
        raise ServiceError(problems)
    if caps is not None:
        BandCap.objects.filter(year=year, group=group).delete()
        BandCap.objects.bulk_create(
            [
                BandCap(
                    year=year,
                    group=group,
                    band_label=cap.band_label,
                    kind=cap.kind,
                    code=cap.code,
                    figure=cap.figure,
                )
                for cap in caps
            ]
        )
    Result.objects.filter(year=year, group=group).update(band=None)
    Band.objects.filter(year=year, group=group).delete()
    created = Band.objects.bulk_create(
        [
            Band(year=year, group=group, label=label, min_index=minimum)
            for label, minimum in zip(labels, minima, strict=True)
        ]
    )
    # Imported results are never reclassified: they keep their published label, and its band
    # when the new set still has one of that name.
    for band in created:
        Result.objects.filter(
            year=year, group=group, source=ResultSource.IMPORTED, band_label=band.label
        ).update(band=band)
    recompute_group(year, group)
    return created


@transaction.atomic
def copy_year(
    source: AssessmentYear, target_year: int, owner_name: str | None = None
) -> AssessmentYear:
    """Start a new year from an earlier one: every framework and band set, no scores."""
    target, _created = AssessmentYear.objects.get_or_create(
        year=target_year,
        defaults={
            "owner_name": source.owner_name if owner_name is None else owner_name,
            "rounding": source.rounding,
            "decimals": source.decimals,
        },
    )
    ensure_not_published(target)
    if target.frameworks.exists() or target.bands.exists():
        raise ServiceError(
            _("Năm %(year)s đã có bộ chỉ số hoặc mức xếp loại: không sao chép đè.")
            % {"year": target_year}
        )
    for framework in source.frameworks.select_related("group"):
        new = Framework.objects.create(year=target, group=framework.group, name=framework.name)
        items = list(framework.items.all())
        capped = {spec.code for spec in specs.item_specs(items) if spec.cap is not None}
        rows = [
            ItemRow(
                code=item.code,
                name=item.name,
                max_points=item.max_points if item.is_scored or item.code in capped else None,
                method=item.method if item.is_scored else "",
                guidance=item.guidance,
                na_allowed=item.na_allowed,
                evidence_required=item.evidence_required,
                rule=specs.rule_text(item),
                # The link moves with the year: 766 of 2026-12 becomes 766 of 2027-12.
                source=calc.value_source_text(
                    item.source_kind,
                    item.source_component,
                    calc.shift_period_years(item.source_period, target_year - source.year),
                ),
            )
            for item in items
        ]
        build_items(new, rows)
    Band.objects.bulk_create(
        [
            Band(year=target, group_id=b.group_id, label=b.label, min_index=b.min_index)
            for b in source.bands.all()
        ]
    )
    BandCap.objects.bulk_create(
        [
            BandCap(
                year=target,
                group_id=c.group_id,
                band_label=c.band_label,
                kind=c.kind,
                code=c.code,
                figure=c.figure,
            )
            for c in source.band_caps.all()
        ]
    )
    return target


ZERO = Decimal("0")


def framework_has_scores(framework_id: int) -> bool:
    return Score.objects.filter(item__framework_id=framework_id).exists()


@transaction.atomic
def update_item(item: Item, changed: Iterable[str]) -> Item:
    """Save an item's editable fields; a changed maximum is carried up to every ancestor.

    The structure (code, parent, method, scored or not) never changes here: the framework
    importer rebuilds a tree all or nothing. A maximum changes only on a scored item of a
    framework without scores, so no score can end up above its item's maximum.
    """
    framework = item.framework
    ensure_not_published(framework.year)
    changed = set(changed)
    if "max_points" in changed:
        if not item.is_scored:
            raise ServiceError(
                _("Điểm tối đa của %(code)s là tổng các tiêu chí con: hãy sửa tiêu chí con.")
                % {"code": item.code}
            )
        if framework_has_scores(framework.pk):
            raise ServiceError(
                _("Bộ chỉ số %(framework)s đã có điểm chấm: không thể đổi điểm tối đa.")
                % {"framework": framework}
            )
    old_max = (
        Item.objects.filter(pk=item.pk).values_list("max_points", flat=True).first()
        if "max_points" in changed and item.pk
        else None
    )
    item.save()
    if "max_points" in changed:
        _recompute_ancestor_maxima(item, old_max if old_max is not None else item.max_points)
        recompute_group(framework.year, framework.group)
    return item


def _recompute_ancestor_maxima(item: Item, old_max: Decimal) -> None:
    """Every ancestor's maximum is the sum of its children's again, except the cap of a bonus
    or deduction section (its top node's maximum below the sum, `specs._section_cap`), which is
    kept while it stays below the new sum."""
    items = list(Item.objects.filter(framework_id=item.framework_id))
    by_id = {node.pk: node for node in items}
    children: dict[int | None, list[Item]] = defaultdict(list)
    for node in items:
        children[node.parent_id].append(node)
    delta = item.max_points - old_max
    parent_id = item.parent_id
    while parent_id is not None:
        parent = by_id[parent_id]
        total = sum((child.max_points for child in children[parent_id]), ZERO)
        capped = (
            parent.parent_id is None
            and parent.method in EXTRA_METHODS
            and parent.max_points < total - delta
        )
        parent.max_points = min(parent.max_points, total) if capped else total
        parent.save(update_fields=["max_points"])
        parent_id = parent.parent_id


@transaction.atomic
def save_band(band: Band) -> Band:
    """Save one band and reclassify its year and group's results."""
    ensure_not_published(band.year)
    if band.pk:
        stored = Band.objects.select_related("year").get(pk=band.pk)
        ensure_not_published(stored.year)
        if (stored.label, stored.year_id, stored.group_id) != (
            band.label,
            band.year_id,
            band.group_id,
        ):
            _ensure_no_cap_names([stored])
    band.save()
    recompute_group(band.year, band.group)
    return band


def _ensure_no_cap_names(bands: Iterable[Band]) -> None:
    problems = capped_band_problems(bands)
    if problems:
        raise ServiceError(problems)


def capped_band_problems(bands: Iterable[Band]) -> list[str]:
    """Why these (stored) bands may not be renamed or deleted: a cap on classification names
    them (`BandCap`), and would name a band that no longer exists. The caps are changed first
    (`set_bands`)."""
    problems = []
    for band in bands:
        caps = BandCap.objects.filter(
            year_id=band.year_id, group_id=band.group_id, band_label=band.label
        )
        if caps.exists():
            problems.append(
                _(
                    "Mức “%(label)s” đang được %(count)s quy tắc giới hạn xếp loại sử dụng: hãy "
                    "sửa hoặc bỏ các quy tắc đó trước (lệnh set_bands --cap/--no-caps)."
                )
                % {"label": band.label, "count": caps.count()}
            )
    return problems


@transaction.atomic
def delete_bands(bands: Iterable[Band]) -> None:
    """Delete bands and reclassify the results of every year and group they belonged to."""
    bands = list(bands)
    for band in bands:
        ensure_not_published(band.year)
    _ensure_no_cap_names(bands)
    pairs = {(band.year_id, band.group_id): band for band in bands}
    Band.objects.filter(pk__in=[band.pk for band in bands]).delete()
    for band in pairs.values():
        recompute_group(band.year, band.group)
