"""The one save path (scoring/services/scores.py): one lock, one version check, one framework
load per save; results recomputed only when something that counts changed."""

from decimal import Decimal as D

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from scoring.models import AssessmentYear, Result
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import save_self_assessment
from tests.factories import make_sheet, make_unit, make_user, make_year
from units.models import Role


class TheOneSavePath(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit = make_unit("STP", "Sở Tư pháp")
        cls.staff = make_user("canbo", Role.STAFF, cls.unit)
        cls.sheet = make_sheet(cls.unit, cls.year)
        save_self_assessment(cls.sheet, [ScoreChange("1.1.1", self_points=D("8"))], user=cls.staff)

    def save(self, *changes):
        sheet = type(self.sheet).objects.get(pk=self.sheet.pk)
        return save_self_assessment(
            sheet, list(changes), user=self.staff, expected_version=sheet.version
        )

    def results_version(self) -> int:
        return AssessmentYear.objects.get(pk=self.year.pk).results_version

    def test_a_self_assessment_save_locks_once_and_loads_the_framework_once(self):
        with CaptureQueriesContext(connection) as queries:
            self.save(ScoreChange("1.1.2", self_points=D("7"), note="Đã hoàn thành 70%"))

        sql = [query["sql"] for query in queries.captured_queries]
        items = [q for q in sql if 'FROM "scoring_item"' in q]
        self.assertEqual(len(items), 1, items)
        if connection.features.has_select_for_update:
            self.assertEqual(len([q for q in sql if "FOR UPDATE" in q]), 1)

    def test_claims_and_notes_leave_the_results_and_their_version_alone(self):
        result = Result.objects.get(unit=self.unit, year=self.year)
        version = self.results_version()

        self.save(ScoreChange("1.1.1", self_points=D("9"), note="Bổ sung kế hoạch"))

        self.assertEqual(self.results_version(), version)
        self.assertEqual(
            Result.objects.get(pk=result.pk).computed_at, result.computed_at, "not recomputed"
        )

    def test_not_applicable_counts_and_moves_the_results(self):
        version = self.results_version()

        self.save(ScoreChange("2.2", not_applicable=True))

        self.assertGreater(self.results_version(), version)
        self.assertEqual(Result.objects.get(unit=self.unit, year=self.year).max_points, D("80"))

    def test_points_that_count_move_the_results(self):
        version = self.results_version()
        sheet = type(self.sheet).objects.get(pk=self.sheet.pk)

        apply_score_changes(sheet, [ScoreChange("3.1", points=D("12"))], source="test")

        self.assertGreater(self.results_version(), version)
        self.assertEqual(Result.objects.get(unit=self.unit, year=self.year).survey, D("12"))

    def test_a_sheet_saved_for_the_first_time_gets_its_result(self):
        other = make_unit("SXD", "Sở Xây dựng")

        save_self_assessment(make_sheet(other, self.year), [ScoreChange("1.2", note="Ghi chú")])

        self.assertTrue(Result.objects.filter(unit=other, year=self.year).exists())
