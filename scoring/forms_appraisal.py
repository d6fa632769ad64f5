"""Forms of the appraisal, explanation, survey and year pages. They parse; services decide."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.forms import TEXT_MAX_LENGTH, PointsField
from scoring.services import ScoreChange
from scoring.survey import SurveyGroup

TEXTAREA = {"rows": 2, "class": "form-control"}
# The appraisal inputs sit beside each item, outside the <form> element (which may not nest the
# explanation forms): the HTML form attribute ties them to it.
APPRAISAL_FORM_ID = "appraisal-form"


class AppraisalForm(forms.Form):
    """Appraisal points and reason for the items the user may appraise on one sheet.

    Only editable rows get fields (not those the unit marked not applicable): a value posted
    for any other item is never read. `changes()`
    returns the items whose points or reason differ from what was stored when the page loaded.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rows: Iterable, sheet, **kwargs):
        # An item the unit marked not applicable has no points to appraise.
        self.rows = [
            row for row in rows if row.editable and not (row.score and row.score.not_applicable)
        ]
        kwargs.setdefault("initial", {})["version"] = sheet.version
        super().__init__(*args, **kwargs)
        for row in self.rows:
            code, score = row.item.code, row.score
            self.fields[f"points-{code}"] = PointsField(
                max_points=row.item.max_points,
                label=_("Điểm thẩm định"),
                initial=score.points if score else None,
                widget=forms.TextInput(
                    attrs={"class": "form-control appraisal-points", "form": APPRAISAL_FORM_ID}
                ),
            )
            self.fields[f"reason-{code}"] = forms.CharField(
                label=_("Lý do thẩm định"),
                required=False,
                max_length=TEXT_MAX_LENGTH,
                initial=score.reason if score else "",
                widget=forms.Textarea(attrs={**TEXTAREA, "form": APPRAISAL_FORM_ID}),
            )

    def fields_for(self, code: str) -> dict | None:
        if f"points-{code}" not in self.fields:
            return None
        return {"points": self[f"points-{code}"], "reason": self[f"reason-{code}"]}

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def changes(self) -> list[ScoreChange]:
        changes = []
        for row in self.rows:
            code, score = row.item.code, row.score
            old = (score.points, score.reason) if score else (None, "")
            new = (self.cleaned_data[f"points-{code}"], self.cleaned_data[f"reason-{code}"].strip())
            if new != old:
                changes.append(ScoreChange(code, points=new[0], reason=new[1]))
        return changes


class ExplanationRequestForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Nội dung yêu cầu giải trình"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": gettext_lazy("Cần ghi nội dung yêu cầu giải trình.")},
    )


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


class ExplanationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Nội dung giải trình"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Cần ghi nội dung giải trình.")},
    )
    files = MultipleFileField(
        label=gettext_lazy("Tài liệu kèm theo"),
        help_text=gettext_lazy("PDF, Word, Excel hoặc ảnh; có thể chọn nhiều tệp."),
    )


# --------------------------------------------------------------------------- survey


class SurveyGridForm(forms.Form):
    """Survey points, one field per unit and survey item: "s-<unit code>-<item code>"."""

    def __init__(self, *args, groups: Sequence[SurveyGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[str, str, object]] = []
        for group in groups:
            for unit, values in group.units:
                for item in group.items:
                    name = self.field_name(unit.code, item.code)
                    self.fields[name] = PointsField(
                        max_points=item.max_points,
                        label=f"{unit.name} · {item.code}",
                        initial=values.get(item.code),
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                    )
                    self.cells.append((unit.code, item.code, values.get(item.code)))

    @staticmethod
    def field_name(unit_code: str, item_code: str) -> str:
        return f"s-{unit_code}-{item_code}"

    def values(self) -> dict[str, dict]:
        """{unit code: {item code: points}} of the cells that changed."""
        values: dict[str, dict] = {}
        for unit_code, item_code, old in self.cells:
            new = self.cleaned_data[self.field_name(unit_code, item_code)]
            if new != old:
                values.setdefault(unit_code, {})[item_code] = new
        return values


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp điểm điều tra XHH (xlsx hoặc CSV)"),
        help_text=gettext_lazy("Các cột: unit_code, item_code, points."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": gettext_lazy("Hãy chọn một tệp.")},
    )


# --------------------------------------------------------------------------- years


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(
        label=gettext_lazy("Hạn tự đánh giá"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
        error_messages={
            "required": gettext_lazy("Cần nhập hạn tự đánh giá."),
            "invalid": gettext_lazy("Nhập ngày giờ, ví dụ 31/12/2024 17:00."),
        },
    )

    def __init__(self, *args, deadline: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if deadline is not None:
            self.fields["deadline"].initial = timezone.localtime(deadline)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Cần ghi lý do mở lại năm đã công bố.")},
    )
