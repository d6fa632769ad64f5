"""Provisional figures: the appraisal progress behind a result of a year not published, and what
a year in progress may draw in a unit's history."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from scoring.models import AssessmentYear, Result, YearState
from scoring.selectors.province import overview
from scoring.selectors.provisional import GroupProgress, Progress, group_progress, progress_of
from scoring.selectors.unit import unit_profile
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.year_states import open_self_assessment
from tests.factories import make_sheet, make_year, score
from tests.scoring.selectors.dashboard_data import appraise_partly, build_province, unit_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    years = build_province()
    appraise_partly(years[2024])
    return years


def results_of(year: AssessmentYear) -> dict[str, Result]:
    return {r.unit.code: r for r in Result.objects.filter(year=year).select_related("unit", "year")}


def test_the_progress_counts_the_appraisal_items_appraised_out_of_the_framework(years):
    results = results_of(years[2024])
    progress = progress_of(results.values())
    assert {code: progress[r.pk] for code, r in results.items()} == {
        "SNV": Progress(5, 5),
        "SLDTBXH": Progress(5, 5),
        "SCT": Progress(3, 5),  # an item marked not applicable is appraised
        "SYT": Progress(2, 5),
    }
    assert progress[results["SYT"].pk].started and not progress[results["SYT"].pk].done


def test_claims_and_survey_points_are_not_appraisal(years):
    sheet = make_sheet(unit_named("STP", group="SO"), years[2024])
    apply_score_changes(
        sheet,
        [ScoreChange("1.1.1", self_points=D("10")), ScoreChange("3.1", points=D("12"))],
        source="test",
    )
    result = Result.objects.select_related("year").get(unit__code="STP", year=years[2024])
    progress = progress_of([result])[result.pk]
    assert progress == Progress(0, 5)
    assert not progress.started


def test_the_progress_of_any_number_of_results_is_one_query(years, django_assert_num_queries):
    every = list(Result.objects.select_related("year"))
    with django_assert_num_queries(1):
        progress = progress_of(every)
    # Published years are final: no progress for them, and no query for them alone.
    assert {r.year.year for r in every if r.pk in progress} == {2024}
    published = [r for r in every if r.year.is_published]
    with django_assert_num_queries(0):
        assert progress_of(published) == {}


def test_a_group_progress_sums_its_units(years):
    progress = progress_of(results_of(years[2024]).values()).values()
    assert group_progress(progress) == GroupProgress(15, 20, units=4, units_done=2)
    assert group_progress([None]) is None


def test_the_overview_of_a_year_in_progress_carries_each_units_progress(years):
    so = overview(years[2024], published_only_previous=False)[0]
    assert so.provisional
    assert so.progress == GroupProgress(15, 20, units=4, units_done=2)
    assert [(r.result.unit.code, r.progress, r.movement_provisional) for r in so.rows] == [
        ("SNV", Progress(5, 5), True),
        ("SLDTBXH", Progress(5, 5), True),
        ("SCT", Progress(3, 5), True),
        ("SYT", Progress(2, 5), True),
    ]
    # The calculation is unchanged; only its presentation says it is not final.
    sct = so.rows[2]
    assert (sct.result.index, sct.index_change, sct.rank_move) == (D("25.00"), D("-70.00"), -1)
    chart = so.index_chart()
    assert chart["datasets"][0]["provisional"] == [True] * 4
    assert chart["options"]["provisionalLabel"] == "tạm tính"


def test_a_published_year_has_no_progress_and_final_movements(years):
    so = overview(years[2023])[0]
    assert not so.provisional and so.progress is None
    assert not any(row.movement_provisional or row.progress for row in so.rows)
    assert "provisional" not in so.index_chart()["datasets"][0]
    assert "provisionalLabel" not in so.index_chart()["options"]


def all_years():
    return list(AssessmentYear.objects.order_by("-year"))


def just_opened(number: int = 2025) -> AssessmentYear:
    """A year whose self-assessment has just opened: every unit has a sheet and a result of 0."""
    year = make_year(number, state=YearState.PREPARING)
    open_self_assessment(year, timezone.now() + datetime.timedelta(days=30), user=None)
    year.refresh_from_db()
    return year


def test_a_year_whose_self_assessment_just_opened_is_left_out_of_the_history(years):
    opened = just_opened()
    snv = Result.objects.get(unit__code="SNV", year=opened)
    assert snv.index == D("0.00")  # the result that must never be drawn

    p = unit_profile(unit_named("SNV"), years[2024], all_years(), published_only_previous=False)
    assert [h.year.year for h in p.lineage_history] == [2022, 2023, 2024]
    assert p.pending_years == [opened]
    chart = p.history_chart()
    assert chart["labels"] == ["2022", "2023", "2024"]
    assert chart["datasets"][0]["data"] == ["95.00", "96.86", "99.00"]
    # The year in progress that has figures is drawn, flagged provisional (dashed).
    assert chart["datasets"][0]["provisional"] == [False, False, True]
    assert [h.provisional for h in p.lineage_history] == [False, False, True]
    assert p.lineage_history[-1].rows[0].progress == Progress(5, 5)


def test_the_year_joins_the_history_once_an_item_is_appraised(years):
    opened = just_opened()
    sheet = make_sheet(unit_named("SNV"), opened)
    # The unit's own claims and the survey are not figures of the appraisal yet.
    apply_score_changes(
        sheet,
        [ScoreChange("1.1.1", self_points=D("10")), ScoreChange("3.1", points=D("15"))],
        source="test",
    )
    p = unit_profile(unit_named("SNV"), opened, all_years(), published_only_previous=False)
    assert 2025 not in [h.year.year for h in p.lineage_history]
    assert p.pending_years == [opened]

    AssessmentYear.objects.filter(pk=opened.pk).update(state=YearState.APPRAISAL)
    opened.refresh_from_db()
    score(sheet, **{"1.1.1": "10"})
    p = unit_profile(unit_named("SNV"), opened, all_years(), published_only_previous=False)
    assert [h.year.year for h in p.lineage_history] == [2022, 2023, 2024, 2025]
    assert p.pending_years == []
    assert p.progress == Progress(1, 5)
    assert p.history_chart()["datasets"][0]["provisional"] == [False, False, True, True]


def test_a_change_against_a_year_in_progress_is_provisional_too(years):
    opened = just_opened()
    AssessmentYear.objects.filter(pk=opened.pk).update(state=YearState.APPRAISAL)
    opened.refresh_from_db()
    score(make_sheet(unit_named("SNV"), opened), **{"1.1.1": "10"})
    p = unit_profile(unit_named("SNV"), opened, all_years(), published_only_previous=False)
    assert p.previous is not None and p.previous.provisional  # 2024 is not published either
    assert p.movement_provisional
    published = unit_profile(unit_named("SNV"), years[2023], all_years())
    assert not published.movement_provisional and not published.provisional


def test_claims_of_a_year_with_nothing_appraised_are_left_out(years):
    opened = just_opened()
    apply_score_changes(
        make_sheet(unit_named("SLDTBXH"), opened),
        [ScoreChange("1.1.1", self_points=D("10"))],
        source="test",
    )
    p = unit_profile(unit_named("SLDTBXH"), years[2023], all_years())
    assert [row.year.year for row in p.claim_years] == [2023]
