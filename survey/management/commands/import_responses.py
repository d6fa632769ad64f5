"""import_responses FILE --year Y: ballots, one row per answer, all or nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from survey import services
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập phiếu trả lời khảo sát từ tệp CSV hoặc xlsx, mỗi dòng một câu trả lời: cột ballot, "
        "unit_code, respondent_type, question, answer (để trống hoặc “không trả lời”: không "
        "tính). Mã phiếu đã lưu thì bị từ chối. Tối đa 1.000.000 dòng, 50 MB. Có lỗi ở bất kỳ "
        "dòng nào thì không lưu gì. Với --mapping: bản xuất KoboToolbox hoặc Google Forms, "
        "qua cùng các bước kiểm tra."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument(
            "--mapping",
            help=_(
                "tệp JSON ánh xạ cột của bản xuất KoboToolbox hoặc Google Forms (mỗi dòng một "
                "người trả lời) sang mã câu hỏi và mã phương án"
            ),
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                handle = open(options["file"], "rb")  # noqa: SIM115 (closed below)
            except OSError as exc:
                raise CommandError(
                    _("Không đọc được tệp “%(path)s”: %(error)s")
                    % {"path": options["file"], "error": exc.strerror}
                ) from None
            try:
                year = importers.get_year(options["year"])
                if options["mapping"]:
                    text = read_file(options["mapping"]).decode("utf-8", errors="replace")
                    mapping = services.parse_mapping(text)
                    summary = services.import_mapped_responses(handle, year, mapping, user=None)
                else:
                    summary = services.import_responses(handle, year)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            finally:
                handle.close()
            self.stdout.write(str(summary))
