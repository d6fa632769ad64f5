"""import_index_values FILE --index CODE --period P [--as-of DATE] [--source TEXT]."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from indices import exchange, services
from indices.management.commands import load_kind
from lib import tabular
from units.management.commands.import_units import read_file


def as_of_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Ngày “%(date)s” không hợp lệ (dạng 2026-10-31).") % {"date": text}
        ) from None


class Command(BaseCommand):
    help = _(
        "Nhập điểm một kỳ của một chỉ số (cột unit_code, component_code, points): tính tổng, "
        "chỉ số, xếp loại và xếp hạng. Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--index", required=True, help=_("mã chỉ số, ví dụ 766"))
        parser.add_argument(
            "--period", required=True, help=_("kỳ: 2026, 2026-Q3, 2026-10 hoặc tuần 2026-W42")
        )
        parser.add_argument("--as-of", dest="as_of", help=_("số liệu tính đến ngày (2026-10-31)"))
        parser.add_argument("--source", default="", help=_("nguồn số liệu"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            kind = load_kind(options["index"])
            as_of = as_of_date(options["as_of"])
            try:
                rows = exchange.read_value_rows(data)
                summary = services.record_values(
                    kind, options["period"], rows, as_of=as_of, source=options["source"]
                )
            except tabular.TableError as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
