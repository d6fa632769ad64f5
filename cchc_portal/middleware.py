"""Project-wide middleware: the Content-Security-Policy's one exception, no signed-in page
kept by a browser or a shared cache, no body larger than its route allows, Vietnamese whatever
the browser asks, and the page of a reopened year.

`PortalCSPMiddleware`: django-csp's middleware with the strict policy of settings.py everywhere
except on the admin's own pages, where 'unsafe-inline' *styles* are allowed (django-simple-history's
admin templates write style attributes). Scripts stay 'self' only, also in the admin.
"""

import contextlib
from pathlib import PurePosixPath

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.exception import response_for_exception
from django.middleware.common import CommonMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware
from simple_history.models import HistoricalRecords

from accounts.security import second_factor_redirect
from lib.requests import request_limit
from scoring.views.loading import YearUnderReview


def signed_out(request) -> bool:
    """True when the request cannot be signed in and nothing has asked who sent it: no session
    cookie, and `request.user` still the unread lazy object (a login during the request replaces
    it). The middleware below then skip their checks of the user, which would otherwise cost
    every anonymous request the session, the user and the two-factor lookups (`make bench`)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = request.__dict__.get("user")
    return user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty)


def evaluated(user):
    """The user behind `request.user`'s lazy objects once they are evaluated: django_otp's
    wraps the authentication's, so each of the 200 or so reads of the user a signed-in page
    makes went through two proxies. An object not evaluated yet is given back as it is."""
    while isinstance(user, SimpleLazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return user


#: What django-csp's decorators set on a response: its own policy (or none).
_RESPONSE_POLICY = tuple(
    f"_csp_{part}{ro}" for part in ("config", "update", "replace", "exempt") for ro in ("", "_ro")
)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the header of a response that changes nothing in the policy
    (no nonce, no decorator, not the admin) built once instead of on every request; so is what
    the settings say about every response (excluded paths, a report-only policy: then django-csp
    decides each time)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.header = build_policy()
        self.header_report_only = build_policy(report_only=True)
        self.per_response = bool(
            settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        )

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        match = getattr(request, "resolver_match", None)
        if not report_only and match is not None and "admin" in match.namespaces:
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        attributes = response.__dict__  # django-csp's decorators set these on the response
        if (
            any(attributes.get(name) is not None for name in _RESPONSE_POLICY)
            or getattr(request, "_csp_nonce", None) is not None
            or (match is not None and "admin" in match.namespaces)
            or (settings.DEBUG and response.status_code in (404, 500))
            or self.per_response
        ):
            return super().process_response(request, response)
        if self.header and HEADER not in response:
            response[HEADER] = self.header
        if self.header_report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = self.header_report_only
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware with the storage made when a view or template first reads or
    adds a message: a request that never does pays nothing (its storage would store nothing)."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class SignedInMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware (`request.user.is_verified()`), then the two-factor rule
    (`accounts.security.second_factor_redirect`), then private pages, in one layer: the three
    were three middleware, and each layer costs every request a call (`make bench`).

    Private pages: pages seen signed in may show what is not public (a sheet, figures in
    progress, the person's name): `Cache-Control: private, no-store` unless the view said
    otherwise, so that neither a shared proxy nor the browser's history keeps them; the token
    page or the setup page the rule sends to included."""

    async_capable = False  # `_signed_in` is synchronous (the portal runs under WSGI)

    def __init__(self, get_response):
        # OTPMiddleware installs its lazy `is_verified()` and calls `_signed_in`, which calls
        # the next layer: no layer of its own in between.
        self.next_layer = get_response
        super().__init__(self._signed_in)

    def _signed_in(self, request):
        response = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Without a session nobody is signed in yet (the login's own request included).
            try:
                response = second_factor_redirect(request)
            except Exception as exc:  # answered as the rule's own layer would have been
                response = response_for_exception(request, exc)
            else:
                request.user = evaluated(request.user)
        if response is None:
            response = self.next_layer(request)
        if signed_out(request):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class PortalCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware inside the portal's language (Vietnamese whatever the browser
    asks) and with the request size limit, in one layer: the three were three middleware, and
    each layer costs every request a call (`make bench`).

    The language: the one chosen with the language switch (its cookie) or else LANGUAGE_CODE;
    Accept-Language is never read. Django's LocaleMiddleware did the same, with a look at the
    URL patterns and at the path's language prefix on every request and response: the portal
    has no `i18n_patterns`, so this reads the cookie only. The response says its language
    (Content-Language) and, as Django's did, `Vary: Accept-Language`; also a response of
    CommonMiddleware's (a redirect, a refused host).

    The request size (`process_view`): 413 when ``Content-Length`` is above the limit of the
    route's view (`lib.requests`), before anything reads the body: it comes before the CSRF
    middleware's, whose check reads the form. A request without ``Content-Length`` has no body
    for Django; one whose length is not a number is refused as too large."""

    async_capable = False  # `__call__` is synchronous (the portal runs under WSGI)

    def __call__(self, request):
        language = _chosen_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(language)
        request.LANGUAGE_CODE = translation.to_language(language)  # get_language(), unread
        try:
            response = self.process_request(request) or self.get_response(request)
            response = self.process_response(request, response)  # type: ignore[arg-type]  # sync
        except Exception as exc:  # answered as CommonMiddleware's own layer would have been
            response = response_for_exception(request, exc)
        if "Vary" in response.headers:
            patch_vary_headers(response, ("Accept-Language",))
        else:  # what patch_vary_headers would write, without parsing a header that is not there
            response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = request_limit(view_func)
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            too_large = int(length) > limit
        except ValueError:
            too_large = True
        if not too_large:
            return None
        message = _(
            "Dữ liệu gửi lên quá lớn (tối đa %(size)s cho trang này). Hãy chọn tệp nhỏ hơn."
        ) % {"size": filesizeformat(limit)}
        return render(request, "413.html", {"message": message}, status=413)


def _chosen_language(code: str | None) -> str:
    """The language of the switch's cookie if the portal has it (or a variant of it, en-us →
    en), else LANGUAGE_CODE."""
    if code:
        try:
            return get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LazySessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, with the session of a request that has no session cookie made
    when something first reads it: a request that never does pays nothing (Django's middleware
    would store nothing for that empty, unread session and set no cookie either). A request with
    the cookie gets its session as before (read from the cache or the database when used)."""

    def process_request(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            super().process_request(request)
        else:
            request.session = SimpleLazyObject(lambda: self.SessionStore(None))

    def process_response(self, request, response):
        session = request.__dict__.get("session")
        if isinstance(session, SimpleLazyObject) and session._wrapped is empty:
            return response
        return super().process_response(request, response)


class YearUnderReviewMiddleware:
    """A published year since reopened (`scoring.views.loading.YearUnderReview`, raised by the
    year loaders) gets a page saying that its results are being reviewed, not a bare 404: HTTP
    200 for a page; for a file (a path ending in .csv, .json, .xlsx, .docx…) 404 with the same
    words, so that no program reads it as the file.

    It also does the work of django-simple-history's HistoryRequestMiddleware, one layer
    instead of two: the request in `HistoricalRecords.context` while the view runs, from which
    a history row takes the user who made the change (when signed in; else none). A GET or HEAD
    without a session cookie is skipped: nobody is signed in and such a request signs nobody in
    (the login forms are POSTs), so a row written now would have no user either way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return self.get_response(request)
        HistoricalRecords.context.request = request
        try:
            return self.get_response(request)
        finally:
            with contextlib.suppress(AttributeError):  # as django-simple-history's own did
                del HistoricalRecords.context.request

    def process_exception(self, request, exception):
        if not isinstance(exception, YearUnderReview):
            return None
        is_file = bool(PurePosixPath(request.path).suffix)
        context = {"year": exception.year, "since": exception.since, "is_file": is_file}
        return render(
            request, "scoring/year_under_review.html", context, status=404 if is_file else 200
        )
