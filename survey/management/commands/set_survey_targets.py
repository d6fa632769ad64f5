"""set_survey_targets --year Y --group G [--unit CODE] nguoi_dan=30 cong_chuc=12: sample targets."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from survey import services


class Command(BaseCommand):
    help = _(
        "Đặt số phiếu cần thu theo đối tượng, dạng “nguoi_dan=30”, cho mọi đơn vị của khối "
        "trong năm (hoặc một đơn vị với --unit); thay số cũ. Tiến độ thu phiếu so với số này."
    )

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="+", metavar="ĐỐI_TƯỢNG=SỐ_PHIẾU")
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))
        parser.add_argument("--unit", help=_("chỉ một đơn vị (mã)"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                targets = services.parse_targets(options["targets"])
                count = services.set_sample_targets(year, group, targets, unit_code=options["unit"])
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(
                _("Đã đặt %(count)s số phiếu cần thu cho khối %(group)s năm %(year)s.")
                % {"count": count, "group": group.code, "year": year.year}
            )
