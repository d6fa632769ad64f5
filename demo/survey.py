"""The demo's survey of 2026: a questionnaire for the departments (SO) and one for the communes
(XA), respondent types with weights, sample targets, a few thousand deterministic ballots, and
the 2026 survey points of SO and XA computed from them (`survey.services.apply_points`).

Each unit's answers lean towards the share of the survey maximum its generated sheet had, so the
ranking keeps its shape; everything goes through the survey's own services (a questionnaire file,
a responses file) as a province's would.
"""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

from django.db.models import Sum

from scoring.models import AssessmentYear, Item, Method, Score
from scoring.permissions import Account
from survey import services
from survey.models import (
    Ballot,
    InvitationToken,
    Questionnaire,
    RespondentType,
    TypeWeight,
)
from units.models import Unit, UnitGroup

OPTIONS = "A=100 B=60 C=20 D=0"
OPTION_TEXTS = "A=Rất hài lòng; B=Hài lòng; C=Chưa hài lòng; D=Rất không hài lòng"
WEIGHTS = {
    "SO": {"nguoi_dan": Decimal(60), "cong_chuc": Decimal(25), "lanh_dao": Decimal(15)},
    "XA": {"nguoi_dan": Decimal(70), "doanh_nghiep": Decimal(30)},
}
#: Ballots per unit and respondent type (the sample targets are a little higher: some units
#: are still collecting).
BALLOTS = {
    "SO": {"nguoi_dan": 20, "cong_chuc": 12, "lanh_dao": 6},
    "XA": {"nguoi_dan": 12, "doanh_nghiep": 6},
}
TARGETS = {
    "SO": {"nguoi_dan": 20, "cong_chuc": 12, "lanh_dao": 6},
    "XA": {"nguoi_dan": 15, "doanh_nghiep": 6},
}


def _so_types(item: Item) -> str:
    """Departments: 8.1 asks civil servants, 8.2 citizens, 8.3 leaders (their criteria's names)."""
    return {"8.1": "cong_chuc", "8.2": "nguoi_dan", "8.3": "lanh_dao"}.get(item.code[:3], "")


def _questionnaire_file(group: str, items: list[Item]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "item_code", "text", "options", "respondent_types", "option_texts"])
    number = 0
    for item in items:
        texts = [f"Ông/bà hài lòng ở mức nào với nội dung “{item.name}”?"]
        if group == "XA" and item.code in ("8.1.1", "8.1.2"):
            # Two questions feed one criterion: its rate pools their answers.
            texts.append(f"Ông/bà hài lòng ở mức nào với hướng dẫn của công chức về “{item.name}”?")
        for text in texts:
            number += 1
            writer.writerow(
                [
                    f"C{number:02d}",
                    item.code,
                    text,
                    OPTIONS,
                    _so_types(item) if group == "SO" else "",
                    OPTION_TEXTS,
                ]
            )
    return out.getvalue().encode()


def _answer(rng: random.Random, lean: float) -> str:
    """An answer code whose expected weight is about `lean` × 100 %, with some noise and blanks."""
    roll = rng.random()
    if roll < 0.04:
        return ""  # không trả lời
    if roll < 0.12:
        return rng.choice("ABCD")
    target = lean * 100
    if target >= 60:
        return "A" if rng.random() < (target - 60) / 40 else "B"
    return "B" if rng.random() < (target - 20) / 40 else "C"


def build_survey(
    year: AssessmentYear,
    groups: dict[str, UnitGroup],
    units: dict[str, Unit],
    admin: Account | None,
) -> None:
    """The 2026 survey of SO and XA (see the module docstring)."""
    services.ensure_default_types()
    types = {t.code: t for t in RespondentType.objects.all()}
    rows: list[list[str]] = [["ballot", "unit_code", "respondent_type", "question", "answer"]]
    for group_code in ("SO", "XA"):
        group = groups[group_code]
        items = list(
            Item.objects.filter(
                framework__year=year, framework__group=group, is_scored=True, method=Method.SURVEY
            ).order_by("sort_key")
        )
        services.import_questionnaire(_questionnaire_file(group_code, items), year, group)
        services.set_type_weights(year, group, WEIGHTS[group_code])
        questionnaire = Questionnaire.objects.get(year=year, group=group)
        if group_code == "XA":
            Questionnaire.objects.filter(pk=questionnaire.pk).update(open_link=True)
        questions = list(questionnaire.questions.prefetch_related("respondent_types"))
        assessed = sorted(
            (u for u in units.values() if u.group_id == group.pk and u.exists_in(year.year)),
            key=lambda u: u.code,
        )
        # The share of the survey maximum each unit's generated sheet had: its answers' lean.
        earned = dict(
            Score.objects.filter(
                sheet__year=year, sheet__unit__in=assessed, item__method=Method.SURVEY
            )
            .values_list("sheet__unit_id")
            .annotate(total=Sum("points"))
        )
        maximum = float(sum(i.max_points for i in items)) or 1.0
        services.set_sample_targets(year, group, TARGETS[group_code])
        for unit in assessed:
            rng = random.Random(f"cchc-demo-survey:{year.year}:{unit.code}")  # noqa: S311
            lean = min(0.98, float(earned.get(unit.pk) or 0) / maximum or 0.8)
            for type_code, count in BALLOTS[group_code].items():
                mine = [
                    q
                    for q in questions
                    if not q.respondent_types.all()
                    or type_code in {t.code for t in q.respondent_types.all()}
                ]
                for number in range(1, count + 1):
                    ballot = f"{unit.code}-{type_code}-{number:03d}"
                    for question in mine:
                        rows.append(
                            [ballot, unit.code, type_code, question.code, _answer(rng, lean)]
                        )
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    services.import_responses(out.getvalue().encode(), year, user=admin)
    for group_code in ("SO", "XA"):
        services.apply_points(year, groups[group_code], user=admin)
    # A sheet of invitation tokens to print for one department and one commune.
    for unit_code, group_code in (("SO-TP", "SO"), ("XA-TAMKY", "XA")):
        invited = units.get(unit_code)
        if invited is not None:
            services.issue_tokens(
                Questionnaire.objects.get(year=year, group=groups[group_code]),
                invited,
                types["nguoi_dan"],
                12,
            )


def delete_survey(years: object) -> None:
    """The demo years' survey data (before the years themselves: questionnaires protect them)."""
    questionnaires = Questionnaire.objects.filter(year__in=years)  # type: ignore[misc]
    Ballot.objects.filter(questionnaire__in=questionnaires).delete()
    InvitationToken.objects.filter(questionnaire__in=questionnaires).delete()
    questionnaires.delete()
    TypeWeight.objects.filter(year__in=years).delete()  # type: ignore[misc]
