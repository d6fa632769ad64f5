"""Survey points: the grid, the file import (all or nothing) and who may enter them."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from lib import tabular
from scoring.models import Result, Score, YearState
from scoring.permissions import survey_units
from scoring.services.errors import ServiceError
from scoring.services.survey import import_survey, save_survey
from tests.factories import db_snapshot, make_sheet, make_unit, make_year, personas

URL = "/dieu-tra/2023/"
IMPORT_URL = "/dieu-tra/2023/nhap/"


def csv_upload(rows, name="dieu-tra.csv"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, name="dieu-tra.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


HEADER = ["unit_code", "item_code", "points"]


class SurveyTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, state=YearState.APPRAISAL, group_codes=("SO", "HUYEN"))
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.district = make_unit("TAMKY", "UBND thành phố Tam Kỳ", group="HUYEN")
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)
        for unit in (cls.unit_a, cls.unit_b):
            make_sheet(unit, cls.year)

    def points(self, unit_code: str, item_code: str):
        score = Score.objects.filter(sheet__unit__code=unit_code, item__code=item_code).first()
        return score.points if score else None


class TestSavingSurveyPoints(SurveyTestCase):
    def test_points_of_many_units_are_saved_and_results_follow(self):
        count = save_survey(
            self.year,
            {"STP": {"3.1": D("13.11"), "3.2": D("13.11")}, "TAMKY": {"3.1": D("15")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )

        self.assertEqual(count, 3)
        self.assertEqual(self.points("STP", "3.2"), D("13.11"))
        self.assertEqual(Result.objects.get(unit=self.unit_a).survey, D("26.22"))
        self.assertEqual(Result.objects.get(unit=self.district).survey, D("15.00"))
        history = Score.objects.get(sheet__unit=self.unit_a, item__code="3.1").history.latest(
            "history_id"
        )
        self.assertEqual(
            (history.history_user, history.history_change_reason), (self.people["admin"], "form")
        )

    def test_one_bad_value_saves_nothing_and_every_problem_is_listed(self):
        with self.assertRaises(ServiceError) as caught:
            save_survey(
                self.year,
                {
                    "STP": {"3.1": D("13"), "3.2": D("16")},
                    "SXD": {"1.1.1": D("5")},
                    "XYZ": {"3.1": D("1")},
                },
                user=self.people["admin"],
                allowed_units=survey_units(self.people["admin"], self.year),
            )

        self.assertEqual(
            caught.exception.messages,
            [
                "Đơn vị STP, tiêu chí 3.2: điểm 16,00 vượt điểm tối đa 15,00 của tiêu chí 3.2.",
                "Đơn vị SXD, tiêu chí 1.1.1: tiêu chí 1.1.1 không phải tiêu chí điều tra xã hội học.",
                "Đơn vị XYZ, tiêu chí 3.1: không có đơn vị “XYZ”.",
            ],
        )
        self.assertIsNone(self.points("STP", "3.1"))

    def test_an_appraiser_does_not_enter_survey_points_for_their_own_unit(self):
        with self.assertRaises(ServiceError) as caught:
            save_survey(
                self.year,
                {"SNV": {"3.1": D("10")}},
                user=self.people["appraiser"],
                allowed_units=survey_units(self.people["appraiser"], self.year),
            )

        self.assertEqual(
            caught.exception.messages,
            [
                "Đơn vị SNV, tiêu chí 3.1: bạn không được nhập điểm điều tra xã hội học của đơn vị SNV."
            ],
        )

    def test_survey_points_are_refused_once_the_year_is_published(self):
        self.year.state = YearState.PUBLISHED
        self.year.save()

        with self.assertRaisesMessage(
            ServiceError, "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        ):
            save_survey(
                self.year,
                {"STP": {"3.1": D("1")}},
                user=self.people["admin"],
                allowed_units=survey_units(self.people["admin"], self.year),
            )


class TestImportingSurveyPoints(SurveyTestCase):
    def test_a_csv_file_is_imported_with_the_history_source_import(self):
        upload = csv_upload([HEADER, ["STP", "3.1", "13,11"], ["SXD", "3.2", "14.5"]])

        summary = import_survey(
            upload,
            self.year,
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )

        self.assertEqual(str(summary), "Đã nhập 2 điểm điều tra xã hội học của 2 đơn vị năm 2023.")
        self.assertEqual(self.points("STP", "3.1"), D("13.11"))
        self.assertEqual(self.points("SXD", "3.2"), D("14.50"))
        history = Score.objects.get(sheet__unit=self.unit_b, item__code="3.2").history.latest(
            "history_id"
        )
        self.assertEqual(history.history_change_reason, "import")

    def test_an_xlsx_file_is_imported(self):
        upload = xlsx_upload([HEADER, ["TAMKY", "3.1", 12.75]])

        import_survey(
            upload,
            self.year,
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )

        self.assertEqual(self.points("TAMKY", "3.1"), D("12.75"))

    def test_a_three_decimal_year_takes_three_decimals_and_refuses_four(self):
        self.year.decimals = 3
        self.year.save(update_fields=["decimals"])
        people = self.people["admin"]
        units = survey_units(people, self.year)

        import_survey(
            csv_upload([HEADER, ["STP", "3.1", "13,125"]]),
            self.year,
            user=people,
            allowed_units=units,
        )
        self.assertEqual(self.points("STP", "3.1"), D("13.125"))

        with self.assertRaises(tabular.TableError) as caught:
            import_survey(
                csv_upload([HEADER, ["STP", "3.1", "13,1255"]]),
                self.year,
                user=people,
                allowed_units=units,
            )
        self.assertEqual(
            caught.exception.messages,
            ["Dòng 2, cột points: tối đa 3 chữ số thập phân, nhận được “13,1255”"],
        )
        self.assertEqual(self.points("STP", "3.1"), D("13.125"))

    def test_a_file_with_one_bad_row_imports_nothing_and_lists_every_problem(self):
        upload = csv_upload(
            [
                HEADER,
                ["STP", "3.1", "13.11"],
                ["STP", "3.2", "16"],
                ["SXD", "1.1.1", "5"],
                ["XYZ", "3.1", "1"],
                ["STP", "3.1", "12"],
                ["SXD", "3.1", ""],
                ["SXD", "3.2", "abc"],
            ]
        )
        before = db_snapshot()

        with self.assertRaises(tabular.TableError) as caught:
            import_survey(
                upload,
                self.year,
                user=self.people["admin"],
                allowed_units=survey_units(self.people["admin"], self.year),
            )

        self.assertEqual(
            caught.exception.messages,
            [
                "Dòng 3: điểm 16,00 vượt điểm tối đa 15,00 của tiêu chí 3.2.",
                "Dòng 4: tiêu chí 1.1.1 không phải tiêu chí điều tra xã hội học.",
                "Dòng 5: không có đơn vị “XYZ”.",
                "Dòng 6: đơn vị STP, tiêu chí 3.1 đã có ở dòng 2.",
                "Dòng 7, cột points: không được để trống",
                "Dòng 8, cột points: không phải là số, nhận được “abc”",
            ],
        )
        self.assertEqual(db_snapshot(), before)

    def test_a_file_without_the_required_columns_is_refused(self):
        with self.assertRaises(tabular.TableError) as caught:
            import_survey(
                csv_upload([["unit_code", "item_code"], ["STP", "3.1"]]),
                self.year,
                user=self.people["admin"],
                allowed_units=survey_units(self.people["admin"], self.year),
            )

        self.assertEqual(caught.exception.messages, ["Thiếu cột bắt buộc “points”"])

    def test_a_file_with_only_a_header_is_refused(self):
        with self.assertRaises(tabular.TableError) as caught:
            import_survey(
                csv_upload([HEADER]),
                self.year,
                user=self.people["admin"],
                allowed_units=survey_units(self.people["admin"], self.year),
            )

        self.assertEqual(caught.exception.messages, ["Tệp không có dữ liệu"])


# --------------------------------------------------------------------------- the page


class TestSurveyPage(SurveyTestCase):
    def test_the_grid_has_one_input_per_unit_and_survey_item(self):
        self.client.force_login(self.people["admin"])

        response = self.client.get(URL)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(response.context["form"].fields),
            [
                f"s-{unit}-{item}"
                for unit in ("SNV", "STP", "SXD", "TAMKY")
                for item in ("3.1", "3.2")
            ],
        )

    def test_an_appraiser_gets_no_input_for_their_own_unit(self):
        self.client.force_login(self.people["appraiser"])

        response = self.client.get(URL)

        self.assertNotIn("s-SNV-3.1", response.context["form"].fields)
        self.assertIn("s-STP-3.1", response.context["form"].fields)

    def test_saving_the_grid_saves_only_the_changed_cells(self):
        save_survey(
            self.year,
            {"SXD": {"3.1": D("10")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )
        self.client.force_login(self.people["admin"])

        response = self.client.post(URL, {"s-STP-3.1": "13,11", "s-SXD-3.1": "10,00"})

        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(self.points("STP", "3.1"), D("13.11"))
        self.assertEqual(
            Score.objects.get(sheet__unit=self.unit_b, item__code="3.1").history.count(), 1
        )
        self.assertContains(self.client.get(URL), "Đã lưu 1 điểm điều tra xã hội học.")

    def test_a_cell_the_request_does_not_send_is_left_as_it_is(self):
        save_survey(
            self.year,
            {"SXD": {"3.1": D("10")}, "TAMKY": {"3.2": D("5")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )
        self.client.force_login(self.people["admin"])

        response = self.client.post(URL, {"s-STP-3.1": "13", "s-SXD-3.2": ""})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.points("STP", "3.1"), D("13"))
        self.assertEqual(self.points("SXD", "3.1"), D("10"))
        self.assertEqual(self.points("TAMKY", "3.2"), D("5"))

    @override_settings(WORK_LISTS_ALL_GROUPS_UP_TO=3)
    def test_a_large_year_shows_its_first_group_and_saves_the_group_shown(self):
        self.client.force_login(self.people["admin"])

        first = self.client.get(URL)
        every = self.client.get(URL + "?khoi=")
        district = self.client.get(URL + "?khoi=HUYEN")
        saved = self.client.post(URL, {"khoi": "HUYEN", "s-TAMKY-3.1": "12"})

        self.assertEqual([block["group"].code for block in first.context["table"]], ["SO"])
        self.assertNotIn("s-TAMKY-3.1", first.context["form"].fields)
        self.assertContains(first, "Năm này có 4 đơn vị")
        self.assertContains(first, '<input type="hidden" name="khoi" value="SO">', html=True)
        self.assertEqual(len(every.context["table"]), 2)
        self.assertNotContains(every, "Năm này có")
        self.assertEqual(sorted(district.context["form"].fields), ["s-TAMKY-3.1", "s-TAMKY-3.2"])
        self.assertRedirects(saved, URL + "?khoi=HUYEN", fetch_redirect_response=False)
        self.assertEqual(self.points("TAMKY", "3.1"), D("12"))
        every_saved = self.client.post(URL, {"khoi": "", "s-STP-3.1": "11"})
        self.assertRedirects(every_saved, URL + "?khoi=", fetch_redirect_response=False)
        self.assertEqual(self.points("STP", "3.1"), D("11"))

    def test_a_small_year_saved_from_every_group_goes_back_to_the_plain_page(self):
        self.client.force_login(self.people["admin"])

        saved = self.client.post(URL, {"khoi": "", "s-STP-3.1": "11"})

        self.assertRedirects(saved, URL, fetch_redirect_response=False)

    def test_a_bad_cell_saves_nothing_and_is_shown(self):
        self.client.force_login(self.people["admin"])

        response = self.client.post(URL, {"s-STP-3.1": "13", "s-STP-3.2": "16"})

        self.assertContains(response, "Điểm 16,00 vượt điểm tối đa 15,00.", status_code=400)
        self.assertIsNone(self.points("STP", "3.1"))

    def test_a_bad_cell_keeps_what_was_typed_with_its_error_beside_it(self):
        self.client.force_login(self.people["admin"])

        response = self.client.post(URL, {"s-STP-3.1": "13", "s-STP-3.2": "16"})

        html = response.content.decode()
        cell = html[html.index('for="id_s-STP-3.2"') :]
        cell = cell[: cell.index("</td>")]
        self.assertIn('value="16"', cell)
        self.assertIn('aria-invalid="true"', cell)
        self.assertIn(
            '<div class="invalid-feedback d-block">Điểm 16,00 vượt điểm tối đa 15,00.</div>', cell
        )
        self.assertIn('name="s-STP-3.1" value="13"', html)

    def test_the_grid_shows_the_saved_points_and_escapes_the_unit_names(self):
        save_survey(
            self.year,
            {"SXD": {"3.1": D("10.5")}},
            user=self.people["admin"],
            allowed_units=survey_units(self.people["admin"], self.year),
        )
        type(self.unit_a).objects.filter(pk=self.unit_a.pk).update(name="Sở <b>Tư pháp</b> & Co")
        self.client.force_login(self.people["admin"])
        self.assertContains(self.client.get(URL), 'name="s-SXD-3.1" value="10,50"')
        self.year.state = YearState.PUBLISHED
        self.year.save()

        html = self.client.get(URL).content.decode()

        self.assertIn('<span class="num">10,50</span>', html)
        self.assertIn("Sở &lt;b&gt;Tư pháp&lt;/b&gt; &amp; Co <span", html)
        self.assertNotIn("<b>Tư pháp", html)

    def test_the_import_lists_its_errors_on_the_page(self):
        self.client.force_login(self.people["admin"])

        response = self.client.post(
            IMPORT_URL, {"file": csv_upload([HEADER, ["STP", "3.1", "13"], ["XYZ", "3.1", "1"]])}
        )

        self.assertContains(response, "Dòng 3: không có đơn vị “XYZ”.", status_code=400)
        self.assertIsNone(self.points("STP", "3.1"))

    def test_the_import_succeeds_with_a_message(self):
        self.client.force_login(self.people["appraiser"])

        response = self.client.post(IMPORT_URL, {"file": xlsx_upload([HEADER, ["STP", "3.1", 13]])})

        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(self.points("STP", "3.1"), D("13.00"))

    def test_unit_staff_get_403(self):
        self.client.force_login(self.people["staff_a"])

        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.post(URL, {"s-STP-3.1": "15"}).status_code, 403)
        self.assertEqual(
            self.client.post(
                IMPORT_URL, {"file": csv_upload([HEADER, ["STP", "3.1", "15"]])}
            ).status_code,
            403,
        )
        self.assertIsNone(self.points("STP", "3.1"))

    def test_leadership_reads_the_grid_without_inputs_and_cannot_save(self):
        self.client.force_login(self.people["leadership"])

        self.assertIsNone(self.client.get(URL).context["form"])
        self.assertEqual(self.client.post(URL, {"s-STP-3.1": "15"}).status_code, 403)

    def test_a_published_year_shows_the_grid_read_only(self):
        self.year.state = YearState.PUBLISHED
        self.year.save()
        self.client.force_login(self.people["admin"])

        response = self.client.get(URL)

        self.assertIsNone(response.context["form"])
        self.assertContains(response, "điểm điều tra xã hội học chỉ xem, không sửa")

    def test_the_grid_costs_the_same_number_of_queries_with_more_units(self):
        self.client.force_login(self.people["admin"])
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        for number in range(20):
            make_unit(f"S{number:02d}")
        with CaptureQueriesContext(connection) as many:
            self.client.get(URL)

        self.assertEqual(len(many), len(few))


@pytest.mark.parametrize("value", ["-1", "1.234", "1.000,5"])
def test_points_cells_the_reader_refuses(value):
    with pytest.raises(tabular.CellError):
        tabular.parse_points(value)
