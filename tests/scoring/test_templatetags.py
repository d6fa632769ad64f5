"""The formatting filters of scoring/templatetags/portal_format.py."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from scoring.templatetags.portal_format import (
    band_css,
    delta,
    delta_css,
    delta_label,
    points,
    rank_of,
    signed,
)


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("vietnamese")
class TestPointsInVietnamese:
    def test_it_shows_two_decimals_with_a_decimal_comma(self):
        assert points(D("92.03")) == "92,03"

    def test_it_pads_to_two_decimals(self):
        assert points(D("85")) == "85,00"
        assert points(D("7.5")) == "7,50"
        assert points(0) == "0,00"

    def test_it_does_not_group_thousands(self):
        assert points(D("1234.5")) == "1234,50"

    def test_it_keeps_the_sign_of_a_negative_figure(self):
        assert points(D("-0.75")) == "-0,75"

    def test_it_never_shows_minus_zero(self):
        assert points(D("-0.00")) == "0,00"
        assert points(D("-0.004")) == "0,00"

    def test_it_cuts_digits_that_calculations_should_have_rounded(self):
        # Rounding belongs to calculations.py (half-up or truncated, by year); the filter
        # shows what it is given and must not round a second time.
        assert points(D("92.035")) == "92,03"

    def test_a_year_of_three_decimals_shows_three(self):
        assert points(D("91.651"), 3) == "91,651"
        assert points(D("91.65"), 3) == "91,650"
        assert points(D("91.651"), 2) == "91,65"
        assert (
            Template("{% load portal_format %}{{ v|points:3 }}").render(
                Context({"v": D("65.8105")})
            )
            == "65,810"
        )

    def test_it_accepts_numbers_as_strings_and_floats(self):
        assert points("92.03") == "92,03"
        assert points(88.5) == "88,50"

    def test_it_shows_a_dash_when_there_is_no_figure(self):
        assert points(None) == "–"
        assert points("") == "–"

    def test_it_leaves_text_that_is_not_a_number_alone(self):
        assert points("không áp dụng") == "không áp dụng"


@pytest.mark.usefixtures("english")
class TestPointsInEnglish:
    def test_it_uses_a_decimal_point(self):
        assert points(D("92.03")) == "92.03"
        assert delta(D("-0.5")) == "▼ 0.50"


@pytest.mark.usefixtures("vietnamese")
class TestDelta:
    def test_it_marks_a_rise_with_an_up_triangle(self):
        assert delta(D("1.25")) == "▲ 1,25"

    def test_it_marks_a_fall_with_a_down_triangle_and_no_minus_sign(self):
        assert delta(D("-0.50")) == "▼ 0,50"

    def test_it_marks_no_change_with_an_equals_sign(self):
        assert delta(D("0")) == "= 0,00"
        assert delta(D("-0.00")) == "= 0,00"

    def test_a_change_too_small_to_show_counts_as_no_change(self):
        assert delta(D("0.004")) == "= 0,00"
        assert delta_css(D("0.004")) == "delta-same"
        assert delta(D("-0.009")) == "= 0,00"

    def test_it_shows_a_dash_when_there_is_no_previous_year(self):
        assert delta(None) == "–"

    def test_its_css_class_follows_the_direction(self):
        assert delta_css(D("1.25")) == "delta-up"
        assert delta_css(D("-0.01")) == "delta-down"
        assert delta_css(D("0.00")) == "delta-same"
        assert delta_css(None) == "delta-same"

    def test_it_says_the_change_in_words_for_screen_readers(self):
        assert delta_label(D("1.25")) == "tăng 1,25"
        assert delta_label(D("-0.5")) == "giảm 0,50"
        assert delta_label(D("0")) == "không đổi"
        assert delta_label(None) == "chưa có số liệu so sánh"


@pytest.mark.usefixtures("vietnamese")
class TestSigned:
    """A change that is not final (tạm tính): a sign, no arrow."""

    def test_it_signs_a_rise_and_a_fall_with_a_true_minus(self):
        assert signed(D("1.25")) == "+1,25"
        assert signed(D("-70")) == "−70,00"

    def test_no_change_has_no_sign(self):
        assert signed(D("0")) == "0,00"
        assert signed(D("-0.004")) == "0,00"

    def test_places_are_whole_numbers(self):
        assert (signed(2), signed(-3), signed(0)) == ("+2", "−3", "0")

    def test_it_shows_a_dash_when_there_is_no_change(self):
        assert signed(None) == "–"


@pytest.mark.usefixtures("vietnamese")
class TestRankOf:
    def test_it_reads_rank_and_group_size_from_a_result(self):
        assert rank_of(SimpleNamespace(rank=2, rank_of=20)) == "thứ 2/20"

    def test_it_reads_them_from_a_dict(self):
        assert rank_of({"rank": 1, "rank_of": 34}) == "thứ 1/34"

    def test_it_takes_the_group_size_as_an_argument(self):
        assert rank_of(3, 20) == "thứ 3/20"

    def test_it_shows_a_dash_for_a_result_without_a_rank(self):
        assert rank_of(SimpleNamespace(rank=None, rank_of=20)) == "–"
        assert rank_of(None, 20) == "–"


class TestBandCss:
    @pytest.mark.parametrize(
        ("label", "css"),
        [
            ("Xuất sắc", "band-xuat-sac"),
            ("Tốt", "band-tot"),
            ("Khá", "band-kha"),
            ("Trung bình", "band-trung-binh"),
            ("Yếu", "band-yeu"),
            ("  TRUNG BÌNH ", "band-trung-binh"),
        ],
    )
    def test_it_gives_each_classification_its_class(self, label, css):
        assert band_css(label) == css

    @pytest.mark.parametrize("label", ["", None, "Kém", "Hoàn thành tốt", "Tốt hơn"])
    def test_any_other_label_gets_the_neutral_class(self, label):
        assert band_css(label) == "band-none"

    def test_it_reads_the_label_of_a_band(self):
        # A Band's str() carries its minimum ("Tốt (≥ 80.00)"): the label is what counts.
        assert band_css(SimpleNamespace(label="Khá")) == "band-kha"


@pytest.mark.usefixtures("vietnamese")
class TestInTemplates:
    def render(self, source, **context):
        return Template("{% load portal_format %}" + source).render(Context(context))

    def test_the_filters_load_and_format_in_a_template(self):
        html = self.render(
            '<span class="{{ change|delta_css }}">{{ change|delta }}</span> '
            "{{ total|points }} {{ rank|rank_of:of }}",
            change=D("1.25"),
            total=D("92.03"),
            rank=2,
            of=20,
        )
        assert html == '<span class="delta-up">▲ 1,25</span> 92,03 thứ 2/20'

    def test_the_band_badge_include_colours_the_label(self):
        html = self.render('{% include "includes/_band_badge.html" with label="Xuất sắc" %}')
        assert html.strip() == '<span class="badge band-badge band-xuat-sac">Xuất sắc</span>'

    def test_the_band_badge_include_says_when_there_is_no_classification(self):
        html = self.render('{% include "includes/_band_badge.html" with label="" %}')
        assert "band-none" in html
        assert "Chưa xếp loại" in html

    def test_the_pagination_include_keeps_the_other_query_parameters(self):
        page_obj = Paginator(range(100), 10).page(5)
        request = RequestFactory().get("/?year=2024&page=5&group=so")
        html = Template('{% include "includes/_pagination.html" %}').render(
            RequestContext(request, {"page_obj": page_obj})
        )
        assert 'href="?year=2024&amp;page=4&amp;group=so"' in html
        assert '<li class="page-item active" aria-current="page"><span class="page-link">5' in html
        assert "page=10" in html  # the last page
        assert "page=9" not in html  # beyond two either side, elided
        assert "Từ 41 đến 50 trong 100 dòng" in html

    def test_the_pagination_include_shows_nothing_for_a_single_page(self):
        html = self.render(
            '{% include "includes/_pagination.html" %}', page_obj=Paginator(range(5), 10).page(1)
        )
        assert html.strip() == ""
