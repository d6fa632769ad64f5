"""The override of a linked rule item's value (issue 19): the side's own value and its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ValueOverrideForm(forms.Form):
    value = forms.DecimalField(
        label=_("Giá trị của đơn vị hoặc thẩm định"),
        min_value=0,
        max_digits=12,
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Lý do sửa giá trị"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
