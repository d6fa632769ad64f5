"""import_scores FILE --year Y: scores of many units from one file, all or nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring import importers, services
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập điểm của nhiều đơn vị từ tệp CSV hoặc xlsx (cột unit_code, item_code; tùy chọn "
        "self_points, points, not_applicable, note). Cột không có trong tệp thì giữ nguyên, ô "
        "trống thì xoá giá trị. Có lỗi ở bất kỳ dòng nào thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                year = importers.get_year(options["year"])
                services.ensure_not_published(year)
                rows = importers.read_score_rows(data)
                summary = importers.import_scores(year, rows, source="import")
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
