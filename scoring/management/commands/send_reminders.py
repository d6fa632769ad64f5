"""send_reminders [--days N] [--dry-run]: remind units whose sheet is unsent as the deadline nears.

The queue's scheduler runs the same every hour (`scoring.tasks.send_reminders`, 3 days ahead;
README "Việc chạy nền"): this command is for another number of days or a dry run. The mails go
through the outbox (delivered by the worker). A unit is reminded once per deadline
(Sheet.reminded_for, and the mail's key); a moved deadline reminds it again. A unit without any
email address is tried again on the next run.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from scoring.services import year_states


class Command(BaseCommand):
    help = _("Nhắc các đơn vị chưa gửi phiếu tự đánh giá khi sắp đến hạn (mỗi hạn một lần).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help=_("Nhắc khi còn không quá N ngày đến hạn (mặc định 3)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ liệt kê các đơn vị sẽ được nhắc, không gửi thư."),
        )

    def handle(self, *args, days: int, dry_run: bool, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if days < 0:
            raise CommandError(_("--days phải là số không âm."))
        report = year_states.send_reminders(days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                _("Sẽ nhắc %(count)s đơn vị: %(units)s")
                % {"count": len(report.sent), "units": ", ".join(report.sent) or "–"}
            )
            return
        self.stdout.write(
            _("Đã gửi thư nhắc cho %(count)s đơn vị: %(units)s")
            % {"count": len(report.sent), "units": ", ".join(report.sent) or "–"}
        )
        if report.no_address:
            self.stderr.write(
                _("Không có địa chỉ thư (sẽ thử lại lần sau): %(units)s")
                % {"units": ", ".join(report.no_address)}
            )
        if report.failed:
            self.stderr.write(
                _("Gửi thư không được (sẽ thử lại lần sau): %(units)s")
                % {"units": ", ".join(report.failed)}
            )
