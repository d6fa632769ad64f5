"""The demo's 2026 survey (demo/survey.py): ballots for departments and communes, and the 2026
survey points of both groups computed from them."""

import pytest

from demo import api as demo
from scoring.models import AssessmentYear, Method, Score
from survey import selectors
from survey.models import Ballot, Questionnaire
from tests.queue import clear_queue
from units.models import UnitGroup


@pytest.fixture(scope="module", autouse=True)
def demo_province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.load_demo()
        yield
        demo.delete_demo()
        clear_queue()


pytestmark = pytest.mark.django_db


def test_2026_has_a_questionnaire_per_group_and_a_few_thousand_ballots():
    assert sorted(Questionnaire.objects.values_list("group__code", flat=True)) == ["SO", "XA"]
    assert 2_000 <= Ballot.objects.count() <= 5_000
    types = set(Ballot.objects.values_list("respondent_type__code", flat=True))
    assert types == {"nguoi_dan", "cong_chuc", "lanh_dao", "doanh_nghiep"}


@pytest.mark.parametrize("group", ["SO", "XA"])
def test_the_2026_survey_points_are_those_the_ballots_give(group):
    year = AssessmentYear.objects.get(year=2026)
    rows = selectors.computed_points(year, UnitGroup.objects.get(code=group))
    assert rows and all(row.points is not None for row in rows)
    stored = {
        (unit, item): points
        for unit, item, points in Score.objects.filter(
            sheet__year=year, sheet__unit__group__code=group, item__method=Method.SURVEY
        ).values_list("sheet__unit__code", "item__code", "points")
    }
    assert {(r.unit.code, r.item.code): r.points for r in rows} == stored


def answers() -> list[tuple[str, str, str]]:
    return sorted(
        (ref, question, option or "")
        for ref, question, option in Ballot.objects.values_list(
            "reference", "answers__question__code", "answers__option__code"
        )
    )


def test_the_demo_is_the_same_every_time():
    before = answers()
    demo.load_demo(reset=True)
    assert answers() == before
