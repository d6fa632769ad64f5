"""ORM rows → the calculations' specs (items and bands), for services and selectors alike."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    Band,
    BandCap,
    Item,
    Method,
)

ZERO = Decimal("0")


def item_specs(items: Iterable[Item]) -> list[calc.ItemSpec]:
    """The calculations' view of a framework's items (parents looked up by id, in memory)."""
    items = list(items)
    code_by_id = {item.id: item.code for item in items}
    return [
        calc.ItemSpec(
            code=item.code,
            max_points=item.max_points,
            parent_code=code_by_id.get(item.parent_id) if item.parent_id else None,
            is_scored=item.is_scored,
            method=item.method or Method.APPRAISAL,
            name=item.name,
            cap=_section_cap(item, items),
        )
        for item in items
    ]


def _section_cap(item: Item, items: list[Item]) -> Decimal | None:
    """The cap of a bonus or deduction section: its top node's maximum when below the sum of
    its children's maxima (which `build_items` stores as given), else None."""
    if item.parent_id is not None or item.is_scored or item.method not in EXTRA_METHODS:
        return None
    below = sum((child.max_points for child in items if child.parent_id == item.id), ZERO)
    return item.max_points if item.max_points < below else None


def band_specs(bands: Iterable[Band]) -> list[calc.BandSpec]:
    return [calc.BandSpec(band.label, band.min_index) for band in bands]


def rule_spec(item: Item) -> calc.RuleSpec | None:
    """The calculations' view of an item's rule (None: points are entered)."""
    if not item.rule:
        return None
    params = item.rule_params or {}
    return calc.RuleSpec(
        kind=item.rule,
        bounds=tuple(
            (Decimal(bound), Decimal(points)) for bound, points in params.get("bounds", [])
        ),
        target=Decimal(params["target"]) if params.get("target") is not None else None,
        k=Decimal(params["k"]) if params.get("k") is not None else None,
    )


def item_rule_points(item: Item, value: Decimal | None, rounding: str, decimals: int):
    """The points a measured value earns on a rule item (`calculations.rule_points`): None for no
    value or a value the rule refuses (the caller's own check says why)."""
    spec = rule_spec(item)
    if spec is None or value is None or calc.value_problem(spec, value) is not None:
        return None
    return calc.rule_points(
        spec,
        item.max_points,
        value,
        rounding,
        decimals,
        deduction=item.method == Method.DEDUCTION,
    )


def rule_params(rule: calc.RuleSpec) -> dict:
    """A RuleSpec as `Item.rule_params` stores it (decimals as strings)."""
    if rule.kind == calc.THRESHOLD:
        return {"bounds": [[str(bound), str(points)] for bound, points in rule.bounds]}
    if rule.kind == calc.PROPORTIONAL:
        return {"target": str(rule.target)}
    if rule.kind == calc.PER_OCCURRENCE:
        return {"k": str(rule.k)}
    return {}


def rule_text(item: Item) -> str:
    """An item's rule as the framework file writes it: "threshold 80:1 50:0.5 0:0",
    "proportional 100", "per_occurrence 0.25", "yes_no"; "" for an item whose points are
    entered. The framework importer reads it back (`importers.parse_rule`)."""
    rule = rule_spec(item)
    if rule is None:
        return ""
    if rule.kind == calc.THRESHOLD:
        pairs = sorted(rule.bounds, reverse=True)
        return " ".join([rule.kind, *(f"{_plain(b)}:{_plain(p)}" for b, p in pairs)])
    if rule.kind == calc.PROPORTIONAL:
        return f"{rule.kind} {_plain(rule.target)}"
    if rule.kind == calc.PER_OCCURRENCE:
        return f"{rule.kind} {_plain(rule.k)}"
    return rule.kind


def _plain(value: Decimal | None) -> str:
    """A decimal with a dot and no trailing zeros: 0.50 → "0.5", 80 → "80"."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def cap_specs(caps: Iterable[BandCap]) -> list[calc.CapSpec]:
    return [calc.CapSpec(cap.band_label, cap.kind, cap.code, cap.figure) for cap in caps]


def cap_reason(
    cap: calc.CapSpec, bands: Iterable[calc.BandSpec], deduction_codes: Iterable[str] = ()
) -> str:
    """The reason a cap gives, generated from its rule: "Không xếp loại Tốt do có điểm trừ tại
    D.1" (the band denied is the one just above the cap's band)."""
    bands = list(bands)
    above = calc.band_above(cap.band_label, bands)
    denied = above.label if above else cap.band_label
    if cap.kind == calc.ITEM_ABOVE_ZERO:
        if cap.code in set(deduction_codes):
            why = _("có điểm trừ tại %(code)s") % {"code": cap.code}
        else:
            why = _("tiêu chí %(code)s có điểm") % {"code": cap.code}
    elif cap.kind == calc.ITEM_ZERO:
        why = _("tiêu chí %(code)s đạt 0 điểm") % {"code": cap.code}
    else:
        why = _("chỉ số lĩnh vực %(code)s dưới %(figure)s") % {
            "code": cap.code,
            "figure": number_format(cap.figure.normalize() if cap.figure is not None else 0),
        }
    return _("Không xếp loại %(band)s do %(why)s") % {"band": denied, "why": why}


def cap_reasons(
    fired: Iterable[calc.CapSpec], bands: Iterable[calc.BandSpec], deduction_codes: Iterable[str]
) -> str:
    """Every reason of the caps that lowered a band, one sentence each, joined by "; "."""
    bands = list(bands)
    codes = set(deduction_codes)
    return "; ".join(cap_reason(cap, bands, codes) for cap in fired)


def _shown(value: Decimal | None, decimals: int) -> str:
    """A rule's figure as people read it: 80 → "80", 0.5 → "0,50" (points), bounds as typed."""
    if value is None:
        return ""
    return number_format(value, decimals)


def rule_label(item: Item, decimals: int = 2) -> str:
    """An item's rule in words, for the pages and the exports: "Từ 80: 1,00 điểm; từ 50: 0,50
    điểm; dưới 50: 0 điểm". "" for an item whose points are entered."""
    rule = rule_spec(item)
    if rule is None:
        return ""
    if rule.kind == calc.THRESHOLD:
        pairs = sorted(rule.bounds, reverse=True)
        parts = [
            _("từ %(bound)s: %(points)s điểm")
            % {"bound": _plain_figure(bound), "points": _shown(points, decimals)}
            for bound, points in pairs
            if bound > 0
        ]
        lowest = min((bound for bound, _p in pairs if bound > 0), default=None)
        if lowest is not None:
            zero_points = next(points for bound, points in pairs if bound == 0)
            parts.append(
                _("dưới %(bound)s: %(points)s điểm")
                % {"bound": _plain_figure(lowest), "points": _shown(zero_points, decimals)}
            )
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]
    if rule.kind == calc.PROPORTIONAL:
        return _("Điểm tối đa × giá trị ÷ %(target)s (từ %(target)s trở lên: điểm tối đa)") % {
            "target": _plain_figure(rule.target)
        }
    if rule.kind == calc.PER_OCCURRENCE:
        if item.method == Method.DEDUCTION:
            return _("Trừ %(k)s điểm mỗi lần, tối đa %(max)s điểm") % {
                "k": _shown(rule.k, decimals),
                "max": _shown(item.max_points, decimals),
            }
        return _("Điểm tối đa trừ %(k)s điểm mỗi lần, không dưới 0") % {
            "k": _shown(rule.k, decimals)
        }
    if item.method == Method.DEDUCTION:
        return _("Có: trừ %(max)s điểm; không: 0 điểm") % {"max": _shown(item.max_points, decimals)}
    return _("Đạt: %(max)s điểm; không đạt: 0 điểm") % {"max": _shown(item.max_points, decimals)}


def _plain_figure(value: Decimal | None) -> str:
    """A measured value or bound without trailing zeros, with a decimal comma: 80, 92,5."""
    if value is None:
        return ""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(normal, places)
