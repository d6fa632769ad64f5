"""The points input (scoring/forms/fields.py `PointsInput`) writes its HTML without the template
engine; it must be exactly what Django's own text input template writes."""

from decimal import Decimal

import pytest
from django import forms

from scoring.forms.fields import PointsField, PointsInput

CASES = [
    ({"class": 'form-control "x"', "required": True, "disabled": False}, Decimal("7.5")),
    ({"class": "form-control sheet-points", "aria-describedby": "a b"}, None),
    ({}, "<script>1</script>"),
    ({"data-max": 0, "title": "Điểm & lý do"}, "65,81"),
]


@pytest.mark.parametrize(("attrs", "value"), CASES)
def test_the_points_input_writes_what_djangos_template_writes(attrs, value):
    ours = PointsField(widget=PointsInput(attrs=attrs))
    django_s = PointsField(widget=forms.TextInput(attrs=attrs))

    def html(field):
        extra = {"id": "id_points-1.2", **field.widget_attrs(field.widget)}
        return field.widget.render("points-1.2", field.prepare_value(value), extra)

    assert html(ours) == html(django_s)
    assert "<script>" not in html(ours)
