"""The survey's pages: ballots by token (once), the open link and its flood limit, paper entry,
tokens and their QR sheet, results (aggregates only) and who may see them."""

import pytest
from django.urls import reverse

from scoring.models import AssessmentYear, YearState
from survey import limits, services
from survey.models import (
    Answer,
    Ballot,
    EntryMismatch,
    InvitationToken,
    Question,
    Questionnaire,
    RespondentType,
)
from tests.factories import make_user
from units.models import Role, Unit


@pytest.fixture
def form(questionnaire):
    return Questionnaire.objects.get()


def tokens_for(form, unit_code="S1", type_code="nguoi_dan", count=1):
    return services.issue_tokens(
        form,
        Unit.objects.get(code=unit_code),
        RespondentType.objects.get(code=type_code),
        count,
    )


def answers(form, **codes):
    return {f"q_{q.pk}": codes.get(q.code, "A") or "-" for q in form.questions.all()}


def test_a_ballot_by_token_is_stored_once_and_the_token_is_then_refused(client, form):
    (token,) = tokens_for(form)
    url = reverse("survey:ballot", args=[token.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "Kết quả có đúng hẹn" in page.content.decode()  # Q3, for citizens
    response = client.post(url, answers(form, Q1="B", Q2=""))
    assert response.status_code == 302 and response.url == reverse("survey:thanks")
    ballot = Ballot.objects.get()
    assert (ballot.unit.code, ballot.respondent_type.code, ballot.channel) == (
        "S1",
        "nguoi_dan",
        "online",
    )
    assert sorted(
        (a.question.code, a.option.code if a.option else None) for a in Answer.objects.all()
    ) == [("Q1", "B"), ("Q2", None), ("Q3", "A")]
    again = client.post(url, answers(form))
    assert again.status_code == 410
    assert "đã được dùng" in again.content.decode()
    assert client.get(url).status_code == 410
    assert Ballot.objects.count() == 1


def test_a_ballot_must_answer_every_question_and_a_type_sees_only_its_questions(client, form):
    (token,) = tokens_for(form, type_code="cong_chuc")
    url = reverse("survey:ballot", args=[token.code])
    page = client.get(url).content.decode()
    assert "Kết quả có đúng hẹn" not in page  # Q3 is for citizens only
    data = answers(form)
    q3 = Question.objects.get(code="Q3")
    data.pop(f"q_{q3.pk}")
    data.pop(f"q_{Question.objects.get(code='Q2').pk}")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hãy chọn một phương án" in response.content.decode()
    assert not Ballot.objects.exists()


def test_unknown_codes_are_counted_and_an_address_that_guesses_is_stopped(client, form):
    for _i in range(limits.FAILED_LOOKUPS):
        assert client.get(reverse("survey:ballot", args=["ZZZZZZZZ"])).status_code == 404
    (token,) = tokens_for(form)
    assert client.get(reverse("survey:ballot", args=[token.code])).status_code == 429


def test_the_open_link_exists_only_where_opened_and_limits_ballots_per_address(client, form):
    url = reverse("survey:open_ballot", args=[form.link_key])
    assert client.get(url).status_code == 404
    Questionnaire.objects.update(open_link=True)
    assert client.get(url).status_code == 200
    target = f"{url}?unit=S2&respondent_type=nguoi_dan"
    for _i in range(limits.OPEN_BALLOTS):
        assert client.post(target, answers(form)).status_code == 302
    assert client.post(target, answers(form)).status_code == 429
    assert Ballot.objects.filter(unit__code="S2", channel="link").count() == limits.OPEN_BALLOTS


def test_paper_entry_stores_a_ballot_per_screen_and_refuses_a_number_twice(client, form):
    clerk = make_user("clerk", Role.APPRAISER, Unit.objects.get(code="S2"))
    client.force_login(clerk)
    url = reverse("survey:paper", args=[2026, "SO"]) + "?unit=S1&respondent_type=nguoi_dan"
    data = {"reference": "P-001", **answers(form, Q1="c", Q2="", Q3="B")}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == url
    ballot = Ballot.objects.get(reference="P-001")
    assert (ballot.channel, ballot.entered_by) == ("paper", clerk)
    again = client.post(url, {**data, f"q_{Question.objects.get(code='Q1').pk}": "E"})
    body = again.content.decode()
    assert "“E” không phải phương án của câu Q1" in body
    assert client.post(url, data).status_code == 200  # the same number again
    assert Ballot.objects.count() == 1
    # Never for a unit the clerk belongs to.
    own = reverse("survey:paper", args=[2026, "SO"]) + "?unit=S2&respondent_type=nguoi_dan"
    assert client.get(own).status_code == 404


def test_tokens_print_as_qr_codes_with_short_codes_for_the_survey_admins_only(client, form):
    admin = make_user("boss", is_superuser=True)
    staff = make_user("staff", Role.STAFF, Unit.objects.get(code="S1"))
    url = reverse("survey:tokens", args=[2026, "SO"])
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.post(url, {"unit": "S1", "respondent_type": "nguoi_dan", "count": 3})
    assert response.status_code == 302
    sheet = client.get(response.url).content.decode()
    assert sheet.count("<svg") == 3
    for token in InvitationToken.objects.all():
        assert token.code in sheet


def test_results_are_aggregates_flag_questions_below_80_and_need_the_permission(client, form):
    services.cast_ballot(
        form,
        Unit.objects.get(code="S1"),
        RespondentType.objects.get(code="nguoi_dan"),
        {"Q1": "A", "Q2": "C", "Q3": "A"},
        channel="paper",
        reference="P-1",
    )
    services.cast_ballot(
        form,
        Unit.objects.get(code="S1"),
        RespondentType.objects.get(code="nguoi_dan"),
        {"Q1": "B", "Q2": "D", "Q3": ""},
        channel="paper",
        reference="P-2",
    )
    leadership = make_user("lead", Role.LEADERSHIP, Unit.objects.get(code="S2"))
    staff = make_user("staff", Role.STAFF, Unit.objects.get(code="S1"))
    client.force_login(staff)
    assert client.get(reverse("survey:home", args=[2026])).status_code == 403
    client.force_login(leadership)
    page = client.get(reverse("survey:unit", args=[2026, "SO", "S1"])).content.decode()
    assert "P-1" not in page and "P-2" not in page  # no ballot is listed
    assert "100,00" in page  # Q1: A and B, both ≥ 60 %
    assert page.count("dưới 80 %") == 1  # Q2: C and D → 0 %
    home = client.get(reverse("survey:home", args=[2026])).content.decode()
    assert "Các câu hỏi hài lòng thấp nhất" in home and "0,00 %" in home


def test_a_published_year_takes_no_ballot(client, form):
    (token,) = tokens_for(form)
    AssessmentYear.objects.update(state=YearState.PUBLISHED)
    response = client.post(reverse("survey:ballot", args=[token.code]), answers(form))
    assert response.status_code == 200 and "đã công bố" in response.content.decode()
    assert not Ballot.objects.exists()


def test_double_entry_verifies_matches_and_lists_differences_for_a_third_look(client, form):
    first = make_user("clerk1", Role.APPRAISER, Unit.objects.get(code="S2"))
    second = make_user("clerk2", Role.APPRAISER, Unit.objects.get(code="S2"))
    admin = make_user("boss", is_superuser=True)
    base = reverse("survey:paper", args=[2026, "SO"]) + "?unit=S1&respondent_type=nguoi_dan"
    client.force_login(first)
    for reference, q1 in (("P-1", "A"), ("P-2", "B")):
        data = {"reference": reference, **answers(form, Q1=q1, Q2="C", Q3="")}
        assert client.post(base, data).status_code == 302
    # The same clerk cannot check their own typing.
    data = {"reference": "P-1", **answers(form, Q1="A", Q2="C", Q3="")}
    assert "phải do người khác nhập" in client.post(base + "&lan=2", data).content.decode()
    client.force_login(second)
    assert client.post(base + "&lan=2", data).status_code == 302
    assert Ballot.objects.get(reference="P-1").verified_by == second
    data = {"reference": "P-2", **answers(form, Q1="A", Q2="C", Q3="")}  # Q1 read as A
    assert client.post(base + "&lan=2", data).status_code == 302
    assert Ballot.objects.get(reference="P-2").verified_by is None
    # The list is for the survey's admins only (it shows ballots).
    listing = reverse("survey:mismatches", args=[2026, "SO"])
    assert client.get(listing).status_code == 403
    client.force_login(admin)
    page = client.get(listing).content.decode()
    assert "P-2" in page and "P-1" not in page
    mismatch = EntryMismatch.objects.get()
    settle = reverse("survey:settle", args=[2026, "SO", mismatch.pk])
    data = {"reference": "P-2", **answers(form, Q1="b", Q2="C", Q3="A")}
    assert client.post(settle, data).status_code == 302
    assert sorted(
        Answer.objects.filter(ballot__reference="P-2").values_list("question__code", "option__code")
    ) == [("Q1", "B"), ("Q2", "C"), ("Q3", "A")]
    assert Ballot.objects.get(reference="P-2").verified_by == admin
    assert "P-2</th>" not in client.get(listing).content.decode()
    assert client.get(settle).status_code == 404


def test_the_tracker_shows_the_ballots_collected_against_the_targets(client, form):
    from survey.models import SampleTarget

    nguoi_dan = RespondentType.objects.get(code="nguoi_dan")
    for code in ("S1", "S2"):
        SampleTarget.objects.create(
            questionnaire=form,
            unit=Unit.objects.get(code=code),
            respondent_type=nguoi_dan,
            target=4,
        )
    services.cast_ballot(
        form,
        Unit.objects.get(code="S1"),
        nguoi_dan,
        {"Q1": "A", "Q2": "A", "Q3": "A"},
        channel="paper",
        reference="P-1",
    )
    client.force_login(make_user("lead", Role.LEADERSHIP, Unit.objects.get(code="S2")))
    page = client.get(reverse("tracker", args=[2026])).content.decode()
    assert "Khảo sát Sở, ban, ngành: đã thu 1/8 phiếu (12 %)" in page
    assert reverse("survey:home", args=[2026]) in page


def test_the_units_profile_flags_its_questions_below_80_for_its_own_people(client, form):
    s1 = Unit.objects.get(code="S1")
    nguoi_dan = RespondentType.objects.get(code="nguoi_dan")
    for n, q2 in enumerate("CDA"):
        services.cast_ballot(
            form,
            s1,
            nguoi_dan,
            {"Q1": "A", "Q2": q2, "Q3": "A"},
            channel="paper",
            reference=f"P-{n}",
        )
    note = "Khảo sát năm 2026: 1 câu hỏi dưới 80 % hài lòng (Q2)"
    # The profile (cached for many viewers) loads the survey's lines for its viewer apart.
    fragment = reverse("survey:profile_notes", args=["S1"]) + "?year=2026"
    client.force_login(make_user("lead", Role.LEADERSHIP, Unit.objects.get(code="S2")))
    profile = client.get(reverse("unit_profile", args=["S1"]) + "?year=2026").content.decode()
    assert fragment.replace("&", "&amp;") in profile or fragment in profile
    unit_page = reverse("survey:unit", args=[2026, "SO", "S1"])
    lines = client.get(fragment).content.decode()
    assert note in lines and unit_page in lines  # the year in progress, for the leadership
    staff = make_user("staff", Role.STAFF, s1)
    client.force_login(staff)
    assert note not in client.get(fragment).content.decode()  # not before publication
    assert client.get(unit_page).status_code == 403
    AssessmentYear.objects.update(state=YearState.PUBLISHED)
    assert note in client.get(fragment).content.decode()
    assert client.get(unit_page).status_code == 200
    client.force_login(make_user("other", Role.STAFF, Unit.objects.get(code="S2")))
    assert note not in client.get(fragment).content.decode()
    assert client.get(unit_page).status_code == 403
    client.logout()
    assert client.get(fragment).content.decode().strip() == ""


def test_the_survey_page_applies_the_points_computed_from_the_ballots(client, form):
    from decimal import Decimal

    from scoring.models import Score

    s1, nguoi_dan = Unit.objects.get(code="S1"), RespondentType.objects.get(code="nguoi_dan")
    services.cast_ballot(
        form, s1, nguoi_dan, {"Q1": "A", "Q2": "B", "Q3": "A"}, channel="paper", reference="P-1"
    )
    url = reverse("survey:apply", args=[2026, "SO"])
    client.force_login(make_user("lead", Role.LEADERSHIP, Unit.objects.get(code="S2")))
    assert client.post(url).status_code == 403
    client.force_login(make_user("boss", is_superuser=True))
    assert (
        "Ghi điểm ĐTXHH từ phiếu"
        in client.get(reverse("survey:home", args=[2026])).content.decode()
    )
    response = client.post(url, follow=True)
    assert "Đã ghi 2 điểm điều tra xã hội học" in response.content.decode()
    assert "2 tiêu chí chưa có câu trả lời hợp lệ" in response.content.decode()
    score = Score.objects.get(sheet__unit=s1, item__code="3.1")
    assert score.points == Decimal("1.60")  # (100 + 60) / 2 = 80 % of 2
    assert score.history.first().history_change_reason == "khảo sát"


def test_the_tracker_shows_each_units_ballots_per_type_against_its_targets(client, form):
    import re

    from survey.models import SampleTarget
    from tests.factories import make_sheet

    s1, s2 = Unit.objects.get(code="S1"), Unit.objects.get(code="S2")
    for unit in (s1, s2):
        make_sheet(unit, form.year)
    citizen = RespondentType.objects.get(code="nguoi_dan")
    official = RespondentType.objects.get(code="cong_chuc")
    SampleTarget.objects.create(questionnaire=form, unit=s1, respondent_type=citizen, target=1200)
    SampleTarget.objects.create(questionnaire=form, unit=s1, respondent_type=official, target=2)
    services.cast_ballot(
        form, s1, citizen, {"Q1": "A", "Q2": "A", "Q3": "A"}, channel="paper", reference="P-1"
    )
    services.cast_ballot(
        form, s2, official, {"Q1": "A", "Q2": "B"}, channel="paper", reference="P-2"
    )
    client.force_login(make_user("lead", Role.LEADERSHIP, s2))
    page = client.get(reverse("tracker", args=[2026])).content.decode()

    def unit_row(code):
        return re.search(rf'<tr[^>]*data-unit="{code}">(.*?)</tr>', page, re.S).group(1)

    assert "Khảo sát: 1/1202 phiếu</a>" in unit_row("S1")
    assert ": Người dân 1/1200 · Công chức, viên chức 0/2</span>" in unit_row("S1")
    # no target: the count only
    assert "Khảo sát: 1 phiếu</a>" in unit_row("S2")
    assert ": Công chức, viên chức 1</span>" in unit_row("S2")
    assert reverse("survey:home", args=[2026]) in unit_row("S1")
