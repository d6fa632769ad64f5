"""set_bands --year Y --group G "Tốt=90" "Khá=80" …: a year and group's classification bands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.services.frameworks import set_bands


class Command(BaseCommand):
    help = _(
        "Đặt các mức xếp loại của một năm và một khối, mỗi mức dạng “Tên=chỉ số tối thiểu”; "
        "một mức áp dụng từ chỉ số tối thiểu của nó đến mức kế tiếp. Xếp loại lại kết quả."
    )

    def add_arguments(self, parser):
        parser.add_argument("bands", nargs="+", metavar="TÊN=CHỈ_SỐ", help=_("ví dụ “Tốt=90”"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                bands = importers.parse_bands(options["bands"])
                with transaction.atomic():
                    created = set_bands(year, group, bands)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            listed = "; ".join(
                _("%(label)s từ %(min)s")
                % {"label": band.label, "min": number_format(band.min_index, 2)}
                for band in sorted(created, key=lambda b: b.min_index, reverse=True)
            )
            self.stdout.write(
                _("Đã đặt %(count)s mức xếp loại cho khối %(group)s năm %(year)s: %(bands)s.")
                % {"count": len(created), "group": group.code, "year": year.year, "bands": listed}
            )
