"""Publication readiness counts a claimed bonus or deduction item as waiting for the appraisers,
and never one that nobody claimed."""

from decimal import Decimal as D

from scoring.models import AssessmentYear, YearState
from scoring.services.readiness import publication_readiness
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.scoring.services.test_rule_items import sheet  # noqa: F401  (the fixture)


def counts(year: AssessmentYear) -> tuple[int, int]:
    (group,) = publication_readiness(year).groups
    (unit,) = group.units
    return unit.appraised, unit.appraisal_items


def test_claimed_bonus_and_deduction_items_wait_for_the_appraisers(sheet):  # noqa: F811
    AssessmentYear.objects.filter(pk=sheet.year_id).update(state=YearState.APPRAISAL)
    year = AssessmentYear.objects.get(pk=sheet.year_id)
    # Three appraisal items; T.1 and D.1 unclaimed: nothing to appraise there.
    assert counts(year) == (0, 3)

    apply_score_changes(
        sheet,
        [ScoreChange("T.1", self_points=D(1)), ScoreChange("D.1", self_value=D(0))],
        source="test",
    )
    # T.1 is claimed; D.1's claim is 0 points (no late report): still nothing to appraise.
    assert counts(year) == (0, 4)

    apply_score_changes(
        sheet,
        [ScoreChange("T.1", points=D(1), reason="QĐ công nhận."), ScoreChange("1.2", points=D(8))],
        source="test",
    )
    assert counts(year) == (2, 4)
