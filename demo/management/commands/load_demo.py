"""load_demo [--reset]: the demo “Tỉnh Quảng Nam (dữ liệu mẫu)” 2021–2024, then “Thành phố Đà Nẵng
(dữ liệu mẫu)” from the reorganisation of 2025 to the year in progress, 2026."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from demo import api as demo


class Command(BaseCommand):
    help = _(
        "Nạp dữ liệu mẫu “Tỉnh Quảng Nam (dữ liệu mẫu)” 2021–2024 và “Thành phố Đà Nẵng (dữ liệu "
        "mẫu)” từ năm 2025 (sắp xếp lại các sở, cấp xã thay cấp huyện; năm 2026 đang thẩm định): "
        "đơn vị, quá trình sắp xếp, bộ chỉ số, điểm và kết quả cùng các tài khoản dùng thử. Chạy "
        "lại không thay đổi gì; --reset xóa dữ liệu mẫu rồi tạo lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help=_("xóa dữ liệu mẫu hiện có rồi tạo lại")
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            started = time.perf_counter()
            try:
                summary = demo.load_demo(reset=options["reset"])
            except demo.DemoError as exc:
                raise CommandError(str(exc)) from None
            if not summary.created:
                self.stdout.write(_("Dữ liệu mẫu đã có; dùng --reset để tạo lại."))
                return
            elapsed = time.perf_counter() - started
            counts = summary.counts
            self.stdout.write(
                _(
                    "Đã tạo dữ liệu mẫu “%(owner)s” (từ năm %(reorganised)s: “%(city)s”): "
                    "%(units)s đơn vị, %(years)s năm, "
                    "%(frameworks)s bộ chỉ số (%(items)s tiêu chí), %(sheets)s phiếu, "
                    "%(scores)s điểm, %(results)s kết quả, %(users)s tài khoản; "
                    "mất %(seconds)s giây."
                )
                % {
                    "owner": demo.OWNER_NAME,
                    "city": demo.CITY_NAME,
                    "reorganised": demo.REORGANISED,
                    **counts,
                    "seconds": number_format(elapsed, 1),
                }
            )
            for username in summary.skipped_users:
                self.stderr.write(
                    _("Bỏ qua tài khoản %(username)s: tên đăng nhập đã có người dùng thật.")
                    % {"username": username}
                )
