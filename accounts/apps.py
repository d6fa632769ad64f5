from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: login and its lockout, two-factor login, password change and reset."""

    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # Registers the deploy checks and connects the login signal.
        from accounts import checks, security  # noqa: F401
        from accounts.signed_in import connect_signals

        # The signed-in user read through the cache: a change of the user is seen at once.
        connect_signals()

        # Second-factor devices are managed by their owners (setup page) and reset with
        # `manage.py otp_reset <name>`, not edited in the admin, where the secret key would show.
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
