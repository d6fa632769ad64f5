"""Settings for CCHC Portal, read from the environment (django-environ).

Every setting that differs between a laptop and production comes from an environment variable;
the README lists them. SQLite is the zero-setup default; set DATABASE_URL for PostgreSQL.
"""

from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()  # QuerySet[Model] and friends at run time (type hints)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see README: 'Chạy trong môi trường thật')."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "simple_history",
    "django_filters",
    "accounts",
    "units",
    "scoring",
    "indices",
    "survey",
    "demo",
    # The task queue (django-q2, ORM broker: its rows live in this database) and the portal's
    # background work: the mail outbox, long jobs with a progress bar (README "Việc chạy nền").
    "django_q",
    "jobs",
]

# Panels that apps add to scoring's pages (scoring/extensions.py): the related indices (issue 19).
PAGE_PANELS = {
    "unit_profile": ["indices.panels.unit_profile"],
    "home": ["indices.panels.index_switch"],
    "open_data": ["indices.panels.open_data", "survey.panels.open_data"],
}
# What scoring reads of other apps without importing them (scoring/extensions.py).
SCORING_LOOKUPS = {
    "component_value": "indices.selectors.component_value",
    "source_problem": "indices.selectors.source_problem",
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cchc_portal.middleware.LazySessionMiddleware",
    # The language, Django's CommonMiddleware and the request size limit (before the CSRF
    # check reads a body), in one layer: every layer costs every request a call.
    "cchc_portal.middleware.PortalCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.signed_in.CachedAuthenticationMiddleware",
    "cchc_portal.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees a view's exception first: a reopened year's page instead of a 404.
    # It also puts the request where django-simple-history reads the user of a change.
    "cchc_portal.middleware.YearUnderReviewMiddleware",
]

ROOT_URLCONF = "cchc_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc_portal.context_processors.portal",
                # The navigation's badge: what the signed-in person's units have to do, and by when.
                "cchc_portal.context_processors.duties",
                # The CSRF token's placeholder in pages the cache stores (scoring/selectors/cache.py).
                "scoring.selectors.cache.csrf_placeholder",
            ],
        },
    },
]

WSGI_APPLICATION = "cchc_portal.wsgi.application"

# Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASES = {
    # An empty DATABASE_URL counts as unset.
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections are an order of magnitude faster; health checks make a restarted
    # PostgreSQL invisible to users (the stale connection is replaced before the request uses it).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The worker (make run) writes beside runserver: wait for SQLite's lock, do not fail at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps its client between calls (Django's own backend builds one for
            # every call: a tenth of a millisecond on each cached page).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cchc"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The progress of long jobs (jobs.progress), written by the worker, read by the page: shared by
# every process, so Redis when set, else files on this machine (make run).
CACHES["progress"] = (
    {**CACHES["default"], "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cchc") + "-progress"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.str("PROGRESS_CACHE_DIR", default=str(BASE_DIR / ".cache" / "progress")),
    }
)
# Cached results pages and files (scoring/selectors/cache.py): their keys change with every change of
# what they show, so this only bounds how long unused entries stay.
CACHE_PAGES_TIMEOUT = env.int("CACHE_PAGES_TIMEOUT", default=24 * 60 * 60)
# Sessions in the database, read through Redis when it is set (written to both, so a lost cache
# signs nobody out). Every app instance reads the same ones.
SESSION_ENGINE = env.str(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db",
)
# A fixed-string view at /_bench/baseline/ for `make bench` (never in production).
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# Passwords: Argon2id with OWASP's parameters (accounts/hashers.py: why, and its cost); hashes
# stored before by PBKDF2 still verify and are stored again with Argon2id at the next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password-reset mails an hour, to one address and from one client (accounts.limits).
PASSWORD_RESET_MAILS_PER_ACCOUNT = 3
PASSWORD_RESET_MAILS_PER_CLIENT = 10
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: Vietnamese first, English second. Source strings are Vietnamese;
# locale/en holds the English catalogue (compiled .mo files are committed).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: evidence goes through a permission-checked view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Uploaded files (evidence) through Django's storage API: the file system (MEDIA_ROOT, shared by
# every app instance) by default, or S3-compatible object storage when a bucket is named
# (pip install -e '.[s3]'; README: "Triển khai nhiều máy chủ / Production layout").
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_LOCATION = env.str("AWS_LOCATION", default="media")
    # Evidence is private: no public ACL, downloads only through the permission-checked view.
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cchc-portal@localhost")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: one file per message.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "tmp" / "mail"))
# Seconds the SMTP connection waits for the mail server, so that a hung server cannot hang a
# request (a password reset, a notification) with it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The portal's public address, the start of every link in an e-mail (notifications, password
# reset), e.g. "https://cchc.example.gov.vn". Required when DEBUG is off: `check --deploy`
# reports it missing or not https (accounts/checks.py).
PORTAL_BASE_URL = env.str(
    "PORTAL_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else ""
).rstrip("/")

# Evidence uploads.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=10)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
#: A survey file larger than this is imported by the queue's worker (a page with a progress
#: bar), not inside the request.
IMPORT_INLINE_MAX_BYTES = env.int("IMPORT_INLINE_MAX_BYTES", default=512 * 1024)
#: The tracker, the appraisal list and the survey page of a year with more sheets than this (and
#: several unit groups) show one unit group at a time unless "every group" is chosen.
WORK_LISTS_ALL_GROUPS_UP_TO = env.int("WORK_LISTS_ALL_GROUPS_UP_TO", default=300)
#: Files in one answer to an explanation request (each up to EVIDENCE_MAX_BYTES).
ANSWER_MAX_FILES = env.int("ANSWER_MAX_FILES", default=5)
#: The body of a request to a route that takes no file (cchc_portal.middleware: 413 above it);
#: routes with files allow their files' limits plus lib.requests.MULTIPART_MARGIN.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)

#: Calendar days a unit has to answer an explanation request, counted from the day it was asked
#: (scoring/duties.py): the answer is due by the end of that day, in the portal's time zone.
EXPLANATION_ANSWER_DAYS = env.int("EXPLANATION_ANSWER_DAYS", default=7)

# The name shown in the header when no assessment year names its province.
PORTAL_OWNER_NAME = env.str("PORTAL_OWNER_NAME", default="Cổng chấm điểm Chỉ số CCHC")

# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, exception), for a log
# collector; the default is plain text.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cchc_portal.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The health checks answer over plain HTTP on the loopback (the proxy, systemd, a monitor).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Error reports (Sentry or a compatible server such as GlitchTip) only when SENTRY_DSN is set;
# no personal data is sent (send_default_pii off).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# --------------------------------------------------------------------------- background work
# The task queue: django-q2 with its ORM broker, so a task is a row in this database, written in
# the transaction of the change that causes it (no broker to run). Workers: `manage.py qcluster`
# (make run starts one; production: deploy/cchc-worker.service). README "Việc chạy nền".
Q_CLUSTER = {
    "name": "cchc",
    "orm": "default",
    "workers": env.int("QUEUE_WORKERS", default=2),
    # A year's exports may take minutes; a task running longer is stopped and counted failed.
    "timeout": env.int("QUEUE_TASK_TIMEOUT", default=900),
    # A task taken by a worker that died is offered again after this (longer than timeout).
    "retry": env.int("QUEUE_TASK_TIMEOUT", default=900) + 60,
    "max_attempts": 3,
    # A failed task stays in the admin ("Failed tasks"); mail has its own back-off (jobs.mail).
    "ack_failures": True,
    "poll": env.float("QUEUE_POLL_SECONDS", default=1.0),
    "catch_up": False,
    "save_limit": 500,
    "label": _("Hàng đợi"),
}
#: The first wait before a mail is tried again; it doubles with each failure, up to an hour.
MAIL_RETRY_SECONDS = env.int("MAIL_RETRY_SECONDS", default=30)
#: Failures before a mail is marked failed (shown in the admin, which can send it again).
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=12)
#: How long a worker holds a mail it is sending (a dead worker's mail is sent after it).
MAIL_CLAIM_SECONDS = env.int("MAIL_CLAIM_SECONDS", default=120)
#: Uploads (above their size, see IMPORT_INLINE_MAX_BYTES) and results of long jobs are kept
#: this long for their owner, then deleted.
JOB_FILE_HOURS = env.int("JOB_FILE_HOURS", default=24)
#: /readyz fails when the oldest task waiting in the queue is older than this (no worker).
READY_QUEUE_MAX_AGE_SECONDS = env.int("READY_QUEUE_MAX_AGE_SECONDS", default=300)

# The admin's address, changeable so that it is not where scanners look first.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# --------------------------------------------------------------------------- security
# Hardening (README: "Bảo mật / Security"). With DEBUG on (development, tests) HTTPS-only
# settings are off; with DEBUG off they default on, each overridable from the environment (e.g.
# SECURE_SSL_REDIRECT=0 behind a proxy that already redirects to HTTPS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets (and overwrites) X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads the cookie: htmx sends the token from the page
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): own origin only, no inline script or style anywhere
# (chart data goes out through json_script, behaviour lives in static/js). Bootstrap's CSS draws
# its small icons with data: SVG images, hence img-src data:. The admin gets 'unsafe-inline'
# styles only (cchc_portal.middleware.PortalCSPMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The client's address (accounts.limits.client_ip): REMOTE_ADDR, or behind that many reverse
# proxies, each appending to X-Forwarded-For, the address the outermost one was connected from.
# Only when the app is reachable through the proxies alone (README: "Bảo mật / Security").
PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# Lockout after repeated failed logins (django-axes): by user name and address together, so that
# nobody can lock a colleague out from elsewhere; and an address that fails
# LOGIN_ADDRESS_FAILURE_LIMIT times across user names is locked itself (accounts.limits).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_HANDLER = "accounts.limits.LoginAttempts"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429  # django-axes' default, read by accounts.security.lockout_response
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The password change form counts too (accounts.views.PasswordChangeForm): its passwords are
# masked in the POST data axes stores, as the login's "password" is.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
AXES_CLIENT_IP_CALLABLE = "accounts.limits.client_ip"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Lockouts are lifted with `manage.py axes_reset_username <name>` (README), not in the admin.
AXES_ENABLE_ADMIN = False

# Two-factor login (django-otp, TOTP) for admins and appraisers; required when
# OTP_REQUIRED_FOR_STAFF is on (accounts.security.second_factor_redirect).
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default=PORTAL_OWNER_NAME)


def _after(name: str, *new: str) -> None:
    position = MIDDLEWARE.index(name) + 1
    MIDDLEWARE[position:position] = list(new)


INSTALLED_APPS += [
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
_after(
    "django.middleware.security.SecurityMiddleware",
    "cchc_portal.middleware.PortalCSPMiddleware",
)
_after(
    "accounts.signed_in.CachedAuthenticationMiddleware",
    # django_otp's OTPMiddleware, the two-factor rule and private pages, in one layer.
    "cchc_portal.middleware.SignedInMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]

# Prometheus metrics (django-prometheus) only when METRICS_TOKEN is set: /metrics answers a
# request carrying "Authorization: Bearer <METRICS_TOKEN>" and nobody else (404). Several
# gunicorn workers: set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    # Around everything else: the first and the last (after django-axes, which asks to be last
    # among those that act on the request; this one only counts).
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
