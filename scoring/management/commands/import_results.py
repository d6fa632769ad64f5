"""import_results FILE --year Y: published results from a CSV or xlsx file, marked as imported."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers, results_import
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập kết quả đã công bố từ tệp CSV hoặc xlsx (cột code, name, group, appraisal, survey, "
        "total, index, classification, rank, max, và nếu có bonus, deduction, cap_reason, như "
        "tệp dữ liệu mở; số chữ số thập phân theo năm), ví dụ của tỉnh đã hợp "
        "nhất vào tỉnh/thành phố: kết quả được đánh dấu “nhập từ tệp” và không bao giờ tính lại. "
        "Đơn vị phải có trước (import_units); có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                year = importers.get_year(options["year"])
                rows = results_import.read_result_rows(data, year.decimals)
                summary = results_import.import_results(year, rows)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
