"""Results as open data: records, CSV and JSON (scoring/exchange/opendata.py)."""

import json
from decimal import Decimal as D

import pytest

from scoring.exchange import opendata
from tests.factories import make_small_province, make_year

CSV_2023 = (
    "code,name,group,appraisal,survey,total,index,classification,rank,max,publication_note,bonus,deduction,cap_reason\n"
    "SNV,Sở Nội vụ,SO,69.50,27.36,96.86,96.86,Tốt,1,100.00,,0.00,0.00,\n"
    "SLDTBXH,Sở Lao động - Thương binh và Xã hội,SO,65.81,26.22,92.03,92.03,Tốt,2,100.00,,0.00,0.00,\n"
    "SCT,Sở Công Thương,SO,55.00,30.00,85.00,85.00,Khá,3,100.00,,0.00,0.00,\n"
    "STP,Sở Tư pháp,SO,60.00,25.00,85.00,85.00,Khá,3,100.00,,0.00,0.00,\n"
    "STNMT,Sở Tài nguyên và Môi trường,SO,40.00,26.00,66.00,82.50,Khá,5,80.00,,0.00,0.00,\n"
    'TAMKY,"UBND thành phố Tam Kỳ, tỉnh Quảng Nam",HUYEN,70.00,25.00,95.00,95.00,Tốt,1,100.00,,0.00,0.00,\n'
)


@pytest.mark.django_db
class TestResultRecords:
    def test_records_hold_decimals_and_integer_ranks_in_group_rank_code_order(self):
        year = make_small_province()

        records = opendata.result_records(year)

        assert [r["code"] for r in records] == ["SNV", "SLDTBXH", "SCT", "STP", "STNMT", "TAMKY"]
        assert records[1] == {
            "code": "SLDTBXH",
            "name": "Sở Lao động - Thương binh và Xã hội",
            "group": "SO",
            "appraisal": D("65.81"),
            "survey": D("26.22"),
            "total": D("92.03"),
            "index": D("92.03"),
            "classification": "Tốt",
            "rank": 2,
            "max": D("100.00"),
            "publication_note": "",
            "bonus": D("0.00"),
            "deduction": D("0.00"),
            "cap_reason": "",
        }
        assert list(records[0]) == list(opendata.RESULT_COLUMNS)

    def test_a_group_given_by_code_or_object_keeps_only_its_units(self):
        year = make_small_province()

        by_code = opendata.result_records(2023, group="HUYEN")
        by_object = opendata.result_records(
            year, group=year.frameworks.get(group__code="HUYEN").group
        )

        assert [r["code"] for r in by_code] == ["TAMKY"]
        assert by_object == by_code

    def test_it_reads_everything_in_one_query(self, django_assert_num_queries):
        make_small_province()

        # the results, the lineage's three for the names of the year, the decisions
        with django_assert_num_queries(5):
            records = opendata.result_records(2023)

        assert len(records) == 6

    def test_a_year_without_results_gives_no_records(self):
        make_year(2024)

        assert opendata.result_records(2024) == []


@pytest.mark.django_db
class TestFiles:
    def test_csv_lists_ties_by_code_with_equal_rank_and_the_next_rank_skipping(self):
        make_small_province()

        assert opendata.records_to_csv(opendata.result_records(2023)) == CSV_2023

    def test_csv_of_no_records_is_the_header_alone(self):
        assert opendata.records_to_csv([]) == (
            "code,name,group,appraisal,survey,total,index,classification,rank,max,publication_note,bonus,deduction,cap_reason\n"
        )

    def test_json_gives_decimals_as_strings_and_ranks_as_integers(self):
        make_small_province()

        data = json.loads(opendata.records_to_json(opendata.result_records(2023)))

        assert data[4] == {
            "code": "STNMT",
            "name": "Sở Tài nguyên và Môi trường",
            "group": "SO",
            "appraisal": "40.00",
            "survey": "26.00",
            "total": "66.00",
            "index": "82.50",
            "classification": "Khá",
            "rank": 5,
            "max": "80.00",
            "publication_note": "",
            "bonus": "0.00",
            "deduction": "0.00",
            "cap_reason": "",
        }
        assert [(r["code"], r["rank"]) for r in data[2:4]] == [("SCT", 3), ("STP", 3)]

    def test_json_keeps_vietnamese_letters_readable(self):
        make_small_province()

        text = opendata.records_to_json(opendata.result_records(2023, group="SO"))

        assert '"name": "Sở Nội vụ"' in text
