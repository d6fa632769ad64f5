"""Remove a user's two-factor devices (a lost phone): they set up a new one at next login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Xóa thiết bị xác thực hai bước của một tài khoản (mất điện thoại)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        count, _by_model = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"Đã xóa {count} thiết bị xác thực của “{username}”.")
