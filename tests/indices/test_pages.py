"""Pages of the related indices: the ranking per period with movement and lineage, the unit
profile's panel (the PAR index and the related indices on one time axis, where points were
lost), the province's standing, open data, the overview's switch; query counts at two sizes."""

import json
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo import synthetic
from indices import selectors, services
from indices.exchange import ValueRow
from indices.models import IndexBand, IndexDriver, IndexKind, IndexResult
from tests.factories import make_unit
from units import services as unit_services
from units.models import LineageKind, Unit, UnitGroup

pytestmark = pytest.mark.django_db

LEAVES_2024 = [("1", 18), ("2", 20), ("3", 22), ("4", 12), ("5", 10), ("6", 18)]


def month(code: str, share: str) -> list[ValueRow]:
    """A unit's 766 values at `share` of every maximum."""
    return [ValueRow(code, c, (D(m) * D(share)).quantize(D("0.01")), 0) for c, m in LEAVES_2024]


def record(period: str, shares: dict[str, str], kind: str = "766") -> None:
    rows = [row for code, share in shares.items() for row in month(code, share)]
    services.record_values(IndexKind.objects.get(code=kind), period, rows, source="Cổng DVC")


def test_the_ranking_of_a_month_shows_rank_band_and_movement_since_the_month_before(client):
    for code in ("A", "B", "C"):
        make_unit(code)
    record("2026-09", {"A": "0.9", "B": "0.8", "C": "0.7"})
    record("2026-10", {"A": "0.75", "B": "0.85", "C": "0.7"})
    response = client.get("/chi-so/766/?period=2026-10")
    assert response.status_code == 200
    rows = response.context["ranking"].rows
    assert [(r.figure.unit.code, r.figure.rank, r.change, r.move) for r in rows] == [
        ("B", 1, D("5.00"), 1),
        ("A", 2, D("-15.00"), -1),
        ("C", 3, D("0.00"), 0),
    ]
    assert response.context["ranking"].compare_to.__str__() == "2026-09"
    # the comparison across any two periods
    rows = client.get("/chi-so/766/?period=2026-10&compare=2026-10").context["ranking"].rows
    assert [r.change for r in rows] == [D("0.00")] * 3


def test_a_merged_unit_is_compared_with_its_predecessors_mean_and_keeps_no_rank_move(client):
    old_a = make_unit("OLD-A", "Sở A cũ", last_year=2024)
    old_b = make_unit("OLD-B", "Sở B cũ", last_year=2024)
    make_unit("NEW", "Sở mới", first_year=2025)
    unit_services.import_lineage(
        [
            unit_services.LineageRow(
                2025, LineageKind.MERGE, ("OLD-A", "OLD-B"), ("NEW",), "", "", row=2
            )
        ]
    )
    assert old_a.pk and old_b.pk
    record("2024-12", {"OLD-A": "0.9", "OLD-B": "0.7"})
    record("2025-01", {"NEW": "0.85"})
    rows = client.get("/chi-so/766/?period=2025-01&compare=2024-12").context["ranking"].rows
    (row,) = rows
    assert (row.compared, row.change, row.move) == (D("80.00"), D("5.00"), None)
    assert "trung bình" in row.reference
    # the profile's trend shows the predecessors' mean before the merge, labelled so
    panel = selectors.unit_indices(Unit.objects.get(code="NEW"), []).panels
    trend = [(str(p.period), p.index, bool(p.note)) for p in panel[0].trend]
    assert trend == [("2024-12", D("80.00"), True), ("2025-01", D("85.00"), False)]


def test_an_unknown_period_group_or_index_is_a_404(client):
    make_unit("A")
    record("2026-10", {"A": "0.9"})
    assert client.get("/chi-so/766/?period=2026-09").status_code == 404
    assert client.get("/chi-so/766/?period=2026-W40").status_code == 404
    assert client.get("/chi-so/766/?group=NOPE").status_code == 404
    assert client.get("/chi-so/NOPE/").status_code == 404
    assert client.get("/chi-so/DDCI/").status_code == 200  # no figures yet: says so


def test_the_profile_shows_every_index_covering_the_unit_on_one_time_axis(client):
    synthetic.generate(prefix="Q", units=3, years=2, items=12, group_size=3, last_year=2026)
    unit = Unit.objects.get(code="Q-0001")
    IndexKind.objects.get(code="CCHC").groups.add(unit.group)
    kind = IndexKind.objects.get(code="766")
    kind.groups.add(unit.group)
    record("2025-11", {"Q-0001": "0.8"})
    record("2025-12", {"Q-0001": "0.9"})
    response = client.get("/don-vi/Q-0001/")
    html = response.content.decode()
    assert 'id="chi-so-lien-quan"' in html
    chart = json.loads(
        html.split('id="chart-indices" type="application/json">')[1].split("</script>")[0]
    )
    assert [d["label"] for d in chart["datasets"]] == ["CCHC", "766"]
    assert chart["labels"][0] == "01/2025" and chart["labels"][-1] == "12/2025"
    par, seven = chart["datasets"]
    assert par["data"][-1] is not None  # the published 2025 PAR index on 12/2025
    assert seven["data"][-2:] == ["80.00", "90.00"]
    # where points were lost in the latest 766 month: 10 % of every component
    assert "Mất điểm ở 766 kỳ 2025-12: 10,00 điểm" in html


def test_the_province_standing_names_the_departments_driving_a_component(client):
    province = make_unit("TINH-X", "Tỉnh X", group="TINH")
    dept = make_unit("SO-KHCN", "Sở Khoa học và Công nghệ")
    record("2026-10", {"TINH-X": "0.9", "SO-KHCN": "0.8"})
    IndexDriver.objects.create(
        kind=IndexKind.objects.get(code="766"), component_code="3", unit=dept, criteria="Số hóa"
    )
    html = client.get("/chi-so/tinh/").content.decode()
    assert "Tỉnh X" in html and "Sở Khoa học và Công nghệ" in html
    assert "(2026-10: 80,00)" in html and "Số hóa" in html
    assert province.pk


def test_open_data_lists_each_index_and_period_and_gives_its_csv(client):
    make_unit("A", "Sở A")
    record("2026-10", {"A": "0.5"})
    assert "/chi-so/766/2026-10.csv" in client.get("/mo/").content.decode()
    response = client.get("/chi-so/766/2026-10.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("index,period,unit_code,unit_name,group,total,max,value")
    assert lines[0].endswith("component_5,component_6")
    assert lines[1].startswith("766,2026-10,A,Sở A,SO,50.00,100.00,50.00")
    assert client.get("/chi-so/CCHC/2025.csv").status_code == 404


def test_the_overview_switches_between_indices(client):
    html = client.get("/").content.decode()
    for code in ("766", "DTI", "SIPAS"):
        assert f'href="/chi-so/{code}/"' in html
    assert 'href="/chi-so/tinh/"' in html


def test_an_import_refreshes_the_cached_profile(client):
    synthetic.generate(prefix="Q", units=2, years=2, items=12, group_size=2, last_year=2026)
    IndexKind.objects.get(code="766").groups.add(Unit.objects.get(code="Q-0001").group)
    record("2025-12", {"Q-0001": "0.8"})
    assert "80,00" in client.get("/don-vi/Q-0001/").content.decode()
    record("2025-12", {"Q-0001": "0.7"})
    html = client.get("/don-vi/Q-0001/").content.decode()
    assert "70,00" in html and "80,00" not in html.split('id="chi-so-lien-quan"')[1]


# --------------------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _counts(client, units: int) -> dict[str, int]:
    with transaction.atomic():
        group = UnitGroup.objects.get(code="SO")
        Unit.objects.bulk_create(
            [Unit(code=f"U{n:03d}", name=f"Sở {n}", group=group) for n in range(units)]
        )
        make_unit("TINH-X", "Tỉnh X", group="TINH")
        shares = {f"U{n:03d}": str(D("0.5") + D(n) / 100) for n in range(units)}
        record("2026-09", {**shares, "TINH-X": "0.8"})
        record("2026-10", {**shares, "TINH-X": "0.9"})
        kind = IndexKind.objects.get(code="766")
        IndexDriver.objects.bulk_create(
            [
                IndexDriver(kind=kind, component_code="1", unit=unit)
                for unit in Unit.objects.filter(code__startswith="U")
            ]
        )
        cache.clear()
        counts = {
            "ranking": _queries(client, "/chi-so/766/"),
            "standing": _queries(client, "/chi-so/tinh/"),
            "open data": _queries(client, "/chi-so/766/2026-10.csv"),
            "panel": len(_panel_queries()),
        }
        transaction.set_rollback(True)
    return counts


def _panel_queries():
    unit = Unit.objects.get(code="U000")
    with CaptureQueriesContext(connection) as captured:
        selectors.unit_indices(unit, [])
    return captured


def test_index_pages_read_as_many_queries_for_few_units_as_for_many(client):
    assert IndexResult.objects.count() == 0
    assert _counts(client, 3) == _counts(client, 30)


def test_the_par_index_is_one_kind_among_them_read_from_the_scoring_results(client):
    synthetic.generate(prefix="Q", units=3, years=2, items=12, group_size=3, last_year=2026)
    group = Unit.objects.get(code="Q-0001").group
    IndexKind.objects.get(code="CCHC").groups.add(group)
    response = client.get(f"/chi-so/CCHC/?period=2025&group={group.code}")
    rows = response.context["ranking"].rows
    from scoring.models import Result

    expected = Result.objects.filter(year__year=2025, group=group).order_by("rank", "unit__code")
    assert [(r.figure.unit.code, r.figure.index, r.figure.rank) for r in rows] == [
        (r.unit.code, r.index, r.rank) for r in expected
    ]
    assert IndexResult.objects.count() == 0  # read, never copied
    # the year in appraisal (2026) is not shown to a visitor
    assert client.get("/chi-so/CCHC/?period=2026").status_code == 404


def test_changed_bands_reclassify_every_period_through_the_admin(admin_client):
    make_unit("A")
    kind = IndexKind.objects.get(code="766")
    IndexBand.objects.filter(kind=kind).delete()  # a demo loaded by another module may leave some
    record("2026-10", {"A": "0.95"})
    assert IndexResult.objects.get().band_label == ""
    group = UnitGroup.objects.get(code="SO")
    data = {
        "code": kind.code,
        "name": kind.name,
        "publisher": kind.publisher,
        "scale": "100",
        "period": kind.period,
        "source": kind.source,
        "groups": [group.pk],
        "is_national": "on",
        "order": "2",
        "description": "",
        "bands-TOTAL_FORMS": "1",
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
        "bands-0-group": group.pk,
        "bands-0-from_period": "2024-01",
        "bands-0-label": "Xuất sắc",
        "bands-0-min_index": "90",
    }
    response = admin_client.post(f"/admin/indices/indexkind/{kind.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert IndexResult.objects.get().band_label == "Xuất sắc"


def test_an_admin_enters_a_period_by_typed_rows_or_a_file_all_or_nothing(client, tmp_path):
    from tests.factories import make_user

    make_unit("A")
    url = "/chi-so/766/nhap/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(make_user("canbo", "staff", Unit.objects.get(code="A")))
    assert client.get(url).status_code == 403
    client.force_login(make_user("quantri", "admin", Unit.objects.get(code="A")))
    typed = "unit_code,component_code,points\n" + "\n".join(
        f"A,{code},{maximum}" for code, maximum in LEAVES_2024
    )
    bad = typed.replace("A,6,18", "A,6,19")
    response = client.post(url, {"period": "2026-10", "rows": bad})
    assert response.status_code == 400
    assert "Dòng 7, cột points: 19 vượt điểm tối đa 18" in response.content.decode()
    assert IndexResult.objects.count() == 0
    response = client.post(url, {"period": "2026-10", "rows": typed, "source": "Sở Nội vụ"})
    assert response.status_code == 302
    result = IndexResult.objects.get()
    assert (result.index, result.entered, result.source) == (D("100.00"), "entered", "Sở Nội vụ")
    assert client.post(url, {"period": "2026-10"}).status_code == 400  # neither file nor rows
    assert client.get("/chi-so/CCHC/nhap/").status_code == 404
