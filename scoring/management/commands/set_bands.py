"""set_bands --year Y --group G "Tốt=90" "Khá=80" … [--cap "Khá:D.1>0" …] [--no-caps]: a year
and group's classification bands and its caps on classification."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.models import BandCap, Item, Method
from scoring.services.errors import ServiceError
from scoring.services.frameworks import set_bands
from scoring.specs import band_specs, cap_reason, cap_specs


class Command(BaseCommand):
    help = _(
        "Đặt các mức xếp loại của một năm và một khối, mỗi mức dạng “Tên=chỉ số tối thiểu”; "
        "một mức áp dụng từ chỉ số tối thiểu của nó đến mức kế tiếp. Xếp loại lại kết quả."
    )

    def add_arguments(self, parser):
        parser.add_argument("bands", nargs="+", metavar="TÊN=CHỈ_SỐ", help=_("ví dụ “Tốt=90”"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument("--group", required=True, help=_("mã khối đơn vị, ví dụ SO"))
        parser.add_argument(
            "--cap",
            action="append",
            default=None,
            metavar="MỨC:ĐIỀU_KIỆN",
            help=_(
                "giới hạn xếp loại: “Khá:D.1>0” (tiêu chí có điểm), “Trung bình:1.5=0” (tiêu chí "
                "đạt 0 điểm), “Khá:2<50” (chỉ số lĩnh vực dưới 50); các giới hạn cho thay thế "
                "giới hạn hiện có, không cho thì giữ nguyên"
            ),
        )
        parser.add_argument(
            "--no-caps", action="store_true", help=_("bỏ mọi giới hạn xếp loại của năm và khối")
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                year = importers.get_year(options["year"])
                group = importers.get_group(options["group"])
                bands = importers.parse_bands(options["bands"])
                if options["no_caps"] and options["cap"]:
                    raise ServiceError(_("Không dùng --cap cùng với --no-caps."))
                caps = importers.parse_caps(options["cap"]) if options["cap"] else None
                if options["no_caps"]:
                    caps = []
                with transaction.atomic():
                    created = set_bands(year, group, bands, caps)
                    kept = list(BandCap.objects.filter(year=year, group=group))
                    deductions = set(
                        Item.objects.filter(
                            framework__year=year, framework__group=group, method=Method.DEDUCTION
                        ).values_list("code", flat=True)
                    )
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            listed = "; ".join(
                _("%(label)s từ %(min)s")
                % {"label": band.label, "min": number_format(band.min_index, 2)}
                for band in sorted(created, key=lambda b: b.min_index, reverse=True)
            )
            self.stdout.write(
                _("Đã đặt %(count)s mức xếp loại cho khối %(group)s năm %(year)s: %(bands)s.")
                % {"count": len(created), "group": group.code, "year": year.year, "bands": listed}
            )
            if kept:
                self.stdout.write(
                    _("Giới hạn xếp loại: %(caps)s.")
                    % {
                        "caps": "; ".join(
                            cap_reason(spec, band_specs(created), deductions)
                            for spec in cap_specs(kept)
                        )
                    }
                )
