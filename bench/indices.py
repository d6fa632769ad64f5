"""`make bench`, the related indices: importing a month of 766 values for 100 units.

    python bench/indices.py [--runs 5]

A scratch PostgreSQL database (cchc_bench_indices, created and migrated on each run, dropped at
the end) with 100 departments; a CSV of one month of the 766 index (100 units × 6 components:
600 rows) is imported with `import_index_values` (the command, in this process) into a month
that is empty, then again into the same month (the replacement path: old values deleted, ranks
recomputed). Each figure is the median of the runs. Target: under 1 s (issue 19).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NAME = "cchc_bench_indices"
TARGET_MS = 1000.0


def admin_url() -> str:
    return os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def psql(query) -> None:
    import psycopg

    with psycopg.connect(f"{admin_url()}/postgres", autocommit=True) as connection:
        connection.execute(query)


def month_csv(units: int, share_of: int) -> str:
    maxima = [("1", 18), ("2", 20), ("3", 22), ("4", 12), ("5", 10), ("6", 18)]
    out = io.StringIO()
    out.write("unit_code,component_code,points\r\n")
    for n in range(units):
        share = 0.6 + ((n * 37 + share_of) % 40) / 100
        for code, maximum in maxima:
            out.write(f"B-{n:03d},{code},{maximum * share:.2f}\r\n")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=100)
    args = parser.parse_args()
    from psycopg import sql

    psql(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(NAME)))
    psql(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))
    os.environ["DATABASE_URL"] = f"{admin_url()}/{NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from units.models import Unit, UnitGroup

    try:
        call_command("migrate", verbosity=0)
        group = UnitGroup.objects.get(code="SO")
        Unit.objects.bulk_create(
            [Unit(code=f"B-{n:03d}", name=f"Sở thử {n}", group=group) for n in range(args.units)]
        )
        first, again = [], []
        with tempfile.TemporaryDirectory(prefix="cchc-bench-indices-") as folder:
            for run in range(args.runs):
                path = Path(folder) / f"766-{run}.csv"
                path.write_text(month_csv(args.units, run), encoding="utf-8")
                period = f"2026-{run + 1:02d}"
                for into in (first, again):
                    started = time.perf_counter()
                    call_command(
                        "import_index_values",
                        str(path),
                        "--index",
                        "766",
                        "--period",
                        period,
                        "--as-of",
                        "2026-10-31",
                        stdout=io.StringIO(),
                    )
                    into.append((time.perf_counter() - started) * 1000)
    finally:
        connections.close_all()
        psql(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(NAME)))
    rows = [
        ("import a month of 766 values (100 units, 600 rows), new month", first),
        ("the same file again (values replaced, ranks recomputed)", again),
    ]
    print("| related indices | median | runs | target | met |")
    print("| --- | ---: | ---: | --- | :---: |")
    ok = True
    for label, times in rows:
        median = statistics.median(times)
        met = median < TARGET_MS
        ok = ok and met
        print(
            f"| {label} | {median:.0f} ms | {len(times)} | < {TARGET_MS:.0f} ms | {'✓' if met else '✗'} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
