"""import_questionnaire FILE --year Y --group G: a year and group's survey questionnaire."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from survey import services
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập phiếu khảo sát (ĐTXHH) của một năm và một khối từ tệp CSV hoặc xlsx: cột code, "
        "item_code, text, options (ví dụ “A=100 B=60 C=20 D=0”), tùy chọn respondent_types "
        "(các mã đối tượng cách nhau bằng dấu cách; để trống: mọi đối tượng) và option_texts "
        "(lời các phương án, ví dụ “A=Rất hài lòng; B=Hài lòng”). Thay phiếu cũ "
        "khi chưa có phiếu trả lời. Có lỗi ở bất kỳ dòng nào thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                summary = services.import_questionnaire(data, year, group)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
