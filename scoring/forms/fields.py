"""Form fields shared by the pages: the one web parser of points, text areas, several files."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.html import format_html
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
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
        ]
        if widget["value"] is not None:
            parts.append(format_html(' value="{}"', widget["value"]))
        for key, attr in widget["attrs"].items():
            if attr is True:
                parts.append(format_html(" {}", key))
            elif attr is not False:
                parts.append(format_html(' {}="{}"', key, attr))
        parts.append(">")
        return mark_safe("".join(parts))  # noqa: S308 - every piece escaped by format_html


class PointsField(forms.Field):
    """Points typed the Vietnamese way or the English way: "65,81" and "65.81" are 65.81.

    Empty is None. Refuses letters, negatives (`parse_points`), more than two decimals and more
    than `max_points`, each with its own Vietnamese message.
    """

    widget = PointsInput

    def __init__(self, *, max_points: Decimal | None = None, **kwargs):
        self.max_points = max_points
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "12"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, 2)
        return value

    def to_python(self, value) -> Decimal | None:
        number = parse_points(value)
        if number is None:
            return None
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Điểm có tối đa 2 chữ số thập phân."), code="decimals")
        return number.quantize(Decimal("0.01"))

    def validate(self, value):
        super().validate(value)
        if value is not None and self.max_points is not None and value > self.max_points:
            raise forms.ValidationError(
                _("Điểm %(value)s vượt điểm tối đa %(max)s.")
                % {"value": number_format(value, 2), "max": number_format(self.max_points, 2)},
                code="above_max",
            )


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
