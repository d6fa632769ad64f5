"""The working pages' rows read from the cache (scoring/selectors/fragments.py) are never stale.

Each test first makes sure the rows come from the cache (the row template is not rendered
again), then changes something and reads the page again: the change is there at once.
"""

import re
from decimal import Decimal as D
from unittest import mock

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from scoring.forms.fields import PointsField
from scoring.forms.survey import SurveyGridForm
from scoring.models import Item, Sheet, SheetState
from scoring.permissions import survey_units
from scoring.selectors.fragments import cached_html, code_digest
from scoring.services.appraisal import answer_explanation, request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.survey import save_survey
from tests.factories import make_sheet, make_unit, make_year, personas
from tests.scoring.services.test_appraisal import AppraisalTestCase, pdf
from tests.scoring.services.test_appraisal import sheet_url as appraisal_url
from tests.scoring.services.test_survey import URL as SURVEY_URL
from tests.scoring.services.test_survey import SurveyTestCase
from tests.scoring.views.test_sheet import form_data, sheet_url
from tests.scoring.views.test_sheet_finishing import pdf as sheet_pdf

ROW = "scoring/sheet/_item.html"  # included by the drawn row, scoring/sheet/_row.html


def main(response) -> str:
    """The page's content without its CSRF tokens (each response has its own)."""
    html = response.content.decode()
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"',
        "",
        html[html.index("<main") : html.index("</main>")],
    )


class RowsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit = make_unit("STP", "Sở Tư pháp")
        cls.people = personas(cls.unit, make_unit("SXD", "Sở Xây dựng"), make_unit("SNV"))

    def setUp(self):
        cache.clear()  # every test draws its rows first

    def cached_sheet(self, name: str, url: str | None = None) -> str:
        """The page read twice as `name`: the second time its rows come from the cache."""
        url = url or sheet_url()
        self.client.force_login(self.people[name])
        self.client.get(url)
        with self.assertTemplateNotUsed(ROW):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def page(self, url: str | None = None) -> str:
        response = self.client.get(url or sheet_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class TestTheSheetsRowsAreNeverStale(RowsTestCase):
    def test_an_unchanged_sheet_is_drawn_once_and_then_read_from_the_cache(self):
        self.client.force_login(self.people["staff_a"])

        with self.assertTemplateUsed(ROW):
            first = self.client.get(sheet_url())
        with self.assertTemplateNotUsed(ROW):
            again = self.client.get(sheet_url())

        self.assertEqual(main(first), main(again))

    def test_rows_read_from_the_cache_build_no_inputs(self):
        self.cached_sheet("staff_a")

        with mock.patch.object(PointsField, "__init__", side_effect=AssertionError("built")):
            page = self.page()

        self.assertIn('name="self_points-1.1.1"', page)
        self.assertIn('id="id_difficulties"', page)

    def test_the_evidence_forms_follow_the_items_code(self):
        self.assertIn("/phieu/STP/2023/minh-chung/1.1.1/tai-len/", self.cached_sheet("staff_a"))

        Item.objects.filter(framework__year=self.year, code="1.1.1").update(code="1.1.9")

        page = self.page()
        self.assertIn("/phieu/STP/2023/minh-chung/1.1.9/tai-len/", page)
        self.assertNotIn("/phieu/STP/2023/minh-chung/1.1.1/tai-len/", page)

    def test_a_saved_claim_is_on_the_sheet_at_once(self):
        self.assertNotIn('name="self_points-1.1.1" value="7,25"', self.cached_sheet("staff_a"))

        response = self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "7,25"}))
        self.assertEqual(response.status_code, 302)

        self.assertIn('name="self_points-1.1.1" value="7,25"', self.page())

    def test_a_claim_saved_elsewhere_is_on_a_read_only_sheet_at_once(self):
        sheet = make_sheet(self.unit, self.year)
        apply_score_changes(sheet, [ScoreChange("1.2", self_points=D("3"))])
        self.assertIn("3,00", self.cached_sheet("leadership"))

        apply_score_changes(sheet, [ScoreChange("1.2", self_points=D("4.75"))])

        page = self.page()
        self.assertIn("4,75", page)
        self.assertNotIn('<strong class="num">3,00</strong>', page)

    def test_an_uploaded_document_is_on_the_sheet_at_once(self):
        sheet = make_sheet(self.unit, self.year)
        apply_score_changes(sheet, [ScoreChange("2.1", self_points=D("2"))])
        self.cached_sheet("staff_a")

        self.client.post(
            "/phieu/STP/2023/minh-chung/2.1/tai-len/", {"file": [sheet_pdf("ke-hoach-moi.pdf")]}
        )

        self.assertIn('">ke-hoach-moi.pdf</a>', self.page())

    def test_an_appraisal_is_on_the_appraisers_view_of_the_sheet_at_once(self):
        sheet = make_sheet(self.unit, self.year)
        self.cached_sheet("appraiser")

        apply_score_changes(sheet, [ScoreChange("1.1.1", points=D("6.5"), reason="Thiếu kế hoạch")])

        page = self.page()
        self.assertIn("Thiếu kế hoạch", page)
        self.assertIn("6,50", page)

    def test_each_viewer_gets_the_rows_of_their_own_permissions(self):
        sheet = make_sheet(self.unit, self.year)
        apply_score_changes(sheet, [ScoreChange("1.1.1", points=D("6.5"), reason="Thiếu kế hoạch")])
        appraiser = self.cached_sheet("appraiser")
        self.assertIn("Thiếu kế hoạch", appraiser)
        self.assertNotIn('name="self_points-1.1.1"', appraiser)

        staff = self.cached_sheet("staff_a")

        self.assertNotIn("Thiếu kế hoạch", staff)
        self.assertIn('name="self_points-1.1.1"', staff)
        self.client.force_login(self.people["leadership"])
        leadership = self.page()
        self.assertIn("Thiếu kế hoạch", leadership)
        self.assertNotIn('name="self_points-1.1.1"', leadership)

    def test_a_renamed_item_is_on_the_sheet_at_once_even_without_a_signal(self):
        self.cached_sheet("staff_a")

        Item.objects.filter(framework__year=self.year, code="1.1.1").update(
            name="Kế hoạch CCHC đổi tên"
        )

        self.assertIn("Kế hoạch CCHC đổi tên", self.page())

    def test_each_language_has_its_own_rows(self):
        self.assertIn("Lịch sử", self.cached_sheet("staff_a"))

        self.client.cookies["django_language"] = "en"
        english = self.page()

        self.assertIn("History", english)
        self.assertNotIn("Lịch sử", english)

    def test_what_was_typed_comes_back_with_its_error_not_the_stored_row(self):
        self.cached_sheet("staff_a")

        response = self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "abc"}))

        page = response.content.decode()
        self.assertIn('name="self_points-1.1.1" value="abc"', page)
        self.assertIn("Nhập một số, ví dụ 7,5 hoặc 7.5.", page)

    def test_the_sheet_is_drawn_when_the_cache_is_down(self):
        self.client.force_login(self.people["staff_a"])

        with (
            mock.patch.object(BaseCache, "get_many", side_effect=ConnectionError("down")),
            mock.patch.object(BaseCache, "set_many", side_effect=ConnectionError("down")),
        ):
            page = self.page()

        self.assertIn('name="self_points-1.1.1"', page)


APPRAISAL_ROW = "scoring/appraisal/_item.html"


class TestTheAppraisalSheetsRowsAreNeverStale(AppraisalTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()  # every test draws its rows first

    def cached_page(self, name: str = "appraiser") -> str:
        self.client.force_login(self.people[name])
        self.client.get(appraisal_url())
        with self.assertTemplateNotUsed(APPRAISAL_ROW):
            response = self.client.get(appraisal_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def page(self) -> str:
        response = self.client.get(appraisal_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_an_unchanged_page_is_drawn_once_and_then_read_the_same_from_the_cache(self):
        self.client.force_login(self.people["appraiser"])

        with self.assertTemplateUsed(APPRAISAL_ROW):
            first = self.client.get(appraisal_url())
        with self.assertTemplateNotUsed(APPRAISAL_ROW):
            again = self.client.get(appraisal_url())

        self.assertIn('name="points-2.1"', main(first))
        self.assertEqual(main(first), main(again))

    def test_rows_read_from_the_cache_build_no_inputs(self):
        self.cached_page()

        with mock.patch.object(PointsField, "__init__", side_effect=AssertionError("built")):
            page = self.page()

        self.assertIn('name="points-2.1"', page)

    def test_the_documents_and_the_answers_documents_are_read_in_one_query(self):
        request = request_explanation(
            self.sheet, "2.1", "Vì sao đạt 20?", user=self.people["appraiser"], domains=None
        )
        answer_explanation(request, "Đã bổ sung biên bản.", [pdf()], user=self.people["staff_a"])
        self.client.force_login(self.people["appraiser"])

        with CaptureQueriesContext(connection) as captured:
            page = self.page()

        self.assertIn("bien-ban.pdf", page)
        self.assertEqual(
            1, sum('FROM "scoring_evidence"' in query["sql"] for query in captured), captured
        )

    def test_saved_appraisal_points_are_on_the_page_at_once(self):
        self.assertIn('name="points-2.1" class', self.cached_page())

        apply_score_changes(self.sheet, [ScoreChange("2.1", points=D("17.5"), reason="Thiếu")])

        self.assertIn('name="points-2.1" value="17,50"', self.page())

    def test_a_claim_changed_by_the_unit_is_on_the_page_at_once(self):
        self.assertIn("Đã ban hành kế hoạch", self.cached_page())

        apply_score_changes(self.sheet, [ScoreChange("1.1.1", note="Kế hoạch số 12")])

        page = self.page()
        self.assertIn("Kế hoạch số 12", page)
        self.assertNotIn("Đã ban hành kế hoạch", page)

    def test_an_explanation_round_and_its_answer_are_on_the_page_at_once(self):
        self.cached_page()

        request = request_explanation(
            self.sheet, "2.1", "Vì sao đạt 20?", user=self.people["appraiser"], domains=None
        )
        self.assertIn("Vì sao đạt 20?", self.page())
        answer_explanation(request, "Đã bổ sung biên bản.", [pdf()], user=self.people["staff_a"])

        page = self.page()
        self.assertIn("Đã bổ sung biên bản.", page)
        self.assertIn("bien-ban.pdf", page)
        self.assertIn("Có tài liệu mới", page)

    def test_the_name_of_who_asked_is_the_current_one(self):
        asking = self.people["domain_1"]
        request_explanation(self.sheet, "2.1", "Vì sao?", user=asking, domains=None)
        self.cached_page()

        type(asking).objects.filter(pk=asking.pk).update(first_name="Trần", last_name="Thị Mới")

        self.assertIn("Yêu cầu bởi Trần Thị Mới", self.page())

    def test_each_appraiser_gets_the_inputs_of_their_own_domains(self):
        everything = self.cached_page("appraiser")
        self.assertIn('name="points-2.1"', everything)

        domain_1 = self.cached_page("domain_1")

        self.assertIn('name="points-1.1.1"', domain_1)
        self.assertNotIn('name="points-2.1"', domain_1)
        self.assertIn("Lĩnh vực này không được giao cho bạn.", domain_1)
        self.client.force_login(self.people["leadership"])
        self.assertNotIn('name="points-1.1.1"', self.page())

    def test_refused_points_come_back_as_typed_with_their_error(self):
        self.cached_page()

        response = self.client.post(
            appraisal_url(), {"version": str(self.sheet.version), "points-1.1.1": "7"}
        )

        self.assertContains(response, 'value="7"', status_code=400)
        self.assertContains(response, "cần ghi lý do thẩm định", status_code=400)


class TestTheSurveyGridsRowsAreNeverStale(SurveyTestCase):
    def setUp(self):
        cache.clear()  # every test draws its rows first

    def cached_grid(self, name: str) -> str:
        """The grid read twice as `name`: the second time without building the form."""
        self.client.force_login(self.people[name])
        self.client.get(SURVEY_URL)
        with mock.patch.object(SurveyGridForm, "__init__", side_effect=AssertionError("built")):
            response = self.client.get(SURVEY_URL)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def grid(self) -> str:
        response = self.client.get(SURVEY_URL)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_saved_points_are_in_the_grid_at_once(self):
        self.assertIn('name="s-STP-3.1" class', self.cached_grid("admin"))

        response = self.client.post(SURVEY_URL, {"s-STP-3.1": "13,11"})
        self.assertEqual(response.status_code, 302)

        self.assertIn('name="s-STP-3.1" value="13,11"', self.grid())

    def test_points_imported_elsewhere_are_in_a_read_only_grid_at_once(self):
        self.assertIn('<span class="num">–</span>', self.cached_grid("leadership"))

        save_survey(
            self.year,
            {"SXD": {"3.2": D("9.5")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )

        self.assertIn('<span class="num">9,50</span>', self.grid())

    def test_each_viewer_gets_the_inputs_of_their_own_permissions(self):
        self.assertIn('name="s-SNV-3.1"', self.cached_grid("admin"))

        appraiser = self.cached_grid("appraiser")

        self.assertNotIn('name="s-SNV-3.1"', appraiser)
        self.assertIn('name="s-STP-3.1"', appraiser)
        self.assertIn("Lưu điểm ĐTXHH", appraiser)
        leadership = self.cached_grid("leadership")
        self.assertNotIn('name="s-STP-3.1"', leadership)
        self.assertNotIn("Lưu điểm ĐTXHH", leadership)
        self.assertNotIn("csrfmiddlewaretoken", leadership[leadership.index("survey-form") :][:300])

    def test_a_renamed_unit_is_in_the_grid_at_once(self):
        self.cached_grid("admin")

        type(self.unit_a).objects.filter(pk=self.unit_a.pk).update(name="Sở Tư pháp mới")

        grid = self.grid()
        self.assertIn(
            '<label class="visually-hidden" for="id_s-STP-3.1">Sở Tư pháp mới · 3.1', grid
        )

    def test_each_language_has_its_own_rows(self):
        save_survey(
            self.year,
            {"SXD": {"3.1": D("10.5")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )
        self.assertIn('value="10,50"', self.cached_grid("admin"))

        self.client.cookies["django_language"] = "en"

        self.assertIn('value="10.50"', self.grid())

    def test_typed_values_come_back_with_their_errors_after_a_cached_grid(self):
        self.cached_grid("admin")

        response = self.client.post(SURVEY_URL, {"s-STP-3.1": "13", "s-STP-3.2": "16"})

        self.assertContains(response, 'name="s-STP-3.2" value="16"', status_code=400)
        self.assertContains(response, "Điểm 16,00 vượt điểm tối đa 15,00.", status_code=400)


TRACKER = "/theo-doi/2023/"
LIST = "/tham-dinh/2023/"
TRACKER_ROW = "scoring/_tracker_row.html"
LIST_ROW = "scoring/appraisal/_list_row.html"


class TestTheTrackersAndTheAppraisalListsRowsAreNeverStale(AppraisalTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()  # every test draws its rows first

    def cached(self, url: str, template: str, name: str = "appraiser") -> str:
        self.client.force_login(self.people[name])
        self.client.get(url)
        with self.assertTemplateNotUsed(template):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def row(self, url: str, unit_code: str = "STP") -> str:
        html = self.client.get(url).content.decode()
        start = html.index(f"{unit_code}</span>")
        return html[start : html.index("</tr>", start)]

    def test_a_claim_and_a_submission_are_on_the_tracker_at_once(self):
        self.assertIn('data-value="4">4/5<', self.cached(TRACKER, TRACKER_ROW))

        apply_score_changes(self.sheet, [ScoreChange("1.2", self_points=D("5"))])
        self.assertIn('data-value="5">5/5<', self.row(TRACKER))
        Sheet.objects.filter(pk=self.sheet.pk).update(state=SheetState.SUBMITTED)

        self.assertIn("Đã gửi", self.row(TRACKER))

    def test_an_appraisal_is_on_the_appraisal_list_at_once(self):
        before = self.cached(LIST, LIST_ROW)
        self.assertIn('data-value="20">1/5<', before)

        apply_score_changes(self.sheet, [ScoreChange("1.1.1", points=D("9"), reason="Thiếu")])

        row = self.row(LIST)
        self.assertIn('data-value="40">2/5<', row)
        self.assertIn('<td class="text-end num d-none d-md-table-cell" data-value="1">1</td>', row)

    def test_each_appraiser_gets_their_own_button(self):
        self.assertIn("Thẩm định<span", self.cached(LIST, LIST_ROW)[-20000:])

        own = self.cached(LIST, LIST_ROW, "own_appraiser")

        row = own[own.index("STP</span>") :]
        self.assertIn("Xem<span", row[: row.index("</tr>")])


def test_the_code_digest_follows_the_source_and_without_it_is_never_shared():
    assert code_digest(main) == code_digest(main)
    assert code_digest(main) != code_digest(RowsTestCase.page)
    # A builtin has no Python source: a digest of its own each time (nothing read from another).
    assert code_digest(len) != code_digest(len)


def test_pieces_are_drawn_once_per_signature_and_read_back():
    cache.clear()
    drawn = []

    def draw(indexes):
        drawn.append(indexes)
        return [f"<p>{index}</p>" for index in indexes]

    first = cached_html("test-piece", "v1", ["a", "b", "a"], draw)
    again = cached_html("test-piece", "v1", ["a", "b", "a"], draw)
    other = cached_html("test-piece", "v2", ["a"], draw)

    assert first == again == ["<p>0</p>", "<p>1</p>", "<p>0</p>"]
    assert other == ["<p>0</p>"]
    assert drawn == [[0, 1], [0]]
