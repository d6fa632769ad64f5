"""Framework import and export in the admin: xlsx in (with a preview), xlsx out.

The export writes the command-line importer's format (`scoring.exchange.importers`: columns code, name,
max_points, method, guidance, na_allowed, evidence_required; row 1 the header), so next year's
framework can start from this year's file: `import_framework` or the import page below read it
back unchanged. A second worksheet names the province, year and group and explains the columns
in Vietnamese (the importer reads the first worksheet only).

The import page reads the file with `importers.read_framework_rows`, then shows the tree and the
figures it would create, checked by running `importers.import_framework` — the command's own
function — in a transaction that is rolled back; confirming runs it for real. All or nothing:
any problem is listed (by sheet row) and nothing is saved.

The URLs are added to `FrameworkAdmin` by `framework_io_urls` (its `get_urls`); the views need
the admin site's login and `scoring.manage_year`.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import asdict
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from lib.requests import accepts_upload, import_request_bytes
from scoring.calculations import value_source_text
from scoring.exchange import exports, importers
from scoring.models import EXTRA_METHODS, AssessmentYear, Framework, Method
from scoring.permissions import may
from scoring.services.frameworks import ItemRow
from scoring.specs import rule_text
from units.models import UnitGroup

COLUMNS = (*importers.FRAMEWORK_REQUIRED, *importers.FRAMEWORK_OPTIONAL)
# What each column of the importer's format holds (a comment on the header cell).
COLUMN_HELP = {
    "code": gettext_lazy("Mã tiêu chí: 1, 1.2, 1.2.3 (định dạng Văn bản)."),
    "name": gettext_lazy("Tên lĩnh vực, tiêu chí, tiêu chí thành phần."),
    "max_points": gettext_lazy(
        "Điểm tối đa; với tiêu chí cha là tổng các tiêu chí con (có thể để trống)."
    ),
    "method": gettext_lazy("Phương pháp: thẩm định hoặc ĐTXHH (điều tra xã hội học)."),
    "guidance": gettext_lazy("Hướng dẫn chấm (không bắt buộc)."),
    "na_allowed": gettext_lazy("Được chọn “không áp dụng”: có/không."),
    "evidence_required": gettext_lazy("Cần tài liệu kiểm chứng: có/không."),
    "rule": gettext_lazy(
        "Quy tắc chấm (để trống: nhập điểm): threshold 80:1 50:0.5 0:0, proportional 100, "
        "per_occurrence 0.25 hoặc yes_no; số viết bằng dấu chấm."
    ),
    "source": gettext_lazy(
        "Giá trị lấy từ chỉ số liên quan (để trống: đơn vị nhập): chỉ số:thành phần@kỳ, "
        "ví dụ 766:5@2026-12; chỉ với tiêu chí chấm theo quy tắc."
    ),
}
METHOD_WORDS: dict[str, str] = {
    Method.APPRAISAL: "thẩm định",
    Method.SURVEY: "ĐTXHH",
    Method.BONUS: "bonus",
    Method.DEDUCTION: "deduction",
}
SESSION_KEY = "framework-import"


# --------------------------------------------------------------------------- export


def framework_workbook(framework: Framework, *, now=None) -> bytes:
    """The framework as an xlsx the framework importer reads back to the same tree."""
    workbook = Workbook()
    ws = workbook.worksheets[0]  # a new workbook's one sheet
    ws.title = _("Bộ chỉ số")
    for index, column in enumerate(COLUMNS, start=1):
        header = ws.cell(row=1, column=index, value=column)
        header.font = Font(bold=True)
        header.fill = exports.HEADER_FILL
        header.comment = Comment(str(COLUMN_HELP[column]), "CCHC Portal")
    for number, item in enumerate(framework.items.order_by("sort_key"), start=2):
        values = [
            item.code,
            item.name,
            item.max_points,
            METHOD_WORDS.get(item.method, ""),
            item.guidance,
            "có" if item.na_allowed else "không",
            "có" if item.evidence_required else "không",
            rule_text(item),
            value_source_text(item.source_kind, item.source_component, item.source_period),
        ]
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=number, column=index)
            if isinstance(value, Decimal):
                cell.value = value
                cell.number_format = exports.POINTS_FORMAT
            else:
                exports.write_text(cell, value)
        ws.cell(row=number, column=2).alignment = Alignment(indent=(item.depth - 1) * 2)
        if item.depth == 1:
            ws.cell(row=number, column=2).font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (10, 70, 12, 14, 40, 12, 18, 28, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{max(ws.max_row, 1)}"
    _about_sheet(workbook, framework, now or timezone.now())
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _about_sheet(workbook, framework: Framework, now) -> None:
    about = workbook.create_sheet(_("Thông tin"))
    lines = [
        exports.owner_name(framework.year).upper(),
        _("Bộ chỉ số năm %(year)s · %(group)s")
        % {"year": framework.year.year, "group": framework.group.name},
        exports.generated_line(now),
        "",
        _(
            "Trang tính đầu tiên nhập lại được bằng trang Nhập bộ chỉ số hoặc lệnh import_framework:"
        ),
        *[f"{column}: {COLUMN_HELP[column]}" for column in COLUMNS],
    ]
    for number, line in enumerate(lines, start=1):
        exports.write_text(about.cell(row=number, column=1), line)
    about["A1"].font = Font(bold=True)
    about["A2"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 100


def export_view(request, object_id):
    _require(request)
    framework = get_object_or_404(Framework.objects.select_related("year", "group"), pk=object_id)
    name = exports.file_stem("bo-chi-so", framework.year.year, framework.group.code) + ".xlsx"
    response = HttpResponse(framework_workbook(framework), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- import


class ImportForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Năm"), min_value=importers.FIRST_YEAR, max_value=importers.LAST_YEAR
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Khối đơn vị"), queryset=UnitGroup.objects.all(), to_field_name="code"
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp bộ chỉ số (.xlsx hoặc .csv)"),
        help_text=gettext_lazy(
            "Cột code, name, max_points, method; tùy chọn guidance, na_allowed, "
            "evidence_required. Có thể bắt đầu từ tệp xuất của bộ chỉ số năm trước."
        ),
    )


class _DryRun(Exception):
    pass


def check_import(year: int, group: UnitGroup, rows: list[ItemRow]):
    """What the import would create (its summary), by the importer itself, rolled back."""
    try:
        with transaction.atomic():
            summary = importers.import_framework(year, group, rows)
            figures = (summary.items, summary.scored, summary.appraisal_max, summary.survey_max)
            raise _DryRun
    except _DryRun:
        return figures


def _rows_to_session(rows: list[ItemRow]) -> list[dict]:
    return [
        {**asdict(row), "max_points": None if row.max_points is None else str(row.max_points)}
        for row in rows
    ]


def _rows_from_session(data: list[dict]) -> list[ItemRow]:
    return [
        ItemRow(
            **{
                **row,
                "max_points": None if row["max_points"] is None else Decimal(row["max_points"]),
            }
        )
        for row in data
    ]


def _section_caps(rows) -> dict[str, str]:
    """Top rows of a bonus or deduction section whose maximum is below the sum of their items'
    (the section's cap, as `build_items` stores it): code → the section's method label."""
    caps = {}
    for top in rows:
        if "." in top.code or top.max_points is None:
            continue
        below = [row for row in rows if row.code.startswith(f"{top.code}.")]
        methods = {row.method for row in below if row.method}
        if len(methods) != 1 or not methods <= set(EXTRA_METHODS):
            continue
        children = [row for row in below if row.code.count(".") == 1]
        if top.max_points < sum((row.max_points or 0 for row in children), 0):
            caps[top.code] = str(Method(next(iter(methods))).label)
    return caps


def import_view(request, model_admin):
    """GET: the form; POST: the preview (nothing saved) or, with the nonce, the import."""
    _require(request)
    if request.method == "POST" and "nonce" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Nhập bộ chỉ số từ Excel"),
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        year, group = form.cleaned_data["year"], form.cleaned_data["group"]
        try:
            rows = importers.read_framework_rows(form.cleaned_data["file"])
            items, scored, appraisal_max, survey_max = check_import(year, group, rows)
        except importers.IMPORT_ERRORS as error:
            context["errors"] = error.messages
        else:
            nonce = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "nonce": nonce,
                "year": year,
                "group": group.code,
                "rows": _rows_to_session(rows),
            }
            existing = Framework.objects.filter(year__year=year, group=group).first()
            caps = _section_caps(rows)
            context.update(
                preview=[
                    {
                        "row": row,
                        "depth": row.code.count(".") + 1,
                        "method": Method(row.method).label if row.method in Method.values else "",
                        "cap": caps.get(row.code),
                    }
                    for row in rows
                ],
                nonce=nonce,
                year=year,
                group=group,
                # The year's decimals (2 or 3; 2 for a year the import will create).
                decimals=AssessmentYear.objects.filter(year=year)
                .values_list("decimals", flat=True)
                .first()
                or 2,
                summary={
                    "items": items,
                    "scored": scored,
                    "appraisal_max": appraisal_max,
                    "survey_max": survey_max,
                },
                replaces=existing.items.count() if existing else 0,
            )
    status = 400 if context.get("errors") or form.errors else 200
    return TemplateResponse(request, "admin/scoring/framework/import.html", context, status=status)


def _confirm(request):
    stored = request.session.get(SESSION_KEY)
    back = reverse("admin:scoring_framework_import")
    if not stored or not secrets.compare_digest(stored["nonce"], request.POST.get("nonce", "")):
        messages.error(
            request, _("Bản xem trước đã hết hạn hoặc đã được áp dụng; hãy tải tệp lên lại.")
        )
        return redirect(back)
    request.session.pop(SESSION_KEY, None)
    try:
        summary = importers.import_framework(
            stored["year"], stored["group"], _rows_from_session(stored["rows"])
        )
    except importers.IMPORT_ERRORS as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, str(summary))
    return redirect(reverse("admin:scoring_framework_change", args=[summary.framework.pk]))


def _require(request) -> None:
    if not may(request.user, "scoring.manage_year"):
        raise PermissionDenied


def framework_io_urls(model_admin) -> list:
    """The admin URLs of the import and export pages (for `FrameworkAdmin.get_urls`)."""
    site = model_admin.admin_site
    return [
        path(
            "nhap-xlsx/",
            site.admin_view(
                accepts_upload(import_request_bytes)(
                    lambda request: import_view(request, model_admin)
                )
            ),
            name="scoring_framework_import",
        ),
        path(
            "<path:object_id>/xuat-xlsx/",
            site.admin_view(export_view),
            name="scoring_framework_export",
        ),
    ]
