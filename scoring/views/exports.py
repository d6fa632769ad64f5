"""Downloads (xlsx, CSV, docx) of the pages' tables, and the Excel round trip of score sheets.

Each download has the access rules of the page its table comes from: the ranking and the
comparison those of the dashboards (published years for everyone, the year in progress for
appraisers, leadership and admins), a sheet `scoring.view_sheet` (the appraisal side only for
those who see it on the page), the tracker `scoring.view_tracker`. The round trip needs the
right to edit what the file edits: `edit_self_assessment`, `appraise_sheet` or, for the survey,
`view_tracker` with `enter_survey` on each unit (checked by the survey service).
"""

from __future__ import annotations

import secrets
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jobs import progress
from jobs.models import Job, JobState
from lib.requests import accepts_upload, import_request_bytes
from scoring.exchange import exports, reports, roundtrip
from scoring.exchange.background import FUNCTIONS
from scoring.exchange.exports import tables
from scoring.exchange.roundtrip.apply import changes_from_session
from scoring.forms.filters import SheetFilter
from scoring.permissions import sees_appraisal, sees_provisional
from scoring.selectors import tracker
from scoring.selectors.cache import cached_bytes, public_file
from scoring.selectors.dashboards import compare as compare_years
from scoring.selectors.dashboards import overview
from scoring.selectors.years import visible_years
from scoring.services.appraisal import appraisal_closed_reason
from scoring.services.errors import published_refusal
from scoring.services.self_assessment import self_assessment_lock_reason
from scoring.views.dashboards import groups_with_results
from scoring.views.loading import load_group, load_sheet, load_unit, load_visible_year, load_year

FORMATS = ("xlsx", "csv")
COMPARISON_PARTS = {"don-vi": 0, "linh-vuc": 1, "tieu-chi": 2}  # ?bang= of the CSV
KINDS = {"tu-danh-gia": roundtrip.SELF, "tham-dinh": roundtrip.APPRAISAL}
PERMS = {
    roundtrip.SELF: "scoring.edit_self_assessment",
    roundtrip.APPRAISAL: "scoring.appraise_sheet",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# --------------------------------------------------------------------------- responses


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _table_bytes(parts: list[exports.Table], fmt: str, csv_index: int = 0) -> bytes:
    return exports.to_xlsx(parts) if fmt == "xlsx" else exports.to_csv(parts[csv_index])


def _file_response(content: bytes, fmt: str, stem: str) -> HttpResponse:
    if fmt == "xlsx":
        return _attachment(content, exports.XLSX_TYPE, f"{stem}.xlsx")
    return _attachment(content, exports.CSV_TYPE, f"{stem}.csv")


def _table_response(parts: list[exports.Table], fmt: str, stem: str, csv_index: int = 0):
    return _file_response(_table_bytes(parts, fmt, csv_index), fmt, stem)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404(_("Không có định dạng tệp này."))
    return fmt


# --------------------------------------------------------------------------- tables


@public_file("file_ranking", query=("group",))
def ranking(request, year: int, fmt: str):
    """A year's ranking: one group (?group=) or, in xlsx, every group on its own worksheet.

    A public file: built once per year stamp and viewer class, then served from the cache.
    """
    fmt = _format(fmt)
    years = visible_years(request.user)
    chosen = load_visible_year(years, year)
    published_only = not sees_provisional(request.user)
    code = request.GET.get("group") or ""

    def build() -> bytes:
        groups = overview(chosen, years, published_only=published_only)
        if code:
            groups = [g for g in groups if g.group.code == code]
        if not groups or (fmt == "csv" and len(groups) > 1):
            raise Http404(_("Không có khối đơn vị này."))
        return _table_bytes([tables.ranking_table(chosen, g) for g in groups], fmt)

    content = cached_bytes("export_ranking", years, (chosen.pk, fmt, code, published_only), build)
    return _file_response(content, fmt, exports.file_stem("ket-qua", chosen.year, code))


@login_required
def sheet(request, unit_code: str, year: int, fmt: str):
    fmt = _format(fmt)
    found = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    table = tables.sheet_table(found, sees_appraisal=sees_appraisal(request.user, found))
    return _table_response([table], fmt, exports.file_stem("phieu", unit_code, year))


@public_file("file_comparison", query=("from", "to", "group", "unit", "bang"))
def comparison(request, fmt: str):
    """The comparison page's tables (?from=&to=&group=&unit=); CSV: ?bang=don-vi|linh-vuc|tieu-chi."""
    fmt = _format(fmt)
    years = visible_years(request.user)
    old = load_visible_year(years, request.GET.get("from"), fallback=False)
    new = load_visible_year(years, request.GET.get("to"), fallback=False)
    if old is None or new is None or old == new:
        raise Http404(_("Chọn hai năm khác nhau để so sánh."))
    if old.year > new.year:
        old, new = new, old
    group = load_group(groups_with_results([old, new]), request.GET.get("group"))
    if group is None:
        raise Http404(_("Không có khối đơn vị này."))
    unit = load_unit(request.GET["unit"]) if request.GET.get("unit") else None
    part = COMPARISON_PARTS.get(request.GET.get("bang", "don-vi"))
    if part is None:
        raise Http404

    def build() -> bytes:
        comparison = compare_years(group, old, new, unit, years)
        return _table_bytes(tables.comparison_tables(comparison), fmt, csv_index=part)

    key = (old.pk, new.pk, group.pk, unit.pk if unit else None, fmt, part)
    content = cached_bytes("export_comparison", years, key, build)
    return _file_response(
        content, fmt, exports.file_stem("so-sanh", old.year, new.year, group.code)
    )


@login_required
def tracker_export(request, year: int, fmt: str):
    fmt = _format(fmt)
    chosen = load_year(request.user, year, "scoring.view_tracker")
    filters = SheetFilter(request.GET, tracker.year_sheets(chosen), year=chosen)
    counts = tracker.score_counts(chosen)
    rows = tracker.tracker_rows(chosen, sheets=filters.qs, counts=counts)
    table = tables.tracker_table(chosen, rows, tracker.appraisal_progress(chosen, counts))
    return _table_response([table], fmt, exports.file_stem("theo-doi", year, filters.group_code))


# --------------------------------------------------------------------------- reports (docx)


@login_required
def sheet_report(request, unit_code: str, year: int):
    found = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    content = reports.self_assessment_report(found)
    return _attachment(
        content, DOCX_TYPE, exports.file_stem("bao-cao-tu-danh-gia", unit_code, year) + ".docx"
    )


@public_file("file_results_report")
def results_report(request, year: int):
    """The province's results report: about a second of work, so built once per year stamp and
    viewer class, then served from the cache (every viewer may ask for it)."""
    years = visible_years(request.user)
    chosen = load_visible_year(years, year)
    published_only = not sees_provisional(request.user)
    content = cached_bytes(
        "report_results",
        years,
        (chosen.pk, published_only),
        lambda: reports.results_report(chosen, published_only_previous=published_only),
    )
    return _attachment(content, DOCX_TYPE, exports.file_stem("bao-cao-ket-qua", year) + ".docx")


# --------------------------------------------------------------------------- the round trip


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp đã điền (.xlsx)"),
        help_text=gettext_lazy("Tệp tải từ nút “Tải tệp để điền” ở trên, đã điền và lưu lại."),
    )

    def clean_file(self):
        # The size, the content and every cell are checked by the shared reader.
        upload = self.cleaned_data["file"]
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        try:
            roundtrip.check_file_name(upload.name, head)
        except roundtrip.RoundTripError as error:
            raise forms.ValidationError(error.messages) from None
        return upload


def _sheet_subject(request, slug: str, unit_code: str, year: int):
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404(_("Không có loại tệp này."))
    found = load_sheet(request.user, unit_code, year, PERMS[kind])
    return roundtrip.sheet_subject(found, kind, request.user)


def _survey_subject(request, year: int):
    chosen = load_year(request.user, year, "scoring.view_tracker")
    # The group comes with the page's link (GET) or with the upload's form (POST).
    code = request.GET.get("khoi") or request.POST.get("khoi") or ""
    filters = SheetFilter({"khoi": code}, year=chosen)
    return roundtrip.survey_subject(chosen, request.user, filters.group_code)


def _closed_reason(subject: roundtrip.Subject) -> str | None:
    """Why nothing can be uploaded now (the services' own state rules), or None."""
    if subject.kind == roundtrip.SELF:
        return self_assessment_lock_reason(subject.unit_sheet)
    if subject.kind == roundtrip.APPRAISAL:
        return appraisal_closed_reason(subject.year)
    return published_refusal(subject.year)


def _urls(subject: roundtrip.Subject, slug: str) -> dict:
    year = subject.year.year
    if subject.sheet is None:
        query = f"?khoi={subject.group_code}" if subject.group_code else ""
        return {
            "page": reverse("roundtrip_survey", args=[year]) + query,
            "download": reverse("roundtrip_survey_download", args=[year]) + query,
            "confirm": reverse("roundtrip_survey_confirm", args=[year]),
            "back": reverse("survey", args=[year]),
        }
    code = subject.sheet.unit.code
    back = "sheet" if subject.kind == roundtrip.SELF else "appraisal_sheet"
    return {
        "page": reverse("roundtrip", args=[slug, code, year]),
        "download": reverse("roundtrip_download", args=[slug, code, year]),
        "confirm": reverse("roundtrip_confirm", args=[slug, code, year]),
        "back": reverse(back, args=[code, year]),
    }


def _session_key(subject: roundtrip.Subject) -> str:
    unit = subject.sheet.unit.code if subject.sheet else subject.group_code
    return f"roundtrip:{subject.kind}:{subject.year.year}:{unit}"


def _page(request, subject, slug, *, form=None, errors=(), preview=None, nonce="", status=200):
    context = {
        "subject": subject,
        "kind_label": roundtrip.kind_label(subject.kind),
        "unit": subject.sheet.unit if subject.sheet else None,
        "year": subject.year,
        "urls": _urls(subject, slug),
        "closed_reason": _closed_reason(subject),
        "form": form or UploadForm(),
        "errors": errors,
        "preview": preview,
        "nonce": nonce,
        "columns": [f.column for f in subject.layout.editable],
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "scoring/exports/roundtrip.html", context, status=status)


def _show_preview(request, subject, slug, preview: roundtrip.Preview):
    nonce = secrets.token_urlsafe(16)
    request.session[_session_key(subject)] = {**preview.to_session(), "nonce": nonce}
    return _page(request, subject, slug, preview=preview, nonce=nonce)


def _job_preview(request, subject, slug, token: str):
    """The preview a job made of a large upload (?viec=<token>), for its owner and subject."""
    try:
        job = Job.objects.get(
            token=uuid.UUID(token),
            owner=request.user,
            kind="roundtrip_preview",
            state=JobState.DONE,
            params__session_key=_session_key(subject),
        )
        stored = job.params["result"]["preview"]
        preview = roundtrip.Preview(
            subject,
            changes_from_session(subject, stored),
            changes_from_session(subject, {"changes": stored["kept"]}),
            stored["version"],
        )
    except (ValueError, Job.DoesNotExist):
        raise Http404 from None
    except roundtrip.RoundTripError as error:
        return _page(request, subject, slug, errors=error.messages, status=400)
    return _show_preview(request, subject, slug, preview)


def _upload(request, subject, slug):
    """GET: the page (or a job's preview); POST: read the file and show the preview (nothing
    saved yet). A file above IMPORT_INLINE_MAX_BYTES is read by the queue's worker: its page
    follows it and links back here with the preview."""
    if request.method != "POST":
        if request.GET.get("viec"):
            return _job_preview(request, subject, slug, request.GET["viec"])
        return _page(request, subject, slug)
    reason = _closed_reason(subject)
    if reason:
        return _page(request, subject, slug, errors=[reason], status=400)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, subject, slug, form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.IMPORT_INLINE_MAX_BYTES:
        job = progress.start(
            request.user,
            "roundtrip_preview",
            _("Đọc tệp %(file)s (%(what)s)")
            % {"file": upload.name, "what": roundtrip.kind_label(subject.kind)},
            FUNCTIONS["roundtrip_preview"],
            {
                "kind": subject.kind,
                "year": subject.year.year,
                "unit_code": subject.sheet.unit.code if subject.sheet else "",
                "group_code": subject.group_code,
                "session_key": _session_key(subject),
                "back": _urls(subject, slug)["page"],
            },
            upload=upload,
        )
        return redirect("job", job=job.token)
    try:
        preview = roundtrip.read_upload(upload, subject, user=request.user)
    except roundtrip.RoundTripError as error:
        return _page(request, subject, slug, form=form, errors=error.messages, status=400)
    return _show_preview(request, subject, slug, preview)


def _confirm(request, subject, slug):
    stored = request.session.get(_session_key(subject))
    urls = _urls(subject, slug)
    if not stored or not secrets.compare_digest(
        stored.get("nonce", ""), request.POST.get("nonce", "")
    ):
        messages.error(
            request, _("Bản xem trước đã hết hạn hoặc đã được áp dụng; hãy tải tệp lên lại.")
        )
        return redirect(urls["page"])
    try:
        count = roundtrip.apply_upload(subject, stored, user=request.user)
    except roundtrip.RoundTripError as error:
        request.session.pop(_session_key(subject), None)
        for message in error.messages:
            messages.error(request, message)
        return redirect(urls["page"])
    request.session.pop(_session_key(subject), None)
    messages.success(request, _("Đã cập nhật %(count)s ô từ tệp Excel.") % {"count": count})
    return redirect(urls["back"])


@accepts_upload(import_request_bytes)
@login_required
def roundtrip_page(request, kind: str, unit_code: str, year: int):
    return _upload(request, _sheet_subject(request, kind, unit_code, year), kind)


@login_required
def roundtrip_download(request, kind: str, unit_code: str, year: int):
    subject = _sheet_subject(request, kind, unit_code, year)
    return _attachment(roundtrip.to_xlsx(subject), exports.XLSX_TYPE, roundtrip.file_name(subject))


@login_required
@require_POST
def roundtrip_confirm(request, kind: str, unit_code: str, year: int):
    return _confirm(request, _sheet_subject(request, kind, unit_code, year), kind)


@accepts_upload(import_request_bytes)
@login_required
def roundtrip_survey(request, year: int):
    return _upload(request, _survey_subject(request, year), "dieu-tra-xhh")


@login_required
def roundtrip_survey_download(request, year: int):
    subject = _survey_subject(request, year)
    return _attachment(roundtrip.to_xlsx(subject), exports.XLSX_TYPE, roundtrip.file_name(subject))


@login_required
@require_POST
def roundtrip_survey_confirm(request, year: int):
    return _confirm(request, _survey_subject(request, year), "dieu-tra-xhh")
