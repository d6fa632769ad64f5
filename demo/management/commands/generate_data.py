"""generate_data [--units N] [--years N] [--items N] [--prefix P]: a synthetic province.

For benchmarks and scale tests (README: "Hiệu năng / Performance"); see demo/synthetic.py.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from demo import synthetic


class Command(BaseCommand):
    help = _(
        "Tạo dữ liệu tổng hợp để đo hiệu năng: đơn vị, năm, bộ chỉ số, điểm và kết quả, "
        "luôn giống nhau với cùng tham số (không ghi lịch sử). Tỉnh: --units 100 --years 10; "
        "cả nước: --units 1000 --years 10."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=100, help=_("số đơn vị"))
        parser.add_argument("--years", type=int, default=10, help=_("số năm"))
        parser.add_argument("--items", type=int, default=150, help=_("số tiêu chí được chấm"))
        parser.add_argument("--prefix", default="SYN", help=_("tiền tố mã đơn vị và khối"))
        parser.add_argument(
            "--last-year", type=int, default=2025, help=_("năm cuối (đang thẩm định)")
        )
        parser.add_argument("--group-size", type=int, default=100, help=_("số đơn vị mỗi khối"))
        parser.add_argument("--seed", type=int, default=2025, help=_("hạt giống ngẫu nhiên"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            started = time.perf_counter()
            try:
                summary = synthetic.generate(
                    units=options["units"],
                    years=options["years"],
                    items=options["items"],
                    prefix=options["prefix"],
                    last_year=options["last_year"],
                    group_size=options["group_size"],
                    seed=options["seed"],
                    progress=lambda message: (
                        self.stdout.write(message) if options["verbosity"] > 1 else None
                    ),
                )
            except synthetic.SyntheticError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                _(
                    "Đã tạo %(groups)s khối, %(units)s đơn vị, %(years)s năm, %(sheets)s phiếu, "
                    "%(scores)s điểm, %(results)s kết quả; mất %(seconds)s giây."
                )
                % {
                    "groups": summary.groups,
                    "units": summary.units,
                    "years": summary.years,
                    "sheets": summary.sheets,
                    "scores": summary.scores,
                    "results": summary.results,
                    "seconds": number_format(time.perf_counter() - started, 1),
                }
            )
