"""/healthz, /readyz and /metrics: cheap, unauthenticated, ok/fail per part and nothing more."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ
from django_q.tasks import async_task

from tests.queue import run_jobs


@pytest.mark.django_db
class TestHealth:
    def test_healthz_answers_without_a_login_or_https(self, settings):
        settings.SECURE_SSL_REDIRECT = True
        response = Client().get("/healthz")
        assert (response.status_code, response.content) == (200, b"ok\n")
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_readyz_says_ok_per_part(self):
        response = Client().get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "queue": "ok"}

    def test_readyz_fails_when_a_task_has_waited_too_long_and_recovers_once_a_worker_runs(
        self, settings
    ):
        settings.READY_QUEUE_MAX_AGE_SECONDS = 60
        async_task("jobs.progress.delete_expired")
        OrmQ.objects.update(lock=timezone.now() - timedelta(minutes=5))  # nobody took it

        response = Client().get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "queue": "fail"}

        run_jobs()
        assert Client().get("/readyz").status_code == 200

    def test_readyz_checks_redis_only_when_it_is_configured(self, settings):
        settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.REDIS_URL},
        }
        response = Client().get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"database": "ok", "redis": "fail", "queue": "ok"}


@pytest.mark.django_db
def test_metrics_are_off_unless_a_token_is_set_and_need_it(settings):
    assert Client().get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "s3cret"
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code == 200
    assert b"python_info" in response.content


def test_log_format_json_writes_one_object_a_line():
    code = "import logging; logging.getLogger('cchc').warning('Không gửi được %s', 'thư')"
    done = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "shell", "-c", code],
        env={**os.environ, "LOG_FORMAT": "json", "DEBUG": "1", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "cchc",
        "Không gửi được thư",
    )
