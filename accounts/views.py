"""Two-factor login pages, and Django's password pages where they need more than Django's.

Two-factor (TOTP, django-otp): set up an authenticator app, then enter its token. The middleware
in accounts/security.py sends users here; these pages are the only ones a signed-in but
unverified user may open (with logout and the language switch).

Password change: the current password is checked like a login, inside the lockout. Password
reset: mails are limited per account and per client (accounts/limits.py).
"""

from __future__ import annotations

import base64
import uuid
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.limits import reset_mail_allowed
from accounts.security import SESSION_KEY, has_confirmed_device, otp_eligible
from jobs.mail import queue_mail


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Mã xác thực (6 chữ số)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Mã xác thực gồm 6 chữ số."))
        return token


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data URI (img-src allows data:, no inline script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _verified(request, device) -> None:
    otp_login(request, device)
    noted = dict(request.session.get(SESSION_KEY) or {})
    noted["device"] = True
    request.session[SESSION_KEY] = noted


@never_cache
@login_required
def setup(request):
    """Pair an authenticator app: show the otpauth URI and its QR code, confirm with a token."""
    user = request.user
    if not otp_eligible(user):
        raise PermissionDenied
    if has_confirmed_device(user) and not user.is_verified():
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # One app per person: older confirmed devices stop working.
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            _verified(request, device)
            messages.success(request, _("Đã bật xác thực hai bước cho tài khoản."))
            return redirect(_next_url(request))
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử lại."))
    context = {
        "form": form,
        "otpauth_uri": device.config_url,
        "secret": b32encode(device.bin_key).decode("ascii"),
        "qr_src": _qr_data_uri(device.config_url),
        "next": _next_url(request),
        "required": settings.OTP_REQUIRED_FOR_STAFF,
    }
    return render(request, "otp/setup.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def verify(request):
    """After the password, the token of the user's authenticator app."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("otp_setup" if otp_eligible(user) else "home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token locks the device row: throttling holds against parallel guesses.
        device = verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if device is not None:
            _verified(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử lại."))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "otp/verify.html", context, status=400 if form.errors else 200)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the current password checked through `authenticate` like a login.

    So a wrong one counts toward the lockout (django-axes: same limit, same user name and
    address as the login form), and a locked user name or address is refused even the right one:
    a stolen session cannot guess the password.
    """

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old_password) is None:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # At the limit the session ends; AxesMiddleware answers with the lockout page.
            logout(self.request)
        return super().form_invalid(form)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the outbox (jobs.mail), like every notification: the worker sends it and
        tries again while the mail server is down; the link is erased from the outbox once
        sent. Each request is its own mail (its key is new)."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_mail(f"password-reset:{uuid.uuid4()}", subject, body, [to_email], secret=True)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def form_valid(self, form):
        if not reset_mail_allowed(self.request, form.cleaned_data["email"]):
            # The answer of a mail sent: the page never tells whether an account exists.
            return HttpResponseRedirect(self.get_success_url())
        # The link's host is the configured one, never the request's Host header.
        self.extra_email_context = {"portal_base_url": settings.PORTAL_BASE_URL}
        return super().form_valid(form)
