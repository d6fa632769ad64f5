"""survey_points --year Y --group G [--apply] [--format table|csv]: survey points from ballots."""

import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring.calculations import UnweightedType
from scoring.exchange import importers
from survey import selectors, services


class Command(BaseCommand):
    help = _(
        "In điểm điều tra xã hội học tính từ phiếu trả lời, theo đơn vị và tiêu chí (csv: unit_code, "
        "item_code, points, answers). --apply ghi điểm vào các tiêu chí đã tính được (nguồn "
        "“khảo sát”, có lịch sử), để nguyên và liệt kê tiêu chí chưa có câu trả lời hợp lệ; "
        "bị từ chối khi năm đã công bố."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))
        parser.add_argument("--apply", action="store_true", help=_("ghi điểm đã tính"))
        parser.add_argument("--format", choices=("table", "csv"), default="table")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                if selectors.questionnaire_of(year, group) is None:
                    raise CommandError(
                        _("Khối %(group)s năm %(year)s chưa có phiếu khảo sát.")
                        % {"group": group.code, "year": year.year}
                    )
                try:
                    rows = selectors.computed_points(year, group)
                except UnweightedType as exc:
                    raise CommandError(services.unweighted_message(exc)) from None
                if options["format"] == "csv":
                    writer = csv.writer(self.stdout, lineterminator="\n")
                    writer.writerow(["unit_code", "item_code", "points", "answers"])
                    for row in rows:
                        points = "" if row.points is None else row.points
                        writer.writerow([row.unit.code, row.item.code, points, row.answers])
                else:
                    decimals = selectors.decimals_of(year)
                    for row in rows:
                        points = "—" if row.points is None else number_format(row.points, decimals)
                        self.stdout.write(
                            f"{row.unit.code:<12} {row.item.code:<10} {points:>8} "
                            + _("%(answers)s câu trả lời") % {"answers": row.answers}
                        )
                if options["apply"]:
                    summary = services.apply_points(year, group)
                    self.stderr.write(
                        _("Đã ghi %(count)s điểm điều tra xã hội học (nguồn “khảo sát”).")
                        % {"count": summary.written}
                    )
                    if summary.without_answers:
                        self.stderr.write(
                            _("Chưa có câu trả lời hợp lệ, giữ nguyên: %(cells)s.")
                            % {
                                "cells": ", ".join(
                                    f"{unit} {item}" for unit, item in summary.without_answers
                                )
                            }
                        )
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
