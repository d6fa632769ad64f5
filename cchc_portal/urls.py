from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from cchc_portal import health

urlpatterns: list[URLPattern | URLResolver] = [
    # For the proxy, the supervisor and monitoring (cchc_portal/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),  # 404 unless METRICS_TOKEN is set
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's password change checks the current password outside the lockout: ours does not.
    path(
        f"{settings.ADMIN_URL}password_change/",
        RedirectView.as_view(pattern_name="password_change"),
        name="admin_password_change",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    # Login, logout, password change and reset, two-factor login (accounts/).
    path("tai-khoan/", include("accounts.urls")),
    # The results pages, the most requested, before the other areas: Django tries the patterns
    # in order (every one on the way is a match tried). Each area's paths begin with words of
    # their own (chi-so/, ks/, khao-sat/, mo/khao-sat-…, viec-nen/), so the order decides nothing.
    path("", include("scoring.urls")),
    path("", include("indices.urls")),
    # The survey: public ballots (ks/) and its pages (khao-sat/).
    path("", include("survey.urls")),
    # Long work for its owner: progress, outcome, file (jobs/).
    path("viec-nen/", include("jobs.urls")),
]


def bench_baseline(request):
    """A fixed string: the framework's own limit on this machine, for `make bench` (bench/)."""
    return HttpResponse("Chỉ số CCHC", content_type="text/plain; charset=utf-8")


if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("_bench/baseline/", bench_baseline, name="bench_baseline"))
