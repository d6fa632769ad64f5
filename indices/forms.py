"""The form of a period's values, from a file or typed rows (unit_code,component_code,points)."""

from django import forms
from django.utils.translation import gettext_lazy


class ValuesForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Kỳ"),
        max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "2026-10"}),
        help_text=gettext_lazy("2026, 2026-Q3, 2026-10 hoặc tuần 2026-W42, theo kỳ của chỉ số."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Số liệu đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    source = forms.CharField(
        label=gettext_lazy("Nguồn"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp (xlsx hoặc CSV)"),
        required=False,
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    rows = forms.CharField(
        label=gettext_lazy("Hoặc nhập trực tiếp"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 8}),
        help_text=gettext_lazy(
            "Dòng đầu: unit_code,component_code,points; mỗi dòng sau một đơn vị và một thành phần."
        ),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if bool(cleaned.get("file")) == bool((cleaned.get("rows") or "").strip()):
            raise forms.ValidationError(
                gettext_lazy("Chọn một tệp hoặc nhập các dòng, không cả hai.")
            )
        return cleaned
