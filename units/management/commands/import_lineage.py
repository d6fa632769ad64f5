"""import_lineage FILE: record merges, splits, renames and ends of units from a CSV or xlsx file."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lib import tabular
from units import services
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập các thay đổi đơn vị (hợp nhất, chia tách, đổi tên, kết thúc) từ tệp CSV hoặc xlsx: "
        "cột year (năm đánh giá đầu tiên của cơ cấu mới), event (rename, merge, split, end), "
        "from_codes, to_codes (nhiều mã nối bằng dấu +), new_name (tên mới khi đổi tên), note. "
        "Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                summary = services.import_lineage(services.read_lineage_rows(data))
            except tabular.TableError as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
