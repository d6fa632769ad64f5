"""`make bench`, the survey: aggregate 20,000 ballots of 20 questions (400,000 answers) into the
survey points of 100 units × 20 survey items (target under 2 s), on PostgreSQL.

    python bench/survey.py            # scratch database cchc_bench_survey (BENCH_POSTGRES=…)

The database is created and migrated once and the ballots generated in bulk (deterministic);
they are kept for the next run. The figure is the median of 5 runs of
`survey.selectors.computed_points` (one grouped query, the arithmetic in Decimal), and of
`question_results` (the province's per-question page) for comparison.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
NAME = "cchc_bench_survey"
ADMIN = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
UNITS, ITEMS, BALLOTS = 100, 20, 20_000
TARGET_MS = 2000
REPEAT = 5


def say(message: str) -> None:
    print(f"[bench survey] {message}", file=sys.stderr, flush=True)


def prepare() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{ADMIN}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [NAME]
        ).fetchone()
        if not exists or not exists[0]:
            say(f"creating {NAME}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))
    env = {**os.environ, "DATABASE_URL": f"{ADMIN}/{NAME}"}
    env.setdefault("SECRET_KEY", "bench")
    env.setdefault("DEBUG", "0")
    subprocess.run(  # noqa: S603 - our own command
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    os.environ.update(env)


def generate() -> None:
    from scoring.models import AssessmentYear, Item, YearState
    from scoring.services.frameworks import ItemRow, replace_framework
    from survey.models import Answer, Ballot, Option, Question, Questionnaire, RespondentType
    from units.models import Unit, UnitGroup

    if Ballot.objects.count() == BALLOTS:
        say("reusing the generated ballots")
        return
    say(f"generating {BALLOTS} ballots × {ITEMS} questions")
    started = time.perf_counter()
    Answer.objects.all().delete()
    Ballot.objects.all().delete()
    Questionnaire.objects.all().delete()
    year, _created = AssessmentYear.objects.get_or_create(
        year=2030, defaults={"state": YearState.PREPARING, "owner_name": "Bench"}
    )
    group, _created = UnitGroup.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    rows = [ItemRow(code="1", name="Khảo sát", max_points=None, method="survey", row=2)]
    rows += [
        ItemRow(
            code=f"1.{i}",
            name=f"Tiêu chí {i}",
            max_points=Decimal("1.5"),
            method="survey",
            row=i + 2,
        )
        for i in range(1, ITEMS + 1)
    ]
    replace_framework(year, group, rows)
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    units = [
        Unit.objects.get_or_create(
            code=f"B{n:03d}", defaults={"name": f"Đơn vị {n}", "group": group}
        )[0]
        for n in range(UNITS)
    ]
    questionnaire = Questionnaire.objects.create(year=year, group=group)
    items = {i.code: i for i in Item.objects.filter(framework__year=year, framework__group=group)}
    questions, options = [], {}
    for i in range(1, ITEMS + 1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            code=f"Q{i}",
            item=items[f"1.{i}"],
            text=f"Câu {i}",
            order=i,
        )
        questions.append(question)
        options[question.pk] = Option.objects.bulk_create(
            Option(question=question, code=c, weight=Decimal(w), order=k)
            for k, (c, w) in enumerate((("A", 100), ("B", 60), ("C", 20), ("D", 0)))
        )
    types = list(RespondentType.objects.filter(code__in=["nguoi_dan", "cong_chuc"]))
    rng = random.Random("cchc-bench-survey")  # noqa: S311 - sample data
    for start in range(0, BALLOTS, 2000):
        ballots = Ballot.objects.bulk_create(
            Ballot(
                questionnaire=questionnaire,
                reference=f"B{n:06d}",
                unit=units[n % UNITS],
                respondent_type=types[n % len(types)],
                channel="file",
            )
            for n in range(start, start + 2000)
        )
        Answer.objects.bulk_create(
            (
                Answer(
                    ballot=ballot,
                    question=question,
                    option=None if rng.random() < 0.03 else rng.choice(options[question.pk]),
                )
                for ballot in ballots
                for question in questions
            ),
            batch_size=10_000,
        )
    say(f"generated in {time.perf_counter() - started:.0f} s")


def measure() -> dict[str, float]:
    from scoring.models import AssessmentYear
    from survey import selectors
    from survey.models import Questionnaire, TypeWeight
    from units.models import UnitGroup

    year = AssessmentYear.objects.get(year=2030)
    group = UnitGroup.objects.get(code="BENCH")
    TypeWeight.objects.filter(year=year, group=group).delete()
    questionnaire = Questionnaire.objects.get(year=year, group=group)
    figures = {}
    for name, action in (
        ("points", lambda: selectors.computed_points(year, group)),
        ("questions", lambda: selectors.question_results(questionnaire)),
    ):
        times = []
        for _run in range(REPEAT):
            started = time.perf_counter()
            result = action()
            times.append((time.perf_counter() - started) * 1000)
        assert result  # noqa: S101 - a bench, not a check
        figures[name] = statistics.median(times)
    return figures


def main() -> int:
    prepare()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    import django

    django.setup()
    generate()
    figures = measure()
    ok = figures["points"] < TARGET_MS
    print("| survey | median | target | met |")
    print("| --- | ---: | --- | :---: |")
    print(
        f"| survey points of {UNITS} units × {ITEMS} items from {BALLOTS} ballots "
        f"({BALLOTS * ITEMS} answers) | {figures['points']:.0f} ms | < {TARGET_MS} ms | "
        f"{'✓' if ok else '✗'} |"
    )
    print(f"| results per question, all units | {figures['questions']:.0f} ms |  |  |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
