"""A year with a survey framework (3.1 worth 2 points as in the issue's example), two units and a
questionnaire: Q1 and Q2 feed 3.1, Q3 feeds 3.2 and is for citizens only."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from scoring.models import YearState
from scoring.services.frameworks import replace_framework
from survey import services
from tests.factories import csv_file, item_rows, make_group, make_unit, make_year

ROWS = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", None, ""),
    ("1.1", "Kế hoạch CCHC năm", D("70"), "appraisal"),
    ("3", "Mức độ hài lòng", None, "survey"),
    ("3.1", "Hài lòng về tiếp cận dịch vụ", D("2"), "survey"),
    ("3.2", "Hài lòng về kết quả giải quyết", D("28"), "survey"),
]

QUESTIONNAIRE = [
    ["code", "item_code", "text", "options", "respondent_types"],
    ["Q1", "3.1", "Thông tin về thủ tục có dễ tìm không?", "A=100 B=60 C=20 D=0", ""],
    ["Q2", "3.1", "Công chức có hướng dẫn tận tình không?", "A=100 B=60 C=20 D=0", ""],
    ["Q3", "3.2", "Kết quả có đúng hẹn không?", "A=100 B=50 C=0", "nguoi_dan"],
]


@pytest.fixture
def year(db):
    # Seeded by a data migration, which a transactional test's flush removes.
    services.ensure_default_types()
    year = make_year(2026, state=YearState.APPRAISAL)
    replace_framework(year, make_group("SO"), item_rows(ROWS))
    return year


@pytest.fixture
def units(year):
    return [make_unit("S1"), make_unit("S2")]


@pytest.fixture
def questionnaire(year, units, tmp_path):
    data = Path(csv_file(tmp_path, QUESTIONNAIRE, name="q.csv")).read_bytes()
    services.import_questionnaire(data, year, make_group("SO"))
    return year
