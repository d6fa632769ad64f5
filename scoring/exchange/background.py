"""Long work run by the queue's worker for the page /quan-tri/viec-nen/ (jobs.progress).

Each function takes the job's `Runner` (its parameters, its upload, its progress bar) and
returns a `Result` (a message, and a file kept for the owner for a day) or raises `JobError`
with the Vietnamese messages the page shows. They call the same code as the commands
(`import_scores`, `export_sheets`) and the pages' downloads: the score import stays all or
nothing (one transaction; the importer names every refused row), the exports are the files the
pages offer.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobs.progress import JobError, Result, Runner
from lib import tabular
from scoring.exchange import exports, importers, reports, roundtrip
from scoring.exchange.exports import tables
from scoring.models import Sheet
from scoring.permissions import may, survey_units
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.survey import import_survey

#: The functions the page may start, by kind (the worker gets their dotted path).
FUNCTIONS = {
    "import_scores": "scoring.exchange.background.import_scores",
    "export_sheets_xlsx": "scoring.exchange.background.export_sheets_xlsx",
    "export_reports_docx": "scoring.exchange.background.export_reports_docx",
    "results_report": "scoring.exchange.background.results_report",
    "survey_import": "scoring.exchange.background.survey_import",
    "roundtrip_preview": "scoring.exchange.background.roundtrip_preview",
}


def import_scores(runner: Runner) -> Result:
    """What `manage.py import_scores FILE --year Y` does, from an uploaded file."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            year = importers.get_year(int(runner.params["year"]))
            ensure_not_published(year)
            rows = importers.read_score_rows(runner.upload())
            summary = importers.import_scores(year, rows, source="import", progress=runner.wrap())
        except importers.IMPORT_ERRORS as exc:
            raise JobError(exc.messages) from None
        return Result(str(summary))


def _sheets(number: int) -> list[Sheet]:
    year = importers.get_year(number)
    return list(
        Sheet.objects.filter(year=year)
        .select_related("unit__group", "year")
        .order_by("unit__group__order", "unit__code")
    )


def export_sheets_xlsx(runner: Runner) -> Result:
    """Every unit's sheet of a year (the appraisal side included), one worksheet each."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            sheets = _sheets(int(runner.params["year"]))
        except importers.IMPORT_ERRORS as exc:
            raise JobError(exc.messages) from None
        parts = [tables.sheet_table(s, sees_appraisal=True) for s in runner.track(sheets)]
        if not parts:
            raise JobError(_("Năm này chưa có phiếu nào."))
        year = runner.params["year"]
        return Result(
            _("Đã xuất phiếu của %(count)s đơn vị.") % {"count": len(parts)},
            exports.to_xlsx(parts),
            exports.file_stem("phieu", year) + ".xlsx",
        )


def export_reports_docx(runner: Runner) -> Result:
    """Every unit's self-assessment report (.docx) of a year, in one zip file."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            sheets = _sheets(int(runner.params["year"]))
        except importers.IMPORT_ERRORS as exc:
            raise JobError(exc.messages) from None
        if not sheets:
            raise JobError(_("Năm này chưa có phiếu nào."))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet in runner.track(sheets):
                stem = exports.file_stem("bao-cao-tu-danh-gia", sheet.unit.code, sheet.year.year)
                archive.writestr(f"{stem}.docx", reports.self_assessment_report(sheet))
        year = runner.params["year"]
        return Result(
            _("Đã xuất báo cáo tự đánh giá của %(count)s đơn vị.") % {"count": len(sheets)},
            buffer.getvalue(),
            exports.file_stem("bao-cao-tu-danh-gia", year) + ".zip",
        )


def results_report(runner: Runner) -> Result:
    """The province's results report (.docx) of a year, as an administrator sees it."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            year = importers.get_year(int(runner.params["year"]))
        except importers.IMPORT_ERRORS as exc:
            raise JobError(exc.messages) from None
        runner.set_progress(0, 1, force=True)
        content = reports.results_report(year, published_only_previous=False)
        runner.set_progress(1, 1, force=True)
        return Result(
            _("Đã lập báo cáo kết quả năm %(year)s.") % {"year": year.year},
            content,
            exports.file_stem("bao-cao-ket-qua", year.year) + ".docx",
        )


def survey_import(runner: Runner) -> Result:
    """The survey page's file import (a file above IMPORT_INLINE_MAX_BYTES): the same service,
    all or nothing, with the rights of the person who uploaded it, read when it runs."""
    with translation.override(settings.LANGUAGE_CODE):
        owner = runner.job.owner
        try:
            year = importers.get_year(int(runner.params["year"]))
            runner.set_progress(0, 1, force=True)
            summary = import_survey(
                runner.upload(), year, user=owner, allowed_units=survey_units(owner, year)
            )
        except (tabular.TableError, ServiceError) as exc:
            raise JobError(exc.messages) from None
        runner.set_progress(1, 1, force=True)
        return Result(str(summary))


#: The permission the round trip of each kind needs on the sheet (as the page's loader).
ROUNDTRIP_PERMS = {
    roundtrip.SELF: "scoring.edit_self_assessment",
    roundtrip.APPRAISAL: "scoring.appraise_sheet",
}


def roundtrip_subject(owner: object, params: dict) -> roundtrip.Subject:
    """The round trip's subject as its page builds it, for the job's owner."""
    year = importers.get_year(int(params["year"]))
    kind = params["kind"]
    if kind == roundtrip.SURVEY:
        return roundtrip.survey_subject(year, owner, params.get("group_code", ""))  # type: ignore[arg-type]
    sheet = (
        Sheet.objects.select_related("unit__group", "year")
        .filter(unit__code=params["unit_code"], year=year)
        .first()
    )
    if sheet is None or not may(owner, ROUNDTRIP_PERMS[kind], sheet):  # type: ignore[arg-type]
        raise JobError(_("Bạn không còn quyền với phiếu này."))
    return roundtrip.sheet_subject(sheet, kind, owner)  # type: ignore[arg-type]


def roundtrip_preview(runner: Runner) -> Result:
    """The Excel round trip's upload above IMPORT_INLINE_MAX_BYTES: the file read and checked by
    the real service (rolled back), as the page does; the preview is kept with the job and the
    page shows it for confirmation (nothing is saved before)."""
    with translation.override(settings.LANGUAGE_CODE):
        owner = runner.job.owner
        try:
            subject = roundtrip_subject(owner, runner.params)
            runner.set_progress(0, 1, force=True)
            preview = roundtrip.read_upload(runner.upload(), subject, user=owner)
        except importers.IMPORT_ERRORS as exc:
            raise JobError(exc.messages) from None
        except roundtrip.RoundTripError as exc:
            raise JobError(exc.messages) from None
        runner.set_progress(1, 1, force=True)
        stored = preview.to_session()
        stored["kept"] = roundtrip.Preview(subject, preview.kept).to_session()["changes"]
        back = str(runner.params["back"])
        count = len(preview.changes)
        return Result(
            ngettext(
                "Tệp thay đổi %(count)s ô. Chưa có gì được lưu: hãy xem trước rồi xác nhận.",
                "Tệp thay đổi %(count)s ô. Chưa có gì được lưu: hãy xem trước rồi xác nhận.",
                count,
            )
            % {"count": count},
            data={"preview": stored},
            next_url=f"{back}{'&' if '?' in back else '?'}viec={runner.job.token}",
        )
