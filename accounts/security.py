"""The two-factor login rule and the lockout page.

- `second_factor_redirect` (run by `cchc_portal.middleware.SignedInMiddleware`): a signed-in
  user who has a confirmed TOTP device must enter a token before anything else; with
  OTP_REQUIRED_FOR_STAFF on, admins and appraisers without a device are sent to set one up
  first.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.limits import address_locked
from units.models import Membership, Role

OTP_ROLES = (Role.ADMIN, Role.APPRAISER)


def otp_eligible(user) -> bool:
    """Admins and appraisers may (and, when the setting says so, must) use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user, role__in=OTP_ROLES).exists()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


SESSION_KEY = "cchc_otp"  # at login: {"device": has a confirmed device, "eligible": may use one}


@receiver(user_logged_in)
def remember_second_factor(sender, request, user, **kwargs):
    """Note at login what the second factor asks of this user, so that pages cost no query."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = {
            "device": has_confirmed_device(user),
            "eligible": otp_eligible(user),
        }


def _exempt_paths() -> tuple[str, ...]:
    static = settings.STATIC_URL
    return (
        reverse("otp_setup"),
        reverse("otp_verify"),
        reverse("logout"),
        reverse("set_language"),
        static if static.startswith("/") else f"/{static}",
    )


def second_factor_redirect(request) -> HttpResponse | None:
    """Where a signed-in user must go before anything else, or None: the token page until they
    are verified if they have a confirmed TOTP device; with OTP_REQUIRED_FOR_STAFF on, the setup
    page for admins and appraisers without one.

    Runs after django_otp's OTPMiddleware, which sets `request.user.is_verified()`
    (`cchc_portal.middleware.SignedInMiddleware`). What the user needs was noted in the session
    at login (`remember_second_factor`); a session from before that note is checked against the
    database.
    """
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and not user.is_verified()
        and not request.path_info.startswith(_exempt_paths())
    ):
        noted = request.session.get(SESSION_KEY) or {
            "device": has_confirmed_device(user),
            "eligible": otp_eligible(user),
        }
        target = None
        if noted["device"]:
            target = "otp_verify"
        elif settings.OTP_REQUIRED_FOR_STAFF and noted["eligible"]:
            target = "otp_setup"
        if target:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
    return None


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page, in Vietnamese, with the wait in whole minutes (HTTP 429).

    It says whether the user name was locked at this address or the address itself
    (accounts.limits.LoginAttempts).
    """
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "by_address": address_locked(request),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
