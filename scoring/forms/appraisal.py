"""Forms of the appraisal pages: appraisal points, explanation requests and answers."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.forms.fields import (
    TEXT_MAX_LENGTH,
    TEXTAREA,
    MultipleFileField,
    PointsField,
    PointsInput,
)
from scoring.selectors.sheets import AppraisalFields
from scoring.services.scores import ScoreChange

# The appraisal inputs sit beside each item, outside the <form> element (which may not nest the
# explanation forms): the HTML form attribute ties them to it.
APPRAISAL_FORM_ID = "appraisal-form"

# The submit buttons' names: which domain a save covers (none: the whole sheet), and the domain
# whose chosen items (`ACCEPT_CHOSEN`) take the claimed points.
SAVE_DOMAIN = "linh-vuc"
ACCEPT_DOMAIN = "chap-nhan"
ACCEPT_CHOSEN = "chon"


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
                widget=PointsInput(
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

    @staticmethod
    def accepting(data: QueryDict, rows: Iterable, codes: Iterable[str]) -> QueryDict:
        """`data` with the claimed points typed in for the items `codes` among `rows` that may
        take them (`AppraisalRow.acceptable`): the bulk "accept the claim", saved like any
        other input. The reason typed is kept."""
        chosen = set(codes)
        data = data.copy()
        for row in rows:
            if row.item.code in chosen and row.acceptable:
                data[f"points-{row.item.code}"] = str(row.score.self_points)
        return data

    def fields_for(self, code: str) -> AppraisalFields | None:
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


class ExplanationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Nội dung giải trình"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Cần ghi nội dung giải trình.")},
    )
    # A declared field: the form's metaclass takes it off the class, so it does not replace the
    # uploaded `files` of BaseForm, which the stubs cannot tell.
    files = MultipleFileField(  # type: ignore[assignment]
        label=gettext_lazy("Tài liệu kèm theo"),
        help_text=gettext_lazy("PDF, Word, Excel hoặc ảnh; có thể chọn nhiều tệp."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > settings.ANSWER_MAX_FILES:
            raise forms.ValidationError(
                _("Mỗi lần giải trình gửi tối đa %(count)s tệp.")
                % {"count": settings.ANSWER_MAX_FILES}
            )
        return files
