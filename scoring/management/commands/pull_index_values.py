"""pull_index_values --year Y: bring the related indices' values to a year's linked rule items."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.services.value_sources import pull_year


class Command(BaseCommand):
    help = _(
        "Lấy lại giá trị của các tiêu chí chấm theo quy tắc có nguồn là chỉ số liên quan "
        "(ví dụ 766:5@2026-12) cho mọi phiếu của một năm chưa công bố; giá trị đơn vị hoặc "
        "thẩm định đã sửa có lý do được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                importers.check_year_number(options["year"])
                year = importers.get_year(options["year"])
                summary = pull_year(year)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
