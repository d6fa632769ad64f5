"""The submission tracker: exact counts per unit, overdue units, the group filter, queries."""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal as D
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Item,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.selectors import tracker
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_sheet, make_unit, make_year, personas

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2024, 3, 31, 17, 0, tzinfo=HANOI)
BEFORE = datetime(2024, 3, 28, 9, 0, tzinfo=HANOI)  # 3 days before the deadline
AFTER = datetime(2024, 4, 2, 8, 0, tzinfo=HANOI)  # 2 days after
URL = "/theo-doi/2023/"


def add_document(score: Score, name: str = "minh-chung.pdf", explanation=None) -> Evidence:
    return Evidence.objects.create(
        score=score,
        explanation=explanation,
        file=f"evidence/{name}",
        original_name=name,
        content_type="application/pdf",
        size=100,
    )


class TrackerTestCase(TestCase):
    """Items 1.1.1, 2.1 and 2.2 need evidence (2.2 may be not applicable).

    STP (draft): 1.1.1, 1.1.2 scored, 2.2 not applicable; evidence on 1.1.1 (twice); one open
    and one answered explanation → 3/5 scored, 1 without evidence (2.1), 1 explanation open.
    SXD (submitted): all five scored, evidence on 2.1 only, attached to an explanation → 5/5,
    2 without evidence. TAMKY (district, draft): nothing → 0/5, 3 without evidence.
    """

    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(
            2023,
            state=YearState.SELF_ASSESSMENT,
            group_codes=("SO", "HUYEN"),
            self_assessment_deadline=DEADLINE,
        )
        Item.objects.filter(code__in=["1.1.1", "2.1", "2.2"]).update(evidence_required=True)
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.district = make_unit("TAMKY", "UBND thành phố Tam Kỳ", group="HUYEN")
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)

        stp = make_sheet(cls.unit_a, cls.year)
        apply_score_changes(
            stp,
            [
                ScoreChange("1.1.1", self_points=D("10")),
                ScoreChange("1.1.2", self_points=D("8")),
                ScoreChange("2.1", note="Đang tổng hợp"),
                ScoreChange("2.2", not_applicable=True),
            ],
            source="test",
        )
        first = Score.objects.get(sheet=stp, item__code="1.1.1")
        add_document(first, "a.pdf")
        add_document(first, "b.pdf")
        ExplanationRequest.objects.create(score=first, question="Thiếu chữ ký?")
        ExplanationRequest.objects.create(
            score=Score.objects.get(sheet=stp, item__code="1.1.2"),
            question="Vì sao 8?",
            answer="Vì …",
            state=ExplanationState.ANSWERED,
        )

        sxd = make_sheet(cls.unit_b, cls.year)
        apply_score_changes(
            sxd,
            [
                ScoreChange(code, self_points=D("5"))
                for code in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2")
            ],
            source="test",
        )
        Sheet.objects.filter(pk=sxd.pk).update(state=SheetState.SUBMITTED)
        second = Score.objects.get(sheet=sxd, item__code="2.1")
        add_document(
            second,
            "c.pdf",
            ExplanationRequest.objects.create(
                score=second, question="?", state=ExplanationState.CLOSED
            ),
        )

        make_sheet(cls.district, cls.year)

    def rows(self, **kwargs) -> dict:
        return {
            row.unit.code: (
                row.sheet.state,
                f"{row.scored}/{row.total}",
                row.without_evidence,
                row.open_explanations,
                row.days_left,
                row.overdue,
            )
            for row in tracker.tracker_rows(self.year, **kwargs)
        }


class TestTrackerNumbers(TrackerTestCase):
    def test_each_unit_has_exact_counts_before_the_deadline(self):
        self.assertEqual(
            self.rows(now=BEFORE),
            {
                "STP": ("draft", "3/5", 1, 1, 3, False),
                "SXD": ("submitted", "5/5", 2, 0, 3, False),
                "TAMKY": ("draft", "0/5", 3, 0, 3, False),
            },
        )

    def test_drafts_are_overdue_after_the_deadline_submitted_sheets_are_not(self):
        rows = self.rows(now=AFTER)

        self.assertEqual(
            {code: (row[4], row[5]) for code, row in rows.items()},
            {"STP": (-2, True), "SXD": (-2, False), "TAMKY": (-2, True)},
        )

    def test_the_deadline_day_itself_counts_zero_days_and_is_not_yet_overdue(self):
        morning = datetime(2024, 3, 31, 8, 0, tzinfo=HANOI)

        self.assertEqual(self.rows(now=morning)["STP"][4:], (0, False))

    def test_one_group_can_be_kept(self):
        self.assertEqual(sorted(self.rows(group_code="HUYEN", now=BEFORE)), ["TAMKY"])

    def test_the_counts_of_some_sheets_are_those_of_the_whole_year(self):
        whole = tracker.score_counts(self.year)
        some = tracker.score_counts(
            self.year, Sheet.objects.filter(unit__code__in=["STP", "TAMKY"])
        )

        self.assertEqual(set(some), {s.id for s in Sheet.objects.filter(unit__code="STP")})
        self.assertEqual(some, {sheet_id: whole[sheet_id] for sheet_id in some})

    def test_a_sheets_counts_come_from_the_cache_until_its_points_are_saved(self):
        def counts():
            return tracker.score_counts(self.year, Sheet.objects.filter(unit__code="STP"))

        stp = Sheet.objects.get(unit__code="STP")
        before = counts()
        with self.assertNumQueries(1):  # the sheet; its counts are those stored at its version
            self.assertEqual(counts(), before)

        apply_score_changes(stp, [ScoreChange("1.2", self_points=D("3"))], source="test")

        after = counts()
        self.assertEqual(after[stp.pk].answered, before[stp.pk].answered + 1)
        self.assertEqual(after[stp.pk], tracker.score_counts(self.year)[stp.pk])

    def test_without_a_deadline_there_are_no_days_and_nothing_is_overdue(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(self_assessment_deadline=None)
        self.year.refresh_from_db()

        self.assertEqual(self.rows(now=AFTER)["STP"][4:], (None, False))


class TestTrackerPage(TrackerTestCase):
    def get(self, url=URL, user="appraiser", now=AFTER):
        self.client.force_login(self.people[user])
        with mock.patch("django.utils.timezone.now", return_value=now):
            return self.client.get(url)

    def test_sở_nội_vụ_sees_every_unit_and_overdue_ones_stand_out(self):
        response = self.get()

        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(response.context["submitted"], 1)
        self.assertEqual(response.context["overdue"], 2)
        self.assertIn('<tr class="table-danger" data-unit="STP">', html)
        self.assertIn('<tr data-unit="SXD">', html)
        self.assertIn("quá 2 ngày", html)
        self.assertIn("data-sortable", html)

    def test_the_group_filter_keeps_one_group(self):
        response = self.get(URL + "?khoi=SO")

        self.assertEqual([row.unit.code for row in response.context["rows"]], ["STP", "SXD"])
        self.assertEqual(response.context["group_code"], "SO")

    def test_an_unknown_group_shows_every_group(self):
        response = self.get(URL + "?khoi=KHONGCO")

        self.assertEqual(len(response.context["rows"]), 3)

    def test_the_appraisal_list_keeps_one_group_with_the_same_filter(self):
        response = self.get("/tham-dinh/2023/?khoi=HUYEN")

        self.assertEqual([e["row"].unit.code for e in response.context["rows"]], ["TAMKY"])
        self.assertContains(response, '<option value="HUYEN" selected>')
        unknown = self.get("/tham-dinh/2023/?khoi=KHONGCO")
        self.assertEqual(len(unknown.context["rows"]), 3)
        self.assertEqual(unknown.context["group_code"], "")

    @override_settings(WORK_LISTS_ALL_GROUPS_UP_TO=2)
    def test_a_large_year_shows_its_first_group_unless_every_group_is_asked(self):
        first = self.get()
        every = self.get(URL + "?khoi=")
        other = self.get(URL + "?khoi=HUYEN")

        self.assertEqual(first.context["group_code"], "SO")
        self.assertEqual([row.unit.code for row in first.context["rows"]], ["STP", "SXD"])
        self.assertEqual((first.context["submitted"], first.context["overdue"]), (1, 1))
        self.assertContains(first, '<option value="SO" selected>')
        self.assertContains(first, "Năm này có 3 đơn vị")
        self.assertEqual(len(every.context["rows"]), 3)
        self.assertNotContains(every, "Năm này có")
        self.assertEqual([row.unit.code for row in other.context["rows"]], ["TAMKY"])
        self.assertNotContains(other, "Năm này có")

    @override_settings(WORK_LISTS_ALL_GROUPS_UP_TO=2)
    def test_a_large_years_appraisal_list_counts_its_first_group_only(self):
        first = self.get("/tham-dinh/2023/")
        every = self.get("/tham-dinh/2023/?khoi=&trang_thai=")

        self.assertEqual([e["row"].unit.code for e in first.context["rows"]], ["STP", "SXD"])
        self.assertEqual(first.context["overall"]["units"], 2)
        self.assertEqual(
            [(e["row"].scored, e["row"].total) for e in first.context["rows"]], [(3, 5), (5, 5)]
        )
        self.assertContains(first, "Năm này có 3 đơn vị")
        self.assertEqual(every.context["overall"]["units"], 3)
        self.assertNotContains(every, "Năm này có")

    def test_a_year_up_to_the_limit_lists_every_group(self):
        self.assertNotContains(self.get(), "Năm này có")
        self.assertEqual(len(self.get("/tham-dinh/2023/").context["rows"]), 3)

    def test_unit_staff_get_403(self):
        self.assertEqual(self.get(user="staff_a").status_code, 403)

    def test_leadership_and_admins_see_it_and_only_admins_get_the_year_link(self):
        self.assertNotContains(self.get(user="leadership"), "/nam/2023/quan-ly/")
        self.assertContains(self.get(user="admin"), "/nam/2023/quan-ly/")

    def test_the_index_opens_the_year_under_way(self):
        response = self.get("/theo-doi/")

        self.assertRedirects(response, URL, fetch_redirect_response=False)

    def test_the_query_count_does_not_grow_with_the_units(self):
        self.get()
        # Every sheet's counts computed in both (none read from the cache).
        cache.clear()
        with CaptureQueriesContext(connection) as few:
            self.get()
        for number in range(15):
            sheet = make_sheet(make_unit(f"S{number:02d}"), self.year)
            apply_score_changes(sheet, [ScoreChange("1.1.1", self_points=D("1"))], source="test")
            add_document(Score.objects.get(sheet=sheet))
        cache.clear()
        with CaptureQueriesContext(connection) as many:
            response = self.get()

        self.assertEqual(len(response.context["rows"]), 18)
        self.assertEqual(len(many), len(few))

    def test_the_items_per_group_and_those_needing_evidence_are_counted_in_one_query(self):
        with CaptureQueriesContext(connection) as captured:
            rows = self.rows()

        from_items = [
            query["sql"]
            for query in captured
            if re.match(r'SELECT (?:(?! FROM ).)* FROM "scoring_item"', query["sql"])
        ]
        self.assertEqual(len(from_items), 1, from_items)
        self.assertTrue(rows)

    def test_days_are_counted_in_the_provinces_time_zone(self):
        # 00:30 on 31 March in Hà Nội is still 30 March in UTC: the deadline is today, not tomorrow.
        just_after_midnight = datetime(2024, 3, 31, 0, 30, tzinfo=HANOI)

        self.assertEqual(self.rows(now=just_after_midnight)["STP"][4], 0)


class TestOverdueExplanations(TrackerTestCase):
    """Open requests are due seven days after the day they were asked (scoring/duties.py); the
    tracker counts them per unit, and the overdue ones, as /cua-toi/ does."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        stp = Sheet.objects.get(unit=cls.unit_a, year=cls.year)
        ExplanationRequest.objects.filter(score__sheet=stp, state=ExplanationState.OPEN).update(
            requested_at=datetime(2024, 3, 20, 10, 0, tzinfo=HANOI)  # due 27/03
        )
        later = ExplanationRequest.objects.create(
            score=Score.objects.get(sheet=stp, item__code="2.1"), question="Số liệu?"
        )
        ExplanationRequest.objects.filter(pk=later.pk).update(
            requested_at=datetime(2024, 3, 27, 10, 0, tzinfo=HANOI)  # due 03/04
        )
        # An answered request is not waiting, however old.
        ExplanationRequest.objects.filter(state=ExplanationState.ANSWERED).update(
            requested_at=datetime(2024, 1, 1, tzinfo=HANOI)
        )

    def counts(self, now) -> dict:
        return {
            row.unit.code: (row.open_explanations, row.overdue_explanations)
            for row in tracker.tracker_rows(self.year, now=now)
        }

    def test_a_request_is_overdue_the_day_after_its_deadline(self):
        self.assertEqual(
            self.counts(datetime(2024, 3, 27, 23, 59, tzinfo=HANOI)),
            {"STP": (2, 0), "SXD": (0, 0), "TAMKY": (0, 0)},
        )
        self.assertEqual(self.counts(datetime(2024, 3, 28, 0, 0, tzinfo=HANOI))["STP"], (2, 1))
        self.assertEqual(self.counts(datetime(2024, 4, 4, 0, 0, tzinfo=HANOI))["STP"], (2, 2))

    def test_the_page_shows_them_per_unit_and_in_all(self):
        self.client.force_login(self.people["appraiser"])
        with mock.patch("django.utils.timezone.now", return_value=AFTER):  # 02/04
            response = self.client.get(URL)

        self.assertEqual(
            (response.context["open_explanations"], response.context["overdue_explanations"]),
            (2, 1),
        )
        self.assertContains(response, 'data-overdue-explanations="1">1 quá hạn</span>')

    def test_the_export_has_them_too(self):
        self.client.force_login(self.people["appraiser"])
        with mock.patch("django.utils.timezone.now", return_value=AFTER):
            response = self.client.get("/xuat/theo-doi-2023.csv")

        header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        stp = next(row for row in rows if "STP" in row)
        self.assertEqual(
            (
                stp[header.index("Chờ đơn vị giải trình")],
                stp[header.index("Yêu cầu giải trình quá hạn")],
            ),
            ("2", "1"),
        )

    def test_one_query_counts_them_for_the_whole_page(self):
        self.client.force_login(self.people["appraiser"])
        with mock.patch("django.utils.timezone.now", return_value=AFTER):
            self.client.get(URL)
            # Every sheet's counts computed in both (none read from the cache).
            cache.clear()
            with CaptureQueriesContext(connection) as few:
                self.client.get(URL)
            for number in range(10):
                sheet = make_sheet(make_unit(f"S{number:02d}"), self.year)
                for code in ("1.1.1", "1.2"):
                    score = Score.objects.create(
                        sheet=sheet,
                        item=Item.objects.get(
                            framework__year=self.year, framework__group__code="SO", code=code
                        ),
                    )
                    ExplanationRequest.objects.create(score=score, question="?")
            ExplanationRequest.objects.filter(score__sheet__unit__code__startswith="S0").update(
                requested_at=datetime(2024, 3, 1, tzinfo=HANOI)
            )
            cache.clear()
            with CaptureQueriesContext(connection) as many:
                response = self.client.get(URL)

        self.assertEqual(response.context["overdue_explanations"], 1 + 20)
        self.assertEqual(len(many), len(few))
        explanations = [q["sql"] for q in many if "scoring_explanationrequest" in q["sql"]]
        self.assertEqual(len(explanations), 1, explanations)
