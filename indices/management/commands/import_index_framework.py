"""import_index_framework FILE --index CODE --from PERIOD: a version of an index's components."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from indices import exchange, services
from indices.management.commands import load_kind
from lib import tabular
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập bộ thành phần của một chỉ số (cột code, name, max_points; mã 1.2 thuộc nhóm 1), áp "
        "dụng từ kỳ đã cho đến phiên bản sau. Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--index", required=True, help=_("mã chỉ số, ví dụ 766"))
        parser.add_argument(
            "--from", dest="from_period", required=True, help=_("kỳ áp dụng, ví dụ 2024-01")
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            kind = load_kind(options["index"])
            try:
                rows = exchange.read_component_rows(data)
                summary = services.import_framework(kind, options["from_period"], rows)
            except tabular.TableError as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
