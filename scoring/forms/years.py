"""Forms of the year's management page: the deadline and the reopening."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from scoring.forms.fields import TEXT_MAX_LENGTH


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


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do công bố khi chưa xong"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=gettext_lazy("Ví dụ: không nộp phiếu: chấm theo kết quả thẩm định."),
        error_messages={"required": gettext_lazy("Cần ghi lý do của quyết định công bố.")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Cần ghi lý do mở lại năm đã công bố.")},
    )
