#!/usr/bin/env python3
"""Load with faults behind the real proxy: PostgreSQL restarted, an app instance killed, the
mail server stopped, while appraisers save and ask for explanations.

    python scripts/load_with_faults.py [--writers 4] [--before 10] [--during 20] [--after 20]
    make faults

On this machine only (loopback): creates a scratch PostgreSQL database, migrates it and loads
the demo province, then runs the production layout of README "Triển khai": nginx with the site
of deploy/nginx/cchc.conf (TLS with a throw-away certificate) in front of two gunicorn app
instances (production settings, the forwarded headers trusted), one queue worker (`manage.py
qcluster`) and a real SMTP server (aiosmtpd, in this process). In three phases it reads the
dashboards with wrk through nginx while writer threads, each logged in as the demo appraiser,
save the appraisal form of one 2026 sheet again and again, and a notifier thread asks units for
explanations (each request mails the unit) and closes them. In the middle phase the mail server
is stopped, PostgreSQL is restarted (pg_ctlcluster) and one app instance is killed (SIGKILL);
at the end of it the instance and the mail server are started again. Afterwards it checks:

- no 5xx answer from the moment every part is back (CONN_HEALTH_CHECKS; nginx sends requests
  to the live instance);
- every sheet holds exactly one save, whole (all items carry the same generation), and that
  save is the last acknowledged one or a later attempt whose answer was lost in the faults;
- every acknowledged explanation request is stored, and the mail it caused is delivered once
  (no mail lost, none twice), as is every other queued mail;
- the stored results equal a fresh recompute from the scores.

Prints the figures (for the README) and exits non-zero when a check fails. Bounded in time; the
scratch database is dropped at the end (--keep-db keeps it). Needs PostgreSQL on 127.0.0.1:5432
(user postgres, or PGUSER/PGPASSWORD), nginx and openssl, wrk (installed with apt-get when
missing and root).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
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
NGINX_SITE = ROOT / "deploy" / "nginx" / "cchc.conf"
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
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect(),
            urllib.request.HTTPSHandler(context=TLS),
        )

    def request(
        self, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback
        request.add_header("Referer", self.base + path)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
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


@dataclass
class Request:
    """One explanation request of the notifier: its question names it."""

    question: str
    unit_code: str
    item_code: str
    outcome: str  # "asked" (acknowledged), "refused", "error-5xx", "lost", "other-<status>"
    started: float = 0.0


@dataclass
class Notifier(Writer):
    """Asks a unit to explain an item (the unit is mailed), then closes the request, in turn
    over the items of its units; every acknowledged request must reach the unit once."""

    units: list[tuple[str, list[str]]] = field(default_factory=list)  # (unit, item codes)
    requests: list[Request] = field(default_factory=list)

    def ask_once(self, number: int) -> None:
        unit_code, codes = self.units[number % len(self.units)]
        item_code = codes[(number // len(self.units)) % len(codes)]
        question = f"Tải thử, yêu cầu giải trình #{number}"
        asked = Request(question, unit_code, item_code, "lost", time.monotonic())
        self.requests.append(asked)
        sheet = f"/tham-dinh/{unit_code}/{YEAR}/"
        htmx = {"HX-Request": "true"}
        try:
            status, page = self.request(sheet)
            if status != 200:
                asked.outcome = outcome_of(status)
                if status == 302:
                    self.log_in()
                return
            token = CSRF.search(page).group(1)
            status, page = self.request(
                f"{sheet}yeu-cau/{item_code}/",
                {"csrfmiddlewaretoken": token, "question": question},
                htmx,
            )
            if status != 200:
                asked.outcome = outcome_of(status)
                return
            if "Đã gửi yêu cầu giải trình" not in page:
                asked.outcome = "refused"  # e.g. a request of an earlier round still open
                return
            asked.outcome = "asked"
            pk = CLOSE.search(page)
            if pk:
                self.request(
                    f"{sheet}giai-trinh/{pk.group(1)}/dong/",
                    {"csrfmiddlewaretoken": token},
                    htmx,
                )
        except (OSError, AttributeError):
            asked.outcome = "lost" if asked.outcome != "asked" else "asked"

    def loop(self, stop: threading.Event) -> None:
        self.log_in()
        number = 0
        while not stop.is_set():
            number += 1
            self.ask_once(number)
            time.sleep(0.3 if self.requests[-1].outcome == "asked" else 0.5)


CLOSE = re.compile(r'/giai-trinh/(\d+)/dong/"')


class Inbox:
    """The SMTP server's handler (aiosmtpd): every accepted message's outbox key."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import email

        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.keys.append("".join(str(message["X-CCHC-Key"]).split()))
        return "250 OK"


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


# --------------------------------------------------------------------------- the layout

TLS = ssl.create_default_context()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1 (the writers verify it)."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ]
    )  # fmt: skip
    return cert, key


def nginx_config(folder: Path, https_port: int, http_port: int, apps: list[int]) -> Path:
    """deploy/nginx/cchc.conf on loopback ports, in front of `apps`, with the throw-away
    certificate: the site itself, only its addresses changed."""
    site = NGINX_SITE.read_text()
    site = re.sub(r"    server 127\.0\.0\.1:8001[^\n]*\n    server 127\.0\.0\.1:8002[^\n]*\n",
                  "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in apps),
                  site)  # fmt: skip
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    site = site.replace("/etc/ssl/cchc/", f"{folder}/").replace(
        "/srv/cchc/staticfiles/", f"{folder}/static/"
    )
    (folder / "static").mkdir(exist_ok=True)
    (folder / "cchc.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nworker_processes 1;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/cchc.conf;\n}}\n"
    )
    return conf


def start_app(port: int, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  # nosec B603
        [
            str(GUNICORN), "cchc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--no-control-socket", "--timeout", "30", "--log-level", "error",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5, context=TLS) as response:  # noqa: S310  # nosec B310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- main

DEMO_PASSWORD = ""


def main() -> int:
    global DEMO_PASSWORD
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--before", type=int, default=10, help="seconds of load before the faults")
    parser.add_argument("--during", type=int, default=20, help="seconds of load with the faults")
    parser.add_argument("--after", type=int, default=20, help="seconds of load after recovery")
    parser.add_argument("--drain", type=int, default=150, help="most seconds to wait for mail")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--no-postgres-restart",
        action="store_true",
        help="every fault but the restart (a rehearsal that leaves others' tests alone)",
    )
    args = parser.parse_args()

    wrk = ensure_wrk()
    for tool in ("nginx", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y nginx-light openssl")
    if not postgres_ready():
        sys.exit("PostgreSQL is not accepting connections on 127.0.0.1:5432")
    from aiosmtpd.controller import Controller

    database = f"cchc_faults_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="cchc-faults-"))
    cert, _key = make_certificate(folder)
    TLS.load_verify_locations(cafile=str(cert))
    https_port, http_port, smtp_port = free_port(), free_port(), free_port()
    app_ports = [free_port(), free_port()]
    base = f"https://127.0.0.1:{https_port}"
    password = os.environ.get("PGPASSWORD", "")
    auth = f"{PGUSER}:{password}" if password else PGUSER
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@127.0.0.1:5432/{database}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Behind nginx as in production: HTTPS, the forwarded headers trusted.
        "TRUST_X_FORWARDED_PROTO": "1",
        "AXES_PROXY_COUNT": "1",
        "CSRF_TRUSTED_ORIGINS": base,
        "SECURE_HSTS_SECONDS": "0",
        "PORTAL_BASE_URL": base,
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "ERROR",
        # The mail server of this run; a short back-off so that the run stays short.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "5",
        "MAIL_RETRY_SECONDS": "2",
        "MAIL_CLAIM_SECONDS": "20",
        "QUEUE_WORKERS": "2",
        "QUEUE_POLL_SECONDS": "0.5",
        "PROGRESS_CACHE_DIR": str(folder / "progress"),
    }
    psql(f'CREATE DATABASE "{database}"')
    apps: list[subprocess.Popen | None] = [None, None]
    worker = nginx = None
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp_running = False
    log = open(folder / "servers.log", "w")  # noqa: SIM115
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
        asked_units = ["SO-TP", "SO-LDTBXH"]  # units with people to write to
        sheets = list(
            Sheet.objects.filter(year__year=YEAR, unit__group__code="SO")
            .exclude(unit__code__in=["SO-NV", *asked_units])  # the appraiser's own unit
            .select_related("unit")
            .order_by("unit__code")[: args.writers]
        )

        def appraised(sheet):
            return Item.objects.filter(
                framework__year__year=YEAR,
                framework__group=sheet.unit.group,
                is_scored=True,
                method=Method.APPRAISAL,
            ).exclude(pk__in=Score.objects.filter(sheet=sheet, not_applicable=True).values("item"))

        writers = [
            Writer(base, s.unit.code, [(i.code, i.max_points) for i in appraised(s)])
            for s in sheets
        ]
        notifier = Notifier(
            base,
            "",
            [],
            units=[
                (s.unit.code, [i.code for i in appraised(s)])
                for s in Sheet.objects.filter(year__year=YEAR, unit__code__in=asked_units)
                .select_related("unit")
                .order_by("unit__code")
            ],
        )
        connection.close()

        print(f"==> nginx on {base} → gunicorn on {app_ports}, a worker, SMTP on {smtp_port}")
        smtp.start()
        smtp_running = True
        apps = [start_app(port, env, log) for port in app_ports]
        worker = subprocess.Popen(  # noqa: S603  # nosec B603
            [str(PYTHON), "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        conf = nginx_config(folder, https_port, http_port, app_ports)
        nginx = subprocess.Popen(  # noqa: S603  # nosec B603
            ["nginx", "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],  # noqa: S607
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port in app_ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_for(base + "/readyz")

        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in DASHBOARDS))
        stop_event = threading.Event()
        threads = [
            threading.Thread(target=w.loop, args=(stop_event,), daemon=True)
            for w in [*writers, notifier]
        ]
        for thread in threads:
            thread.start()

        print(f"==> phase 1: {args.before}s of load", flush=True)
        phase1 = run_wrk(wrk, base, args.before, script, args.connections)
        print(
            f"==> phase 2: {args.during}s of load; at 2s the mail server stops, at 3s "
            "PostgreSQL restarts, at 6s app instance A is killed; both come back at the end",
            flush=True,
        )
        phase2_result: list[WrkFigures] = []
        phase2 = threading.Thread(
            target=lambda: phase2_result.append(
                run_wrk(wrk, base, args.during, script, args.connections)
            )
        )
        started = time.monotonic()
        phase2.start()
        time.sleep(2)
        smtp.stop()
        smtp_running = False
        time.sleep(1)
        restart_started = time.monotonic()
        recovered = restart_started if args.no_postgres_restart else restart_postgres()
        time.sleep(max(0.0, started + 6 - time.monotonic()))
        stop(apps[0], signal.SIGKILL)
        killed_at = time.monotonic() - started
        phase2.join()
        apps[0] = start_app(app_ports[0], env, log)
        wait_for(f"http://127.0.0.1:{app_ports[0]}/healthz")
        smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        smtp_running = True
        back = time.monotonic()
        print(f"==> phase 3: {args.after}s of load after recovery", flush=True)
        phase3 = run_wrk(wrk, base, args.after, script, args.connections)
        stop_event.set()
        for thread in threads:
            thread.join(timeout=30)

        # Every queued mail delivered: the worker's sweep retries what failed while the mail
        # server was down (its schedule runs each minute).
        from django.db import connection

        from jobs.models import Mail, MailState

        print(f"==> waiting (at most {args.drain}s) for the outbox to empty", flush=True)
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            if not Mail.objects.exclude(state=MailState.SENT).exists():
                break
            connection.close()
            time.sleep(2)
        drained = time.monotonic() - back
        time.sleep(2)  # a duplicate, if any, would come now
        ready = urllib.request.urlopen(base + "/readyz", timeout=5, context=TLS).status  # noqa: S310  # nosec B310
    finally:
        stop(nginx, signal.SIGQUIT)
        for app in apps:
            stop(app)
        stop(worker)
        if smtp_running:
            smtp.stop()
        log.close()

    # ----------------------------------------------------------------- checks
    from django.db import connection, transaction

    from scoring.models import AssessmentYear, DomainResult, ExplanationRequest
    from scoring.services.results import recompute_year

    connection.close()
    problems = []
    attempts = [a for w in writers for a in w.attempts]
    late_errors = [a for a in attempts if a.outcome == "error-5xx" and a.started > back + 1]
    late_errors += [
        r for r in notifier.requests if r.outcome == "error-5xx" and r.started > back + 1
    ]
    if late_errors:
        problems.append(f"{len(late_errors)} writer answers 5xx after recovery")
    if phase3.non_2xx_3xx or phase3.socket_errors:
        problems.append(f"dashboards after recovery: {phase3.non_2xx_3xx} errors")
    if ready != 200:
        problems.append(f"/readyz answers {ready} after recovery")
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

    # Mail: every acknowledged request stored, its mail delivered once; every mail delivered.
    stored_requests = dict(
        ExplanationRequest.objects.filter(question__startswith="Tải thử, yêu cầu").values_list(
            "question", "pk"
        )
    )
    asked = [r for r in notifier.requests if r.outcome == "asked"]
    lost_saves = [r.question for r in asked if r.question not in stored_requests]
    if lost_saves:
        problems.append(f"{len(lost_saves)} acknowledged explanation requests are not stored")
    delivered: dict[str, int] = {}
    for key in inbox.keys:
        delivered[key] = delivered.get(key, 0) + 1
    mails = dict(Mail.objects.values_list("key", "state"))
    lost_mails = [
        r.question
        for r in asked
        if delivered.get(f"explanation-requested:{stored_requests.get(r.question)}", 0) == 0
    ]
    lost_mails += [key for key in mails if key not in delivered]
    twice = [key for key, count in delivered.items() if count > 1]
    unknown_mail = [key for key in delivered if key not in mails]
    if lost_mails:
        problems.append(f"{len(lost_mails)} mails not delivered ({lost_mails[:3]}…)")
    if twice:
        problems.append(f"{len(twice)} mails delivered more than once ({twice[:3]}…)")
    if unknown_mail:
        problems.append(f"{len(unknown_mail)} mails delivered that the outbox does not hold")
    # Requests whose answer was lost in the faults but that were saved: their mail must go too.
    stored_unacknowledged = len(
        [r for r in notifier.requests if r.outcome != "asked" and r.question in stored_requests]
    )

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
    asked_outcomes: dict[str, int] = {}
    for request in notifier.requests:
        asked_outcomes[request.outcome] = asked_outcomes.get(request.outcome, 0) + 1
    print()
    print("| phase | seconds | dashboard requests | req/s | non-2xx/3xx | socket errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, seconds, figures in (
        ("before the faults", args.before, phase1),
        ("with the faults", args.during, phase2),
        ("after recovery", args.after, phase3),
    ):
        print(
            f"| {name} | {seconds} | {figures.requests} | {figures.requests_per_second:.0f} "
            f"| {figures.non_2xx_3xx} | {figures.socket_errors} |"
        )
    print()
    print("| check | figure |")
    print("| --- | --- |")
    answers = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
    asks = ", ".join(f"{count} {name}" for name, count in sorted(asked_outcomes.items()))
    rows = [
        ("PostgreSQL restart", f"{recovered - restart_started:.1f} s until it accepted connections"),
        ("app instance A killed", f"at {killed_at:.0f} s of the faults phase, started again after it"),
        ("mail server stopped", f"from 2 s to the end of the faults phase ({back - started - 2:.0f} s)"),
        (f"appraisal saves ({len(writers)} writers)", f"{len(attempts)} attempted ({answers}); {kept} acknowledged"),
        ("lost or half-written saves", str(len([p for p in problems if "save" in p]))),
        ("explanation requests (1 notifier)", f"{len(notifier.requests)} attempted ({asks})"),
        ("mails queued / delivered", f"{len(mails)} / {len(delivered)} (outbox empty {drained:.0f} s after recovery)"),
        ("lost mails", str(len(lost_mails))),
        ("mails delivered twice", str(len(twice))),
        ("requests saved whose answer was lost", str(stored_unacknowledged)),
        ("5xx after recovery", str(len(late_errors) + phase3.non_2xx_3xx)),
        (f"results of {YEAR} equal a recompute", str(stored == recomputed)),
        ("/readyz after recovery", str(ready)),
    ]  # fmt: skip
    for name, figure in rows:
        print(f"| {name} | {figure} |")
    print(f"\nServer logs (the errors while the parts were down): {folder / 'servers.log'}")
    if problems:
        print("\nFAILED:\n- " + "\n- ".join(problems))
        return 1
    print(
        "\nOK: no 5xx after recovery, no lost or half-written save, every mail delivered once, "
        "results consistent."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
