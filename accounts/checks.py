"""System checks of settings that only production can get wrong (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def check_portal_base_url(app_configs, **kwargs):
    """Links in e-mails start with PORTAL_BASE_URL: without it they have no host, and a password
    reset link sent as http:// crosses the network in the clear."""
    url = settings.PORTAL_BASE_URL
    if not url:
        return [
            Error(
                "PORTAL_BASE_URL is not set: links in e-mails would have no host.",
                hint="Set PORTAL_BASE_URL to the portal's public address, "
                "e.g. https://cchc.example.gov.vn.",
                id="accounts.E001",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        return [
            CheckWarning(
                f"PORTAL_BASE_URL ({url!r}) is not an https:// address: links in e-mails, "
                "password reset links among them, would not use HTTPS.",
                hint="Set PORTAL_BASE_URL to https://<the portal's host name>.",
                id="accounts.W001",
            )
        ]
    return []
