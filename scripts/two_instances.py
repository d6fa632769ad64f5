#!/usr/bin/env python3
"""Two app instances, one PostgreSQL and one Redis: the portal keeps no state of its own.

    .venv/bin/python scripts/two_instances.py [--postgres postgres://postgres@127.0.0.1:5432]
                                              [--redis redis://127.0.0.1:6379/0]

Creates a scratch database, starts two gunicorn instances on two ports against it and the same
Redis (sessions in the database, read through Redis; cached pages in Redis), then: an appraiser
logs in on instance A; both instances show the unit's provisional index (and cache it); the
appraiser saves appraisal points on instance B with the session cookie from A; both instances
show the new index at once. Everything it created is removed at the end. Exit status 0 when
every step held; tests/perf/test_two_instances.py runs it in CI.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
USERNAME = "tham-dinh-2-may"
# Made by the check and handed to the setup (another process) through the environment.
PASSWORD = os.environ.setdefault("TWO_INSTANCES_PASSWORD", "hai-may-chu-" + uuid.uuid4().hex)
UNIT, YEAR = "SNV", 2025
# code, maximum, method, points at the start
ITEMS = [
    ("1.1", "20", "appraisal", "20"),
    ("1.2", "30", "appraisal", "26"),
    ("1.3", "20", "appraisal", "20"),
    ("2.1", "30", "survey", "30"),
]
BEFORE, AFTER = "96,00", "99,00"  # 1.2: 26 → 29 points


def setup() -> None:
    """Runs inside Django (DATABASE_URL set): a year in appraisal, one scored unit, a user."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from scoring.models import AssessmentYear, YearState
    from scoring.services.frameworks import ItemRow, replace_framework, set_bands
    from scoring.services.scores import UNSET, ScoreChange, apply_score_changes, get_or_create_sheet
    from units.models import Membership, Role, Unit, UnitGroup

    group, _ = UnitGroup.objects.get_or_create(code="SO", defaults={"name": "Sở, ban, ngành"})
    year = AssessmentYear.objects.create(year=YEAR, owner_name="Tỉnh Hai Máy Chủ")
    rows = [
        ItemRow("1", "Chỉ đạo, điều hành", None),
        ItemRow("2", "Mức độ hài lòng", None),
    ] + [ItemRow(code, f"Tiêu chí {code}", Decimal(m), method) for code, m, method, _ in ITEMS]
    replace_framework(year, group, rows)
    set_bands(year, group, [("Tốt", Decimal("90")), ("Khá", Decimal("0"))])
    unit = Unit.objects.create(code=UNIT, name="Sở Nội vụ", group=group)
    appraisers = Unit.objects.create(code="HDTD", name="Hội đồng thẩm định", group=group)
    sheet = get_or_create_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange(
                code,
                self_points=Decimal(points) if method == "appraisal" else UNSET,
                points=Decimal(points),
            )
            for code, _m, method, points in ITEMS
        ],
        source="command",
    )
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    Membership.objects.create(user=user, unit=appraisers, role=Role.APPRAISER)


# --------------------------------------------------------------------------- the check


class Failure(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise Failure(message)


def step(message: str) -> None:
    print(f"[two instances] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One person's browser: one cookie jar for both instances (cookies ignore the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=60) as response:
            return response.status, response.read().decode()

    def post(self, url: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def start(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own command
        [GUNICORN, "cchc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--no-control-socket", "--log-level", "warning", "--error-logfile", "-"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped at start") from None
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def check(a: str, b: str) -> None:
    browser = Browser()
    status, page = browser.get(f"{a}/tai-khoan/login/")
    expect(status == 200, f"login page: HTTP {status}")
    status = browser.post(
        f"{a}/tai-khoan/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": form_token(page)},
    )
    expect(status == 302, f"login on A: HTTP {status}")
    expect(browser.cookie("sessionid"), "no session cookie after logging in on A")
    step("logged in on A")

    overview = f"/?year={YEAR}"
    for name, base in (("A", a), ("B", b)):
        for _ in range(2):  # the second one comes from the cache
            status, page = browser.get(base + overview)
            expect(status == 200, f"overview on {name}: HTTP {status}")
            expect(BEFORE in page and AFTER not in page, f"{name} does not show {BEFORE}")
            expect(USERNAME in page, f"{name} does not know the user signed in on A")
    step(f"A and B show the index {BEFORE} to the user signed in on A")

    sheet_url = f"{b}/tham-dinh/{UNIT}/{YEAR}/"
    status, page = browser.get(sheet_url)
    expect(status == 200, f"appraisal sheet on B: HTTP {status}")
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"csrfmiddlewaretoken": form_token(page), "version": version}
    for code, _maximum, method, points in ITEMS:
        if method != "appraisal":
            continue
        data[f"points-{code}"] = "29" if code == "1.2" else points
        data[f"reason-{code}"] = "Bổ sung tài liệu kiểm chứng" if code == "1.2" else ""
    status = browser.post(sheet_url, data)
    expect(status == 302, f"saving on B: HTTP {status}")
    step("saved appraisal points on B with the session from A")

    for name, base in (("A", a), ("B", b)):
        status, page = browser.get(base + overview)
        expect(status == 200, f"overview on {name}: HTTP {status}")
        expect(AFTER in page and BEFORE not in page, f"{name} still shows {BEFORE}")
        status, page = browser.get(f"{base}/don-vi/{UNIT}/?year={YEAR}")
        expect(AFTER in page, f"the unit profile on {name} does not show {AFTER}")
    step(f"A and B show the new index {AFTER} at once")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TWO_INSTANCES_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("TWO_INSTANCES_REDIS", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup()
        return 0

    import psycopg
    import redis
    from psycopg import sql

    name = f"cchc_two_instances_{uuid.uuid4().hex[:8]}"
    prefix = f"two-instances-{uuid.uuid4().hex[:8]}"
    processes: list[subprocess.Popen] = []
    with (
        tempfile.TemporaryDirectory(prefix="cchc-two-") as media,
        psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin,
    ):
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            env = {
                **os.environ,
                "DATABASE_URL": f"{args.postgres}/{name}",
                "REDIS_URL": args.redis,
                "CACHE_KEY_PREFIX": prefix,
                "DEBUG": "0",
                "SECRET_KEY": "two-instances-" + uuid.uuid4().hex,  # the same on both
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
                # Uploads shared by both, as a network file system or object storage would be.
                "MEDIA_ROOT": str(Path(media) / "media"),
                "STATIC_ROOT": media,
                "AXES_ENABLED": "0",
            }
            step(f"database {name}: migrating")
            run = {"env": env, "cwd": ROOT, "check": True}
            subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], **run)  # noqa: S603
            subprocess.run([PYTHON, __file__, "--setup"], **run)  # noqa: S603
            ports = free_port(), free_port()
            processes = [start(env, port) for port in ports]
            step(f"instance A on :{ports[0]}, instance B on :{ports[1]}")
            check(*(f"http://127.0.0.1:{port}" for port in ports))
        except Failure as failure:
            step(f"FAILED: {html.unescape(str(failure))}")
            return 1
        finally:
            for process in processes:
                stop(process)
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            client = redis.Redis.from_url(args.redis)
            keys = list(client.scan_iter(f"{prefix}:*"))
            if keys:
                client.delete(*keys)
    step("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
