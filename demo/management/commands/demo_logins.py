"""demo_logins: the demo logins (username, role, unit, password), as `make run` prints them."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from demo import api as demo
from units.models import Membership


class Command(BaseCommand):
    help = _("In danh sách tài khoản dùng thử của dữ liệu mẫu (tên đăng nhập, vai trò, đơn vị).")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            users = {user.pk: user for user in demo.demo_users()}
            if not users:
                self.stdout.write(
                    _("Chưa có tài khoản dùng thử: chạy “python manage.py load_demo” trước.")
                )
                return
            order = {row[0]: n for n, row in enumerate(demo.USERS)}
            memberships = sorted(
                Membership.objects.filter(user_id__in=users).select_related("user", "unit"),
                key=lambda m: order.get(m.user.username, len(order)),
            )
            header = (_("Tên đăng nhập"), _("Vai trò"), _("Đơn vị"), _("Mật khẩu"))
            rows = [
                (m.user.username, str(m.get_role_display()), m.unit.name, demo.PASSWORD)
                for m in memberships
            ]
            widths = [max(len(row[col]) for row in [header, *rows]) for col in range(4)]
            self.stdout.write(
                _("Tài khoản dùng thử (dữ liệu mẫu), cùng một mật khẩu: %(password)s")
                % {"password": demo.PASSWORD}
            )
            for row in [header, *rows]:
                self.stdout.write(
                    "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                )
