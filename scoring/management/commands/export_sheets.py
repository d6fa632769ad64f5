"""export_sheets --year Y [--group G] --output DIR [--format xlsx|csv|docx]: every unit's sheet.

One file per unit: the sheet as the page exports it (xlsx or CSV, with the appraisal side), or
the unit's self-assessment report (docx). A progress bar shows on a terminal (tqdm).
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from scoring.exchange import exports, importers, reports
from scoring.exchange.exports import tables
from scoring.models import Sheet

FORMATS = ("xlsx", "csv", "docx")


class Command(BaseCommand):
    help = _(
        "Xuất phiếu của mọi đơn vị trong một năm, mỗi đơn vị một tệp (.xlsx, .csv, hoặc báo cáo "
        "tự đánh giá .docx), vào một thư mục."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", help=_("mã khối đơn vị; mặc định mọi khối"))
        parser.add_argument("--output", required=True, help=_("thư mục ghi các tệp"))
        parser.add_argument("--format", choices=FORMATS, default="xlsx", help=_("định dạng"))
        parser.add_argument(
            "--no-progress", action="store_true", help=_("không hiện thanh tiến trình")
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"]) if options["group"] else None
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            folder = Path(options["output"])
            folder.mkdir(parents=True, exist_ok=True)
            chosen = Sheet.objects.filter(year=year).select_related("unit__group", "year")
            if group is not None:
                chosen = chosen.filter(unit__group=group)
            sheets = list(chosen.order_by("unit__group__order", "unit__code"))
            fmt = options["format"]
            progress = tqdm(
                sheets,
                desc=_("Xuất phiếu"),
                unit=_("phiếu"),
                file=getattr(self.stderr, "_out", sys.stderr),
                disable=True if options["no_progress"] else None,  # None: only on a terminal
            )
            for sheet in progress:
                stem = exports.file_stem("phieu", sheet.unit.code, year.year)
                if fmt == "docx":
                    data = reports.self_assessment_report(sheet)
                else:
                    table = tables.sheet_table(sheet, sees_appraisal=True)
                    data = exports.to_xlsx([table]) if fmt == "xlsx" else exports.to_csv(table)
                (folder / f"{stem}.{fmt}").write_bytes(data)
            self.stdout.write(
                _("Đã ghi %(count)s tệp vào %(folder)s.") % {"count": len(sheets), "folder": folder}
            )
