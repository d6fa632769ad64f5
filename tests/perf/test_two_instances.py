"""Two gunicorn instances on one PostgreSQL and one Redis (scripts/two_instances.py): a user
logs in on one, saves on the other, and both show the new result at once.

Needs PostgreSQL (the tests' own server) and Redis (REDIS_URL, else 127.0.0.1:6379); skipped
without them. CI starts both.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def redis_answers() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def server_url() -> str:
    """The tests' PostgreSQL server, without a database name."""
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"


@pytest.mark.skipif(not redis_answers(), reason="needs Redis")
def test_a_user_signed_in_on_one_instance_saves_on_the_other_and_both_show_it_at_once():
    finished = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "two_instances.py")]
        + ["--postgres", server_url(), "--redis", REDIS_URL],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    steps = [line for line in finished.stdout.splitlines() if line.startswith("[two instances]")]
    assert steps[2:] == [
        "[two instances] logged in on A",
        "[two instances] A and B show the index 96,00 to the user signed in on A",
        "[two instances] saved appraisal points on B with the session from A",
        "[two instances] A and B show the new index 99,00 at once",
        "[two instances] passed",
    ]
