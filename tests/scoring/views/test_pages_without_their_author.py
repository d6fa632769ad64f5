"""Pages that name who did something still open once that account is gone.

Who submitted a sheet, asked or answered an explanation, or moved a year is kept with
SET_NULL: deleting an account (or data written by a command, as in the demo) leaves None there,
and the page shows "–" instead of failing on the missing user's name.
"""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from scoring.models import AssessmentYear, SheetState, YearState, YearTransition
from scoring.permissions import appraised_domains
from scoring.selectors.sheets import sheet_for
from scoring.services.appraisal import answer_explanation, request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import FULL_MARKS, make_sheet, make_unit, make_user, make_year, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    year = make_year(2023, state=YearState.APPRAISAL)
    unit = make_unit("STP", "Sở Tư pháp")
    people = personas(unit, make_unit("SXD"), make_unit("SNV"))
    sheet = make_sheet(unit, year)
    claim = {code: points for code, points in FULL_MARKS.items() if not code.startswith("3")}
    apply_score_changes(
        sheet,
        [ScoreChange(code, self_points=D(points)) for code, points in claim.items()],
        source="test",
    )
    gone = make_user("da_nghi_viec")
    sheet.state, sheet.submitted_at, sheet.submitted_by = (
        SheetState.SUBMITTED,
        timezone.now(),
        gone,
    )
    sheet.save()
    explanation = request_explanation(
        sheet_for(unit, year),
        "1.1.1",
        "Đề nghị gửi kế hoạch.",
        user=people["appraiser"],
        domains=appraised_domains(people["appraiser"], sheet_for(unit, year)),
    )
    answer_explanation(explanation, "Kế hoạch đính kèm.", user=people["staff_a"])
    YearTransition.objects.create(
        year=year, from_state=YearState.SELF_ASSESSMENT, to_state=YearState.APPRAISAL, by=gone
    )
    for user in (people["appraiser"], people["staff_a"], gone):
        user.delete()
    people["explanation"] = explanation
    return people


@pytest.mark.parametrize(
    ("persona", "url", "shown"),
    [
        ("leader_a", "/phieu/STP/2023/", ", bởi –"),
        ("admin", "/tham-dinh/STP/2023/", "Yêu cầu bởi –, lúc"),
        ("leader_a", "/phieu/STP/2023/giai-trinh/{pk}/", "Gửi bởi –, lúc"),
        ("admin", "/nam/2023/quan-ly/", "<td>–</td>"),
    ],
)
def test_the_page_shows_a_dash_for_an_account_that_no_longer_exists(
    client, people, persona, url, shown
):
    client.force_login(people[persona])
    response = client.get(url.format(pk=people["explanation"].pk))

    assert response.status_code == 200
    assert shown in response.content.decode()
    assert AssessmentYear.objects.get(year=2023).transitions.get().by is None
