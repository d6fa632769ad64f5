"""History and comparisons across the reorganisation of 2025 (the lineage on the dashboards).

The province of these tests (every item applicable, so the index is the total):

    2024 published, SO:  SNV 95,00 (1) · SLDTBXH 92,03 (2) · KKT 90,00 (3) · STP 88,00 (4)
                         BDT “Ban Dân tộc” 86,00 (5) · SNNPTNT 85,00 (6) · STNMT 80,00 (7)
    2025 published, SO:  SNV 97,00 (1) · STP 93,00 (2) · KKT-A 91,00 (3) · KKT-B 89,00 (4)
                         BDT “Sở Dân tộc và Tôn giáo” 87,00 (5) · SNNMT 85,00 (6)
                    XA:  XA-TK 80,00 (1/1), a commune: a new body
    lineage 2025:        SNV + SLDTBXH → SNV; SNNPTNT + STNMT → SNNMT; BDT renamed;
                         KKT → KKT-A + KKT-B

So the 2025 Sở Nội vụ is compared with the mean of 95,00 and 92,03 = 93,52 (+3,48).
"""

from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import AssessmentYear, Result, ResultSource, Sheet, YearState
from scoring.selectors.comparison import compare
from scoring.selectors.province import overview
from scoring.selectors.unit import unit_profile
from tests.factories import make_group, make_sheet, make_unit, make_year, score
from units import services as unit_services
from units.models import LineageEvent, LineageKind, Unit

pytestmark = pytest.mark.django_db

CODES = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2", "3.1", "3.2"]
NAMES = {
    "SNV": "Sở Nội vụ",
    "SLDTBXH": "Sở Lao động - Thương binh và Xã hội",
    "KKT": "Ban Quản lý các Khu kinh tế",
    "STP": "Sở Tư pháp",
    "BDT": "Ban Dân tộc",
    "SNNPTNT": "Sở Nông nghiệp và Phát triển nông thôn",
    "STNMT": "Sở Tài nguyên và Môi trường",
    "SNNMT": "Sở Nông nghiệp và Môi trường",
    "KKT-A": "Ban Quản lý Khu kinh tế mở",
    "KKT-B": "Ban Quản lý các Khu công nghiệp",
    "XA-TK": "UBND phường Tam Kỳ",
}
MARKS = {
    2024: {
        "SNV": "10 10 10 20 20 15 10",
        "SLDTBXH": "10 9.81 10 18 18 13.11 13.11",
        "KKT": "10 10 10 20 20 10 10",
        "STP": "10 10 10 15 15 14 14",
        "BDT": "10 10 10 10 16 15 15",
        "SNNPTNT": "10 10 10 20 15 10 10",
        "STNMT": "10 10 5 15 15 15 10",
    },
    2025: {
        "SNV": "10 10 10 20 20 15 12",
        "STP": "10 10 10 20 20 13 10",
        "KKT-A": "10 10 10 20 20 11 10",
        "KKT-B": "10 10 10 20 20 10 9",
        "BDT": "10 10 10 10 17 15 15",
        "SNNMT": "10 10 10 20 15 10 10",
        "XA-TK": "10 10 10 20 10 10 10",
    },
}
LINEAGE = [
    unit_services.LineageRow(2025, LineageKind.MERGE, ("SNV", "SLDTBXH"), ("SNV",), row=2),
    unit_services.LineageRow(2025, LineageKind.MERGE, ("SNNPTNT", "STNMT"), ("SNNMT",), row=3),
    unit_services.LineageRow(
        2025, LineageKind.RENAME, ("BDT",), (), "Sở Dân tộc và Tôn giáo", row=4
    ),
    unit_services.LineageRow(2025, LineageKind.SPLIT, ("KKT",), ("KKT-A", "KKT-B"), row=5),
]


def publish(year: AssessmentYear) -> AssessmentYear:
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    year.refresh_from_db()
    return year


def scored(year: AssessmentYear, marks: dict[str, str]) -> None:
    for code, text in marks.items():
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            group = "XA" if code.startswith("XA") else "SO"
            first = 2025 if code in ("SNNMT", "XA-TK") else None
            unit = make_unit(code, NAMES[code], group=group, first_year=first)
        score(make_sheet(unit, year), **dict(zip(CODES, text.split(), strict=True)))


@pytest.fixture
def years():
    y2024 = make_year(2024, state=YearState.APPRAISAL)
    scored(y2024, MARKS[2024])
    publish(y2024)
    for code in ("SNNMT", "KKT-A", "KKT-B", "XA-TK"):
        group = "XA" if code == "XA-TK" else "SO"
        make_unit(code, NAMES[code], group=group, first_year=2025 if code != "KKT-A" else None)
    unit_services.import_lineage(LINEAGE)
    y2025 = make_year(2025, state=YearState.APPRAISAL, group_codes=("SO", "XA"))
    scored(y2025, MARKS[2025])
    publish(y2025)
    return {2024: y2024, 2025: y2025}


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


# --------------------------------------------------------------------------- the overview


def test_the_overview_compares_each_unit_with_what_its_lineage_gives(years):
    groups = {g.group.code: g for g in overview(years[2025])}
    rows = {
        row.result.unit.code: (
            row.result.unit.name,
            row.result.index,
            row.previous.reference.kind,
            row.previous.index,
            row.index_change,
            row.rank_move,
            row.previous.refused,
        )
        for row in groups["SO"].rows
    }
    assert rows == {
        "SNV": ("Sở Nội vụ", D("97.00"), "merged", D("93.52"), D("3.48"), None, False),
        "STP": ("Sở Tư pháp", D("93.00"), "same", D("88.00"), D("5.00"), 2, False),
        "KKT-A": ("Ban Quản lý Khu kinh tế mở", D("91.00"), "split", None, None, None, True),
        "KKT-B": ("Ban Quản lý các Khu công nghiệp", D("89.00"), "split", None, None, None, True),
        "BDT": ("Sở Dân tộc và Tôn giáo", D("87.00"), "renamed", D("86.00"), D("1.00"), 0, False),
        "SNNMT": (
            "Sở Nông nghiệp và Môi trường",
            D("85.00"),
            "merged",
            D("82.50"),
            D("2.50"),
            None,
            False,
        ),
    }
    commune = groups["XA"].rows[0]
    assert (commune.previous.reference.kind, commune.index_change, commune.previous.label) == (
        "new",
        None,
        "không so sánh được: đơn vị mới từ năm 2025",
    )


def test_the_overview_names_the_source_of_each_comparison(client, years):
    html = client.get("/?year=2025&group=SO").content.decode()

    assert "so với TB 2 đơn vị trước hợp nhất (93,52)" in html
    assert "▲ 3,48" in html
    assert html.count("không so sánh được") >= 2
    assert (
        "trung bình chỉ số năm 2024 của 2 đơn vị trước hợp nhất: Sở Nội vụ, Sở Lao động - "
        "Thương binh và Xã hội (Sở Nội vụ 95,00; Sở Lao động - Thương binh và Xã hội 92,03)"
    ) in html
    assert "cùng đơn vị, năm 2024 mang tên “Ban Dân tộc”" in html


def test_earlier_years_show_the_name_a_unit_had_then(client, years):
    names_2024 = [r.result.unit.name for r in overview(years[2024])[0].rows]
    assert "Ban Dân tộc" in names_2024
    assert "Sở Dân tộc và Tôn giáo" not in names_2024
    assert "Ban Dân tộc" in client.get("/?year=2024").content.decode()


def test_ranks_are_compared_only_within_a_group_that_exists_in_both_years(years):
    make_group("SO").__class__.objects.filter(code="SO").update(first_year=2025)
    rows = {row.result.unit.code: row for row in overview(years[2025])[0].rows}
    assert (rows["STP"].index_change, rows["STP"].rank_move) == (D("5.00"), None)


def test_a_unit_that_moved_to_another_group_has_no_rank_movement(years):
    Result.objects.filter(year=years[2024], unit__code="STP").update(group=make_group("NGANHDOC"))
    rows = {row.result.unit.code: row for row in overview(years[2025])[0].rows}
    assert (rows["STP"].index_change, rows["STP"].rank_move) == (D("5.00"), None)


def test_a_merge_with_a_predecessor_without_figures_is_not_compared(years):
    Result.objects.filter(year=years[2024], unit__code="SLDTBXH").delete()
    rows = {row.result.unit.code: row for row in overview(years[2025])[0].rows}
    snv = rows["SNV"].previous
    assert (snv.index, snv.refused, rows["SNV"].index_change) == (None, True, None)
    assert snv.label == (
        "không so sánh được: chưa có kết quả năm 2024 của Sở Lao động - Thương binh và Xã hội"
    )


def test_the_ranking_is_filtered_by_classification(client, years):
    groups = overview(years[2025])
    so = groups[0]
    so.filter(band="Tốt")
    assert [r.result.unit.code for r in so.table_rows] == ["SNV", "STP", "KKT-A"]
    so.filter(band="không có")
    assert so.band == "" and len(so.table_rows) == 6


# --------------------------------------------------------------------------- the profile


def test_the_2025_noi_vu_shows_its_history_through_both_predecessors(years):
    profile = unit_profile(unit("SNV"), years[2025], [years[2025], years[2024]])

    assert [
        (
            h.year.year,
            [(row.name, row.result.index, row.own, row.note) for row in h.rows],
            h.mean,
            h.mean_label,
        )
        for h in profile.lineage_history
    ] == [
        (
            2024,
            [
                ("Sở Nội vụ", D("95.00"), True, "trước hợp nhất"),
                ("Sở Lao động - Thương binh và Xã hội", D("92.03"), False, "trước hợp nhất"),
            ],
            D("93.52"),
            "Trung bình 2 đơn vị trước hợp nhất",
        ),
        (2025, [("Sở Nội vụ", D("97.00"), True, "")], None, ""),
    ]
    assert (profile.index_change, profile.rank_move) == (D("3.48"), None)
    assert profile.previous.is_mean
    chart = profile.history_chart()
    assert chart["labels"] == ["2024", "2025"]
    assert [(d["label"], d["data"]) for d in chart["datasets"]] == [
        ("Sở Nội vụ", ["95.00", "97.00"]),
        ("Sở Lao động - Thương binh và Xã…", ["92.03", None]),
    ]


def test_the_history_and_the_change_compare_with_one_mean_by_the_earlier_years_rounding(years):
    # 2024 truncates: the mean of 95.00 and 92.03 (93.515) is 93.51, not 93.52.
    AssessmentYear.objects.filter(pk=years[2024].pk).update(rounding="truncate")
    years[2024].refresh_from_db()
    profile = unit_profile(unit("SNV"), years[2025], [years[2025], years[2024]])
    assert profile.lineage_history[0].mean == profile.previous.index == D("93.51")
    assert profile.index_change == D("3.49")
    row = next(r for r in compare(make_group("SO"), years[2024], years[2025]).units if r.new)
    assert (row.unit.code, row.old.index, row.index_change) == ("SNV", D("93.51"), D("3.49"))


def test_the_profile_page_labels_the_predecessors_and_names_the_mean(client, years):
    html = client.get("/don-vi/SNV/?year=2025").content.decode()

    assert "(trước hợp nhất)" in html
    assert "Trung bình 2 đơn vị trước hợp nhất" in html
    assert "93,52" in html
    assert (
        "so với trung bình chỉ số năm 2024 của 2 đơn vị trước hợp nhất: Sở Nội vụ, Sở Lao động - "
        "Thương binh và Xã hội: 93,52 (Sở Nội vụ 95,00; Sở Lao động - Thương binh và Xã hội 92,03)"
    ) in html
    assert '<a href="/don-vi/SLDTBXH/?year=2024">Sở Lao động - Thương binh và Xã hội</a>' in html


def test_a_unit_merged_away_stays_readable_and_says_what_became_of_it(client, years):
    html = client.get("/don-vi/SLDTBXH/?year=2024").content.decode()
    assert "92,03" in html
    assert "Đơn vị này hợp nhất vào Sở Nội vụ từ năm 2025." in html

    later = client.get("/don-vi/SLDTBXH/?year=2025").content.decode()
    assert "Đơn vị chưa có kết quả năm 2025." in later
    assert "Xem kết quả năm 2024" in later


def test_a_split_unit_shows_the_figures_of_the_unit_it_came_from_without_comparing(years):
    profile = unit_profile(unit("KKT-A"), years[2025], [years[2025], years[2024]])
    assert [
        (h.year.year, [(r.name, r.result.index, r.note) for r in h.rows])
        for h in profile.lineage_history
    ] == [
        (2024, [("Ban Quản lý các Khu kinh tế", D("90.00"), "trước chia tách")]),
        (2025, [("Ban Quản lý Khu kinh tế mở", D("91.00"), "")]),
    ]
    assert (profile.index_change, profile.previous.refused) == (None, True)


def test_a_renamed_units_profile_shows_its_name_of_the_year(client, years):
    assert (
        '<h1 class="page-title">Ban Dân tộc'
        in client.get("/don-vi/BDT/?year=2024").content.decode()
    )
    assert (
        '<h1 class="page-title">Sở Dân tộc và Tôn giáo'
        in client.get("/don-vi/BDT/?year=2025").content.decode()
    )


# --------------------------------------------------------------------------- the comparison


def test_the_comparison_2024_2025_follows_merges_splits_and_new_units(years):
    comparison = compare(make_group("SO"), years[2024], years[2025])
    assert [
        (
            r.unit.code,
            r.old.index if r.old else None,
            r.new.index if r.new else None,
            r.index_change,
            r.rank_move,
            r.reference.kind,
            r.fate,
        )
        for r in comparison.units
    ] == [
        ("SNV", D("93.52"), D("97.00"), D("3.48"), None, "merged", ""),
        ("STP", D("88.00"), D("93.00"), D("5.00"), 2, "same", ""),
        ("KKT-A", None, D("91.00"), None, None, "split", ""),
        ("KKT-B", None, D("89.00"), None, None, "split", ""),
        ("BDT", D("86.00"), D("87.00"), D("1.00"), 0, "renamed", ""),
        ("SNNMT", D("82.50"), D("85.00"), D("2.50"), None, "merged", ""),
        (
            "KKT",
            D("90.00"),
            None,
            None,
            None,
            "same",
            "chia tách thành Ban Quản lý Khu kinh tế "
            "mở, Ban Quản lý các Khu công nghiệp từ năm 2025",
        ),
        ("SLDTBXH", D("92.03"), None, None, None, "same", "hợp nhất vào Sở Nội vụ từ năm 2025"),
        (
            "SNNPTNT",
            D("85.00"),
            None,
            None,
            None,
            "same",
            "hợp nhất vào Sở Nông nghiệp và Môi trường từ năm 2025",
        ),
        (
            "STNMT",
            D("80.00"),
            None,
            None,
            None,
            "same",
            "hợp nhất vào Sở Nông nghiệp và Môi trường từ năm 2025",
        ),
    ]
    chart = comparison.chart()
    assert chart["datasets"][0]["data"][:3] == ["93.52", "88.00", None]


def test_the_comparison_page_says_which_figures_it_compares(client, years):
    html = client.get("/so-sanh/?from=2024&to=2025&group=SO").content.decode()
    assert "93,52 <span" in html and "(TB)" in html
    assert "không so sánh được" in html
    assert "Hợp nhất vào Sở Nội vụ từ năm 2025" in html
    commune = client.get("/so-sanh/?from=2024&to=2025&group=XA").content.decode()
    assert "không so sánh được: đơn vị mới từ năm 2025" in commune


def test_one_merged_units_domains_are_compared_with_its_predecessors_mean(years):
    comparison = compare(make_group("SO"), years[2024], years[2025], unit("SNV"))
    # 2024, SNV and SLDTBXH: domain 1 100.00 and 29.81/30 = 99.37 → mean 99.69; domain 2 100.00
    # and 36/40 = 90.00 → 95.00; domain 3 (survey) 25/30 = 83.33 and 26.22/30 = 87.40 → 85.37.
    assert [(r.match.new[0].code, r.old, r.new, r.change) for r in comparison.domains] == [
        ("1", D("99.69"), D("100.00"), D("0.31")),
        ("2", D("95.00"), D("100.00"), D("5.00")),
        ("3", D("85.37"), D("90.00"), D("4.63")),
    ]


# --------------------------------------------------------------------------- many units


def add_communes(year_2025: AssessmentYear, year_2024: AssessmentYear, count: int) -> None:
    """`count` communes in 2025, each formed by merging two districts' units of 2024 (results
    written directly: the pages read results)."""
    xa, huyen = make_group("XA"), make_group("HUYEN")
    start = Unit.objects.filter(group=xa).count()
    old = Unit.objects.bulk_create(
        [
            Unit(code=f"H{start + n:03}-{k}", name=f"UBND xã cũ {start + n}-{k}", group=huyen)
            for n in range(count)
            for k in (1, 2)
        ]
    )
    new = Unit.objects.bulk_create(
        [
            Unit(code=f"XA{start + n:03}", name=f"UBND xã {start + n}", group=xa, first_year=2025)
            for n in range(count)
        ]
    )
    Result.objects.bulk_create(
        [
            Result(unit=u, year=year_2024, group=huyen, index=D("80") + n % 10, rank=1, rank_of=1)
            for n, u in enumerate(old)
        ]
        + [
            Result(unit=u, year=year_2025, group=xa, index=D("85") + n % 10, rank=n + 1)
            for n, u in enumerate(new)
        ]
    )
    Sheet.objects.bulk_create([Sheet(unit=u, year=year_2025) for u in new])
    for n, successor in enumerate(new):
        event = LineageEvent.objects.create(year=2025, kind=LineageKind.MERGE)
        event.predecessors.set(old[2 * n : 2 * n + 2])
        event.successors.set([successor])


def test_the_pages_read_a_fixed_number_of_queries_at_over_100_units_per_group(
    client, years, django_assert_num_queries
):
    add_communes(years[2025], years[2024], 5)
    pages = ["/?year=2025&group=XA", "/so-sanh/?from=2024&to=2025&group=XA", "/don-vi/XA001/"]
    counts = {}
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        counts[page] = len(captured)
    add_communes(years[2025], years[2024], 120)
    assert Unit.objects.filter(group__code="XA").count() == 126
    for page in pages:
        with django_assert_num_queries(counts[page]):
            response = client.get(page)
    cache.clear()  # the page just served is cached whole: render it again to read its context
    groups = client.get("/?year=2025&group=XA").context["groups"]
    xa = next(g for g in groups if g.group.code == "XA")
    assert len(xa.rows) == 126
    merged = next(r for r in xa.rows if r.result.unit.code == "XA100")
    # XA100 is the 95th commune of the second batch: its predecessors have 88.00 and 89.00.
    assert (merged.previous.reference.kind, merged.previous.index) == ("merged", D("88.50"))
    assert response.status_code == 200


def test_imported_results_of_predecessors_serve_as_the_reference(years):
    other = make_unit("DN-SNV", "Sở Nội vụ thành phố Đà Nẵng (cũ)", group="SO")
    Result.objects.create(
        unit=other,
        year=years[2024],
        group=make_group("SO"),
        index=D("91.00"),
        total=D("91.00"),
        max_points=D("100"),
        source=ResultSource.IMPORTED,
    )
    event = LineageEvent.objects.get(year=2025, successors__code="SNV", kind="merge")
    event.predecessors.add(other)
    rows = {row.result.unit.code: row for row in overview(years[2025])[0].rows}
    # (95.00 + 92.03 + 91.00) / 3 = 92.6766… → 92.68
    assert (rows["SNV"].previous.index, rows["SNV"].index_change) == (D("92.68"), D("4.32"))


def test_open_data_of_an_earlier_year_gives_the_names_of_that_year(years):
    from scoring.exchange.opendata import result_records

    names = {r["code"]: r["name"] for r in result_records(2024)}
    later = {r["code"]: r["name"] for r in result_records(2025)}
    assert (names["BDT"], later["BDT"]) == ("Ban Dân tộc", "Sở Dân tộc và Tôn giáo")


def test_opening_a_later_year_creates_no_sheet_for_units_that_ended(years):
    from django.utils import timezone

    from scoring.services import year_states

    y2026 = make_year(2026, state=YearState.PREPARING, group_codes=("SO", "XA", "HUYEN"))
    make_unit("HUYEN-NS", "UBND huyện Nông Sơn", group="HUYEN", last_year=2024)
    year_states.open_self_assessment(y2026, timezone.now() + timezone.timedelta(days=30), user=None)
    sheets = set(Sheet.objects.filter(year=y2026).values_list("unit__code", flat=True))
    assert sheets == {"SNV", "STP", "KKT-A", "KKT-B", "BDT", "SNNMT", "XA-TK"}
