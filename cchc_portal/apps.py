from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app: security signals, backup and restore commands."""

    name = "cchc_portal"
    verbose_name = "CCHC Portal"

    def ready(self):
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from cchc_portal import security  # noqa: F401 - connects the login signal

        # Second-factor devices are managed by their owners (setup page) and reset with
        # `manage.py otp_reset <name>`, not edited in the admin, where the secret key would show.
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
