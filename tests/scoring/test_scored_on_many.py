"""`Framework.objects.scored_on_many` (the importers' one lookup for a file's units) gives each
unit the framework `scored_on` gives it: the one its sheet has scores on, else its result's
group's, else its group's, else none."""

from decimal import Decimal as D

import pytest

from scoring.models import Framework, Result
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_group, make_sheet, make_unit, make_year


@pytest.mark.django_db
def test_every_unit_gets_the_framework_scored_on_gives_it():
    year = make_year(2023, group_codes=("SO", "HUYEN"))
    moved = make_unit("MOVED")  # scored as a department, now a district
    apply_score_changes(make_sheet(moved, year), [ScoreChange("1.1.1", points=D("5"))])
    moved.group = make_group("HUYEN")
    moved.save()
    ranked = make_unit("RANKED", group="HUYEN")  # no scores, a result among the departments
    make_sheet(ranked, year)
    Result.objects.filter(unit=ranked).delete()
    Result.objects.create(unit=ranked, year=year, group=make_group("SO"))
    plain = make_unit("PLAIN", group="HUYEN")
    nowhere = make_unit("NOWHERE", group="XA")  # no framework for its group in 2023
    units = [moved, ranked, plain, nowhere]

    many = Framework.objects.scored_on_many(units, year)

    assert many == {unit.id: Framework.objects.scored_on(unit, year) for unit in units}
    assert [many[unit.id] and many[unit.id].group.code for unit in units] == [
        "SO",
        "SO",
        "HUYEN",
        None,
    ]
