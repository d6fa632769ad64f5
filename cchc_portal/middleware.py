"""Project-wide middleware: the Content-Security-Policy's one exception, no signed-in page
kept by a browser or a shared cache, no body larger than its route allows, Vietnamese whatever
the browser asks, and the page of a reopened year.

`PortalCSPMiddleware`: django-csp's middleware with the strict policy of settings.py everywhere
except on the admin's own pages, where 'unsafe-inline' *styles* are allowed (django-simple-history's
admin templates write style attributes). Scripts stay 'self' only, also in the admin.
"""

from pathlib import PurePosixPath

from csp.middleware import CSPMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lib.requests import request_limit
from scoring.views.loading import YearUnderReview


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        match = getattr(request, "resolver_match", None)
        if not report_only and match is not None and "admin" in match.namespaces:
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts


class PrivatePagesMiddleware:
    """Pages seen signed in may show what is not public (a sheet, figures in progress, the
    person's name): `Cache-Control: private, no-store` unless the view said otherwise, so that
    neither a shared proxy nor the browser's history keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese on every page whatever the browser asks: the language is the one chosen with
    the language switch (its cookie) or else LANGUAGE_CODE; Accept-Language is never read."""

    def process_request(self, request):
        accept = request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        try:
            super().process_request(request)
        finally:
            if accept is not None:
                request.META["HTTP_ACCEPT_LANGUAGE"] = accept


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
