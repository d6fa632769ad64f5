"""The survey's pages read as many queries for 2 units and a few ballots as for 6 units and many."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from survey import services
from survey.models import Questionnaire, RespondentType, SampleTarget
from tests.factories import make_sheet, make_unit, make_user
from units.models import Role, Unit

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts_for(client, units: int, ballots: int) -> dict[str, int]:
    with transaction.atomic():
        form = Questionnaire.objects.get()
        for n in range(3, units + 1):
            make_unit(f"S{n}")
        types = list(RespondentType.objects.filter(code__in=["nguoi_dan", "cong_chuc"]))
        for unit in Unit.objects.all():
            make_sheet(unit, form.year)  # a tracker row, with its survey line
            for rtype in types:
                SampleTarget.objects.create(
                    questionnaire=form, unit=unit, respondent_type=rtype, target=5
                )
                for b in range(ballots):
                    services.cast_ballot(
                        form,
                        unit,
                        rtype,
                        {
                            "Q1": "AB"[b % 2],
                            "Q2": "C",
                            **({"Q3": "A"} if rtype.code == "nguoi_dan" else {}),
                        },
                        channel="paper",
                        reference=f"{unit.code}-{rtype.code}-{b}",
                    )
        client.force_login(make_user(f"lead{units}", Role.LEADERSHIP, Unit.objects.get(code="S2")))
        counts = {
            "home": queries(client, reverse("survey:home", args=[2026])),
            "unit": queries(client, reverse("survey:unit", args=[2026, "SO", "S1"])),
            "tracker": queries(client, reverse("tracker", args=[2026])),
        }
        transaction.set_rollback(True)
    return counts


def test_the_survey_pages_read_no_more_queries_for_more_units_and_ballots(client, questionnaire):
    assert counts_for(client, 2, 1) == counts_for(client, 6, 4)
