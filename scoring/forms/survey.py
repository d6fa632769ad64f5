"""Forms of the survey page: the grid and the file import."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy

from scoring.forms.fields import PointsField
from scoring.selectors.survey import SurveyGroup

CELL_ATTRS = {"class": "form-control form-control-sm"}


class SurveyGridForm(forms.Form):
    """Survey points, one field per unit and survey item: "s-<unit code>-<item code>"."""

    def __init__(self, *args, groups: Sequence[SurveyGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[str, str, object]] = []
        for group in groups:
            for unit, values in group.units:
                for item in group.items:
                    name = self.field_name(unit.code, item.code)
                    field = PointsField(
                        max_points=item.max_points,
                        label=f"{unit.name} · {item.code}",
                        initial=values.get(item.code),
                    )
                    # The class first, as `PointsInput(attrs=…)` would give, without the deep
                    # copy a widget instance costs each of the grid's 1,800 fields.
                    field.widget.attrs = {**CELL_ATTRS, **field.widget.attrs}
                    self.fields[name] = field
                    self.cells.append((unit.code, item.code, values.get(item.code)))

    @staticmethod
    def field_name(unit_code: str, item_code: str) -> str:
        return f"s-{unit_code}-{item_code}"

    def values(self) -> dict[str, dict]:
        """{unit code: {item code: points}} of the cells that changed. A cell the request did not
        send is left as it is (a browser sends an emptied input as ""): a page showing one unit
        group, or an older page, never clears the cells it did not show."""
        values: dict[str, dict] = {}
        for unit_code, item_code, old in self.cells:
            name = self.field_name(unit_code, item_code)
            if name not in self.data:
                continue
            new = self.cleaned_data[name]
            if new != old:
                values.setdefault(unit_code, {})[item_code] = new
        return values


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp điểm điều tra xã hội học (xlsx hoặc CSV)"),
        help_text=gettext_lazy("Các cột: unit_code, item_code, points."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": gettext_lazy("Hãy chọn một tệp.")},
    )
