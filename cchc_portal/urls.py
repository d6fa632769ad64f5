from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    # Login, logout, password change and reset (templates/registration/).
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("", include("scoring.urls")),
]
