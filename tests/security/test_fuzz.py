"""Fuzzing (Hypothesis): random and malformed input never answers 500 and never saves anything
invalid or partial.

Every form and importer gets junk: the self-assessment and appraisal forms, the survey file, the
unit, framework and score importers and the Excel round trip. After each example the database
holds only valid figures (points within 0 and the item's maximum, two decimals, no points on a
not-applicable item), the stored results equal a fresh recompute, and a refused input changed
nothing at all.
"""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal as D
from pathlib import Path

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scoring import calculations as calc
from scoring.models import AssessmentYear, Result, Score, Sheet, YearState
from scoring.services.results import recompute_year
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import FULL_MARKS, db_snapshot, make_sheet, make_unit, make_year, personas

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "-1",
            "-0.01",
            "10.005",
            "1e3",
            "1E-2",
            "NaN",
            "inf",
            "-Infinity",
            "٣",
            "10,5",
            "0,01",
            " 5 ",
            "99999999",
            "1.2.3",
            "\x00",
            "5\x00",
            "<script>",
            "0x10",
            "½",
            "1_0",
            "+3",
        ]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-1000, 100000).map(str),
    st.integers(0, 2000).map(lambda c: str(D(c).scaleb(-2))),
)
TEXT = st.one_of(st.text(max_size=40), st.just("x" * 5000), st.sampled_from(["\x00", "a\x00b"]))
CODES = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2", "3.1", "3.2", "1", "9.9", "", "1.1.1 "]


def assert_database_is_valid() -> None:
    """Only valid figures, and results that equal a recompute of the scores."""
    for score in Score.objects.select_related("item"):
        for value in (score.self_points, score.points):
            if value is not None:
                assert D(0) <= value <= score.item.max_points, (score.item.code, value)
                assert value == value.quantize(D("0.01"))
        if score.not_applicable:
            assert score.points is None and score.self_points is None, score.item.code
    stored = results()
    with transaction.atomic():
        for year in AssessmentYear.objects.all():
            recompute_year(year)
        recomputed = results()
        transaction.set_rollback(True)
    assert stored == recomputed


def results():
    return sorted(
        Result.objects.values_list(
            "unit__code",
            "year__year",
            "appraisal",
            "survey",
            "total",
            "max_points",
            "index",
            "band_label",
            "rank",
        )
    )


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    return "error" in levels or "warning" in levels


class FuzzCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit_a, cls.unit_b = make_unit("STP", "Sở Tư pháp"), make_unit("SXD", "Sở Xây dựng")
        cls.people = personas(cls.unit_a, cls.unit_b, make_unit("SNV", "Sở Nội vụ"))
        cls.sheet = make_sheet(cls.unit_a, cls.year)
        apply_score_changes(
            cls.sheet,
            [
                ScoreChange(code, self_points=D(value))
                for code, value in FULL_MARKS.items()
                if not code.startswith("3.")
            ],
            source="test",
        )

    def post_and_check(self, url: str, data: dict, **extra):
        before = db_snapshot()
        response = self.client.post(url, data, **extra)  # an exception here fails the test
        assert response.status_code < 500
        if refused(response):
            assert db_snapshot() == before
        assert_database_is_valid()
        return response


def form_data(draw, prefix_points: str, prefix_text: str, with_na: bool) -> dict:
    data = {}
    for code in draw(st.lists(st.sampled_from(CODES), unique=True)):
        if draw(st.booleans()):
            data[f"{prefix_points}-{code}"] = draw(JUNK)
        if draw(st.booleans()):
            data[f"{prefix_text}-{code}"] = draw(TEXT)
        if with_na and draw(st.booleans()):
            data[f"na-{code}"] = draw(st.sampled_from(["on", "1", "", "false", "<x>"]))
    return data


class TestSheetForm(FuzzCase):
    @FUZZ
    @given(st.data())
    def test_the_self_assessment_form_takes_any_junk_without_error_or_partial_save(self, data):
        self.client.force_login(self.people["staff_a"])
        version = Sheet.objects.get(pk=self.sheet.pk).version
        fields = form_data(data.draw, "self_points", "note", with_na=True)
        fields["version"] = data.draw(st.one_of(st.just(str(version)), JUNK))
        for name in ("difficulties", "proposals"):
            if data.draw(st.booleans()):
                fields[name] = data.draw(TEXT)
        self.post_and_check(reverse("sheet", args=["STP", 2023]), fields)


class TestAppraisalForm(FuzzCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        AssessmentYear.objects.filter(pk=cls.year.pk).update(state=YearState.APPRAISAL)

    @FUZZ
    @given(st.data())
    def test_the_appraisal_form_takes_any_junk_without_error_or_partial_save(self, data):
        self.client.force_login(self.people["appraiser"])
        version = Sheet.objects.get(pk=self.sheet.pk).version
        fields = form_data(data.draw, "points", "reason", with_na=False)
        fields["version"] = data.draw(st.one_of(st.just(str(version)), JUNK))
        self.post_and_check(reverse("appraisal_sheet", args=["STP", 2023]), fields)


# --------------------------------------------------------------------------- files

HEADERS = {
    "units": ["code", "name", "group"],
    "framework": ["code", "name", "max_points", "method", "guidance", "na_allowed"],
    "scores": ["unit_code", "item_code", "self_points", "points", "not_applicable", "note"],
    "survey": ["unit_code", "item_code", "points"],
}
CELLS = st.one_of(
    JUNK,
    st.sampled_from(CODES + ["STP", "SXD", "SNV", "SO", "HUYEN", "appraisal", "survey", "TRUE"]),
)


@st.composite
def table(draw, kind: str) -> list[list[str]]:
    header = list(HEADERS[kind])
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.lists(st.sampled_from(header + ["x", "", "code"]), max_size=6))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 1), max_size=6))
    return [header, *rows]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding, "replace")


RAW_FILES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [b"", b"\xef\xbb\xbf", b"PK\x03\x04broken zip", b"\xff\xfe\x00\x00", b"a,b\n\x00"]
    ),
)


class TestImporters(FuzzCase):
    def run_command(self, name: str, content: bytes, suffix: str, **options) -> None:
        before = db_snapshot()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"data{suffix}"
            path.write_bytes(content)
            try:
                call_command(name, str(path), stdout=io.StringIO(), **options)
            except CommandError:
                assert db_snapshot() == before
        assert_database_is_valid()

    @FUZZ
    @given(st.one_of(table("units").map(csv_bytes), RAW_FILES), st.sampled_from([".csv", ".xlsx"]))
    def test_the_unit_importer(self, content, suffix):
        self.run_command("import_units", content, suffix)

    @FUZZ
    @given(st.one_of(table("framework").map(csv_bytes), RAW_FILES))
    def test_the_framework_importer(self, content):
        AssessmentYear.objects.get_or_create(
            year=2030, defaults={"state": YearState.PREPARING, "owner_name": "Tỉnh"}
        )
        self.run_command("import_framework", content, ".csv", year=2030, group="SO")

    @FUZZ
    @given(st.one_of(table("scores").map(csv_bytes), RAW_FILES))
    def test_the_score_importer(self, content):
        self.run_command("import_scores", content, ".csv", year=2023)


class TestUploads(FuzzCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        AssessmentYear.objects.filter(pk=cls.year.pk).update(state=YearState.APPRAISAL)

    @FUZZ
    @given(
        st.one_of(table("survey").map(csv_bytes), RAW_FILES), st.sampled_from(["a.csv", "a.xlsx"])
    )
    def test_the_survey_import_page(self, content, name):
        self.client.force_login(self.people["admin"])
        upload = SimpleUploadedFile(name, content, content_type="text/csv")
        self.post_and_check(reverse("survey_import", args=[2023]), {"file": upload})

    @FUZZ
    @given(st.data())
    def test_the_excel_round_trip_with_random_cells_then_confirmed(self, data):
        self.client.force_login(self.people["appraiser"])
        base = reverse("roundtrip", args=["tham-dinh", "STP", 2023])
        download = self.client.get(reverse("roundtrip_download", args=["tham-dinh", "STP", 2023]))
        workbook = load_workbook(io.BytesIO(download.content))
        sheet = workbook.active
        for _ in range(data.draw(st.integers(1, 6))):
            row = data.draw(st.integers(1, sheet.max_row + 2))
            column = data.draw(st.integers(1, sheet.max_column + 1))
            value = data.draw(st.one_of(CELLS, st.none(), st.floats(allow_nan=True), st.integers()))
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl cannot write them
            sheet.cell(row=row, column=column, value=value)
        out = io.BytesIO()
        workbook.save(out)
        upload = SimpleUploadedFile("phieu.xlsx", out.getvalue())
        before = db_snapshot()
        response = self.client.post(base, {"file": upload})
        assert response.status_code < 500
        assert db_snapshot() == before  # a preview never saves
        nonce = response.context.get("nonce") if response.context else None
        if nonce:
            self.post_and_check(
                reverse("roundtrip_confirm", args=["tham-dinh", "STP", 2023]), {"nonce": nonce}
            )


# --------------------------------------------------------------------------- calculations
# (tests/scoring/test_calculations.py holds the index, sums, rounding, ranks and fixed-band
# properties; these add random band sets, the next band and the mean.)

band_sets = st.lists(
    st.integers(0, 10000).map(lambda c: D(c).scaleb(-2)), min_size=1, max_size=6, unique=True
).map(lambda minima: [calc.BandSpec(f"B{m}", m) for m in minima])
indices = st.integers(0, 10000).map(lambda c: D(c).scaleb(-2))


@given(band_sets, indices, indices)
def test_with_any_bands_a_higher_index_never_falls_in_a_lower_band(bands, low, high):
    low, high = sorted([low, high])
    low_band, high_band = calc.classify(low, bands), calc.classify(high, bands)
    if low_band is not None:
        assert high_band is not None and high_band.min_index >= low_band.min_index


@given(band_sets, indices)
def test_the_next_band_is_the_lowest_band_above_and_reached_at_its_minimum(bands, index):
    above = calc.next_band(index, bands)
    if above is None:
        assert all(band.min_index <= index for band in bands)
    else:
        assert above.min_index > index
        assert calc.classify(above.min_index, bands) == above
        assert not any(index < band.min_index < above.min_index for band in bands)


@given(st.lists(indices, min_size=1, max_size=30), st.sampled_from([calc.HALF_UP, calc.TRUNCATE]))
def test_the_mean_lies_between_the_lowest_and_the_highest_figure(values, rounding):
    mean = calc.mean(values, rounding)
    assert min(values) <= mean <= max(values)
    assert mean == mean.quantize(D("0.01"))
