"""`make bench`: data at scale, the engine, the pages under load and memory, as one table.

    python bench/run.py                          # both sizes (BENCH_SIZES=province,country)
    python bench/run.py --sizes province --duration 5

For each size: a scratch PostgreSQL database (cchc_bench_<size>, generated once with
`generate_data` and reused while complete; --fresh builds it again), the engine benchmarks
(bench/engine.py), then gunicorn (2 workers, --no-control-socket, DEBUG off, persistent
connections, Redis cache under a key prefix of its own, whitenoise's manifest) and wrk from
another process on 127.0.0.1 (8 connections) on each page: requests per second as a share of a
fixed-string Django view measured in the same run, p50 and p99 latency. Last, the peak resident
memory (VmHWM) of the workers. Needs PostgreSQL, Redis and wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

SIZES = {
    "province": {"units": 100, "years": 10},
    "country": {"units": 1000, "years": 10},
}
# (page, share of the baseline's requests per second, p99 in ms) per size; None: no target.
TARGETS = {
    "province": {
        "overview": (0.25, 50),
        "profile": (0.25, 50),
        "comparison": (0.15, 50),
        "public": (0.25, 50),
        "csv": (None, 50),
    },
    "country": {
        "overview": (0.15, 100),
        "profile": (0.15, 100),
        "comparison": (0.15, 100),
        "public": (0.15, 100),
        "csv": (None, 100),
    },
}
PAGE_NAMES = {
    "baseline": "baseline: fixed string `/_bench/baseline/`",
    "overview": "province overview `/`",
    "profile": "unit profile `/don-vi/<code>/` (100 units in turn)",
    "comparison": "year-over-year comparison `/so-sanh/?group=…` (each group in turn)",
    "public": "public results page `/mo/`",
    "csv": "CSV export `/mo/ket-qua-<year>.csv`",
    "overview_signed_in": "province overview `/`, signed in (leadership)",
}
ROUNDS = 3
ENGINE_TARGETS = {"recompute_ms": 1000, "save_sheet_ms": 300}
MEMORY_TARGET_MB = {"country": 200}


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
    return time.perf_counter() - started


def django_json(env: dict, what: str) -> dict:
    output = subprocess.run(  # noqa: S603 - our own commands
        [PYTHON, str(ROOT / "bench" / "engine.py"), what],
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


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own commands
        [
            GUNICORN,
            "cchc_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/baseline/", timeout=2):  # noqa: S310
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
    if errors or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {paths[0]}:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def warm_up(port: int, paths: list[str], cookie: str | None) -> None:
    """Every path once, so that the measured run reads the cache as in a busy week."""
    for path in paths:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310
        if cookie:
            request.add_header("Cookie", f"sessionid={cookie}")
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")


# --------------------------------------------------------------------------- one size


def bench_size(size: str, duration: int, fresh: bool, folder: Path) -> dict:
    prefix = f"bench-{os.getpid()}-{size}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(size),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": prefix,
        "BENCHMARK_VIEWS": "1",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }
    generation = prepare_database(size, env, fresh)
    say(f"{size}: engine benchmarks")
    engine = django_json(env, "engine")
    setup = django_json(env, "pages")
    subprocess.run(  # noqa: S603 - our own commands
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    pages = {
        "baseline": (["/_bench/baseline/"], None),
        "overview": (["/"], None),
        "profile": (setup["profiles"], None),
        "comparison": (setup["comparisons"], None),
        "public": (["/mo/"], None),
        "csv": ([setup["csv"]], None),
        "overview_signed_in": (["/"], setup["session"]),
    }
    port = free_port()
    say(f"{size}: gunicorn on 127.0.0.1:{port}")
    server = start_gunicorn(env, port)
    figures, memory, baselines = {}, [], []
    baseline_paths = pages.pop("baseline")[0]
    try:
        warm_up(port, baseline_paths, None)
        wrk(port, baseline_paths, None, 2, folder)
        for name, (paths, cookie) in pages.items():
            warm_up(port, paths, cookie)
            wrk(port, paths, cookie, 2, folder)  # connections and workers warm
            # The machine may be shared: the baseline runs just before the page, ROUNDS times,
            # and each figure is the median over the rounds (the share: of each round's pair).
            rounds = []
            for _round in range(ROUNDS):
                baseline = wrk(port, baseline_paths, None, duration, folder)
                page = wrk(port, paths, cookie, duration, folder)
                baselines.append(baseline)
                rounds.append({**page, "share": page["rps"] / baseline["rps"]})
            figures[name] = median_figures(rounds)
            say(f"{size}: {name} {figures[name]}")
        memory = [peak_memory_mb(pid) for pid in workers(server.pid)]
    finally:
        stop(server)
        clear_cache(env["REDIS_URL"], prefix)
    figures = {"baseline": {**median_figures(baselines), "share": 1.0}, **figures}
    return {
        "size": size,
        "generation_s": generation,
        "setup": {
            k: setup[k] for k in ("units", "scores", "items_per_framework", "published_year")
        },
        "engine": engine,
        "pages": figures,
        "worker_peak_mb": memory,
    }


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
    lines.append(f"Machine: {machine()}")
    lines.append("")
    lines.append("| size | page | req/s | share of baseline | p50 ms | p99 ms | target | met |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | --- | :---: |")
    for run in runs:
        size, pages = run["size"], run["pages"]
        for name, page in pages.items():
            share = page["share"]
            target, ok = "", None
            if name in TARGETS[size]:
                minimum, p99 = TARGETS[size][name]
                parts = ([f"≥ {minimum:.0%}"] if minimum else []) + [f"p99 < {p99} ms"]
                target = ", ".join(parts)
                ok = (minimum is None or share >= minimum) and page["p99"] < p99
                all_ok &= ok
            lines.append(
                f"| {size} | {PAGE_NAMES[name]} | {page['rps']:.0f} | {share:.0%} | "
                f"{page['p50']:.2f} | {page['p99']:.2f} | {target} | {verdict(ok)} |"
            )
    lines.append("")
    lines.append("| size | engine | median | target | met |")
    lines.append("| --- | --- | ---: | --- | :---: |")
    for run in runs:
        size, engine = run["size"], run["engine"]
        rows = [
            (
                "recompute_ms",
                f"recompute a year ({engine['units']} units × {engine['items']} items)",
            ),
            (
                "save_sheet_ms",
                f"save a full sheet ({engine['save_sheet_items']} items, results included)",
            ),
            (
                "import_ms",
                f"import a score file ({engine['import_units']} units, {engine['import_rows']} rows)",
            ),
        ]
        for key, label in rows:
            limit = ENGINE_TARGETS.get(key)
            ok = None if limit is None else engine[key] < limit
            if ok is not None:
                all_ok &= ok
            target = f"< {limit} ms" if limit else ""
            lines.append(f"| {size} | {label} | {engine[key]:.0f} ms | {target} | {verdict(ok)} |")
    lines.append("")
    lines.append("| size | data | generated in | worker peak RSS | target | met |")
    lines.append("| --- | --- | ---: | ---: | --- | :---: |")
    for run in runs:
        size, setup = run["size"], run["setup"]
        peak = max(run["worker_peak_mb"], default=0)
        limit = MEMORY_TARGET_MB.get(size)
        ok = None if limit is None else peak < limit
        if ok is not None:
            all_ok &= ok
        generated = "reused" if run["generation_s"] is None else f"{run['generation_s']:.0f} s"
        lines.append(
            f"| {size} | {setup['units']} units, {setup['scores']:,} scores | {generated} | "
            f"{peak:.0f} MB | {f'< {limit} MB' if limit else ''} | {verdict(ok)} |"
        )
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
        help="seconds of each wrk run (each page: 3 rounds of baseline, then page)",
    )
    parser.add_argument(
        "--fresh", action="store_true", default=os.environ.get("BENCH_FRESH") == "1"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    runs = []
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as folder:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            runs.append(bench_size(size, args.duration, args.fresh, Path(folder)))
    table, ok = report(runs)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
