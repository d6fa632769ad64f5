"""Formatting filters for points, indices, changes, ranks and classifications.

Filters only format: every figure arrives already computed and rounded by `calculations.py`.
Numbers follow the active language (vi: "92,03"; en: "92.03").

    {% load portal_format %}
    {{ result.total|points }}            92,03
    {{ result.total|points:year.decimals }}  91,651 in a year of three decimals
    {{ change|delta }}                   ▲ 1,25 / ▼ 0,50 / = 0,00  (|delta:year.decimals: ▲ 1,250)
    {{ change|signed }}                  +1,25 / −0,50 / 0,00  (a provisional change: no arrow)
    <span class="{{ change|delta_css }}" title="{{ change|delta_label }}">…</span>

Every figure of a year is shown with that year's decimals (`AssessmentYear.decimals`, 2 or 3):
pass them as the filter's argument. A change between a year of two decimals and one of three
is shown with three (the caller passes the finer of the two).
    {{ result|rank_of }}                 thứ 2/20     (or {{ rank|rank_of:total }})
    <span class="badge {{ result.band_label|band_css }}">…</span>
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext

from scoring import specs

register = template.Library()

MISSING = "–"  # en dash: shown where there is no figure (not yet scored, no previous year)

# Slugs of the classification labels that have a colour in portal.css (.band-…).
BAND_SLUGS = frozenset({"xuat-sac", "tot", "kha", "trung-binh", "yeu"})


def _decimal(value) -> Decimal | None:
    """The value as a Decimal, or None when it is missing or not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # str() first so that a float shows the digits it prints, not its binary expansion.
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _places(places) -> int:
    """A year's decimals as a filter argument: 3, or 2 for anything else (the default)."""
    return 3 if str(places) == "3" else 2


def _direction(value: Decimal, places: int = 2) -> int:
    """1, -1 or 0 by the decimals that are shown, so the arrow agrees with the digits."""
    steps = int(value.scaleb(places))  # int() truncates, as number_format does
    return (steps > 0) - (steps < 0)


@register.filter
def points(value, places=2) -> str:
    """Points or an index with exactly two decimals (or the year's: `|points:year.decimals`,
    2 or 3) in the active locale; "–" when missing.

    Digits beyond those shown are cut, not rounded (Django's number_format): rounding belongs
    to calculations.py, which knows the year's rounding rule.
    """
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else value
    shown = _places(places)
    if _direction(number, shown) == 0:
        number = Decimal(0)  # never "-0,00"
    return number_format(number, shown, use_l10n=True)


@register.filter
def delta(value, places=2) -> str:
    """A change between two figures: "▲ 1,25", "▼ 0,50" or "= 0,00" (`|delta:year.decimals`:
    "▲ 1,250"); "–" when missing."""
    number = _decimal(value)
    if number is None:
        return MISSING
    shown = _places(places)
    direction = _direction(number, shown)
    if direction == 0:
        return f"= {points(0, shown)}"
    arrow = "▲" if direction > 0 else "▼"
    return f"{arrow} {points(abs(number), shown)}"


@register.filter
def signed(value, places=2) -> str:
    """A change with its sign and no arrow, for one that is not final (tạm tính): "+1,25",
    "−0,50" (a true minus sign), "0,00" (`|signed:year.decimals`: "+1,250"); whole numbers
    (places gained) as "+2", "−3", "0"; "–" when missing."""
    number = _decimal(value)
    if number is None:
        return MISSING
    whole = isinstance(value, int)
    shown = _places(places)
    direction = (number > 0) - (number < 0) if whole else _direction(number, shown)
    text = str(abs(int(number))) if whole else points(abs(number), shown)
    if direction == 0:
        return "0" if whole else points(0, shown)
    return f"{'+' if direction > 0 else '−'}{text}"


@register.filter
def delta_css(value, places=2) -> str:
    """The CSS class of a change: delta-up, delta-down or delta-same (also when missing)."""
    number = _decimal(value)
    direction = 0 if number is None else _direction(number, _places(places))
    return {1: "delta-up", -1: "delta-down", 0: "delta-same"}[direction]


@register.filter
def delta_label(value, places=2) -> str:
    """A change in words, for title and aria-label attributes: "tăng 1,25", "giảm 0,50"."""
    number = _decimal(value)
    if number is None:
        return gettext("chưa có số liệu so sánh")
    shown = _places(places)
    direction = _direction(number, shown)
    if direction == 0:
        return gettext("không đổi")
    if direction > 0:
        return gettext("tăng %(points)s") % {"points": points(number, shown)}
    return gettext("giảm %(points)s") % {"points": points(abs(number), shown)}


@register.filter
def rank_of(value, of=None) -> str:
    """A rank within its group: "thứ 2/20".

    Either a result-like object (or dict) with rank and rank_of ({{ result|rank_of }}) or a rank and
    the group's size ({{ rank|rank_of:total }}); "–" when either is missing.
    """
    if of is None:
        if isinstance(value, Mapping):
            rank, of = value.get("rank"), value.get("rank_of")
        else:
            rank, of = getattr(value, "rank", None), getattr(value, "rank_of", None)
    else:
        rank = value
    if rank in (None, "") or of in (None, ""):
        return MISSING
    return gettext("thứ %(rank)s/%(of)s") % {"rank": rank, "of": of}


@register.filter
def band_css(value) -> str:
    """The CSS class of a classification: "Xuất sắc" → band-xuat-sac … "Yếu" → band-yeu.

    Takes a label or an object with a .label (a Band); any other label gets band-none.
    """
    label = getattr(value, "label", value)
    slug = slugify(str(label or ""))
    return f"band-{slug}" if slug in BAND_SLUGS else "band-none"


@register.filter
def measured(value, item=None) -> str:
    """A rule item's measured value as people read it: 85,5; "3 lần" on a per_occurrence item;
    "Đạt"/"Không đạt" for a yes_no rule ("Có"/"Không" on a deduction item: did it happen); "–"
    when missing."""
    number = _decimal(value)
    if number is None:
        return MISSING
    if getattr(item, "rule", "") == "yes_no":
        if getattr(item, "method", "") == "deduction":
            return gettext("Có") if number else gettext("Không")
        return gettext("Đạt") if number else gettext("Không đạt")
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    shown = number_format(normal, places, use_l10n=True)
    if getattr(item, "rule", "") == "per_occurrence":
        return gettext("%(value)s lần") % {"value": shown}
    return shown


@register.filter
def rule_label(item, decimals=2) -> str:
    """An item's rule in words ("Từ 80: 1,00 điểm; …", `specs.rule_label`); "" without one."""
    return specs.rule_label(item, _places(decimals))
