"""Reads of the survey: the aggregates every page, command and export uses.

Ballots are aggregated in the database (one grouped query per questionnaire), never loaded one
by one: 20,000 ballots × 20 questions are 400,000 answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from scoring import calculations
from scoring.calculations import SATISFIED_FROM, TypeTally
from scoring.models import AssessmentYear, Item
from survey.models import (
    Answer,
    Ballot,
    Question,
    Questionnaire,
    RespondentType,
    SampleTarget,
    TypeWeight,
)
from units.models import Unit, UnitGroup


def decimals_of(year: AssessmentYear) -> int:
    """The year's number of decimals (2 until `AssessmentYear.decimals` lands, then 2 or 3)."""
    return int(getattr(year, "decimals", 2))


def questionnaire_of(year: AssessmentYear, group: UnitGroup) -> Questionnaire | None:
    return Questionnaire.objects.filter(year=year, group=group).first()


def type_weights(year: AssessmentYear, group: UnitGroup) -> dict[str, Decimal]:
    return dict(
        TypeWeight.objects.filter(year=year, group=group).values_list(
            "respondent_type__code", "weight"
        )
    )


# unit id → item id → type code → tally
Tallies = dict[int, dict[int, dict[str, TypeTally]]]


def item_tallies(questionnaire: Questionnaire) -> Tallies:
    """Valid answers per unit, item and respondent type: their number and weight sum (one query).

    The database counts answers per option; the weights are multiplied and summed here, in
    Decimal (official figures are never summed in SQL: SQLite would sum floats).
    """
    counts: dict[tuple[int, int, str], list[int | Decimal]] = {}
    rows = (
        Answer.objects.filter(ballot__questionnaire=questionnaire, option__isnull=False)
        .values_list(
            "ballot__unit_id",
            "question__item_id",
            "ballot__respondent_type__code",
            "option__weight",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, item_id, type_code, weight, n in rows:
        entry = counts.setdefault((unit_id, item_id, type_code), [0, Decimal(0)])
        entry[0] += n
        entry[1] += weight * n
    found: Tallies = defaultdict(lambda: defaultdict(dict))
    for (unit_id, item_id, type_code), (n, total) in counts.items():
        found[unit_id][item_id][type_code] = TypeTally(int(n), Decimal(total))
    return found


@dataclass(frozen=True)
class PointRow:
    unit: Unit
    item: Item
    points: Decimal | None  # None: no valid answer
    answers: int  # valid answers


def computed_points(year: AssessmentYear, group: UnitGroup) -> list[PointRow]:
    """The survey points per unit and survey item the questionnaire feeds, from the ballots.

    Units are those of the group that exist in the year; items those the questionnaire's
    questions are linked to. Raises `calculations.UnweightedType` when a type answered without
    a weight while the group uses type weights.
    """
    questionnaire = questionnaire_of(year, group)
    if questionnaire is None:
        return []
    items = sorted(
        {q.item for q in questionnaire.questions.select_related("item")},
        key=lambda i: i.sort_key,
    )
    units = list(Unit.objects.existing_in(year.year).filter(group=group).order_by("code"))
    tallies = item_tallies(questionnaire)
    weights = type_weights(year, group)
    rounding = year.rounding
    decimals = decimals_of(year)
    rows = []
    for unit in units:
        for item in items:
            by_type = tallies.get(unit.pk, {}).get(item.pk, {})
            rows.append(
                PointRow(
                    unit,
                    item,
                    calculations.survey_points(
                        item.max_points, by_type, weights, decimals, rounding
                    ),
                    sum(t.count for t in by_type.values()),
                )
            )
    return rows


@dataclass
class QuestionResult:
    question: Question
    answers: int = 0  # valid answers
    blank: int = 0  # empty or "không trả lời"
    distribution: dict[str, int] = field(default_factory=dict)  # option code → answers
    satisfaction: Decimal | None = None  # percent of answers weighted 60 % or more
    mean_weight: Decimal | None = None

    @property
    def below_target(self) -> bool:
        return self.satisfaction is not None and self.satisfaction < SATISFACTION_TARGET


#: The profile flags questions whose satisfaction is below this rate (percent).
SATISFACTION_TARGET = Decimal("80")


def question_results(
    questionnaire: Questionnaire, unit: Unit | None = None
) -> list[QuestionResult]:
    """Per question (of one unit, or of every unit): valid answers, the distribution over the
    options, the satisfaction rate and the mean weight. Two queries."""
    year = questionnaire.year
    questions = list(
        questionnaire.questions.select_related("item").prefetch_related("options").order_by("order")
    )
    results = {
        q.pk: QuestionResult(q, distribution={o.code: 0 for o in q.options.all()})
        for q in questions
    }
    answers = Answer.objects.filter(ballot__questionnaire=questionnaire)
    if unit is not None:
        answers = answers.filter(ballot__unit=unit)
    sums: dict[int, Decimal] = defaultdict(Decimal)
    satisfied: dict[int, int] = defaultdict(int)
    for question_id, code, weight, n in (
        answers.values_list("question_id", "option__code", "option__weight")
        .annotate(n=Count("id"))
        .order_by()
    ):
        result = results[question_id]
        if code is None:
            result.blank += n
            continue
        result.distribution[code] = result.distribution.get(code, 0) + n
        result.answers += n
        sums[question_id] += weight * n
        if weight >= SATISFIED_FROM:
            satisfied[question_id] += n
    for question_id, result in results.items():
        result.satisfaction = calculations.satisfaction_rate(
            result.answers, satisfied[question_id], decimals_of(year), year.rounding
        )
        result.mean_weight = calculations.mean_weight(
            result.answers, sums[question_id], decimals_of(year), year.rounding
        )
    return [results[q.pk] for q in questions]


@dataclass(frozen=True)
class WeakQuestion:
    unit: Unit
    question: Question
    answers: int
    satisfaction: Decimal


def weakest_questions(questionnaire: Questionnaire, limit: int = 10) -> list[WeakQuestion]:
    """The questions with the lowest satisfaction across the questionnaire's units (one query)."""
    rows = (
        Answer.objects.filter(ballot__questionnaire=questionnaire, option__isnull=False)
        .values_list("ballot__unit_id", "question_id")
        .annotate(n=Count("id"), happy=Count("id", filter=Q(option__weight__gte=SATISFIED_FROM)))
        .order_by()
    )
    rounding, decimals = questionnaire.year.rounding, decimals_of(questionnaire.year)
    found = []
    for unit_id, question_id, n, happy in rows:
        rate = calculations.satisfaction_rate(n, happy, decimals, rounding)
        if rate is not None:
            found.append((rate, unit_id, question_id, n))
    found.sort(key=lambda r: (r[0], -r[3]))
    found = found[:limit]
    units = Unit.objects.in_bulk({r[1] for r in found})
    questions = Question.objects.in_bulk({r[2] for r in found})
    return [WeakQuestion(units[u], questions[q], n, rate) for rate, u, q, n in found]


@dataclass(frozen=True)
class ProgressCell:
    collected: int
    target: int | None

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, self.collected * 100 // self.target)


@dataclass(frozen=True)
class Progress:
    """Ballots collected per unit (rows) and respondent type (columns) against the targets."""

    types: list[RespondentType]
    rows: list[tuple[Unit, list[ProgressCell]]]


def progress(questionnaire: Questionnaire) -> Progress:
    """Ballots collected per unit and respondent type, against the sample target (four queries).

    The types are those with a target or a ballot for some unit of the questionnaire."""
    counts = {
        (u, t): n
        for u, t, n in Ballot.objects.filter(questionnaire=questionnaire)
        .values_list("unit_id", "respondent_type_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    targets = {
        (u, t): n
        for u, t, n in SampleTarget.objects.filter(questionnaire=questionnaire).values_list(
            "unit_id", "respondent_type_id", "target"
        )
    }
    type_ids = {t for _u, t in counts} | {t for _u, t in targets}
    types = list(RespondentType.objects.filter(pk__in=type_ids))
    units = Unit.objects.existing_in(questionnaire.year.year).filter(group=questionnaire.group_id)
    return Progress(
        types,
        [
            (
                unit,
                [
                    ProgressCell(counts.get((unit.pk, t.pk), 0), targets.get((unit.pk, t.pk)))
                    for t in types
                ],
            )
            for unit in units.order_by("code")
        ],
    )


def progress_totals(year: AssessmentYear) -> list[tuple[Questionnaire, int, int]]:
    """Per questionnaire of the year: ballots collected and the sum of the sample targets (two
    queries)."""
    questionnaires = list(
        Questionnaire.objects.filter(year=year).select_related("group").order_by("group__order")
    )
    collected = dict(
        Ballot.objects.filter(questionnaire__in=questionnaires)
        .values_list("questionnaire_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    targets: dict[int, int] = defaultdict(int)
    for questionnaire_id, target in SampleTarget.objects.filter(
        questionnaire__in=questionnaires
    ).values_list("questionnaire_id", "target"):
        targets[questionnaire_id] += target
    return [(q, collected.get(q.pk, 0), targets[q.pk]) for q in questionnaires]


# --------------------------------------------------------------------------- exports of aggregates


def unit_question_results(
    questionnaire: Questionnaire,
) -> list[tuple[Unit, list[QuestionResult]]]:
    """Per unit of the questionnaire's group (in code order) and question: valid answers, the
    distribution, the satisfaction rate and the mean weight, as `question_results` gives for one
    unit, for every unit in one grouped query (three queries in all). Units without any ballot
    are listed with no answers. Aggregates only: no ballot is read."""
    year = questionnaire.year
    questions = list(
        questionnaire.questions.select_related("item").prefetch_related("options").order_by("order")
    )
    units = list(
        Unit.objects.existing_in(year.year).filter(group=questionnaire.group_id).order_by("code")
    )
    per_unit: dict[int, dict[int, QuestionResult]] = {
        unit.pk: {
            q.pk: QuestionResult(q, distribution={o.code: 0 for o in q.options.all()})
            for q in questions
        }
        for unit in units
    }
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    satisfied: dict[tuple[int, int], int] = defaultdict(int)
    for unit_id, question_id, code, weight, n in (
        Answer.objects.filter(ballot__questionnaire=questionnaire)
        .values_list("ballot__unit_id", "question_id", "option__code", "option__weight")
        .annotate(n=Count("id"))
        .order_by()
    ):
        results = per_unit.get(unit_id)
        if results is None:  # a unit no longer in the group's list that year: not exported
            continue
        result = results[question_id]
        if code is None:
            result.blank += n
            continue
        result.distribution[code] = result.distribution.get(code, 0) + n
        result.answers += n
        sums[unit_id, question_id] += weight * n
        if weight >= SATISFIED_FROM:
            satisfied[unit_id, question_id] += n
    for unit_id, results in per_unit.items():
        for question_id, result in results.items():
            result.satisfaction = calculations.satisfaction_rate(
                result.answers, satisfied[unit_id, question_id], decimals_of(year), year.rounding
            )
            result.mean_weight = calculations.mean_weight(
                result.answers, sums[unit_id, question_id], decimals_of(year), year.rounding
            )
    return [(unit, [per_unit[unit.pk][q.pk] for q in questions]) for unit in units]


# --------------------------------------------------------------------------- the tracker's lines


def unit_progress(year: AssessmentYear) -> dict[int, list[tuple[RespondentType, ProgressCell]]]:
    """Per unit with a target or a ballot in the year: ballots collected per respondent type
    against the sample target, the types in their order (three queries, whatever the units)."""
    counts = {
        (u, t): n
        for u, t, n in Ballot.objects.filter(questionnaire__year=year)
        .values_list("unit_id", "respondent_type_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    targets: dict[tuple[int, int], int] = {}
    for u, t, n in SampleTarget.objects.filter(questionnaire__year=year).values_list(
        "unit_id", "respondent_type_id", "target"
    ):
        targets[u, t] = n
    types = {
        t.pk: t for t in RespondentType.objects.filter(pk__in={t for _u, t in {*counts, *targets}})
    }
    found: dict[int, list[tuple[RespondentType, ProgressCell]]] = defaultdict(list)
    for unit_id, type_id in sorted(
        {*counts, *targets}, key=lambda key: (key[0], types[key[1]].order, types[key[1]].code)
    ):
        found[unit_id].append(
            (
                types[type_id],
                ProgressCell(counts.get((unit_id, type_id), 0), targets.get((unit_id, type_id))),
            )
        )
    return dict(found)
