"""The framework's floor: a bare Django project outside the portal, for `make bench`.

One module, imports nothing of the portal: settings, one URL and its view, the WSGI
application. SecurityMiddleware and CommonMiddleware only, DEBUG off; the same Python, Django
and gunicorn as the portal (bench/run.py starts it with the venv's gunicorn, `--chdir bench`).
Every page of the table is a share of this view's requests per second, measured in the same run.
"""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-project-not-secret",  # noqa: S106 - a benchmark's throwaway
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    USE_I18N=False,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def fixed(request):
    return HttpResponse("Chỉ số CCHC", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", fixed)]
application = get_wsgi_application()
