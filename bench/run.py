"""`make bench`: the pages, the writes and the deadline week at scale, every target met or not.

    python bench/run.py                          # both sizes (BENCH_SIZES=province,country)
    python bench/run.py --sizes province --duration 5 --rounds 1 --only fixed,overview --load 0

For each size: a scratch PostgreSQL database (cchc_bench_<size>, generated once with
`generate_data`, reused while complete, VACUUM ANALYZE before measuring; --fresh builds it
again); the writes (bench/engine.py); then the bare Django project (bench/bare_project.py) and
the portal under gunicorn (2 workers, --no-control-socket, DEBUG off, persistent connections,
Redis under a key prefix of its own, whitenoise's manifest), and wrk from another process on
127.0.0.1 (8 connections) on each page of bench/pages.py, signed in through the login form where
the page has a persona: requests per second as a share of the bare view measured just before,
p50 and p99. Then the deadline week (bench/deadline_week.py, locust) on a copy of the database,
and the peak resident memory (VmHWM) of the workers. Needs PostgreSQL, Redis, wrk and locust.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from pages import KINDS, PAGES, PERSONAS, expand

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LOCUST = str(ROOT / ".venv" / "bin" / "locust")

SIZES = {
    "province": {"units": 100, "years": 10},
    "country": {"units": 1000, "years": 10},
}
ROUNDS = 3
# The writes (bench/engine.py), in ms at the median: (key, label, limit or None).
ENGINE_ROWS = [
    ("recompute_ms", "recompute a year ({units} units × {items} items)", 200),
    ("save_sheet_ms", "save a full sheet ({save_sheet_items} items, results included)", 150),
    ("appraise_domain_ms", "save one domain of an appraisal ({appraise_domain_items} items)", 150),
    ("submit_ms", "submit a sheet", None),
    ("publish_ms", "publish a year (readiness, recompute, state)", None),
    ("import_ms", "import a score file ({import_units} units, {import_rows} rows)", 3000),
    ("survey_import_ms", "import a survey file ({survey_rows} rows)", None),
]
MEMORY_LIMIT_MB = 200
DEADLINE_P99_MS = 300
# gunicorn workers in the deadline week: deploy/systemd's two instances × `--workers 3`
# (BENCH_LOAD_WORKERS to compare).
LOAD_WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "6"))


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- database


def admin_url() -> str:
    return os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def database_url(size: str) -> str:
    return f"{admin_url()}/cchc_bench_{size}"


def psql(database: str, query, params=None):
    import psycopg

    with psycopg.connect(f"{admin_url()}/{database}", autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchone()[0] if cursor.description else ""


def database_ready(size: str) -> bool:
    """True when the database holds the complete generated province of this size."""
    name = f"cchc_bench_{size}"
    if not psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = %s", [name]):
        return False
    try:
        units = psql(name, "SELECT count(*) FROM units_unit")
        results = psql(name, "SELECT count(*) FROM scoring_result")
    except Exception:
        return False
    spec = SIZES[size]
    return units == spec["units"] and results == spec["units"] * spec["years"]


def prepare_database(size: str, env: dict, fresh: bool) -> float | None:
    """Create, migrate and generate the database; the generation's seconds (None: reused)."""
    name = f"cchc_bench_{size}"
    if not fresh and database_ready(size):
        say(f"{size}: reusing {name}")
        analyze(name)
        return None
    say(f"{size}: creating {name}")
    from psycopg import sql

    psql("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    psql("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    subprocess.run(  # noqa: S603 - our own commands
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    spec = SIZES[size]
    say(f"{size}: generating {spec['units']} units × {spec['years']} years")
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own commands
        [
            PYTHON,
            "manage.py",
            "generate_data",
            "--units",
            str(spec["units"]),
            "--years",
            str(spec["years"]),
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    seconds = time.perf_counter() - started
    analyze(name)
    return seconds


def analyze(name: str) -> None:
    """The planner's statistics, as a database in use has them (autovacuum): right after a bulk
    load PostgreSQL has none, and it then joins the 150,000 scores of a year by nested loops
    (the appraisal list took 1.3 s instead of 0.1 s before this step)."""
    say(f"{name}: VACUUM ANALYZE")
    psql(name, "VACUUM ANALYZE")


def django_json(env: dict, what: str) -> dict:
    output = subprocess.run(  # noqa: S603 - our own commands
        [PYTHON, str(ROOT / "bench" / "engine.py"), *what.split()],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------- gunicorn and wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict,
    port: int,
    app: str = "cchc_portal.wsgi",
    probe: str = "/_bench/baseline/",
    chdir: Path = ROOT,
    workers: int = 2,
) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own commands
        [
            GUNICORN,
            app,
            "--chdir",
            str(chdir),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=chdir,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2):  # noqa: S310
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return round(kib / 1024, 1)


def lua_script(paths: list[str], folder: Path) -> Path:
    """A wrk script that requests the paths in turn (one path: the same page every time)."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    script = folder / f"paths-{abs(hash(tuple(paths)))}.lua"
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return script


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port: int, paths: list[str], cookie: str | None, duration: int, folder: Path) -> dict:
    command = [
        "wrk",
        "-t2",
        "-c8",
        f"-d{duration}s",
        # wrk's own limit is 2 s, and a reply later than that counted as a socket error: the
        # country's tracker export (1.5 s a file) under 8 connections queues for 6 s, which is a
        # latency to report, not an error.
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(lua_script(paths, folder)),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(  # noqa: S603 - our own commands
        [*command, f"http://127.0.0.1:{port}"], check=True, capture_output=True, text=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        # A page none of whose requests finished within the run is an error: wrk then prints
        # 0 req/s, latencies of 0 and no socket error (it counts a timeout only for a reply, or
        # at its sweep of open connections every 2 s), which read as a page measured at 0 with
        # no error (the survey page, about 2.5 s a request under a load of 10-14, in a 3 s run).
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0)
        + (1 if requests == 0 else 0),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": requests,
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def warm_up(port: int, paths: list[str], cookie: str | None) -> None:
    """Every path once, so that the measured run reads the cache as in a busy week; a page that
    answers anything but 200 (a redirect to the login, a 403) stops the benchmark."""
    opener = urllib.request.build_opener(NoRedirect)
    for path in paths:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310
        if cookie:
            request.add_header("Cookie", f"sessionid={cookie}")
        try:
            with opener.open(request, timeout=300) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")


def login(port: int, username: str, password: str) -> str:
    """A real sign-in through the login form (CSRF token, django-axes, the session): the
    session cookie's value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"http://127.0.0.1:{port}/tai-khoan/login/"
    with opener.open(url, timeout=60) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    try:
        opener.open(request, timeout=60)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise RuntimeError(f"login of {username}: HTTP {error.code}") from None
    sessions = [cookie.value for cookie in jar if cookie.name == "sessionid"]
    if not sessions:
        raise RuntimeError(f"login of {username} gave no session")
    return sessions[0]


# --------------------------------------------------------------------------- one size


def bench_size(
    size: str,
    duration: int,
    rounds: int,
    fresh: bool,
    folder: Path,
    only: set[str] | None,
    load: int,
) -> dict:
    prefix = f"bench-{os.getpid()}-{size}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(size),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        # Plain HTTP on 127.0.0.1 (TLS is the proxy's in production): the login's cookies must
        # come back to the server, from urllib and from locust.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": prefix,
        "BENCHMARK_VIEWS": "1",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }
    generation = prepare_database(size, env, fresh)
    setup = django_json(env, "pages")
    say(f"{size}: the writes")
    engine = django_json(env, "engine") if not only or "engine" in only else {}
    subprocess.run(  # noqa: S603 - our own commands
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    bare_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    bare_port, port = free_port(), free_port()
    say(f"{size}: the bare Django project on :{bare_port}, the portal on :{port}")
    bare = start_gunicorn(bare_env, bare_port, "bare_project:application", "/", ROOT / "bench")
    server = start_gunicorn(env, port)
    figures, memory, pairs, deadline = {}, [], [], None
    try:
        sessions = {
            persona: login(port, username, setup["password"])
            for persona, username in PERSONAS.items()
        }
        wrk(bare_port, ["/"], None, 2, folder)
        bare_before = wrk(bare_port, ["/"], None, duration, folder)
        for name, _label, persona, path, _kind in PAGES:
            if only and name not in only:
                continue
            paths, cookie = expand(path, setup), sessions.get(persona)
            try:
                warm_up(port, paths, cookie)
            except (RuntimeError, OSError) as error:
                # One page that fails is a row marked NOT MET, not the end of the run.
                say(f"{size}: {name} failed: {error}")
                figures[name] = {
                    "rps": 0.0,
                    "p50": 0.0,
                    "p99": 0.0,
                    "requests": 0,
                    "refused": str(error),
                    "share": 0.0,
                    "errors": 1,
                }
                continue
            wrk(port, paths, cookie, 2, folder)  # connections and workers warm
            # The machine is shared: the bare view runs just before the page, `rounds` times;
            # each figure is the median over the rounds (the share: of each round's pair).
            measured = []
            for _round in range(rounds):
                floor = wrk(bare_port, ["/"], None, duration, folder)
                page = wrk(port, paths, cookie, duration, folder)
                pairs.append(floor)
                measured.append({**page, "share": page["rps"] / floor["rps"]})
            figures[name] = {
                **median_figures(measured),
                "errors": sum(m["errors"] for m in measured),
            }
            say(f"{size}: {name} {figures[name]}")
            if not figures[name]["requests"]:
                say(
                    f"{size}: {name}: no request finished within {duration} s (a longer --duration?)"
                )
        bare_after = wrk(bare_port, ["/"], None, duration, folder)
        memory = [peak_memory_mb(pid) for pid in workers(server.pid)]
    finally:
        stop(server)
        stop(bare)
        clear_cache(env["REDIS_URL"], prefix)
    if load:
        deadline = deadline_week(size, env, setup, load, folder)
        memory += deadline.pop("worker_peak_mb")
    return {
        "size": size,
        "generation_s": generation,
        "setup": {
            k: setup[k] for k in ("units", "scores", "items_per_framework", "published_year")
        },
        "engine": engine,
        "bare": {
            "before": bare_before,
            "after": bare_after,
            "paired": median_figures(pairs) if pairs else {},
        },
        "pages": figures,
        "deadline_week": deadline,
        "worker_peak_mb": memory,
    }


def deadline_week(size: str, env: dict, setup: dict, seconds: int, folder: Path) -> dict:
    """The locust scenario (bench/deadline_week.py) against gunicorn on a copy of the scratch
    database, then the check that nothing acknowledged was lost and the results equal a
    recompute; the copy is dropped afterwards."""
    import resource

    from psycopg import sql

    source, copy = f"cchc_bench_{size}", f"cchc_bench_{size}_load"
    say(f"{size}: the deadline week ({seconds} s) on a copy, {copy}")
    psql("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
    psql(
        "postgres",
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(copy), sql.Identifier(source)
        ),
    )
    load_env = {
        **env,
        "DATABASE_URL": f"{admin_url()}/{copy}",
        "CACHE_KEY_PREFIX": env["CACHE_KEY_PREFIX"] + "-load",
    }
    people = django_json(load_env, "load-setup")
    setup_file, acks = folder / f"load-{size}.json", folder / f"acks-{size}.jsonl"
    times = folder / f"times-{size}.tsv"
    setup_file.write_text(json.dumps({**setup, **people}))
    acks.write_text("")
    times.write_text("")
    port = free_port()
    # The portal as deploy/systemd runs it: two instances of three workers behind nginx, here one
    # gunicorn with six (a slow request holds one of six, not one of the pages' two).
    server = start_gunicorn(load_env, port, workers=LOAD_WORKERS)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, started_at = time.perf_counter(), time.time()
        subprocess.run(  # noqa: S603 - our own commands
            [
                LOCUST,
                "-f",
                str(ROOT / "bench" / "deadline_week.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                "310",
                "--spawn-rate",
                "10",
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "20",
                "--csv",
                str(folder / f"locust-{size}"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "BENCH_LOAD_SETUP": str(setup_file),
                "BENCH_LOAD_ACKS": str(acks),
                "BENCH_LOAD_TIMES": str(times),
            },
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        memory = [peak_memory_mb(pid) for pid in workers(server.pid)]
    finally:
        stop(server)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    phases = request_phases(times, started_at)
    failures = []
    failures_file = folder / f"locust-{size}_failures.csv"
    if failures_file.exists():
        import csv

        with open(failures_file) as rows:
            failures = [
                {
                    "name": f"{r['Method']} {r['Name']}",
                    "error": r["Error"],
                    "count": int(r["Occurrences"]),
                }
                for r in csv.DictReader(rows)
            ]
    verified = django_json(load_env, f"load-verify {acks}")
    psql("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
    return {
        "seconds": seconds,
        "wall_s": wall,
        "locust_cpu_s": cpu,
        "phases": phases,
        "failures": failures,
        "acknowledged": verified["acknowledged"],
        "lost": verified["lost"],
        "lost_examples": verified["lost_examples"],
        "differing": verified["differing"],
        "worker_peak_mb": memory,
    }


def request_phases(times: Path, started_at: float) -> list[dict]:
    """The requests of the run in two phases, each with its figures per kind: the arrivals (from
    the start until locust has started every person: 310 people signing in within half a minute,
    every cache cold, as on the morning after a deploy) and the hours after them (everyone at
    work, pauses as people make)."""
    rows, arrived = [], None
    for line in times.read_text().splitlines():
        at, name, ms, failed = line.split("\t")
        if name == "ARRIVED":
            arrived = arrived or float(at)
        else:
            rows.append((float(at), name, float(ms), failed == "1"))
    if not rows:
        return []
    ended = max(at for at, *_ in rows)
    arrived = arrived or ended
    phases = []
    for label, low, high in (
        ("as everyone arrives", started_at, arrived),
        ("after everyone has arrived", arrived, ended + 1),
    ):
        chosen = [row for row in rows if low <= row[0] < high]
        seconds = max(min(high, ended) - low, 1e-9)
        kinds = []
        for name in sorted({row[1] for row in chosen}):
            times_ms = sorted(row[2] for row in chosen if row[1] == name)
            kinds.append(
                {
                    "name": name,
                    "count": len(times_ms),
                    "failures": sum(1 for row in chosen if row[1] == name and row[3]),
                    "rps": len(times_ms) / seconds,
                    "p50": percentile(times_ms, 0.50),
                    "p99": percentile(times_ms, 0.99),
                }
            )
        phases.append({"label": label, "seconds": seconds, "kinds": kinds})
    return phases


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    if not ordered:
        return 0.0
    return ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * q) - 1))]


def deadline_summary(deadline: dict) -> str:
    return (
        f"The deadline week: 100 unit staff, 10 appraisers and 200 readers for {deadline['seconds']} s, "
        f"gunicorn with {LOAD_WORKERS} workers (deploy/systemd: two instances of 3) "
        f"(locust from a second process used {deadline['locust_cpu_s']:.0f} s of CPU in "
        f"{deadline['wall_s']:.0f} s, i.e. {deadline['locust_cpu_s'] / deadline['wall_s']:.0%} of one core); "
        f"{deadline['acknowledged']} cells saved and acknowledged."
        + "".join(
            f"\nFailure: {f['name']}: {f['error']} ({f['count']}×)."
            for f in deadline.get("failures", [])
        )
    )


def median_figures(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def clear_cache(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# --------------------------------------------------------------------------- the table


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("✓" if ok else "✗")


def report(runs: list[dict]) -> tuple[str, bool]:
    lines, all_ok = [], True

    def mark(ok: bool | None) -> str:
        nonlocal all_ok
        if ok is not None:
            all_ok &= ok
        return "" if ok is None else ("met" if ok else "NOT MET")

    lines.append(f"Machine: {machine()}")
    labels = {name: (label, kind) for name, label, _persona, _path, kind in PAGES}
    for run in runs:
        size, bare = run["size"], run["bare"]
        lines += [
            "",
            f"### {size}: {run['setup']['units']} units, {run['setup']['scores']:,} scores",
            "",
        ]
        lines.append(
            "| page | req/s | share of bare Django | p50 ms | p99 ms | errors | target | |"
        )
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for when in ("before", "after"):
            figure = bare[when]
            lines.append(
                f"| bare Django view ({when} the pages) | {figure['rps']:.0f} | 100% | "
                f"{figure['p50']:.2f} | {figure['p99']:.2f} | {figure['errors']} | | |"
            )
        for name, page in run["pages"].items():
            label, kind = labels[name]
            share_min, p99_max = KINDS[kind]
            parts = ([f"≥ {share_min:.0%}"] if share_min else []) + (
                [f"p99 < {p99_max} ms"] if p99_max else []
            )
            ok = None
            if parts:
                ok = (share_min is None or page["share"] >= share_min) and (
                    p99_max is None or page["p99"] < p99_max
                )
            if page["errors"]:
                ok = False
            errors = f"{page['errors']:.0f}"
            if page.get("refused"):
                errors += f" (warm-up: {page['refused']})"
            elif not page["requests"]:
                errors += " (no request finished within the run)"
            lines.append(
                f"| {label} | {page['rps']:.0f} | {page['share']:.1%} | {page['p50']:.2f} | "
                f"{page['p99']:.2f} | {errors} | {', '.join(parts)} | {mark(ok)} |"
            )
        engine = run["engine"]
        if engine:
            lines += ["", "| write | median | target | |", "| --- | ---: | --- | --- |"]
            for key, label, limit in ENGINE_ROWS:
                value = engine.get(key)
                refusal = engine.get(key.replace("_ms", "_refusal"))
                shown = f"{value:.0f} ms" if value is not None else f"refused: {refusal}"
                ok = None if limit is None or value is None else value < limit
                lines.append(
                    f"| {label.format(**engine)} | {shown} | {f'< {limit} ms' if limit else ''} | {mark(ok)} |"
                )
        deadline = run.get("deadline_week")
        if deadline:
            lines += ["", deadline_summary(deadline)]
            for phase in deadline["phases"]:
                lines += [
                    "",
                    f"{phase['label'][0].upper()}{phase['label'][1:]} ({phase['seconds']:.0f} s):",
                    "",
                    "| request | count | req/s | p50 ms | p99 ms | failures | target | |",
                    "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
                ]
                for kind in phase["kinds"]:
                    ok = kind["p99"] < DEADLINE_P99_MS and kind["failures"] == 0
                    lines.append(
                        f"| {kind['name']} | {kind['count']} | {kind['rps']:.1f} | {kind['p50']:.0f} | "
                        f"{kind['p99']:.0f} | {kind['failures']} | p99 < {DEADLINE_P99_MS} ms, no error | {mark(ok)} |"
                    )
            lines += [
                "",
                "| after the load | count | target | |",
                "| --- | ---: | --- | --- |",
                f"| acknowledged saves lost | {deadline['lost']} | none | {mark(deadline['lost'] == 0)} |",
                f"| results differing from a recompute | {deadline['differing']} | none | "
                f"{mark(deadline['differing'] == 0)} |",
            ]
        peak = max(run["worker_peak_mb"], default=0)
        generated = (
            "reused" if run["generation_s"] is None else f"generated in {run['generation_s']:.0f} s"
        )
        lines += [
            "",
            f"Peak resident memory of a worker: {peak:.0f} MB (target < {MEMORY_LIMIT_MB} MB: "
            f"{mark(peak < MEMORY_LIMIT_MB)}); data {generated}.",
        ]
    return "\n".join(lines), all_ok


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.release()}, load {load:.1f} at the end"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "province,country"))
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", "5")),
        help="seconds of each wrk run (each page: rounds of the bare view, then the page)",
    )
    parser.add_argument(
        "--fresh", action="store_true", default=os.environ.get("BENCH_FRESH") == "1"
    )
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", str(ROUNDS)))
    )
    parser.add_argument("--only", help="comma-separated page names (bench/pages.py), 'engine'")
    parser.add_argument(
        "--load",
        type=int,
        default=int(os.environ.get("BENCH_LOAD", "60")),
        help="seconds of the deadline week's locust scenario (0: skip it)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--keep",
        default=os.environ.get("BENCH_KEEP"),
        help="copy the run's files to this folder (the deadline week's log of every request)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    runs = []
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as folder:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            only = {n.strip() for n in args.only.split(",")} if args.only else None
            runs.append(
                bench_size(
                    size, args.duration, args.rounds, args.fresh, Path(folder), only, args.load
                )
            )
        if args.keep:
            shutil.copytree(
                folder, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("static")
            )
    table, ok = report(runs)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
