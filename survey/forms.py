"""The survey's forms: a ballot (phone-first, one radio group per question), the paper entry (one
short code field per question, typed), issuing tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.models import Question, RespondentType
from units.models import Unit

#: The "Không trả lời" choice: not "", which Django's radio buttons would pre-select on an empty
#: form (every question would start answered "không trả lời"); the service reads "-" as no answer.
NO_ANSWER = "-"


def question_field(question: Question) -> str:
    return f"q_{question.pk}"


class BallotForm(forms.Form):
    """One radio group per question meant for the respondent type, plus "Không trả lời"."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [
                (o.code, f"{o.code}. {o.text}" if o.text else o.code)
                for o in question.options.all()
            ]
            choices.append((NO_ANSWER, _("Không trả lời")))
            self.fields[question_field(question)] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A question left untouched is refused: the person must choose (even "không trả lời").
        for question in self.questions:
            name = question_field(question)
            if name not in self.data and not self.has_error(name):
                self.add_error(name, _("Hãy chọn một phương án (hoặc “Không trả lời”)."))
        return data or {}

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data.get(question_field(q)) or "" for q in self.questions}


class PaperForm(forms.Form):
    """A paper ballot typed by a clerk: the ballot's number, then one answer code per question."""

    reference = forms.CharField(
        label=gettext_lazy("Số phiếu (ghi trên phiếu giấy)"), max_length=40, required=True
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["reference"].widget.attrs.update(
            autofocus=True, autocomplete="off", **{"class": "form-control"}
        )
        for question in questions:
            codes = " ".join(o.code for o in question.options.all())
            self.fields[question_field(question)] = forms.CharField(
                label=question.code,
                help_text=codes,
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={"autocomplete": "off", "size": 3, "class": "form-control survey-code"}
                ),
            )

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data.get(question_field(q)) or "" for q in self.questions}


class UnitTypeForm(forms.Form):
    """Which unit and respondent type (tokens, paper entry, the open link's first step)."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=gettext_lazy("Đơn vị"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    respondent_type = forms.ModelChoiceField(
        queryset=RespondentType.objects.all(),
        label=gettext_lazy("Đối tượng"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class TokensForm(UnitTypeForm):
    count = forms.IntegerField(
        label=gettext_lazy("Số mã mời"),
        min_value=1,
        max_value=2000,
        initial=20,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class ResponsesUploadForm(forms.Form):
    """Ballots from a file: one row per answer, or another tool's export with its mapping."""

    file = forms.FileField(
        label=gettext_lazy("Tệp phiếu trả lời (xlsx hoặc CSV)"),
        help_text=gettext_lazy(
            "Mỗi dòng một câu trả lời: ballot, unit_code, respondent_type, question, answer; "
            "hoặc bản xuất KoboToolbox/Google Forms kèm tệp ánh xạ cột."
        ),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": gettext_lazy("Hãy chọn một tệp.")},
    )
    mapping = forms.FileField(
        label=gettext_lazy("Tệp ánh xạ cột (JSON, tùy chọn)"),
        required=False,
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".json"}),
    )
