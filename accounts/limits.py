"""How often one may try: the client's address, and the limits counted against it.

- `client_ip`: the address of the person at the keyboard, also behind reverse proxies; django-axes
  locks by it (AXES_CLIENT_IP_CALLABLE).
- `LoginAttempts`: django-axes' handler (AXES_HANDLER) with a second limit, per address across
  user names.
- `reset_mail_allowed`: password-reset mails per account and per client, counted in the cache.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import unicodedata

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the one the first saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the last
    PROXY_COUNT entries were written by our own proxies and the client is the PROXY_COUNT-th
    from the right; whatever stands to its left the client sent itself and may be forged. With
    `X-Forwarded-For: 6.6.6.6, 203.0.113.5` from one proxy the client is 203.0.113.5. A header
    shorter than PROXY_COUNT, or not an address, did not come through our proxies as configured:
    then the connection's own address counts (all such requests share one lockout).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= count:
            address = _address(forwarded[-count])
            if address:
                return address
    return remote


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the client's address within the cool-off, whatever the user names."""
    attempts = AccessAttempt.objects.filter(ip_address=client_ip(request))
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LoginAttempts(AxesDatabaseHandler):
    """django-axes' database handler, plus a limit per address across user names.

    Axes' own limit (AXES_FAILURE_LIMIT) counts per user name *and* address, so that nobody can
    lock a colleague out from elsewhere; alone it lets one address try many names a few times
    each. LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the names, lock that
    address for the same cool-off, and only that address. Both limits count the same
    AccessAttempt rows; a successful login deletes only the rows of its own user name from its
    address, so logging in with one's own account does not reset the address's count.
    """

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and address_locked(request):
            # As axes does at its own limit: the middleware answers with the lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials


RESET_MAIL_WINDOW = 60 * 60  # seconds: the limits below are per hour


def _counted(key: str) -> int:
    """One more request under `key`; the count since its first request of the window."""
    cache.add(key, 0, timeout=RESET_MAIL_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=RESET_MAIL_WINDOW)
        return 1


def reset_mail_allowed(request: HttpRequest, email: str) -> bool:
    """Whether a password-reset request may send its mail.

    At most PASSWORD_RESET_MAILS_PER_ACCOUNT an hour to one address, from anywhere, and
    PASSWORD_RESET_MAILS_PER_CLIENT an hour from one client, whatever the addresses. Every request
    counts, whether or not an account has the address, so the answer never tells. The counts live
    in the cache (Redis in production, shared by every app instance), in a window that starts with
    the first request; the address is folded as Django's form matches it (NFKC, case) and hashed.
    """
    folded = unicodedata.normalize("NFKC", email).casefold()
    account = hashlib.sha256(folded.encode()).hexdigest()
    client = client_ip(request)
    per_account = _counted(f"reset-mail:account:{account}")
    per_client = _counted(f"reset-mail:client:{client}")
    if per_account > settings.PASSWORD_RESET_MAILS_PER_ACCOUNT:
        logger.warning("Password reset: no mail, too many requests for one address")
        return False
    if per_client > settings.PASSWORD_RESET_MAILS_PER_CLIENT:
        logger.warning("Password reset: no mail, too many requests from %s", client)
        return False
    return True
