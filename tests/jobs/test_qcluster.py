"""The resident worker itself: `manage.py qcluster` (as `make run` and the systemd unit start
it) delivers a mail and runs a job queued by the portal, against the tests' PostgreSQL database.

PostgreSQL only: the worker is another process and needs the committed rows of a database it can
open (the SQLite test database lives in this process's memory).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from jobs.mail import queue_mail
from jobs.models import Mail, MailState
from scoring.models import YearState
from tests.factories import make_sheet, make_unit, make_user, make_year

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_until(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def test_the_worker_process_delivers_the_mail_and_runs_the_job(tmp_path, settings):
    from jobs import progress
    from scoring.exchange.background import FUNCTIONS

    settings.MEDIA_ROOT = tmp_path / "media"
    year = make_year(2024, state=YearState.APPRAISAL)
    make_sheet(make_unit("SNV", "Sở Nội vụ"), year)
    admin = make_user("quantri", is_superuser=True, is_staff=True)
    queue_mail("test:qcluster", "Thử", "Nội dung", ["a@example.vn"])
    job = progress.start(
        admin, "results_report", "Báo cáo", FUNCTIONS["results_report"], {"year": 2024}
    )

    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        # The queue's tasks are signed with the secret key: the worker must share the test's.
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PROGRESS_CACHE_DIR": str(tmp_path / "progress"),
        "QUEUE_POLL_SECONDS": "0.2",
        "QUEUE_WORKERS": "1",
    }
    worker = subprocess.Popen(  # noqa: S603 - the portal's own command
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        job.refresh_from_db()
        done = wait_until(
            lambda: (
                Mail.objects.get(key="test:qcluster").state == MailState.SENT
                and type(job).objects.get(pk=job.pk).finished
            )
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=60)[0]
    assert done, output
    job.refresh_from_db()
    assert (job.state, job.message) == ("done", "Đã lập báo cáo kết quả năm 2024.")
    sent = list(outbox.iterdir())
    assert len(sent) == 1
    assert "X-CCHC-Key: test:qcluster" in sent[0].read_text()
