"""Production settings: `manage.py check --deploy` is clean with the production environment.

Settings are read once, at import, so the honest test runs manage.py in a subprocess with the
environment an operator would set (README: "Bảo mật / Security").
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables that would change what is being checked if the developer's shell had them set.
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUST_X_FORWARDED_PROTO",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "PORTAL_BASE_URL",
    "EMAIL_TIMEOUT",
    "DJANGO_SETTINGS_MODULE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**extra: str) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "cchc.example.gov.vn",
        "PORTAL_BASE_URL": "https://cchc.example.gov.vn",
        **extra,
    }


NAMES = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "PORTAL_BASE_URL",
    "EMAIL_TIMEOUT",
]


def settings_under(**env: str) -> dict:
    """The security settings as manage.py reads them with this environment."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
    )
    result = manage("shell", "--verbosity", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestCheckDeploy:
    def test_check_deploy_reports_no_warning_with_the_production_environment(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (0 silenced)." in result.stdout

    def test_behind_a_proxy_that_redirects_itself_the_only_warning_is_the_chosen_one(self):
        env = production(SECURE_SSL_REDIRECT="0", TRUST_X_FORWARDED_PROTO="1")
        result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
        # W008 (no SSL redirect) is the one warning left, and only because the operator chose it.
        output = result.stdout + result.stderr
        assert result.returncode == 1
        assert re.findall(r"\(security\.W\d+\)", output) == ["(security.W008)"]

    def test_check_deploy_fails_without_the_portals_address_for_links_in_mails(self):
        env = production()
        del env["PORTAL_BASE_URL"]
        result = manage("check", "--deploy", **env)
        assert result.returncode == 1
        assert "(accounts.E001) PORTAL_BASE_URL is not set" in result.stderr

    def test_check_deploy_warns_when_the_portals_address_is_not_https(self):
        env = production(PORTAL_BASE_URL="http://cchc.example.gov.vn")
        result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
        output = result.stdout + result.stderr
        assert result.returncode == 1
        assert re.findall(r"\((\w+\.[EW]\d+)\)", output) == ["accounts.W001"]

    def test_the_server_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        result = manage("check", DEBUG="0", ALLOWED_HOSTS="cchc.example.gov.vn")
        assert result.returncode == 1
        assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


class TestProductionDefaults:
    def test_https_settings_default_on_when_debug_is_off(self):
        values = settings_under(**production())
        assert values["SECURE_SSL_REDIRECT"] is True
        assert values["SESSION_COOKIE_SECURE"] is True
        assert values["CSRF_COOKIE_SECURE"] is True
        assert values["SECURE_HSTS_SECONDS"] == 31536000
        assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
        assert values["SECURE_HSTS_PRELOAD"] is True
        assert values["SECURE_PROXY_SSL_HEADER"] is None
        assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
        assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
        assert values["SESSION_COOKIE_HTTPONLY"] is True
        assert values["CSRF_COOKIE_HTTPONLY"] is True
        assert values["PORTAL_BASE_URL"] == "https://cchc.example.gov.vn"
        assert values["EMAIL_TIMEOUT"] == 10

    def test_https_settings_are_off_in_development(self):
        values = settings_under(DEBUG="1")
        assert values["SECURE_SSL_REDIRECT"] is False
        assert values["SESSION_COOKIE_SECURE"] is False
        assert values["CSRF_COOKIE_SECURE"] is False
        assert values["SECURE_HSTS_SECONDS"] == 0
        assert values["PORTAL_BASE_URL"] == "http://127.0.0.1:8000"

    def test_each_setting_can_be_overridden_from_the_environment(self):
        values = settings_under(
            **production(
                SECURE_SSL_REDIRECT="0",
                SECURE_HSTS_SECONDS="600",
                SECURE_HSTS_PRELOAD="0",
                TRUST_X_FORWARDED_PROTO="1",
                SESSION_COOKIE_AGE="3600",
                SESSION_EXPIRE_AT_BROWSER_CLOSE="0",
                PORTAL_BASE_URL="https://cchc.example.gov.vn/",
                EMAIL_TIMEOUT="30",
            )
        )
        assert values["SECURE_SSL_REDIRECT"] is False
        assert values["SECURE_HSTS_SECONDS"] == 600
        assert values["SECURE_HSTS_PRELOAD"] is False
        assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
        assert values["SESSION_COOKIE_AGE"] == 3600
        assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False
        assert values["PORTAL_BASE_URL"] == "https://cchc.example.gov.vn"
        assert values["EMAIL_TIMEOUT"] == 30
