"""run_jobs: run the queue's waiting tasks and due schedules once, then stop.

For a machine without a resident worker (a cron line, README); `manage.py qcluster` is the
worker of production and of `make run`.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jobs.worker import run_queued


class Command(BaseCommand):
    help = _("Chạy một lượt các việc đang chờ trong hàng đợi và các lịch đến hạn, rồi dừng.")

    def handle(self, *args, **options):
        count = run_queued(rounds=100, schedules=True)
        self.stdout.write(_("Đã chạy %(count)s việc.") % {"count": count})
