"""import_framework FILE --year Y --group G: replace a year and group's criteria framework."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập bộ chỉ số của một năm và một khối từ tệp CSV hoặc xlsx (cột code, name, "
        "max_points, method; tùy chọn guidance, na_allowed, evidence_required). Tạo năm nếu "
        "chưa có; không thay bộ chỉ số đã có điểm chấm hoặc của năm đã công bố."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                importers.check_year_number(options["year"])
                group = importers.get_group(options["group"])
                rows = importers.read_framework_rows(data)
                summary = importers.import_framework(options["year"], group, rows)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
