"""Form fields shared by the pages: the one web parser of points, text areas, several files."""

from __future__ import annotations

import html
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

POINTS_PATTERN = re.compile(r"^-?\d+(?:[.,]\d+)?$")


TEXT_MAX_LENGTH = 10_000


def parse_points(value: str | None) -> Decimal | None:
    """The one web parser of points: "65,81", "65.81" and " 65 ,81 " are 65.81; empty is None.

    Refuses letters, exponents, more than 12 characters and negatives (ValidationError, codes
    not_a_number and negative). How many decimals may follow is the caller's: `PointsField`
    refuses more than two; the move-up page rounds them by the year's rule.
    """
    text = (value or "").strip().replace(" ", "")
    if not text:
        return None
    if len(text) > 12 or not POINTS_PATTERN.match(text):
        raise forms.ValidationError(_("Nhập một số, ví dụ 7,5 hoặc 7.5."), code="not_a_number")
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
        raise forms.ValidationError(_("Nhập một số, ví dụ 7,5 hoặc 7.5.")) from error
    if number < 0:
        raise forms.ValidationError(_("Điểm không được âm."), code="negative")
    return number


class PointsInput(forms.TextInput):
    """Django's text input, written without the template engine: the same HTML as its
    `input.html` and `attrs.html` templates. The sheet has 150 points fields, the appraisal sheet
    about 270 and the survey grid 1,800; through templates their inputs were 60–80 % of those
    pages' time (profiled, README "Hiệu năng / Performance")."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # What `get_context` gives the template, without building its dictionary; each piece
        # escaped once (`_escaped`, as format_html does), not through format_html per attribute.
        shown = self.format_value(value)
        parts: list[str] = [f'<input type="{_escaped(self.input_type)}" name="{_escaped(name)}"']
        if shown is not None:
            parts.append(f' value="{_escaped(shown)}"')
        for key, attr in self.build_attrs(self.attrs, attrs).items():
            if attr is True:
                parts.append(f" {_escaped(key)}")
            elif attr is not False:
                parts.append(f' {_escaped(key)}="{_escaped(attr)}"')
        parts.append(">")
        # Every piece above was escaped.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _escaped(value) -> str:
    """`conditional_escape` without its lazy-string wrapper: a safe string as it is, anything
    else escaped as Django's `escape` does (`html.escape` with quotes)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


class PointsField(forms.Field):
    """Points typed the Vietnamese way or the English way: "65,81" and "65.81" are 65.81.

    Empty is None. Refuses letters, negatives (`parse_points`), more than two decimals and more
    than `max_points`, each with its own Vietnamese message.
    """

    widget = PointsInput

    def __init__(self, *, max_points: Decimal | None = None, decimals: int = 2, **kwargs):
        self.max_points = max_points
        # The year's number of decimals (2 or 3, `AssessmentYear.decimals`).
        self.decimals = decimals
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "12"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, self.decimals)
        return value

    def to_python(self, value) -> Decimal | None:
        number = parse_points(value)
        if number is None:
            return None
        quantum = Decimal(1).scaleb(-self.decimals)
        if number != number.quantize(quantum):
            if self.decimals == 2:
                message = _("Điểm có tối đa 2 chữ số thập phân.")
            else:
                message = _("Điểm có tối đa %(decimals)s chữ số thập phân.") % {
                    "decimals": self.decimals
                }
            raise forms.ValidationError(message, code="decimals")
        return number.quantize(quantum)

    def validate(self, value):
        super().validate(value)
        if value is not None and self.max_points is not None and value > self.max_points:
            raise forms.ValidationError(
                _("Điểm %(value)s vượt điểm tối đa %(max)s.")
                % {
                    "value": number_format(value, self.decimals),
                    "max": number_format(self.max_points, self.decimals),
                },
                code="above_max",
            )


# The measured value of a rule item: non-negative, up to 3 decimals and 9 integer digits
# (`Score.self_value`/`Score.value`).
VALUE_QUANTUM = Decimal("0.001")


class ValueField(forms.Field):
    """The measured value of an item scored by rule (a percentage, a count; "85,5" or "85.5").

    `kind` is the rule: per_occurrence takes whole numbers; yes_no is a select of đạt (1) and
    không đạt (0). Empty is None. Never negative.
    """

    def __init__(self, *, kind: str, deduction: bool = False, attrs: dict | None = None, **kwargs):
        self.kind = kind
        kwargs.setdefault("required", False)
        if kind == "yes_no":
            # On a deduction item the question is whether it happened (a violation): có/không.
            yes, no = (_("Có"), _("Không")) if deduction else (_("Đạt"), _("Không đạt"))
            kwargs["widget"] = forms.Select(
                choices=[("", "–"), ("1", yes), ("0", no)],
                attrs={
                    **(attrs or {}),
                    "class": (attrs or {})
                    .get("class", "form-control")
                    .replace("form-control", "form-select"),
                },
            )
        else:
            kwargs["widget"] = forms.TextInput(attrs={"class": "form-control", **(attrs or {})})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.kind != "yes_no":
            attrs.update(
                {
                    "inputmode": "numeric" if self.kind == "per_occurrence" else "decimal",
                    "autocomplete": "off",
                    "maxlength": "14",
                }
            )
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            if self.kind == "yes_no":
                return "1" if value else "0"
            normal = value.normalize()
            places = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
            return number_format(value, places)
        return value

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):  # a disabled field cleans its stored initial value
            return value
        text = (value or "").strip().replace(" ", "")
        if not text:
            return None
        if not POINTS_PATTERN.match(text) or len(text) > 14:
            raise forms.ValidationError(_("Nhập một số, ví dụ 85 hoặc 85,5."), code="not_a_number")
        number = Decimal(text.replace(",", "."))
        if number < 0:
            raise forms.ValidationError(_("Giá trị không được âm."), code="negative")
        if number != number.quantize(VALUE_QUANTUM) or number >= Decimal(10) ** 9:
            raise forms.ValidationError(
                _("Giá trị có tối đa 3 chữ số thập phân và 9 chữ số phần nguyên."), code="decimals"
            )
        if self.kind == "per_occurrence" and number != number.to_integral_value():
            raise forms.ValidationError(_("Số lần phải là số nguyên."), code="not_whole")
        if self.kind == "yes_no" and number not in (Decimal(0), Decimal(1)):
            raise forms.ValidationError(_("Chọn “Đạt” hoặc “Không đạt”."), code="not_yes_no")
        return number


TEXTAREA = {"rows": 2, "class": "form-control"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the value is a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []
