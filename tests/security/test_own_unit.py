"""Nobody appraises a unit they belong to, whatever the role of that membership (penetration
test, finding 3): staff of Sở Tư pháp given an appraiser membership at Sở Nội vụ, and an admin
whose membership is at Sở Nội vụ, appraised their own unit's sheet."""

from decimal import Decimal as D

from django.test import TestCase
from django.urls import reverse

from scoring.models import Score, Sheet, YearState
from scoring.permissions import appraised_domains, may, own_unit_conflict, survey_units
from tests.factories import make_sheet, make_unit, make_user, make_year
from units.models import Membership, Role


class NobodyAppraisesTheirOwnUnit(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, state=YearState.APPRAISAL)
        cls.justice = make_unit("STP", "Sở Tư pháp")
        cls.home = make_unit("SNV", "Sở Nội vụ")
        # Staff of Sở Tư pháp, also on the council through a membership at Sở Nội vụ.
        cls.two_hats = make_user("hai.vai", Role.STAFF, cls.justice)
        Membership.objects.create(user=cls.two_hats, unit=cls.home, role=Role.APPRAISER)
        cls.admin = make_user("quan.tri", Role.ADMIN, cls.home)
        cls.justice_sheet = make_sheet(cls.justice, cls.year)
        cls.home_sheet = make_sheet(cls.home, cls.year)

    def test_an_appraiser_never_appraises_the_unit_of_another_of_their_memberships(self):
        self.assertFalse(may(self.two_hats, "scoring.appraise_sheet", self.justice_sheet))
        self.assertFalse(may(self.two_hats, "scoring.enter_survey", self.justice_sheet))
        self.assertEqual(appraised_domains(self.two_hats, self.justice_sheet), set())
        self.assertNotIn("STP", survey_units(self.two_hats, self.year))
        # Nor the unit of the appraiser membership itself.
        self.assertFalse(may(self.two_hats, "scoring.appraise_sheet", self.home_sheet))

    def test_an_admin_never_appraises_the_unit_of_their_membership(self):
        self.assertFalse(may(self.admin, "scoring.appraise_sheet", self.home_sheet))
        self.assertFalse(may(self.admin, "scoring.enter_survey", self.home_sheet))
        self.assertTrue(may(self.admin, "scoring.appraise_sheet", self.justice_sheet))
        self.assertEqual(survey_units(self.admin, self.year), {"STP"})

    def test_the_page_refuses_the_save_and_says_why(self):
        self.client.force_login(self.two_hats)
        url = reverse("appraisal_sheet", args=["STP", 2023])

        response = self.client.post(url, {"version": "0", "points-1.1.1": "10"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Score.objects.filter(sheet__unit=self.justice, points=D("10")).exists())
        self.client.force_login(self.admin)
        page = self.client.get(reverse("appraisal_sheet", args=["SNV", 2023]))
        self.assertContains(page, "không ai chấm đơn vị mình")
        self.assertEqual(
            own_unit_conflict(self.admin, Sheet.objects.get(pk=self.home_sheet.pk)),
            "Bạn là quản trị của Sở Nội vụ nên không thẩm định, không nhập điểm điều tra "
            "xã hội học và không đóng yêu cầu giải trình của đơn vị này (không ai chấm đơn vị mình).",
        )
