"""set_survey_weights --year Y --group G nguoi_dan=60 cong_chuc=40: the respondent types' weights."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring.exchange import importers
from survey import services


class Command(BaseCommand):
    help = _(
        "Đặt trọng số các đối tượng khảo sát của một năm và một khối, dạng “nguoi_dan=60”; thay "
        "toàn bộ trọng số cũ. Không có trọng số: mọi câu trả lời hợp lệ tính như nhau."
    )

    def add_arguments(self, parser):
        parser.add_argument("weights", nargs="+", metavar="ĐỐI_TƯỢNG=TRỌNG_SỐ")
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                weights = services.parse_weights(options["weights"])
                services.set_type_weights(year, group, weights)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            listed = ", ".join(f"{code}={number_format(w)}" for code, w in weights.items())
            self.stdout.write(
                _("Đã đặt trọng số đối tượng khối %(group)s năm %(year)s: %(weights)s.")
                % {"group": group.code, "year": year.year, "weights": listed}
            )
