"""Project-wide middleware: the Content-Security-Policy's one exception, no signed-in page
kept by a browser or a shared cache, no body larger than its route allows, Vietnamese whatever
the browser asks, and the page of a reopened year.

`PortalCSPMiddleware`: django-csp's middleware with the strict policy of settings.py everywhere
except on the admin's own pages, where 'unsafe-inline' *styles* are allowed (django-simple-history's
admin templates write style attributes). Scripts stay 'self' only, also in the admin.
"""

from pathlib import PurePosixPath

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

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


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the header of a response that changes nothing in the policy
    (no nonce, no decorator, not the admin) built once instead of on every request."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.header = build_policy()
        self.header_report_only = build_policy(report_only=True)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        match = getattr(request, "resolver_match", None)
        if not report_only and match is not None and "admin" in match.namespaces:
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        own = any(
            getattr(response, f"_csp_{part}{ro}", None) is not None
            for part in ("config", "update", "replace", "exempt")
            for ro in ("", "_ro")
        )
        if (
            own
            or getattr(request, "_csp_nonce", None) is not None
            or (match is not None and "admin" in match.namespaces)
            or (settings.DEBUG and response.status_code in (404, 500))
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
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


class PrivatePagesMiddleware:
    """Pages seen signed in may show what is not public (a sheet, figures in progress, the
    person's name): `Cache-Control: private, no-store` unless the view said otherwise, so that
    neither a shared proxy nor the browser's history keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if signed_out(request):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class RequestSizeMiddleware:
    """413 when ``Content-Length`` is above the limit of the route's view (`lib.requests`),
    before anything reads the body: it sits before the CSRF middleware, whose check reads the
    form. A request without ``Content-Length`` has no body for Django; one whose length is not a
    number is refused as too large."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

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


class VietnameseFirstLocaleMiddleware:
    """Vietnamese on every page whatever the browser asks: the language is the one chosen with
    the language switch (its cookie) or else LANGUAGE_CODE; Accept-Language is never read.

    Django's LocaleMiddleware did the same, with a look at the URL patterns and at the path's
    language prefix on every request and response: the portal has no `i18n_patterns`, so this
    reads the cookie only. The response says its language (Content-Language) and, as Django's
    did, `Vary: Accept-Language`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _chosen_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


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
    words, so that no program reads it as the file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, YearUnderReview):
            return None
        is_file = bool(PurePosixPath(request.path).suffix)
        context = {"year": exception.year, "since": exception.since, "is_file": is_file}
        return render(
            request, "scoring/year_under_review.html", context, status=404 if is_file else 200
        )
