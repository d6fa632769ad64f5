#!/usr/bin/env python3
"""Load with faults: dashboards under wrk, appraisers saving, PostgreSQL restarted midway.

    python scripts/load_with_faults.py [--writers 4] [--before 10] [--during 20] [--after 20]
    make faults

On this machine only (loopback): creates a scratch PostgreSQL database, migrates it and loads
the demo province, serves it with gunicorn (2 workers, production settings over plain HTTP),
then in three phases reads the dashboards with wrk while writer threads, each logged in as the
demo appraiser, save the appraisal form of one 2026 sheet again and again. In the middle phase
PostgreSQL is restarted (pg_ctlcluster). Afterwards it checks:

- no 5xx answer from the moment PostgreSQL accepts connections again (CONN_HEALTH_CHECKS);
- every sheet holds exactly one save, whole (all items carry the same generation), and that
  save is the last acknowledged one or a later attempt whose answer was lost in the restart;
- the stored results equal a fresh recompute from the scores.

Prints the figures (for the README) and exits non-zero when a check fails. Bounded in time; the
scratch database is dropped at the end (--keep-db keeps it). Needs PostgreSQL on 127.0.0.1:5432
(user postgres, or PGUSER/PGPASSWORD), wrk (installed with apt-get when missing and root).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
YEAR = 2026
APPRAISER = "thamdinh"
DASHBOARDS = ["/", "/mat-diem/", "/so-sanh/", "/don-vi/SO-NV/", "/don-vi/SO-TP/", "/mo/"]
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run one of the fixed commands of this script (no shell), failing loudly."""
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)  # noqa: S603  # nosec B603


def psql(sql: str, database: str = "postgres") -> str:
    return run(["psql", "-h", "127.0.0.1", "-U", PGUSER, "-d", database, "-Atc", sql]).stdout


PGUSER = os.environ.get("PGUSER", "postgres")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "install", "-y", "-qq", "wrk"], env=env)
        return shutil.which("wrk") or "wrk"
    sys.exit("wrk is missing: apt-get install -y wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0  # noqa: S603, S607  # nosec B603 B607


def restart_postgres() -> float:
    """Restart the cluster; return the moment it accepts connections again."""
    version = sorted(os.listdir("/etc/postgresql"))[0]
    run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"])
    while not postgres_ready():
        time.sleep(0.05)
    return time.monotonic()


# --------------------------------------------------------------------------- HTTP writers

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclass
class Attempt:
    generation: int
    started: float
    outcome: str  # "saved", "refused", "error-5xx", "lost" (no answer), "other-<status>"
    status: int | None = None


@dataclass
class Writer:
    base: str
    unit_code: str
    items: list[tuple[str, Decimal]]  # appraisal items (code, maximum)
    attempts: list[Attempt] = field(default_factory=list)
    generation: int = 0

    def __post_init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback http
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=20) as response:  # nosec B310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def log_in(self) -> None:
        status, page = self.request("/tai-khoan/login/")
        token = CSRF.search(page).group(1)
        status, _page = self.request(
            "/tai-khoan/login/",
            {"csrfmiddlewaretoken": token, "username": APPRAISER, "password": DEMO_PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"login failed: {status}")

    def save_once(self) -> None:
        path = f"/tham-dinh/{self.unit_code}/{YEAR}/"
        self.generation += 1
        attempt = Attempt(self.generation, time.monotonic(), "lost")
        self.attempts.append(attempt)
        try:
            status, page = self.request(path)
            if status != 200:
                attempt.outcome, attempt.status = outcome_of(status), status
                if status == 302:
                    self.log_in()
                return
            data = {
                "csrfmiddlewaretoken": CSRF.search(page).group(1),
                "version": VERSION.search(page).group(1),
            }
            for code, maximum in self.items:
                data[f"points-{code}"] = str(points_for(self.generation, maximum))
                data[f"reason-{code}"] = reason_for(self.generation)
            attempt.started = time.monotonic()
            status, _page = self.request(path, data)
            attempt.status = status
            attempt.outcome = "saved" if status == 302 else outcome_of(status)
        except (OSError, AttributeError):
            # No answer (connection reset while PostgreSQL restarts) or a page without the form:
            # the save may or may not have happened.
            attempt.outcome = "lost"

    def loop(self, stop: threading.Event) -> None:
        self.log_in()
        while not stop.is_set():
            self.save_once()
            if self.attempts[-1].outcome != "saved":
                time.sleep(0.2)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def outcome_of(status: int) -> str:
    if status >= 500:
        return "error-5xx"
    if status in (400, 409):
        return "refused"
    return f"other-{status}"


def points_for(generation: int, maximum: Decimal) -> Decimal:
    share = Decimal((generation * 37) % 101) / 100
    return (maximum * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def reason_for(generation: int) -> str:
    return f"Tải thử, lần lưu #{generation}"


# --------------------------------------------------------------------------- wrk


@dataclass
class WrkFigures:
    requests: int = 0
    non_2xx_3xx: int = 0
    socket_errors: int = 0
    requests_per_second: float = 0.0
    latency: str = ""


def run_wrk(wrk: str, base: str, seconds: int, script: Path, connections: int) -> WrkFigures:
    out = subprocess.run(  # noqa: S603  # nosec B603
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = WrkFigures()
    if match := re.search(r"(\d+) requests in", out):
        figures.requests = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        figures.non_2xx_3xx = int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        figures.socket_errors = sum(int(n) for n in match.groups())
    if match := re.search(r"Requests/sec:\s+([\d.]+)", out):
        figures.requests_per_second = float(match.group(1))
    if match := re.search(r"Latency\s+(\S+)", out):
        figures.latency = match.group(1)
    return figures


# --------------------------------------------------------------------------- main

DEMO_PASSWORD = ""


def main() -> int:
    global DEMO_PASSWORD
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--before", type=int, default=10, help="seconds of load before the fault")
    parser.add_argument("--during", type=int, default=20, help="seconds of load around the restart")
    parser.add_argument("--after", type=int, default=20, help="seconds of load after recovery")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    wrk = ensure_wrk()
    if not postgres_ready():
        sys.exit("PostgreSQL is not accepting connections on 127.0.0.1:5432")
    database = f"cchc_faults_{os.getpid()}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    password = os.environ.get("PGPASSWORD", "")
    auth = f"{PGUSER}:{password}" if password else PGUSER
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@127.0.0.1:5432/{database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="cchc-faults-media-"),
        "LOG_LEVEL": "ERROR",
    }
    psql(f'CREATE DATABASE "{database}"')
    gunicorn = None
    try:
        print(f"==> scratch database {database}: migrate and load the demo", flush=True)
        run([str(PYTHON), "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env)
        run([str(PYTHON), "manage.py", "load_demo"], cwd=ROOT, env=env)

        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = "cchc_portal.settings"
        import django

        django.setup()
        from django.db import connection

        from demo import api as demo
        from scoring.models import Item, Method, Result, Score, Sheet

        DEMO_PASSWORD = demo.PASSWORD
        sheets = list(
            Sheet.objects.filter(year__year=YEAR, unit__group__code="SO")
            .exclude(unit__code="SO-NV")  # the appraiser's own unit
            .select_related("unit")
            .order_by("unit__code")[: args.writers]
        )
        writers = []
        for sheet in sheets:
            items = Item.objects.filter(
                framework__year__year=YEAR,
                framework__group=sheet.unit.group,
                is_scored=True,
                method=Method.APPRAISAL,
            ).exclude(pk__in=Score.objects.filter(sheet=sheet, not_applicable=True).values("item"))
            writers.append(Writer(base, sheet.unit.code, [(i.code, i.max_points) for i in items]))
        connection.close()

        print(f"==> gunicorn on {base} (2 workers)", flush=True)
        log = open(Path(tempfile.gettempdir()) / f"{database}-gunicorn.log", "w")  # noqa: SIM115
        gunicorn = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                str(GUNICORN),
                "cchc_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--timeout",
                "30",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310  # nosec B310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")

        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in DASHBOARDS))
        stop = threading.Event()
        threads = [threading.Thread(target=w.loop, args=(stop,), daemon=True) for w in writers]
        for thread in threads:
            thread.start()

        print(f"==> phase 1: {args.before}s of load", flush=True)
        phase1 = run_wrk(wrk, base, args.before, script, args.connections)
        print(f"==> phase 2: {args.during}s of load, PostgreSQL restarted after 3s", flush=True)
        phase2_result: list[WrkFigures] = []
        phase2 = threading.Thread(
            target=lambda: phase2_result.append(
                run_wrk(wrk, base, args.during, script, args.connections)
            )
        )
        phase2.start()
        time.sleep(3)
        restart_started = time.monotonic()
        recovered = restart_postgres()
        phase2.join()
        print(f"==> phase 3: {args.after}s of load after recovery", flush=True)
        phase3 = run_wrk(wrk, base, args.after, script, args.connections)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)

    # ----------------------------------------------------------------- checks
    from django.db import connection, transaction

    from scoring.models import AssessmentYear, DomainResult
    from scoring.services.results import recompute_year

    connection.close()
    problems = []
    attempts = [a for w in writers for a in w.attempts]
    late_errors = [a for a in attempts if a.outcome == "error-5xx" and a.started > recovered + 1]
    if late_errors:
        problems.append(f"{len(late_errors)} writer answers 5xx after recovery")
    if phase3.non_2xx_3xx or phase3.socket_errors:
        problems.append(f"dashboards after recovery: {phase3.non_2xx_3xx} errors")
    kept = 0
    for writer in writers:
        rows = list(
            Score.objects.filter(
                sheet__unit__code=writer.unit_code,
                sheet__year__year=YEAR,
                item__code__in=[code for code, _max in writer.items],
            ).values_list("item__code", "points", "reason")
        )
        reasons = {reason for _code, _points, reason in rows}
        match = (
            re.fullmatch(r"Tải thử, lần lưu #(\d+)", next(iter(reasons)))
            if len(reasons) == 1
            else None
        )
        if match is None:
            problems.append(f"{writer.unit_code}: a half-written save ({sorted(reasons)[:3]}…)")
            continue
        generation = int(match.group(1))
        maxima = dict(writer.items)
        if any(points != points_for(generation, maxima[code]) for code, points, _r in rows):
            problems.append(f"{writer.unit_code}: points of save #{generation} do not match")
        acknowledged = [a.generation for a in writer.attempts if a.outcome == "saved"]
        unknown = {a.generation for a in writer.attempts if a.outcome in ("lost", "error-5xx")}
        last = max(acknowledged, default=0)
        if generation < last or (generation > last and generation not in unknown):
            problems.append(f"{writer.unit_code}: holds save #{generation}, last kept #{last}")
        kept += len(acknowledged)

    year = AssessmentYear.objects.get(year=YEAR)

    def snapshot():
        results = sorted(
            Result.objects.filter(year=year).values_list(
                "unit__code",
                "appraisal",
                "survey",
                "total",
                "max_points",
                "index",
                "band_label",
                "rank",
                "rank_of",
            )
        )
        domains = sorted(
            DomainResult.objects.filter(result__year=year).values_list(
                "result__unit__code", "code", "earned", "max_points", "index"
            )
        )
        return results, domains

    stored = snapshot()
    with transaction.atomic():
        recompute_year(year)
        recomputed = snapshot()
        transaction.set_rollback(True)
    if stored != recomputed:
        problems.append("stored results differ from a recompute of the scores")
    connection.close()
    if not args.keep_db:
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    # ----------------------------------------------------------------- figures
    phase2 = phase2_result[0]
    outcomes: dict[str, int] = {}
    for attempt in attempts:
        outcomes[attempt.outcome] = outcomes.get(attempt.outcome, 0) + 1
    print()
    print("| phase | seconds | dashboard requests | req/s | non-2xx/3xx | socket errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, seconds, figures in (
        ("before the restart", args.before, phase1),
        ("around the restart", args.during, phase2),
        ("after recovery", args.after, phase3),
    ):
        print(
            f"| {name} | {seconds} | {figures.requests} | {figures.requests_per_second:.0f} "
            f"| {figures.non_2xx_3xx} | {figures.socket_errors} |"
        )
    print()
    print(f"PostgreSQL restart: {recovered - restart_started:.1f} s until it accepted connections.")
    answers = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
    print(f"Saves by {len(writers)} writers: {len(attempts)} attempted ({answers}); {kept} kept.")
    print(f"Server log (the errors while PostgreSQL was down): {log.name}")
    print(
        f"Results: {len(stored[0])} results of {YEAR} equal a fresh recompute: {stored == recomputed}."
    )
    if problems:
        print("\nFAILED:\n- " + "\n- ".join(problems))
        return 1
    print("\nOK: no 5xx after recovery, no lost or half-written save, results consistent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
