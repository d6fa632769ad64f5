"""year Y [--decimals 2|3] [--rounding half_up|truncate]: create a year or change its settings."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.models import Rounding
from scoring.services.year_states import set_year_settings


class Command(BaseCommand):
    help = _(
        "Tạo một năm đánh giá hoặc đổi số chữ số thập phân (2 hoặc 3) và cách làm tròn của năm "
        "(half_up hoặc truncate); không đổi được năm đã công bố. Điểm của tiêu chí chấm theo "
        "quy tắc và kết quả được tính lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help=_("năm đánh giá"))
        parser.add_argument(
            "--decimals", type=int, help=_("số chữ số thập phân của điểm và chỉ số: 2 hoặc 3")
        )
        parser.add_argument("--rounding", help=_("cách làm tròn: half_up hoặc truncate"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                importers.check_year_number(options["year"])
                year, created = set_year_settings(
                    options["year"], decimals=options["decimals"], rounding=options["rounding"]
                )
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            settings_text = _("%(decimals)s chữ số thập phân, làm tròn %(rounding)s") % {
                "decimals": year.decimals,
                "rounding": Rounding(year.rounding).label,
            }
            if created:
                message = _("Đã tạo năm %(year)s (trạng thái “Chuẩn bị”): %(settings)s.")
            else:
                message = _("Năm %(year)s: %(settings)s.")
            self.stdout.write(message % {"year": year.year, "settings": settings_text})
