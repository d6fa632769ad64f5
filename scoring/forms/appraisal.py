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
    ValueField,
)
from scoring.models import Method
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

    @staticmethod
    def takes(row) -> bool:
        """The row gets fields: editable, and not marked not applicable by the unit (which
        leaves no points to appraise)."""
        return row.editable and not (row.score and row.score.not_applicable)

    def __init__(self, *args, rows: Iterable, sheet, **kwargs):
        self.rows = [row for row in rows if self.takes(row)]
        kwargs.setdefault("initial", {})["version"] = sheet.version
        super().__init__(*args, **kwargs)
        for row in self.rows:
            code, score, item = row.item.code, row.score, row.item
            if item.rule:
                # The appraisers correct the measured value; the points follow from the rule.
                self.fields[f"value-{code}"] = ValueField(
                    kind=item.rule,
                    deduction=item.method == Method.DEDUCTION,
                    label=_("Giá trị thẩm định"),
                    initial=score.value if score else None,
                    attrs={"class": "form-control appraisal-value", "form": APPRAISAL_FORM_ID},
                    # Fed by a related index: changed with a reason on its own page.
                    disabled=bool(score and score.source_value is not None),
                )
            else:
                self.fields[f"points-{code}"] = PointsField(
                    max_points=item.max_points,
                    decimals=sheet.year.decimals,
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
                if row.item.rule:
                    data[f"value-{row.item.code}"] = str(row.score.self_value)
                else:
                    data[f"points-{row.item.code}"] = str(row.score.self_points)
        return data

    def fields_for(self, code: str) -> AppraisalFields | None:
        if f"reason-{code}" not in self.fields:
            return None
        points, value = f"points-{code}", f"value-{code}"
        return {
            "points": self[points] if points in self.fields else None,
            "value": self[value] if value in self.fields else None,
            "reason": self[f"reason-{code}"],
        }

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
            name = "value" if row.item.rule else "points"
            old = (getattr(score, name), score.reason) if score else (None, "")
            new = (self.cleaned_data[f"{name}-{code}"], self.cleaned_data[f"reason-{code}"].strip())
            if new != old and row.item.rule:
                changes.append(ScoreChange(code, value=new[0], reason=new[1]))
            elif new != old:
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
