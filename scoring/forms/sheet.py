"""Forms of the unit's sheet: self-assessment and evidence upload."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import calculations as calc
from scoring.forms.fields import (
    TEXT_MAX_LENGTH,
    MultipleFileField,
    MultipleFileInput,
    PointsField,
    PointsInput,
    ValueField,
)
from scoring.models import Item, Method, Score
from scoring.services.scores import UNSET, ScoreChange
from scoring.specs import item_rule_points

# Field names of the sheet form: "<kind>-<item code>", e.g. "self_points-1.2.3".
ITEM_FIELD = re.compile(r"^(self_points|self_value|note|na|points|value|reason)-(.+)$")

# The items a unit claims on its sheet: appraisal items and the bonus and deduction sections'.
CLAIMED_METHODS = (Method.APPRAISAL, Method.BONUS, Method.DEDUCTION)


class SelfAssessmentForm(forms.Form):
    """A unit's self-assessment of one sheet: for each appraisal, bonus or deduction item self
    points (or, on an item scored by rule, the measured value), a note and (where the framework
    allows it) not-applicable; and the sheet's report texts.

    Survey items get no field. Any field in the POST for an item that is not in this sheet's
    framework, a survey item, or the appraisal side (points, reason) is an error: nothing saved.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    difficulties = forms.CharField(
        label=gettext_lazy("Khó khăn, vướng mắc"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    proposals = forms.CharField(
        label=gettext_lazy("Đề xuất, kiến nghị"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    def __init__(
        self,
        *args,
        items: Iterable[Item],
        scores: Mapping[int, Score],
        sheet=None,
        **kwargs,
    ):
        self.items = list(items)
        self.items_by_code = {item.code: item for item in self.items}
        self.scores = scores
        self.claimed_items = [item for item in self.items if self.claims(item)]
        year = sheet.year if sheet is not None else None
        self.decimals = year.decimals if year is not None else 2
        self.rounding = year.rounding if year is not None else calc.HALF_UP
        initial = kwargs.setdefault("initial", {})
        if sheet is not None:
            initial.setdefault("version", sheet.version)
            initial.setdefault("difficulties", sheet.difficulties)
            initial.setdefault("proposals", sheet.proposals)
        super().__init__(*args, **kwargs)
        for item in self.claimed_items:
            score = scores.get(item.id)
            if item.rule:
                # The points follow from the measured value by the item's rule.
                self.fields[f"self_value-{item.code}"] = ValueField(
                    kind=item.rule,
                    deduction=item.method == Method.DEDUCTION,
                    label=_("Giá trị tự đánh giá"),
                    initial=score.self_value if score else None,
                    attrs={"class": "form-control sheet-value"},
                    # A value fed by a related index changes only with a reason, on its own
                    # page (the "Sửa giá trị" link beside it): a later import keeps it then.
                    disabled=bool(score and score.source_value is not None),
                )
            else:
                self.fields[f"self_points-{item.code}"] = PointsField(
                    max_points=item.max_points,
                    decimals=self.decimals,
                    label=_("Điểm tự đánh giá"),
                    initial=score.self_points if score else None,
                    widget=PointsInput(attrs={"class": "form-control sheet-points"}),
                )
            self.fields[f"note-{item.code}"] = forms.CharField(
                label=_("Ghi chú của đơn vị"),
                required=False,
                max_length=TEXT_MAX_LENGTH,
                initial=score.note if score else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            if item.na_allowed:
                self.fields[f"na-{item.code}"] = forms.BooleanField(
                    label=_("Không áp dụng (không phát sinh)"),
                    required=False,
                    initial=score.not_applicable if score else False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    @staticmethod
    def claims(item: Item) -> bool:
        """The item gets fields on the sheet (a scored appraisal, bonus or deduction item)."""
        return item.is_scored and item.method in CLAIMED_METHODS

    def report_fields(self) -> list[forms.BoundField]:
        """The sheet's report texts (the page writes them without going through every field)."""
        return [self["difficulties"], self["proposals"]]

    def fields_for(self, item: Item) -> dict | None:
        """The bound fields of one item ({"self_points" or "self_value", "note", "na"}), None for
        survey items."""
        if f"note-{item.code}" not in self.fields:
            return None
        na = f"na-{item.code}"
        points, value = f"self_points-{item.code}", f"self_value-{item.code}"
        return {
            "self_points": self[points] if points in self.fields else None,
            "self_value": self[value] if value in self.fields else None,
            "note": self[f"note-{item.code}"],
            "na": self[na] if na in self.fields else None,
        }

    def typed_value(self, item: Item) -> Decimal | None:
        """The measured value typed for a rule item (None: empty or invalid)."""
        return getattr(self, "cleaned_data", {}).get(f"self_value-{item.code}")

    def rule_rows(self) -> list[dict]:
        """Each rule item's typed value and the points it earns (the running preview)."""
        rows = []
        for item in self.claimed_items:
            if not item.rule:
                continue
            value = self.typed_value(item)
            rows.append(
                {
                    "item": item,
                    "value": value,
                    "points": item_rule_points(item, value, self.rounding, self.decimals),
                }
            )
        return rows

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for item in self.claimed_items:
            if not cleaned.get(f"na-{item.code}"):
                continue
            if item.rule and cleaned.get(f"self_value-{item.code}") is not None:
                self.add_error(
                    f"self_value-{item.code}",
                    _("Đã chọn “không áp dụng” thì để trống giá trị tự đánh giá."),
                )
            elif not item.rule and cleaned.get(f"self_points-{item.code}") is not None:
                self.add_error(
                    f"self_points-{item.code}",
                    _("Đã chọn “không áp dụng” thì để trống điểm tự đánh giá."),
                )
        problems = []
        for key in self.data:
            match = ITEM_FIELD.match(key)
            if match is None or key in self.fields:
                continue
            kind, code = match.groups()
            posted = self.items_by_code.get(code)
            if kind in ("points", "value", "reason"):
                message = _(
                    "Tiêu chí %(code)s: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định."
                )
            elif posted is None or not posted.is_scored:
                message = _("Tiêu chí “%(code)s” không có trong bộ chỉ số của phiếu này.")
            elif posted.method == Method.SURVEY:
                message = _(
                    "Tiêu chí %(code)s chấm bằng điều tra xã hội học: đơn vị không tự đánh giá."
                )
            elif kind == "self_points":
                message = _(
                    "Tiêu chí %(code)s chấm theo quy tắc: nhập giá trị, điểm tự tính theo quy tắc."
                )
            elif kind == "self_value":
                message = _("Tiêu chí %(code)s nhập điểm trực tiếp, không nhập giá trị.")
            else:
                message = _("Tiêu chí %(code)s không được chọn “không áp dụng”.")
            problems.append(message % {"code": code})
        for message in dict.fromkeys(problems):
            self.add_error(None, message)
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Bootstrap's red outline and the screen reader's "invalid", on every field in error.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_errors"

    def error_links(self) -> list[dict]:
        """Every field in error, in the sheet's order, for the banner at the top of the page: the
        item's code (empty for the report texts), the field's label, the id of its input (the
        banner links there) and the messages."""
        links = []
        names = [
            f"{kind}-{item.code}"
            for item in self.claimed_items
            for kind in ("self_points", "self_value", "na", "note")
        ] + ["difficulties", "proposals"]
        for name in names:
            if name not in self.fields or name not in self.errors:
                continue
            match = ITEM_FIELD.match(name)
            links.append(
                {
                    "code": match.group(2) if match else "",
                    "label": self.fields[name].label,
                    "id": self[name].id_for_label,
                    "messages": self.errors[name],
                }
            )
        return links

    def values(self) -> dict[str, tuple[Decimal | None, bool]]:
        """(self points, not applicable) per claimed item as typed, invalid values as empty; a
        rule item's points from its typed value by its rule.

        Used for the running totals of a form that is not (yet) saved.
        """
        data = getattr(self, "cleaned_data", {})
        values = {}
        for item in self.claimed_items:
            score = self.scores.get(item.id)
            na_name = f"na-{item.code}"
            na = (
                bool(data.get(na_name))
                if na_name in self.fields
                else bool(score and score.not_applicable)
            )
            if item.rule:
                points = item_rule_points(
                    item, data.get(f"self_value-{item.code}"), self.rounding, self.decimals
                )
            else:
                points = data.get(f"self_points-{item.code}")
            values[item.code] = (None if na else points, na)
        return values

    def changes(self) -> list[ScoreChange]:
        """The changes to save: only the items whose self points (a rule item: value), note or
        N/A differ."""
        changes = []
        for item in self.claimed_items:
            score = self.scores.get(item.id)
            name = "self_value" if item.rule else "self_points"
            old = (
                (getattr(score, name), score.note, score.not_applicable)
                if score
                else (None, "", False)
            )
            na_name = f"na-{item.code}"
            na = self.cleaned_data[na_name] if na_name in self.fields else old[2]
            typed = None if na else self.cleaned_data[f"{name}-{item.code}"]
            note = self.cleaned_data[f"note-{item.code}"]
            if (typed, note, na) == old:
                continue
            changes.append(
                ScoreChange(
                    item.code,
                    self_points=UNSET if item.rule else typed,
                    self_value=typed if item.rule else UNSET,
                    note=note,
                    not_applicable=na if na_name in self.fields else UNSET,
                )
            )
        return changes


class EvidenceUploadForm(forms.Form):
    """One or several evidence files for one item (the sheet's drop zone, or the item's page)."""

    # A declared field: the form's metaclass takes it off the class, so it does not replace the
    # uploaded `files` of BaseForm.
    file = MultipleFileField(
        label=gettext_lazy("Tệp tài liệu kiểm chứng"),
        help_text=gettext_lazy("PDF, Word, Excel hoặc ảnh (JPG, PNG); có thể chọn nhiều tệp."),
        widget=MultipleFileInput(
            attrs={
                "class": "form-control",
                "accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png,.gif,.webp",
            }
        ),
        error_messages={
            "required": gettext_lazy("Hãy chọn một tệp."),
            "empty": gettext_lazy("Tệp rỗng: hãy chọn lại tệp."),
            "invalid": gettext_lazy("Không đọc được tệp: hãy chọn lại."),
        },
    )

    def clean_file(self):
        files = self.cleaned_data["file"]
        if not files:
            raise forms.ValidationError(_("Hãy chọn một tệp."))
        if len(files) > settings.ANSWER_MAX_FILES:
            raise forms.ValidationError(
                _("Mỗi lần tải lên tối đa %(count)s tệp.") % {"count": settings.ANSWER_MAX_FILES}
            )
        return files
