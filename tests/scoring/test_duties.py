"""What a unit has to do, and by when (scoring/duties.py): open explanation requests of a year
under appraisal, sheets not submitted of a year in self-assessment, with their days left."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import RequestFactory, TestCase, override_settings

from scoring import duties
from scoring.models import ExplanationRequest, ExplanationState, Score, Sheet, SheetState, YearState
from scoring.permissions import memberships
from scoring.selectors.cache import cached_duty_rows
from tests.factories import make_sheet, make_unit, make_user, make_year, personas
from units.models import Membership, Role

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)
SELF_DEADLINE = datetime(2026, 3, 13, 17, 0, tzinfo=HANOI)  # three days from NOW


def score_for(sheet: Sheet, code: str) -> Score:
    from scoring.models import Item

    item = Item.objects.get(
        framework__year=sheet.year, framework__group=sheet.unit.group, code=code
    )
    return Score.objects.get_or_create(sheet=sheet, item=item)[0]


class DutiesTestCase(TestCase):
    """2025 under appraisal, 2026 in self-assessment (deadline 13/03 17:00), today 10/03/2026.

    STP: three open requests in 2025 (asked 02/03: due 09/03, overdue; 03/03: due today; 09/03:
    due 16/03), one answered; its 2026 sheet is a draft. SXD: one open request (asked 09/03),
    its 2026 sheet submitted. SCT: nothing to do. A request of 2024 (published) is left out:
    the unit can no longer answer it.
    """

    @classmethod
    def setUpTestData(cls):
        cls.appraisal = make_year(2025, state=YearState.APPRAISAL)
        cls.self_year = make_year(
            2026, state=YearState.SELF_ASSESSMENT, self_assessment_deadline=SELF_DEADLINE
        )
        cls.published = make_year(2024, state=YearState.PUBLISHED)
        cls.stp = make_unit("STP", "Sở Tư pháp")
        cls.sxd = make_unit("SXD", "Sở Xây dựng")
        cls.sct = make_unit("SCT", "Sở Công Thương")
        cls.home = make_unit("SNV", "Sở Nội vụ")
        cls.people = personas(cls.stp, cls.sxd, cls.home)
        cls.people["both"] = make_user("both", Role.LEADER, cls.stp)
        Membership.objects.create(user=cls.people["both"], unit=cls.sxd, role=Role.STAFF)

        stp, sxd = make_sheet(cls.stp, cls.appraisal), make_sheet(cls.sxd, cls.appraisal)
        cls.overdue = cls.ask(stp, "1.1.1", datetime(2026, 3, 2, 16, 0, tzinfo=HANOI))
        cls.today = cls.ask(stp, "1.1.2", datetime(2026, 3, 3, 23, 59, tzinfo=HANOI))
        cls.later = cls.ask(stp, "1.2", datetime(2026, 3, 9, 8, 0, tzinfo=HANOI))
        cls.ask(stp, "2.1", NOW, state=ExplanationState.ANSWERED)
        cls.sxd_request = cls.ask(sxd, "1.1.1", datetime(2026, 3, 9, 8, 0, tzinfo=HANOI))
        cls.ask(make_sheet(cls.stp, cls.published), "1.1.1", NOW)
        make_sheet(cls.stp, cls.self_year)
        submitted = make_sheet(cls.sxd, cls.self_year)
        Sheet.objects.filter(pk=submitted.pk).update(state=SheetState.SUBMITTED)
        make_sheet(cls.sct, cls.self_year)
        Sheet.objects.filter(unit=cls.sct, year=cls.self_year).update(state=SheetState.SUBMITTED)

    @staticmethod
    def ask(sheet, code, asked, state=ExplanationState.OPEN):
        request = ExplanationRequest.objects.create(
            score=score_for(sheet, code), question=f"Vì sao {code}?", state=state
        )
        ExplanationRequest.objects.filter(pk=request.pk).update(requested_at=asked)
        return request


class TestTheDeadlineOfARequest(TestCase):
    def test_a_request_is_due_seven_days_after_the_day_it_was_asked(self):
        self.assertEqual(
            duties.explanation_deadline(datetime(2026, 3, 3, 23, 59, tzinfo=HANOI)),
            date(2026, 3, 10),
        )

    def test_the_day_it_was_asked_is_the_portals_day(self):
        # 20:00 UTC on 2 March is already 3 March in Hà Nội.
        asked = datetime(2026, 3, 2, 20, 0, tzinfo=ZoneInfo("UTC"))
        self.assertEqual(duties.explanation_deadline(asked), date(2026, 3, 10))

    @override_settings(EXPLANATION_ANSWER_DAYS=3)
    def test_the_number_of_days_is_a_setting(self):
        asked = datetime(2026, 3, 3, 9, 0, tzinfo=HANOI)
        self.assertEqual(duties.explanation_deadline(asked), date(2026, 3, 6))


class TestAUnitsDuties(DutiesTestCase):
    def read(self, *units, now=NOW):
        return {d.unit.code: d for d in duties.unit_duties(list(units), now)}

    def test_open_requests_of_the_year_under_appraisal_with_their_days_left(self):
        stp = self.read(self.stp)["STP"]

        self.assertEqual(
            [(r.item_code, r.due.day, r.due.days_left, r.due.overdue) for r in stp.requests],
            [
                ("1.1.1", date(2026, 3, 9), -1, True),
                ("1.1.2", date(2026, 3, 10), 0, False),
                ("1.2", date(2026, 3, 16), 6, False),
            ],
        )
        self.assertEqual(
            [(s.year, s.deadline, s.due.days_left) for s in stp.sheets],
            [(2026, SELF_DEADLINE, 3)],
        )
        self.assertEqual((stp.count, stp.overdue), (4, 1))
        self.assertEqual(stp.nearest, stp.requests[0].due)

    def test_each_unit_has_its_own_and_a_unit_with_nothing_to_do_has_none(self):
        found = self.read(self.sct, self.sxd, self.stp)

        self.assertEqual(list(found), ["SCT", "SXD", "STP"])  # the order asked for
        self.assertEqual([r.pk for r in found["SXD"].requests], [self.sxd_request.pk])
        self.assertEqual(found["SXD"].sheets, ())  # submitted
        self.assertEqual(found["SCT"].count, 0)
        self.assertIsNone(found["SCT"].nearest)

    def test_a_request_answered_or_of_a_year_no_longer_under_appraisal_is_not_a_duty(self):
        self.appraisal.state = YearState.PUBLISHED
        self.appraisal.save()

        self.assertEqual(self.read(self.stp)["STP"].requests, ())

    def test_the_next_morning_the_request_due_today_is_overdue(self):
        tomorrow = datetime(2026, 3, 11, 0, 1, tzinfo=HANOI)

        stp = self.read(self.stp, now=tomorrow)["STP"]

        self.assertEqual([r.due.days_left for r in stp.requests], [-2, -1, 5])
        self.assertEqual(stp.overdue, 2)

    def test_two_queries_however_many_units_and_requests(self):
        with self.assertNumQueries(2):
            duties.unit_duties([self.stp, self.sxd, self.sct], NOW)


class TestTheDatabaseFilterAgreesWithTheRule(DutiesTestCase):
    def overdue_in_the_database(self, now) -> set[int]:
        return set(
            ExplanationRequest.objects.filter(state=ExplanationState.OPEN)
            .filter(duties.overdue_explanations(now))
            .values_list("pk", flat=True)
        )

    def overdue_by_the_rule(self, now) -> set[int]:
        return {
            r.pk
            for unit in duties.unit_duties([self.stp, self.sxd], now)
            for r in unit.requests
            if r.due.overdue
        }

    def test_at_the_boundaries_of_a_day(self):
        for now in (
            NOW,
            datetime(2026, 3, 10, 23, 59, tzinfo=HANOI),
            datetime(2026, 3, 11, 0, 0, tzinfo=HANOI),
            datetime(2026, 3, 16, 23, 59, tzinfo=HANOI),
            datetime(2026, 3, 17, 0, 0, tzinfo=HANOI),
        ):
            with self.subTest(now=now):
                # The published year's request is open but no duty: compare the others.
                expected = self.overdue_by_the_rule(now)
                found = self.overdue_in_the_database(now) & {
                    self.overdue.pk,
                    self.today.pk,
                    self.later.pk,
                    self.sxd_request.pk,
                }
                self.assertEqual(found, expected)


class TestThePersonsDuties(DutiesTestCase):
    def summary(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return duties.request_duties(request)

    def test_a_person_has_the_duties_of_the_units_they_work_for_only(self):
        self.assertEqual(self.summary(self.people["staff_a"]).count, 4)
        self.assertEqual(self.summary(self.people["staff_b"]).count, 1)
        self.assertEqual(self.summary(self.people["both"]).count, 5)

    def test_appraisers_leadership_and_admins_have_none_of_their_units(self):
        for name in ("appraiser", "leadership", "admin"):
            with self.subTest(name):
                self.assertEqual(self.summary(self.people[name]).units, ())

    def test_the_duties_are_read_once_per_request_in_two_queries(self):
        request = RequestFactory().get("/")
        request.user = self.people["staff_a"]
        memberships(request.user)  # read by every signed-in page already

        with self.assertNumQueries(2):
            duties.request_duties(request)
        with self.assertNumQueries(0):
            duties.request_duties(request)

    def test_a_person_without_a_unit_of_their_own_costs_no_query(self):
        request = RequestFactory().get("/")
        request.user = self.people["appraiser"]
        memberships(request.user)

        with self.assertNumQueries(0):
            self.assertEqual(duties.request_duties(request).count, 0)


class TestTheDutiesOfACachedPage(DutiesTestCase):
    """A cached page's key holds the badge (scoring/selectors/cache.py): the duties' rows come
    from the cache, the days are computed on each request, and a new or answered request is in
    them at once (the catalog generation)."""

    def test_the_rows_come_from_the_cache_and_the_days_from_the_moment_asked(self):
        ids = [self.stp.pk]
        first = cached_duty_rows(ids)
        with self.assertNumQueries(0):
            again = cached_duty_rows(ids)
        self.assertEqual(again, first)
        (stp,) = duties.duties_from_rows([self.stp], again, NOW)
        (next_day,) = duties.duties_from_rows([self.stp], again, NOW + timedelta(days=1))
        self.assertEqual((stp.overdue, next_day.overdue), (1, 2))

    def test_an_answered_or_a_new_request_is_in_the_rows_at_once(self):
        ids = [self.sxd.pk]
        self.assertEqual([row[0] for row in cached_duty_rows(ids)[0]], [self.sxd_request.pk])
        self.sxd_request.state = ExplanationState.ANSWERED
        self.sxd_request.save()
        self.assertEqual(cached_duty_rows(ids)[0], [])
        sheet = Sheet.objects.get(unit=self.sxd, year=self.appraisal)
        new = ExplanationRequest.objects.create(score=score_for(sheet, "1.2"), question="Vì sao?")
        self.assertEqual([row[0] for row in cached_duty_rows(ids)[0]], [new.pk])
