"""import_units FILE: create or update units from a CSV or xlsx file (columns code, name, group)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lib import tabular
from units import services


def read_file(path: str) -> bytes:
    """The bytes of a file named on the command line, or a CommandError in Vietnamese."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Không đọc được tệp “%(path)s”: %(error)s") % {"path": path, "error": exc.strerror}
        ) from None


class Command(BaseCommand):
    help = _(
        "Nhập danh sách đơn vị từ tệp CSV hoặc xlsx (cột code, name, group): cập nhật đơn vị "
        "theo mã, tạo đơn vị mới. Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8 hoặc Windows-1258) hoặc xlsx"))

    def handle(self, *args, **options):
        data = read_file(options["file"])
        try:
            summary = services.import_units(services.read_unit_rows(data))
        except tabular.TableError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(str(summary))
