"""Shared fixtures: settings for tests and the personas (see tests/factories.py)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Plain static storage (no manifest needed) and uploads in a temporary folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "vi"
    # django-axes needs a request to authenticate, which client.login() does not pass: off in
    # tests, on again in tests/security/ where lockout is tested.
    settings.AXES_ENABLED = False
    # Cached pages (scoring/selectors/cache.py) in this process's memory, empty for every test: ids and
    # results versions repeat from one test's database to the next.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Long jobs' progress (jobs.progress): tests run the worker in this process.
        "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    cache.clear()
