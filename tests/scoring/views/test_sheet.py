"""The self-assessment sheet page: who may read and write it, saving a draft, bad input, stale
saves, history, the "my sheets" page and the number of queries."""

from decimal import Decimal as D

from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import AssessmentYear, Framework, Result, Score, Sheet, YearState
from scoring.services.frameworks import ItemRow, replace_framework
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import (
    PASSWORD,
    make_group,
    make_sheet,
    make_unit,
    make_user,
    make_year,
    personas,
    wide_rows,
)
from tests.queue import then_run_jobs
from units.models import Role

APPRAISAL_CODES = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2"]


def sheet_url(unit_code="STP", year=2023) -> str:
    return reverse("sheet", args=[unit_code, year])


def form_data(version=0, **values) -> dict:
    """A complete POST of the sheet form: every appraisal item empty unless given.

    form_data(**{"self_points-1.1.1": "7,25", "na-2.2": "on"})
    """
    data = {"version": str(version), "difficulties": "", "proposals": ""}
    for code in APPRAISAL_CODES:
        data[f"self_points-{code}"] = ""
        data[f"note-{code}"] = ""
    data.update(values)
    return data


class SheetTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)

    def login(self, name: str):
        self.client.force_login(self.people[name])

    def stored(self, code: str) -> Score:
        return Score.objects.get(sheet__unit=self.unit_a, item__code=code)


# --------------------------------------------------------------------------- access


class TestWhoMayReadAndWriteTheSheet(SheetTestCase):
    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get(sheet_url())

        self.assertRedirects(
            response, "/tai-khoan/login/?next=/phieu/STP/2023/", fetch_redirect_response=False
        )

    def test_staff_of_another_unit_get_403_when_reading_or_saving_the_sheet(self):
        self.login("staff_b")

        self.assertEqual(self.client.get(sheet_url()).status_code, 403)
        response = self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "5"}))

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Sheet.objects.filter(unit=self.unit_a).exists())

    def test_staff_of_another_unit_get_403_on_the_history_and_the_preview(self):
        self.login("staff_b")

        history = self.client.get(reverse("item_history", args=["STP", 2023, "1.1.1"]))
        preview = self.client.post(reverse("sheet_preview", args=["STP", 2023]), form_data())

        self.assertEqual(history.status_code, 403)
        self.assertEqual(preview.status_code, 403)

    def test_an_unknown_unit_year_or_item_is_404(self):
        self.login("staff_a")

        self.assertEqual(self.client.get(sheet_url("KHONGCO")).status_code, 404)
        self.assertEqual(self.client.get(sheet_url(year=1999)).status_code, 404)
        history = self.client.get(reverse("item_history", args=["STP", 2023, "9.9"]))
        self.assertEqual(history.status_code, 404)

    def test_unit_staff_get_inputs_for_appraisal_items_and_none_for_survey_items(self):
        self.login("staff_a")

        response = self.client.get(sheet_url())

        self.assertEqual(response.status_code, 200)
        # The inputs on the page (drawn with each row; the page's form holds the version and
        # the report).
        self.assertContains(response, 'name="na-2.2"')
        self.assertNotContains(response, 'name="na-1.1.1"')
        self.assertNotContains(response, 'name="note-3.1"')
        self.assertContains(response, 'name="self_points-1.1.1"')
        self.assertNotContains(response, 'name="self_points-3.1"')
        self.assertContains(
            response, "Chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.", count=2
        )
        self.assertContains(response, "Ban hành kế hoạch đúng hạn")
        self.assertContains(response, "Lưu nháp")

    def test_reading_the_sheet_creates_nothing(self):
        self.login("staff_a")

        self.client.get(sheet_url())

        self.assertFalse(Sheet.objects.exists())

    def test_leadership_and_appraisers_read_without_a_form_and_cannot_save(self):
        make_sheet(self.unit_a, self.year)
        for name in ("leadership", "appraiser"):
            with self.subTest(name):
                self.login(name)

                response = self.client.get(sheet_url())
                post = self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "5"}))

                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["form"])
                self.assertContains(response, "Bạn đang xem phiếu (chỉ đọc).")
                self.assertNotContains(response, 'name="self_points-1.1.1"')
                self.assertEqual(post.status_code, 403)
        self.assertFalse(Score.objects.exists())

    def test_the_unit_does_not_see_appraisal_points_before_publication_but_appraisers_do(self):
        sheet = make_sheet(self.unit_a, self.year)
        apply_score_changes(
            sheet, [ScoreChange("1.1.1", points=D("6.5"), reason="Thiếu kế hoạch")], source="test"
        )

        self.login("staff_a")
        unit_view = self.client.get(sheet_url())
        self.login("appraiser")
        appraiser_view = self.client.get(sheet_url())

        self.assertNotContains(unit_view, "Thiếu kế hoạch")
        self.assertNotContains(unit_view, "Điểm thẩm định")
        self.assertContains(appraiser_view, "Thiếu kế hoạch")
        self.assertContains(appraiser_view, "6,50")


# --------------------------------------------------------------------------- saving


class TestSavingADraft(SheetTestCase):
    def test_it_stores_exactly_what_was_typed_with_a_comma_or_a_point(self):
        self.login("staff_a")

        response = self.client.post(
            sheet_url(),
            form_data(
                **{
                    "self_points-1.1.1": "7,25",
                    "self_points-1.1.2": "9.5",
                    "self_points-1.2": " 10 ",
                    "note-1.2": "Đã ban hành Kế hoạch số 12/KH-STP",
                    "na-2.2": "on",
                    "difficulties": "Thiếu cán bộ",
                    "proposals": "Bổ sung biên chế",
                }
            ),
        )

        self.assertRedirects(response, sheet_url(), fetch_redirect_response=False)
        values = {
            s.item.code: (s.self_points, s.not_applicable, s.note, s.points)
            for s in Score.objects.select_related("item")
        }
        self.assertEqual(
            values,
            {
                "1.1.1": (D("7.25"), False, "", None),
                "1.1.2": (D("9.50"), False, "", None),
                "1.2": (D("10.00"), False, "Đã ban hành Kế hoạch số 12/KH-STP", None),
                "2.2": (None, True, "", None),
            },
        )
        sheet = Sheet.objects.get(unit=self.unit_a, year=self.year)
        self.assertEqual(
            (sheet.difficulties, sheet.proposals, sheet.version, sheet.state),
            ("Thiếu cán bộ", "Bổ sung biên chế", 1, "draft"),
        )
        page = self.client.get(sheet_url())
        self.assertContains(page, "Đã lưu nháp phiếu tự đánh giá.")
        self.assertContains(page, 'value="7,25"')

    def test_a_claim_of_65_81_typed_as_65_comma_81_is_stored_as_65_81(self):
        year = AssessmentYear.objects.create(year=2024, state=YearState.SELF_ASSESSMENT)
        replace_framework(
            year,
            make_group("SO"),
            [
                ItemRow("1", "Điểm thẩm định", None),
                ItemRow("1.1", "Các tiêu chí thẩm định", D("70"), "appraisal"),
                ItemRow("2", "ĐTXHH", None),
                ItemRow("2.1", "Mức độ hài lòng", D("30"), "survey"),
            ],
        )
        self.login("staff_a")

        response = self.client.post(
            sheet_url(year=2024),
            {"version": "0", "self_points-1.1": "65,81", "note-1.1": ""},
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Score.objects.get(sheet__year=year, item__code="1.1").self_points, D("65.81")
        )
        page = self.client.get(sheet_url(year=2024))
        self.assertContains(page, '<span class="kpi-value num" id="self-total">65,81')

    def test_the_results_follow_the_save_in_the_same_request(self):
        self.login("staff_a")

        self.client.post(sheet_url(), form_data(**{"na-2.2": "on"}))

        result = Result.objects.get(unit=self.unit_a, year=self.year)
        self.assertEqual((result.max_points, result.total), (D("80.00"), D("0.00")))

    def test_the_appraisal_points_are_left_as_they_are(self):
        sheet = make_sheet(self.unit_a, self.year)
        apply_score_changes(
            sheet, [ScoreChange("1.1.1", points=D("6"), reason="Chậm")], source="test"
        )
        self.login("staff_a")

        self.client.post(sheet_url(), form_data(version=1, **{"self_points-1.1.1": "8"}))

        score = self.stored("1.1.1")
        self.assertEqual(
            (score.self_points, score.points, score.reason), (D("8.00"), D("6"), "Chậm")
        )

    def test_saving_again_without_changes_writes_no_history(self):
        self.login("staff_a")
        self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "7"}))
        before = Score.history.count()

        self.client.post(sheet_url(), form_data(version=1, **{"self_points-1.1.1": "7,00"}))

        self.assertEqual(Score.history.count(), before)
        self.assertEqual(Sheet.objects.get(unit=self.unit_a).version, 2)

    def test_the_running_totals_are_computed_by_the_server_without_saving(self):
        self.login("staff_a")

        response = self.client.post(
            reverse("sheet_preview", args=["STP", 2023]),
            form_data(**{"self_points-1.1.1": "7,25", "self_points-2.1": "abc", "na-2.2": "on"}),
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["totals"].earned, D("7.25"))
        self.assertEqual(response.context["totals"].max_points, D("50.00"))
        self.assertContains(response, 'id="domain-total-1" class="small" hx-swap-oob="true"')
        self.assertFalse(Sheet.objects.exists())


class TestBadInputSavesNothing(SheetTestCase):
    def assert_field_error(self, field: str, typed: str, message: str):
        self.login("staff_a")

        response = self.client.post(
            sheet_url(),
            form_data(**{field: typed, "self_points-1.2": "5", "difficulties": "X"}),
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors[field], [message])
        self.assertContains(response, message)
        self.assertContains(response, "Chưa lưu gì: hãy sửa các lỗi dưới đây rồi lưu lại.")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(Sheet.objects.exists())
        self.assertFalse(Score.objects.exists())

    def test_points_above_the_maximum(self):
        self.assert_field_error("self_points-1.1.1", "10,01", "Điểm 10,01 vượt điểm tối đa 10,00.")

    def test_negative_points(self):
        self.assert_field_error("self_points-1.1.1", "-1", "Điểm không được âm.")

    def test_three_decimals(self):
        self.assert_field_error("self_points-1.1.1", "7,255", "Điểm có tối đa 2 chữ số thập phân.")

    def test_letters(self):
        self.assert_field_error("self_points-1.1.1", "bảy", "Nhập một số, ví dụ 7,5 hoặc 7.5.")

    def test_points_on_an_item_marked_not_applicable(self):
        self.login("staff_a")

        response = self.client.post(
            sheet_url(), form_data(**{"self_points-2.2": "5", "na-2.2": "on"})
        )

        self.assertEqual(
            response.context["form"].errors["self_points-2.2"],
            ["Đã chọn “không áp dụng” thì để trống điểm tự đánh giá."],
        )
        self.assertFalse(Score.objects.exists())

    def assert_refused(self, extra: dict, message: str):
        self.login("staff_a")

        response = self.client.post(sheet_url(), form_data(**{"self_points-1.2": "5", **extra}))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].non_field_errors(), [message])
        self.assertContains(response, message)
        self.assertFalse(Score.objects.exists())

    def test_a_forged_item_code(self):
        self.assert_refused(
            {"self_points-9.9": "1"}, "Tiêu chí “9.9” không có trong bộ chỉ số của phiếu này."
        )

    def test_a_criterion_that_is_not_scored(self):
        self.assert_refused(
            {"note-1.1": "x"}, "Tiêu chí “1.1” không có trong bộ chỉ số của phiếu này."
        )

    def test_self_points_for_a_survey_item(self):
        self.assert_refused(
            {"self_points-3.1": "15"},
            "Tiêu chí 3.1 chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.",
        )

    def test_the_appraisal_side(self):
        self.assert_refused(
            {"points-1.1.1": "10"},
            "Tiêu chí 1.1.1: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định.",
        )

    def test_not_applicable_where_the_framework_does_not_allow_it(self):
        self.assert_refused({"na-1.1.1": "on"}, "Tiêu chí 1.1.1 không được chọn “không áp dụng”.")

    def test_the_typed_values_are_kept_on_the_page(self):
        self.login("staff_a")

        response = self.client.post(
            sheet_url(), form_data(**{"self_points-1.1.1": "11", "note-1.1.1": "Ghi chú dài"})
        )

        self.assertContains(response, 'value="11"')
        self.assertContains(response, "Ghi chú dài</textarea>")


# --------------------------------------------------------------------------- stale saves


class TestTwoPeopleEditingTheSameSheet(SheetTestCase):
    def test_the_later_save_from_stale_data_is_refused_and_shows_the_newer_values(self):
        self.login("staff_a")
        self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "8"}))  # version 1
        # The leader opened the page at version 1; staff saves again in the meantime.
        self.client.post(
            sheet_url(),
            form_data(version=1, **{"self_points-1.1.1": "8,5", "difficulties": "Mới"}),
        )
        self.login("leader_a")

        response = self.client.post(sheet_url(), form_data(version=1, **{"self_points-1.1.1": "6"}))

        self.assertEqual(response.status_code, 409)
        self.assertContains(
            response,
            "Chưa lưu: phiếu đã được người khác cập nhật sau khi bạn mở trang.",
            status_code=409,
        )
        stale = {(row["code"], str(row["label"])): row for row in response.context["stale"]}
        self.assertEqual(
            (
                stale["1.1.1", "Điểm tự đánh giá"]["stored"],
                stale["1.1.1", "Điểm tự đánh giá"]["typed"],
            ),
            ("8,50", "6,00"),
        )
        self.assertEqual(stale["", "Khó khăn, vướng mắc"]["stored"], "Mới")
        self.assertEqual(self.stored("1.1.1").self_points, D("8.50"))
        self.assertEqual(Sheet.objects.get(unit=self.unit_a).difficulties, "Mới")
        # The form comes back with the current version and what the leader typed.
        self.assertEqual(response.context["form"]["version"].value(), "2")
        self.assertContains(response, 'value="6"', status_code=409)

    def test_saving_again_after_reading_the_newer_values_is_accepted(self):
        self.login("staff_a")
        self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "8"}))

        refused = self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "6"}))
        accepted = self.client.post(sheet_url(), form_data(version=1, **{"self_points-1.1.1": "6"}))

        self.assertEqual((refused.status_code, accepted.status_code), (409, 302))
        self.assertEqual(self.stored("1.1.1").self_points, D("6.00"))


# --------------------------------------------------------------------------- history


class TestItemHistory(SheetTestCase):
    def test_it_lists_who_changed_what_when_and_from_which_source(self):
        self.login("staff_a")
        self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "7,25"}))
        self.client.post(
            sheet_url(),
            form_data(version=1, **{"self_points-1.1.1": "8", "note-1.1.1": "Bổ sung"}),
        )

        response = self.client.get(reverse("item_history", args=["STP", 2023, "1.1.1"]))

        self.assertEqual(response.status_code, 200)
        entries = response.context["entries"]
        self.assertEqual(
            [(e.user, e.source, [(c.field, c.old, c.new) for c in e.changes]) for e in entries],
            [
                (
                    "staff_a",
                    "form",
                    [("self_points", D("7.25"), D("8.00")), ("note", "", "Bổ sung")],
                ),
                ("staff_a", "form", [("self_points", None, D("7.25"))]),
            ],
        )
        self.assertContains(response, "Nhập trên phiếu", count=3)
        self.assertContains(response, "(form)", count=3)
        self.assertContains(response, '<td class="num">7,25</td><td class="num">8,00</td>')

    def test_the_unit_does_not_see_the_appraisal_side_before_publication(self):
        sheet = make_sheet(self.unit_a, self.year)
        apply_score_changes(
            sheet,
            [ScoreChange("1.1.1", points=D("6"), reason="Chậm")],
            source="admin",
            user=self.people["appraiser"],
        )
        url = reverse("item_history", args=["STP", 2023, "1.1.1"])

        self.login("staff_a")
        unit_view = self.client.get(url)
        self.login("appraiser")
        appraiser_view = self.client.get(url)

        self.assertEqual(unit_view.context["entries"], [])
        self.assertContains(appraiser_view, "Trang quản trị")
        self.assertContains(appraiser_view, "Chậm")


# --------------------------------------------------------------------------- my sheets


class TestMySheets(SheetTestCase):
    def test_members_see_their_units_sheets_and_their_state(self):
        make_unit("SYT", "Sở Y tế")
        self.login("staff_a")
        first = self.client.get(reverse("my_sheets"))
        self.client.post(sheet_url(), form_data(**{"self_points-1.1.1": "7"}))

        second = self.client.get(reverse("my_sheets"))

        self.assertContains(first, "Sở Tư pháp")
        self.assertContains(first, "Chưa bắt đầu")
        self.assertContains(first, 'href="/phieu/STP/2023/"')
        self.assertNotContains(first, "Sở Y tế")
        self.assertNotContains(first, "Sở Xây dựng")
        self.assertContains(second, "Đang soạn")
        self.assertContains(second, "Phiếu của đơn vị")

    def test_people_without_a_unit_role_are_told_so(self):
        self.login("appraiser")

        response = self.client.get(reverse("my_sheets"))

        self.assertContains(
            response,
            "Tài khoản của bạn không thuộc cán bộ hay lãnh đạo của đơn vị nào nên không có phiếu tự đánh giá.",
        )

    def test_a_year_still_in_preparation_is_not_listed(self):
        make_year(2024, state=YearState.PREPARING)
        self.login("staff_a")

        response = self.client.get(reverse("my_sheets"))

        self.assertEqual([e["year"].year for e in response.context["rows"][0]["years"]], [2023])

    def test_the_login_page_is_in_vietnamese(self):
        response = self.client.get(reverse("login"))

        self.assertEqual(response.request["PATH_INFO"], "/tai-khoan/login/")
        self.assertContains(response, "Đăng nhập")

    def test_a_member_with_two_roles_in_one_unit_sees_it_once(self):
        user = make_user("both", Role.STAFF, self.unit_a)
        from units.models import Membership

        Membership.objects.create(user=user, unit=self.unit_a, role=Role.LEADER)
        self.client.force_login(user)

        response = self.client.get(reverse("my_sheets"))

        self.assertEqual(len(response.context["rows"]), 1)
        self.assertContains(response, "Lãnh đạo đơn vị, Cán bộ đơn vị")


# --------------------------------------------------------------------------- accounts


class TestAccountPages(SheetTestCase):
    def test_logging_in_leads_back_to_the_sheet(self):
        # Hashed again under the tests' password hasher (set after setUpTestData ran).
        user = self.people["staff_a"]
        user.set_password(PASSWORD)
        user.save()

        response = self.client.post(
            "/tai-khoan/login/?next=/phieu/STP/2023/",
            {"username": "staff_a", "password": PASSWORD, "next": "/phieu/STP/2023/"},
        )

        self.assertRedirects(response, sheet_url(), fetch_redirect_response=False)

    def test_a_wrong_password_is_refused_in_vietnamese(self):
        response = self.client.post("/tai-khoan/login/", {"username": "staff_a", "password": "x"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Đăng nhập")
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_logging_out_is_a_post(self):
        self.login("staff_a")

        response = self.client.post(reverse("logout"))

        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(sheet_url()).status_code, 302)

    def test_the_password_change_page_needs_a_login(self):
        anonymous = self.client.get(reverse("password_change"))
        self.login("staff_a")
        member = self.client.get(reverse("password_change"))

        self.assertEqual(anonymous.status_code, 302)
        self.assertEqual(member.status_code, 200)
        self.assertContains(member, "Đổi mật khẩu")

    def test_a_password_reset_sends_a_vietnamese_email(self):
        with then_run_jobs():
            response = self.client.post(reverse("password_reset"), {"email": "staff_a@example.vn"})

        self.assertRedirects(
            response, reverse("password_reset_done"), fetch_redirect_response=False
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["staff_a@example.vn"])
        self.assertTrue(mail.outbox[0].subject.startswith("Đặt lại mật khẩu trên"))
        self.assertIn("Tên đăng nhập của bạn: staff_a", mail.outbox[0].body)
        self.assertIn("/tai-khoan/reset/", mail.outbox[0].body)


# --------------------------------------------------------------------------- queries


class TestTheSheetPageQueryCount(TestCase):
    """The number of queries does not grow with the number of items, scores or documents."""

    @classmethod
    def setUpTestData(cls):
        cls.unit = make_unit("STP", "Sở Tư pháp")
        cls.user = make_user("staff", Role.STAFF, cls.unit)
        group = make_group("SO")
        for number, (domains, items) in ((2021, (2, 2)), (2022, (6, 10))):
            year = AssessmentYear.objects.create(year=number, state=YearState.SELF_ASSESSMENT)
            replace_framework(year, group, wide_rows(domains, items))
            sheet = make_sheet(cls.unit, year)
            framework = Framework.objects.get(year=year)
            codes = [i.code for i in framework.items.filter(is_scored=True, method="appraisal")]
            apply_score_changes(
                sheet, [ScoreChange(code, self_points=D("1.5"), note="x") for code in codes]
            )

    def count(self, year: int) -> int:
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(sheet_url(year=year))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_a_sheet_of_60_items_costs_as_many_queries_as_one_of_4(self):
        # The first page reads the navigation's badge (open requests, sheets due: 2 queries) and
        # keeps it in the cache under the catalog generation; the pages after read it there.
        first = self.count(2021)
        small, large = self.count(2021), self.count(2022)

        self.assertEqual(small, large)
        self.assertEqual(first, large + 2)
        # session, user, unit, year, sheet, memberships, framework, items, scores, documents,
        # explanation requests, and whether the framework was replaced under the sheet
        # (selectors.versions). The menu asks the rules only (`may`): not Django's own
        # permissions (two queries when `rules` said no).
        self.assertEqual(large, 12)
