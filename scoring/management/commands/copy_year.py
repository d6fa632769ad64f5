"""copy_year FROM TO: start a year from an earlier one (frameworks and bands, no scores)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.exchange import importers
from scoring.models import AssessmentYear, Item
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.frameworks import copy_year


class Command(BaseCommand):
    help = _(
        "Tạo năm đánh giá mới từ một năm trước: sao chép mọi bộ chỉ số và mức xếp loại, "
        "không sao chép điểm."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=int, metavar="FROM", help=_("năm nguồn"))
        parser.add_argument("target", type=int, metavar="TO", help=_("năm mới"))

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                with transaction.atomic():
                    target = self.copy(options["source"], options["target"])
            except importers.IMPORT_ERRORS as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(
                _(
                    "Đã tạo năm %(target)s từ năm %(source)s: %(frameworks)s bộ chỉ số "
                    "(%(items)s tiêu chí), %(bands)s mức xếp loại; chưa có điểm."
                )
                % {
                    "target": target.year,
                    "source": options["source"],
                    "frameworks": target.frameworks.count(),
                    "items": Item.objects.filter(framework__year=target).count(),
                    "bands": target.bands.count(),
                }
            )

    def copy(self, source_number: int, target_number: int) -> AssessmentYear:
        importers.check_year_number(target_number)
        source = importers.get_year(source_number)
        if source_number == target_number:
            raise ServiceError(_("Năm nguồn và năm mới phải khác nhau."))
        existing = AssessmentYear.objects.filter(year=target_number).first()
        if existing is not None:
            ensure_not_published(existing)
        return copy_year(source, target_number)
