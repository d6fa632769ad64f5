"""Publication that cannot go out half-done (issue: a year you can trust, part 1): the readiness
check per group and unit, the refusal with the list of what is open, each kind of open item,
and the recorded decision that lets one unit through."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import (
    AssessmentYear,
    Band,
    ExplanationRequest,
    ExplanationState,
    PublicationDecision,
    Score,
    Sheet,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.services import year_states
from scoring.services.errors import ServiceError
from scoring.services.readiness import publication_readiness, record_decision, withdraw_decision
from tests.factories import FULL_MARKS, make_sheet, make_unit, make_user, make_year, personas, score
from units.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    year = make_year(2023, state=YearState.APPRAISAL, group_codes=("SO",))
    units = {
        code: make_unit(code, name)
        for code, name in [("STP", "Sở Tư pháp"), ("SXD", "Sở Xây dựng"), ("SNV", "Sở Nội vụ")]
    }
    people = personas(units["STP"], units["SXD"], units["SNV"])
    for unit in units.values():
        sheet = make_sheet(unit, year)
        score(sheet, **FULL_MARKS)
    Sheet.objects.filter(year=year).update(state=SheetState.SUBMITTED)
    return year, units, people


def lines(year) -> list[str]:
    return publication_readiness(year).open_lines()


def refused(year, user) -> list[str]:
    with pytest.raises(ServiceError) as caught:
        year_states.publish(year, user=user)
    assert AssessmentYear.objects.get(pk=year.pk).state == YearState.APPRAISAL
    return caught.value.messages


def test_a_finished_year_is_ready_and_publishes(world):
    year, _units, people = world
    readiness = publication_readiness(year)
    assert readiness.ready and lines(year) == []
    year_states.publish(year, user=people["admin"])
    assert AssessmentYear.objects.get(pk=year.pk).state == YearState.PUBLISHED


def test_a_sheet_not_submitted_is_open(world):
    year, units, _people = world
    Sheet.objects.filter(unit=units["STP"]).update(state=SheetState.DRAFT)
    assert lines(year) == ["Sở Tư pháp (STP): phiếu chưa gửi"]


def test_items_not_yet_appraised_are_open_but_not_applicable_ones_are_done(world):
    year, units, _people = world
    sheet = Sheet.objects.get(unit=units["SXD"])
    Score.objects.filter(sheet=sheet, item__code__in=["1.1.1", "2.2"]).update(points=None)
    assert lines(year) == ["Sở Xây dựng (SXD): 2/5 tiêu chí chưa thẩm định"]
    Score.objects.filter(sheet=sheet, item__code="2.2").update(not_applicable=True)
    assert lines(year) == ["Sở Xây dựng (SXD): 1/5 tiêu chí chưa thẩm định"]


def test_explanation_requests_not_closed_are_open(world):
    year, units, _people = world
    scored = Score.objects.get(sheet__unit=units["STP"], item__code="2.1")
    ExplanationRequest.objects.create(score=scored, question="Thiếu kế hoạch?")
    answered = Score.objects.get(sheet__unit=units["STP"], item__code="2.2")
    ExplanationRequest.objects.create(score=answered, question="?", state=ExplanationState.ANSWERED)
    closed = Score.objects.get(sheet__unit=units["SXD"], item__code="2.2")
    ExplanationRequest.objects.create(score=closed, question="?", state=ExplanationState.CLOSED)
    assert lines(year) == ["Sở Tư pháp (STP): 2 yêu cầu giải trình chưa đóng"]


def test_survey_points_missing_are_open(world):
    year, units, _people = world
    Score.objects.filter(sheet__unit=units["SNV"], item__code="3.2").delete()
    assert lines(year) == ["Sở Nội vụ (SNV): 1/2 tiêu chí điều tra xã hội học chưa có điểm"]


def test_a_group_without_bands_cannot_be_published_even_with_decisions(world):
    year, _units, people = world
    Band.objects.filter(year=year).delete()
    assert lines(year) == ["Sở, ban, ngành: chưa có thang xếp loại"]
    messages = refused(year, people["admin"])
    assert messages[1:] == ["Sở, ban, ngành: chưa có thang xếp loại"]


def test_a_unit_that_nobody_may_appraise_is_open(world):
    year, units, people = world
    # The only superuser belongs to Sở Nội vụ, the only appraiser too: nobody may appraise it.
    Membership.objects.create(user=people["admin"], unit=units["SNV"], role=Role.ADMIN)
    assert lines(year) == ["Sở Nội vụ (SNV): không ai được thẩm định lĩnh vực 1, 2"]
    outsider = make_user("thamdinh_vp", Role.APPRAISER, make_unit("VP", "Văn phòng"), domains=["1"])
    assert lines(year) == ["Sở Nội vụ (SNV): không ai được thẩm định lĩnh vực 2"]
    outsider.memberships.update(domains=[])
    assert lines(year) == []


def test_publishing_mid_appraisal_is_refused_with_the_list_and_changes_nothing(world):
    year, units, people = world
    Sheet.objects.filter(unit=units["STP"]).update(state=SheetState.DRAFT)
    Score.objects.filter(sheet__unit=units["SXD"], item__code="1.2").update(points=None)
    before = list(YearTransition.objects.values_list("pk", flat=True))

    messages = refused(year, people["admin"])

    assert messages == [
        "Chưa thể công bố kết quả năm 2023: còn việc chưa xong. Hãy hoàn tất, hoặc ghi quyết "
        "định công bố (có lý do) cho từng đơn vị còn thiếu:",
        "Sở Tư pháp (STP): phiếu chưa gửi",
        "Sở Xây dựng (SXD): 1/5 tiêu chí chưa thẩm định",
    ]
    assert AssessmentYear.objects.get(pk=year.pk).state == YearState.APPRAISAL
    assert list(YearTransition.objects.values_list("pk", flat=True)) == before


def test_a_recorded_decision_lets_one_unit_through_with_its_reason_and_author(world):
    year, units, people = world
    Sheet.objects.filter(unit=units["STP"]).update(state=SheetState.DRAFT)
    Score.objects.filter(sheet__unit=units["SXD"], item__code="1.2").update(points=None)

    decision = record_decision(
        year,
        units["STP"],
        "  Không nộp phiếu: chấm theo kết quả thẩm định.  ",
        user=people["admin"],
    )

    assert (decision.reason, decision.decided_by, decision.open_items) == (
        "Không nộp phiếu: chấm theo kết quả thẩm định.",
        people["admin"],
        "phiếu chưa gửi",
    )
    assert refused(year, people["admin"])[1:] == ["Sở Xây dựng (SXD): 1/5 tiêu chí chưa thẩm định"]
    record_decision(year, units["SXD"], "Tiêu chí 1.2 không chấm được.", user=people["admin"])
    year_states.publish(year, user=people["admin"])
    year.refresh_from_db()
    assert year.state == YearState.PUBLISHED
    assert year.transitions.first().reason == "Công bố theo quyết định cho STP, SXD."
    assert "Công bố theo quyết định: Không nộp phiếu" in decision.note()
    assert "(admin," in decision.note()


def test_a_decision_needs_a_reason_and_something_open_and_an_unpublished_year(world):
    year, units, people = world
    with pytest.raises(ServiceError, match="Cần ghi lý do của quyết định công bố."):
        Sheet.objects.filter(unit=units["STP"]).update(state=SheetState.DRAFT)
        record_decision(year, units["STP"], "   ", user=people["admin"])
    with pytest.raises(ServiceError, match="không còn việc nào chưa xong"):
        record_decision(year, units["SXD"], "Lý do", user=people["admin"])
    record_decision(year, units["STP"], "Lý do", user=people["admin"])
    assert withdraw_decision(year, units["STP"], user=people["admin"])
    assert not PublicationDecision.objects.exists()
    record_decision(year, units["STP"], "Lý do", user=people["admin"])
    year_states.publish(year, user=people["admin"])
    with pytest.raises(ServiceError, match="đã công bố kết quả"):
        record_decision(year, units["STP"], "Lý do khác", user=people["admin"])
    with pytest.raises(ServiceError, match="đã công bố kết quả"):
        withdraw_decision(year, units["STP"], user=people["admin"])


def test_the_check_costs_the_same_queries_for_three_units_or_thirty(world):
    year, _units, _people = world
    with CaptureQueriesContext(connection) as few:
        publication_readiness(year)
    for n in range(27):
        sheet = make_sheet(make_unit(f"S{n:02d}", f"Sở thử {n}"), year)
        score(sheet, **{"1.1.1": D("5")})
    with CaptureQueriesContext(connection) as many:
        readiness = publication_readiness(year)
    assert len(many) == len(few)
    assert len(readiness.blocking_units) == 27
