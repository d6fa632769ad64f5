"""import_scores FILE --year Y: scores of many units from one file, all or nothing.

A progress bar (tqdm, on a terminal only) follows the units as they are saved.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from scoring.exchange import importers
from scoring.services.errors import ensure_not_published
from units.management.commands.import_units import read_file


class Command(BaseCommand):
    help = _(
        "Nhập điểm của nhiều đơn vị từ tệp CSV hoặc xlsx (cột unit_code, item_code; tùy chọn "
        "self_points, points, not_applicable, note). Cột không có trong tệp thì giữ nguyên, ô "
        "trống thì xoá giá trị. Có lỗi ở bất kỳ dòng nào thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument(
            "--no-progress", action="store_true", help=_("không hiện thanh tiến độ")
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = read_file(options["file"])
            try:
                year = importers.get_year(options["year"])
                ensure_not_published(year)
                rows = importers.read_score_rows(data)
                summary = importers.import_scores(
                    year, rows, source="import", progress=self.progress_bar(options)
                )
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(str(summary))

    def progress_bar(self, options):
        def bar(units):
            return tqdm(
                units,
                desc=_("Lưu điểm"),
                unit=_("đơn vị"),
                file=getattr(self.stderr, "_out", sys.stderr),
                disable=True if options["no_progress"] else None,  # None: only on a terminal
            )

        return bar
