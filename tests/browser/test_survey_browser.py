"""A citizen answers one survey ballot on a 390-px phone with an invitation token, and the same
token is refused the second time (issue 18)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from scoring.models import YearState
from scoring.services.frameworks import replace_framework
from survey import services
from survey.models import Answer, Ballot, Questionnaire, RespondentType
from tests.browser.conftest import screenshot
from tests.factories import csv_file, item_rows, make_group, make_unit, make_year
from tests.survey.conftest import QUESTIONNAIRE, ROWS

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_ballot_on_a_phone_with_a_token_then_the_token_is_refused(
    live_server, phone_page, tmp_path
):
    services.ensure_default_types()  # a data migration's rows, gone after another test's flush
    year = make_year(2026, state=YearState.APPRAISAL)
    group = make_group("SO")
    replace_framework(year, group, item_rows(ROWS))
    unit = make_unit("S1", "Sở Tư pháp")
    data = Path(csv_file(tmp_path, QUESTIONNAIRE, name="q.csv")).read_bytes()
    services.import_questionnaire(data, year, group)
    (token,) = services.issue_tokens(
        Questionnaire.objects.get(), unit, RespondentType.objects.get(code="nguoi_dan"), 1
    )
    page = phone_page

    # The short code typed on the code page (as printed under the QR code), lower case.
    page.goto(f"{live_server.url}/ks/")
    page.get_by_label("Mã mời (in dưới mã QR)").fill(token.code.lower())
    page.get_by_role("button", name="Mở phiếu").click()
    expect(page.get_by_role("heading", name="Phiếu khảo sát mức độ hài lòng")).to_be_visible()
    expect(page.get_by_text("Sở Tư pháp")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Sent with one question left: refused, nothing stored, the question named.
    q1 = page.get_by_role("group", name="1. Thông tin về thủ tục có dễ tìm không?")
    q1.get_by_label("A", exact=True).check()
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.locator("#ballot-errors")).to_contain_text("Hãy chọn một phương án")
    assert not Ballot.objects.exists()

    page.get_by_role("group", name="2. Công chức").get_by_label("Không trả lời").check()
    page.get_by_role("group", name="3. Kết quả").get_by_label("B", exact=True).check()
    expect(q1.get_by_label("A", exact=True)).to_be_checked()  # kept after the refusal
    screenshot(page, "survey-ballot-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.locator("#ballot-sent")).to_be_visible()

    ballot = Ballot.objects.get()
    assert (ballot.unit, ballot.channel, ballot.token_id) == (unit, "online", token.pk)
    assert sorted(
        (a.question.code, a.option.code if a.option else "") for a in Answer.objects.all()
    ) == [("Q1", "A"), ("Q2", ""), ("Q3", "B")]

    # The same token again: refused, with the reason.
    response = page.goto(f"{live_server.url}/ks/{token.code}/")
    assert response.status == 410
    expect(page.locator("#ballot-closed")).to_contain_text("đã được dùng")
    expect(page.get_by_role("button", name="Gửi phiếu")).to_have_count(0)
    screenshot(page, "survey-ballot-used-phone")
    assert Ballot.objects.count() == 1
