"""export_results --year Y [--group G] --output FILE: a year's ranking (.xlsx, .csv) or report (.docx).

The same files as the pages' download buttons: the format follows the output's extension.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import exports, importers, reports
from scoring.exchange.exports import tables
from scoring.selectors.province import overview


class Command(BaseCommand):
    help = _(
        "Xuất bảng xếp hạng của một năm ra tệp .xlsx (mỗi khối một trang tính) hoặc .csv (một "
        "khối), hoặc báo cáo kết quả của tỉnh ra tệp .docx."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", help=_("mã khối đơn vị (bắt buộc với .csv)"))
        parser.add_argument("--output", required=True, help=_("tệp ra: .xlsx, .csv hoặc .docx"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            output = Path(options["output"])
            fmt = output.suffix.lower().lstrip(".")
            if fmt not in ("xlsx", "csv", "docx"):
                raise CommandError(_("Tệp ra phải có đuôi .xlsx, .csv hoặc .docx."))
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"]) if options["group"] else None
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            if fmt == "docx":
                output.write_bytes(reports.results_report(year, published_only_previous=False))
            else:
                groups = [g for g in overview(year) if group is None or g.group.pk == group.pk]
                if fmt == "csv" and len(groups) != 1:
                    raise CommandError(_("Tệp .csv chứa một khối: hãy chọn --group."))
                parts = [tables.ranking_table(year, g) for g in groups]
                data = exports.to_xlsx(parts) if fmt == "xlsx" else exports.to_csv(parts[0])
                output.write_bytes(data)
            self.stdout.write(_("Đã ghi %(path)s.") % {"path": output})
