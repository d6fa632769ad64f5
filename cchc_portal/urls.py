from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from cchc_portal import otp_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    # Login, logout, password change and reset (templates/registration/).
    path("tai-khoan/", include("django.contrib.auth.urls")),
    # Two-factor login (TOTP): setup and token pages (cchc_portal/otp_views.py).
    path("tai-khoan/xac-thuc-hai-buoc/", otp_views.verify, name="otp_verify"),
    path("tai-khoan/xac-thuc-hai-buoc/thiet-lap/", otp_views.setup, name="otp_setup"),
    path("", include("scoring.urls")),
]


def bench_baseline(request):
    """A fixed string: the framework's own limit on this machine, for `make bench` (bench/)."""
    return HttpResponse("Chỉ số CCHC", content_type="text/plain; charset=utf-8")


if settings.BENCHMARK_VIEWS:
    urlpatterns.insert(0, path("_bench/baseline/", bench_baseline, name="bench_baseline"))
