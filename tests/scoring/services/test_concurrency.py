"""No lost updates: two people saving the same sheet at the same moment, on PostgreSQL.

Each save runs in its own thread with its own database connection, both made from the same
version of the sheet. The sheet's row lock serialises them; the version check refuses the later
one. Skipped on SQLite, which serialises every write anyway.
"""

import threading
import time
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import connection

from scoring.models import Score, Sheet
from scoring.selectors.sheets import sheet_for
from scoring.services import self_assessment
from scoring.services.errors import StaleSheetError
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import save_self_assessment
from tests.factories import make_sheet, make_unit, make_user, make_year
from units.models import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def race(sheet: Sheet, saves: dict) -> dict:
    """Run the saves {name: (user, points)} at once, all from version 0; return their outcomes.

    The first save to take the lock holds it a little longer (a slow apply_score_changes), so
    the other is certainly waiting on the row lock, not merely running after it.
    """
    start = threading.Barrier(len(saves))
    outcomes = {}
    real_apply = apply_score_changes

    def slow_apply(*args, **kwargs):
        result = real_apply(*args, **kwargs)
        time.sleep(0.3)
        return result

    def save(name, user, points):
        try:
            start.wait(timeout=10)
            save_self_assessment(
                Sheet(pk=sheet.pk, unit=sheet.unit, year=sheet.year) if sheet.pk else sheet,
                [ScoreChange("1.1.1", self_points=D(points))],
                user=user,
                expected_version=0,
            )
            outcomes[name] = "saved"
        except StaleSheetError as error:
            outcomes[name] = error
        finally:
            connection.close()  # this thread's own connection

    with mock.patch.object(self_assessment, "apply_score_changes", slow_apply):
        threads = [
            threading.Thread(target=save, args=(name, user, points))
            for name, (user, points) in saves.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return outcomes


def check_one_winner(outcomes: dict, saves: dict, unit) -> None:
    winners = [name for name, outcome in outcomes.items() if outcome == "saved"]
    losers = [name for name, outcome in outcomes.items() if isinstance(outcome, StaleSheetError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    stored = Score.objects.get(sheet__unit=unit, item__code="1.1.1")
    assert stored.self_points == D(saves[winners[0]][1])
    assert stored.updated_by == saves[winners[0]][0]
    assert Sheet.objects.get(unit=unit).version == 1
    assert outcomes[losers[0]].sheet.version == 1
    assert Score.history.filter(sheet_id=stored.sheet_id, item_id=stored.item_id).count() == 1


def test_two_concurrent_saves_of_one_sheet_let_exactly_one_win():
    year = make_year(2023)
    unit = make_unit("STP", "Sở Tư pháp")
    sheet = make_sheet(unit, year)
    saves = {
        "staff": (make_user("staff", Role.STAFF, unit), "7.00"),
        "leader": (make_user("leader", Role.LEADER, unit), "9.50"),
    }

    outcomes = race(sheet, saves)

    check_one_winner(outcomes, saves, unit)


def test_two_concurrent_first_saves_create_one_sheet_and_let_exactly_one_win():
    year = make_year(2023)
    unit = make_unit("STP", "Sở Tư pháp")
    saves = {
        "staff": (make_user("staff", Role.STAFF, unit), "4.25"),
        "leader": (make_user("leader", Role.LEADER, unit), "8.75"),
    }

    outcomes = race(sheet_for(unit, year), saves)

    check_one_winner(outcomes, saves, unit)
    assert Sheet.objects.filter(unit=unit).count() == 1
