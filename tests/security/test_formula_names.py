"""Names that a spreadsheet could run as a formula are refused at every input (penetration test,
finding 5): units, unit groups, bands and framework items, through the importers, the commands,
the lineage and the admin. A leading "- " before a letter is a bullet, dropped on import."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lib.names import clean_name, name_problem
from scoring.models import Band, Item
from tests.factories import csv_file, db_snapshot, make_unit, make_year
from units.models import LineageEvent, Unit, UnitGroup

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","Sở")', "+84 Sở", "@SUM(1)", "-1+2", "-=cmd"]


def refused(command: str, *args) -> str:
    before = db_snapshot()
    with pytest.raises(CommandError) as caught:
        call_command(command, *args, stdout=io.StringIO())
    assert db_snapshot() == before
    return str(caught.value)


@pytest.mark.parametrize("name", FORMULAS)
def test_the_rule_refuses_what_excel_would_run(name):
    assert name_problem(clean_name(name))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("- Sở Nội vụ", "Sở Nội vụ"), ("-  Ban Dân tộc", "Ban Dân tộc"), ("Sở Y tế", "Sở Y tế")],
)
def test_a_bullet_before_a_name_is_dropped(typed, kept):
    assert clean_name(typed) == kept
    assert name_problem(clean_name(typed)) is None


@pytest.mark.parametrize("name", FORMULAS)
def test_the_unit_importer_refuses_a_formula_name_and_names_the_row(tmp_path, name):
    path = csv_file(
        tmp_path, [["code", "name", "group"], ["SNV", "Sở Nội vụ", "SO"], ["X", name, "SO"]]
    )

    message = refused("import_units", str(path))

    assert "Dòng 3, cột name: tên không được bắt đầu bằng =, +, -, @" in message


def test_the_unit_importer_drops_a_bullet(tmp_path):
    path = csv_file(tmp_path, [["code", "name", "group"], ["SNV", "- Sở Nội vụ", "SO"]])

    call_command("import_units", str(path), stdout=io.StringIO())

    assert Unit.objects.get(code="SNV").name == "Sở Nội vụ"


def test_the_framework_importer_refuses_a_formula_item_name(tmp_path):
    make_year(2024, group_codes=())
    path = csv_file(
        tmp_path,
        [
            ["code", "name", "max_points", "method"],
            ["1", "Chỉ đạo", "", ""],
            ["1.1", "=1+1", "10", "appraisal"],
        ],
    )

    message = refused("import_framework", str(path), "--year", "2024", "--group", "SO")

    assert "Dòng 3, cột name: tên không được bắt đầu bằng" in message
    assert not Item.objects.exists()


def test_set_bands_refuses_a_formula_label():
    make_year(2024)

    message = refused("set_bands", "--year", "2024", "--group", "SO", "=Tốt=90", "Khá=0")

    assert "tên không được bắt đầu bằng" in message
    assert not Band.objects.filter(year__year=2024, label__startswith="=").exists()


def test_the_lineage_importer_refuses_a_formula_new_name(tmp_path):
    make_unit("SNV", "Sở Nội vụ")
    path = csv_file(
        tmp_path,
        [
            ["year", "event", "from_codes", "to_codes", "new_name"],
            ["2025", "rename", "SNV", "", "@x"],
        ],
    )

    message = refused("import_lineage", str(path))

    assert "Dòng 2, cột new_name: tên không được bắt đầu bằng" in message
    assert not LineageEvent.objects.exists()


def test_the_admin_refuses_a_formula_name(admin_client):
    group = UnitGroup.objects.get(code="SO")
    response = admin_client.post(
        "/admin/units/unit/add/",
        {"code": "X", "name": "=cmd|' /C calc'!A0", "group": group.pk, "is_sample": ""},
    )

    assert response.status_code == 200
    assert "Tên không được bắt đầu bằng" in response.content.decode()
    assert not Unit.objects.filter(code="X").exists()
