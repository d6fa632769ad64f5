"""results --year Y [--group G] [--format table|csv|json]: the year's results, per unit."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers, opendata
from scoring.templatetags.portal_format import points, rank_of
from units.models import UnitGroup

FORMATS = ("table", "csv", "json")


def records_to_table(records: list[dict], group_names: dict[str, str], decimals: int = 2) -> str:
    """Aligned columns for a terminal, one block per group, numbers the Vietnamese way with the
    year's decimals (2 or 3)."""
    headers = [
        _("Hạng"),
        _("Mã"),
        _("Đơn vị"),
        _("Thẩm định"),
        _("ĐTXHH"),
        _("Tổng"),
        _("Chỉ số"),
        _("Xếp loại"),
    ]
    right = {3, 4, 5, 6}
    blocks: dict[str, list[dict]] = {}
    for record in records:
        blocks.setdefault(record["group"], []).append(record)
    lines: list[str] = []
    for code, group_records in blocks.items():
        rows = [
            [
                rank_of(record["rank"], len(group_records)),
                record["code"],
                record["name"],
                points(record["appraisal"], decimals),
                points(record["survey"], decimals),
                points(record["total"], decimals),
                points(record["index"], decimals),
                record["classification"] or "–",
            ]
            for record in group_records
        ]
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
        ]

        def line(cells, widths=widths):
            return "  ".join(
                str(cell).rjust(width) if i in right else str(cell).ljust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        if lines:
            lines.append("")
        lines.append(
            _("Khối %(name)s (%(count)s đơn vị)")
            % {"name": group_names.get(code, code), "count": len(group_records)}
        )
        lines.append(line(headers))
        lines.append("  ".join("-" * width for width in widths))
        lines.extend(line(row) for row in rows)
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = _("In kết quả Chỉ số CCHC của một năm: bảng (mặc định), CSV hoặc JSON (dữ liệu mở).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", help=_("mã khối đơn vị, ví dụ SO"))
        parser.add_argument("--format", choices=FORMATS, default="table", help=_("định dạng"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"]) if options["group"] else None
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            records = opendata.result_records(year, group)
            if options["format"] == "csv":
                self.stdout.write(opendata.records_to_csv(records), ending="")
            elif options["format"] == "json":
                self.stdout.write(opendata.records_to_json(records), ending="")
            elif not records:
                self.stdout.write(_("Năm %(year)s chưa có kết quả.") % {"year": year.year})
            else:
                names = dict(UnitGroup.objects.values_list("code", "name"))
                self.stdout.write(records_to_table(records, names, year.decimals), ending="")
