"""/healthz and /readyz: cheap, unauthenticated, nothing but ok/fail per part.

/healthz: the process answers (no database). For a supervisor's liveness check.
/readyz: the parts the portal needs answer: PostgreSQL (or SQLite), Redis when REDIS_URL is
set, and the queue (its oldest waiting task is younger than READY_QUEUE_MAX_AGE_SECONDS: a
worker is taking tasks). 200 when all are ok, 503 otherwise; for the proxy or a monitor.
/metrics: Prometheus metrics (django-prometheus) when METRICS_TOKEN is set, only with
`Authorization: Bearer <METRICS_TOKEN>`; 404 otherwise.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis() -> bool:
    try:
        from django_redis import get_redis_connection

        return bool(get_redis_connection("default").ping())
    except Exception:
        return False


def _queue() -> bool:
    """No task has waited longer than the limit (a lock in the past: not taken by a worker)."""
    try:
        from django_q.models import OrmQ

        now = timezone.now()
        oldest = OrmQ.objects.filter(lock__lte=now).order_by("lock").values_list("lock").first()
    except Exception:
        return False
    limit = timedelta(seconds=int(settings.READY_QUEUE_MAX_AGE_SECONDS))
    return oldest is None or now - oldest[0] <= limit


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    parts = {"database": _database()}
    if settings.REDIS_URL:
        parts["redis"] = _redis()
    parts["queue"] = parts["database"] and _queue()
    ok = all(parts.values())
    return JsonResponse(
        {name: "ok" if good else "fail" for name, good in parts.items()},
        status=200 if ok else 503,
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = str(settings.METRICS_TOKEN)
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
