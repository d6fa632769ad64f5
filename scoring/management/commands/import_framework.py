"""import_framework FILE --year Y --group G [--replace [--crosswalk MAP] …]: a year and group's
criteria framework, or a new version of it replacing the one in force."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.services.replacement import PAST_DEADLINE_CHOICES
from units.management.commands.import_units import read_file


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(
            _("--issued-on “%(text)s” không phải ngày dạng dd/mm/yyyy.") % {"text": text}
        ) from None


class Command(BaseCommand):
    help = _(
        "Nhập bộ chỉ số của một năm và một khối từ tệp CSV hoặc xlsx (cột code, name, "
        "max_points, method; tùy chọn guidance, na_allowed, evidence_required). Tạo năm nếu "
        "chưa có; không thay bộ chỉ số đã có điểm chấm hoặc của năm đã công bố. Với --replace: "
        "tạo phiên bản mới thay phiên bản đang áp dụng, chuyển điểm theo --crosswalk (cột "
        "old_code, new_code)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("thay bộ chỉ số đang áp dụng (kể cả khi đã có điểm) bằng một phiên bản mới"),
        )
        parser.add_argument(
            "--crosswalk", help=_("tệp đối chiếu old_code,new_code giữa hai phiên bản")
        )
        parser.add_argument(
            "--decision", default="", help=_("văn bản ban hành, ví dụ QĐ 2712/QĐ-UBND")
        )
        parser.add_argument("--issued-on", help=_("ngày ban hành, dd/mm/yyyy"))
        parser.add_argument("--reason", default="", help=_("lý do thay, ghi vào lịch sử năm"))
        parser.add_argument(
            "--past-deadline",
            choices=PAST_DEADLINE_CHOICES,
            default="",
            help=_(
                "quyết định của quản trị cho phiếu đã gửi thay đổi khi đã quá hạn: reopen (trả "
                "về đang soạn) hoặc keep (giữ đã gửi)"
            ),
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if not options["replace"] and (options["crosswalk"] or options["past_deadline"]):
                raise CommandError(_("--crosswalk và --past-deadline chỉ dùng với --replace."))
            data = read_file(options["file"])
            issued_on = _date(options["issued_on"]) if options["issued_on"] else None
            try:
                importers.check_year_number(options["year"])
                group = importers.get_group(options["group"])
                rows = importers.read_framework_rows(data)
                summary: object
                if options["replace"]:
                    mapping = (
                        importers.read_map_rows(read_file(options["crosswalk"]))
                        if options["crosswalk"]
                        else []
                    )
                    summary = importers.replace_framework_version(
                        options["year"],
                        group,
                        rows,
                        mapping,
                        decision=options["decision"],
                        issued_on=issued_on,
                        reason=options["reason"],
                        past_deadline=options["past_deadline"],
                    )
                else:
                    summary = importers.import_framework(options["year"], group, rows)
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))
