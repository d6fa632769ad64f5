"""The appraisal list of a year's units: group names, filters (django-filter) by group, sheet
state, appraisal progress and explanations, the overall progress figure."""

from decimal import Decimal as D

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import Sheet, SheetState
from scoring.services.appraisal import request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_sheet, make_unit
from tests.scoring.services.test_appraisal import AppraisalTestCase
from units.models import UnitGroup

URL = reverse("appraisal_list", args=[2023])


class TestAppraisalList(AppraisalTestCase):
    """STP: 2 of its 5 appraisal items settled (2.2 not applicable, 1.1.1 appraised), one open
    request; SXD: a submitted sheet, nothing appraised; SNV: every item appraised."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        UnitGroup.objects.filter(code="SO").update(name="Sở, ban, ngành")
        stp = Sheet.objects.get(unit=cls.unit_a)
        apply_score_changes(stp, [ScoreChange("1.1.1", points=D("10"))], source="test")
        request_explanation(stp, "2.1", "Đề nghị bổ sung.", user=None, domains=None)
        sxd = make_sheet(cls.unit_b, cls.year)
        Sheet.objects.filter(pk=sxd.pk).update(state=SheetState.SUBMITTED)
        snv = make_sheet(cls.home_unit, cls.year)
        apply_score_changes(
            snv,
            [ScoreChange(code, points=D("1")) for code in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2")],
            source="test",
        )

    def setUp(self):
        super().setUp()
        self.client.force_login(self.people["appraiser"])

    def units(self, query: str = "") -> list[str]:
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return [entry["row"].unit.code for entry in response.context["rows"]]

    def test_the_group_is_shown_by_its_name(self):
        response = self.client.get(URL)

        self.assertContains(response, '<td class="d-none d-md-table-cell">Sở, ban, ngành</td>')

    def test_the_progress_filter_keeps_units_not_started_under_way_or_done(self):
        self.assertEqual(self.units("?tien_do=chua"), ["SXD"])
        self.assertEqual(self.units("?tien_do=dang"), ["STP"])
        self.assertEqual(self.units("?tien_do=xong"), ["SNV"])

    def test_the_state_filter_keeps_one_sheet_state(self):
        self.assertEqual(self.units("?trang_thai=submitted"), ["SXD"])
        self.assertEqual(sorted(self.units("?trang_thai=draft")), ["SNV", "STP"])

    def test_the_explanation_filter_keeps_units_with_a_request_waiting(self):
        self.assertEqual(self.units("?giai_trinh=cho-don-vi"), ["STP"])
        self.assertEqual(self.units("?giai_trinh=cho-tham-dinh"), [])

    def test_filters_combine_and_an_unknown_value_is_ignored(self):
        self.assertEqual(self.units("?khoi=SO&tien_do=dang&trang_thai=draft"), ["STP"])
        self.assertEqual(len(self.units("?tien_do=hmm&trang_thai=x")), 3)

    def test_the_overall_figure_adds_up_the_units_listed(self):
        response = self.client.get(URL)

        # STP 2 + SXD 0 + SNV 5 settled, of 3 × 5 appraisal items.
        self.assertEqual(
            response.context["overall"],
            {"appraised": 7, "total": 15, "percent": 46, "units_done": 1, "units": 3},
        )
        self.assertContains(response, "Tiến độ thẩm định cả năm")
        filtered = self.client.get(URL + "?tien_do=xong")
        self.assertContains(filtered, "Tiến độ thẩm định (các đơn vị đang lọc)")
        self.assertEqual(filtered.context["overall"]["percent"], 100)

    def test_the_filtered_list_reads_as_many_queries_with_more_units(self):
        query = "?khoi=SO&trang_thai=draft&tien_do=dang&giai_trinh=cho-don-vi"
        self.client.get(URL + query)  # warm the session
        # Every sheet's counts computed in both (none read from the cache).
        cache.clear()
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL + query)
        for code in ("SA", "SB", "SC"):
            sheet = make_sheet(make_unit(code), self.year)
            apply_score_changes(sheet, [ScoreChange("1.1.1", points=D("10"))], source="test")
            request_explanation(sheet, "2.1", "Đề nghị bổ sung.", user=None, domains=None)
        cache.clear()
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(URL + query)

        self.assertEqual(len(response.context["rows"]), 4)
        self.assertEqual(len(many), len(few))
