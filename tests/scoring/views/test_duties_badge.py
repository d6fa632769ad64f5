"""The navigation's badge and /cua-toi/: what the person's units have to do, with days left.

The badge is on every page for the unit's own people (staff, leaders), and only their units';
nothing for anonymous visitors or people without a unit of their own. A cached page never shows
one person's badge to another, nor yesterday's (scoring/selectors/cache.py keys it).
"""

import re
from datetime import datetime, timedelta
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import ExplanationRequest
from tests.scoring.test_duties import HANOI, NOW, DutiesTestCase, score_for


def badge(html: str) -> str | None:
    """The navigation badge's count, or None when there is no badge."""
    found = re.search(
        r'class="badge rounded-pill portal-duties-badge[^"]*" data-duties="(\d+)"', html
    )
    return found.group(1) if found else None


class BadgeTestCase(DutiesTestCase):
    def get(self, url, user=None, now=NOW):
        self.client.logout()
        if user:
            self.client.force_login(self.people[user])
        with mock.patch("django.utils.timezone.now", return_value=now):
            return self.client.get(url)


class TestTheBadge(BadgeTestCase):
    def test_unit_staff_see_their_units_count_and_the_nearest_deadline(self):
        response = self.get("/", "staff_a")

        html = response.content.decode()
        self.assertEqual(badge(html), "4")
        # The nearest deadline is the request overdue since yesterday.
        self.assertIn("4</span> · quá hạn 1 ngày", html)
        self.assertIn(
            "3 yêu cầu giải trình chờ trả lời; 1 phiếu tự đánh giá chưa gửi; gần nhất: hạn "
            "09/03/2026 (quá hạn 1 ngày)",
            html,
        )

    def test_each_person_sees_only_the_units_they_work_for(self):
        self.assertEqual(badge(self.get("/cua-toi/", "staff_b").content.decode()), "1")
        self.assertEqual(badge(self.get("/cua-toi/", "leader_a").content.decode()), "4")
        self.assertEqual(badge(self.get("/cua-toi/", "both").content.decode()), "5")

    def test_anonymous_visitors_and_people_without_a_unit_of_their_own_have_none(self):
        anonymous = self.get("/")
        self.assertIsNone(badge(anonymous.content.decode()))
        self.assertNotIn("nav_duties", anonymous.context)
        for name in ("appraiser", "leadership", "admin"):
            with self.subTest(name):
                self.assertIsNone(badge(self.get("/", name).content.decode()))

    def test_a_unit_with_nothing_to_do_has_no_badge(self):
        ExplanationRequest.objects.filter(score__sheet__unit=self.sxd).delete()

        self.assertIsNone(badge(self.get("/", "staff_b").content.decode()))

    def test_the_folded_menu_shows_the_count_on_phones(self):
        html = self.get("/", "staff_a").content.decode()

        self.assertIn('portal-toggler-badge" aria-hidden="true">4</span>', html)


class TestTheBadgeOnCachedPages(BadgeTestCase):
    def test_a_cached_page_is_kept_per_person_with_their_own_badge(self):
        first = self.get("/", "staff_a")
        again = self.get("/", "staff_a")
        self.assertTrue(again.page_cache.page_hit)
        self.assertEqual(badge(again.content.decode()), "4")

        other = self.get("/", "staff_b")
        self.assertEqual(badge(other.content.decode()), "1")
        self.assertEqual(badge(first.content.decode()), "4")

    def test_a_new_request_is_on_the_next_page_at_once(self):
        self.get("/", "staff_b")
        ExplanationRequest.objects.create(
            score=score_for(self.sxd.sheets.get(year=self.appraisal), "1.2"), question="?"
        )

        response = self.get("/", "staff_b")

        self.assertFalse(response.page_cache.page_hit)
        self.assertEqual(badge(response.content.decode()), "2")

    def test_an_answered_request_leaves_the_badge_at_once(self):
        self.get("/", "staff_b")
        self.sxd_request.state = "answered"
        self.sxd_request.save()

        self.assertIsNone(badge(self.get("/", "staff_b").content.decode()))

    def test_the_next_day_the_days_left_are_counted_again(self):
        self.get("/", "staff_b")  # due 16/03: 6 days left on 10/03
        tomorrow = self.get("/", "staff_b", now=NOW + timedelta(days=1))

        self.assertFalse(tomorrow.page_cache.page_hit)
        self.assertIn("1</span> · còn 5 ngày", tomorrow.content.decode())

    def test_the_badge_costs_two_queries_however_many_requests(self):
        self.get("/", "staff_a")
        with CaptureQueriesContext(connection) as few:
            self.get("/", "staff_a")
        sheet = self.stp.sheets.get(year=self.appraisal)
        for code in ("2.1", "2.2"):
            ExplanationRequest.objects.create(score=score_for(sheet, code), question="?", round=2)
        self.get("/", "staff_a")  # computed again (a new request is a new key)
        with CaptureQueriesContext(connection) as many:
            response = self.get("/", "staff_a")

        self.assertTrue(response.page_cache.page_hit)
        self.assertEqual(badge(response.content.decode()), "6")
        self.assertEqual(len(many), len(few))


class TestMySheets(BadgeTestCase):
    def test_each_unit_lists_what_it_has_to_do_with_links_and_days_left(self):
        response = self.get("/cua-toi/", "both")

        html = response.content.decode()
        self.assertIn("5 việc cần làm", html)
        stp = html[html.index('id="duties-STP"') :]
        stp = stp[: stp.index("</div>")]
        links = re.findall(r'href="([^"]+)"', stp)
        self.assertEqual(
            links,
            [
                f"/phieu/STP/2025/giai-trinh/{self.overdue.pk}/",
                f"/phieu/STP/2025/giai-trinh/{self.today.pk}/",
                f"/phieu/STP/2025/giai-trinh/{self.later.pk}/",
                "/phieu/STP/2026/",
            ],
        )
        for text in (
            "Trả lời yêu cầu giải trình tiêu chí 1.1.1 (vòng 1, năm 2025)",
            "hạn 09/03/2026",
            "quá hạn 1 ngày",
            "hôm nay",
            "còn 6 ngày",
            "Gửi phiếu tự đánh giá năm 2026",
            "hạn 17:00 13/03/2026",
            "còn 3 ngày",
        ):
            self.assertIn(text, stp)
        self.assertIn('id="duties-SXD"', html)

    def test_a_unit_with_nothing_to_do_says_so(self):
        ExplanationRequest.objects.filter(score__sheet__unit=self.sxd).delete()

        html = self.get("/cua-toi/", "staff_b").content.decode()

        self.assertIn("Không có việc nào đang chờ đơn vị.", html)
        self.assertNotIn('id="duties-SXD"', html)

    def test_the_request_due_today_is_overdue_after_midnight(self):
        html = self.get("/cua-toi/", "staff_a", now=datetime(2026, 3, 11, 0, 5, tzinfo=HANOI))

        self.assertIn("quá hạn 2 ngày", html.content.decode())


class TestTheAnswerPage(BadgeTestCase):
    def test_the_page_the_email_links_to_says_when_the_answer_is_due(self):
        url = f"/phieu/STP/2025/giai-trinh/{self.today.pk}/"

        response = self.get(url, "staff_a")

        self.assertContains(response, '<dd class="col-sm-8" id="explanation-due">10/03/2026 ')
        self.assertContains(response, "hôm nay")

    def test_an_answered_request_has_no_deadline_any_more(self):
        self.today.state = "answered"
        self.today.save()

        response = self.get(f"/phieu/STP/2025/giai-trinh/{self.today.pk}/", "staff_a")

        self.assertNotContains(response, 'id="explanation-due"')
