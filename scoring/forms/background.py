"""Forms of the background work page (/quan-tri/viec-nen/): a score file, a year's exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from scoring.models import AssessmentYear

EXPORTS = [
    ("export_sheets_xlsx", gettext_lazy("Phiếu của mọi đơn vị (.xlsx, mỗi đơn vị một trang)")),
    ("export_reports_docx", gettext_lazy("Báo cáo tự đánh giá của mọi đơn vị (.docx, tệp .zip)")),
    ("results_report", gettext_lazy("Báo cáo kết quả của tỉnh (.docx)")),
]


def _year_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=gettext_lazy("Năm đánh giá"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": gettext_lazy("Cần chọn năm đánh giá.")},
    )


class _YearForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = AssessmentYear.objects.order_by("-year").values_list("year", flat=True)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
        field.choices = [(y, str(y)) for y in years]


class ScoreImportForm(_YearForm):
    year = _year_field()
    file = forms.FileField(
        label=gettext_lazy("Tệp điểm (.csv hoặc .xlsx)"),
        help_text=gettext_lazy(
            "Cột unit_code, item_code; tùy chọn self_points, points, not_applicable, note. Có "
            "lỗi ở bất kỳ dòng nào thì không lưu gì."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx"}),
        error_messages={"required": gettext_lazy("Cần chọn tệp điểm.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext_lazy("Tệp quá lớn: tối đa %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(gettext_lazy("Chỉ nhận tệp .csv hoặc .xlsx."))
        return upload


class ExportForm(_YearForm):
    year = _year_field()
    what = forms.ChoiceField(
        label=gettext_lazy("Tệp cần lập"),
        choices=EXPORTS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
