"""The demo (demo/, load_demo, demo_logins): Quảng Nam 2021–2024, the reorganisation of
2025 under Thành phố Đà Nẵng, and 2026 in progress.

The demo is loaded once for the module; every figure is read back from the stored Result rows.
"""

import datetime
from decimal import Decimal as D
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from demo import api as demo
from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Band,
    BandCap,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Framework,
    Item,
    ItemCrosswalk,
    ItemReplacement,
    Method,
    Result,
    Score,
    Sheet,
    SheetReplacement,
    YearState,
)
from scoring.selectors.tracker import tracker_rows
from scoring.services.results import recompute_year
from tests.queue import clear_queue
from units.lineage import Lineage
from units.models import Membership, Role, Unit, UnitGroup

TODAY = datetime.date(2027, 1, 10)


@pytest.fixture(scope="module", autouse=True)
def demo_province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        summary = demo.load_demo(today=TODAY)
        try:
            yield summary
        finally:
            with transaction.atomic():
                demo.delete_demo()
                clear_queue()


pytestmark = pytest.mark.django_db


def result(year: int, unit_code: str) -> Result:
    return Result.objects.select_related("unit").get(year__year=year, unit__code=unit_code)


def table(year: int, group: str) -> list[Result]:
    return list(
        Result.objects.filter(year__year=year, group__code=group)
        .select_related("unit")
        .order_by("rank", "unit__code")
    )


def codes(unit) -> list[str]:
    return [u.code for u in Lineage.load().reference_for(unit, 2025, 2024).units]


def everything() -> dict[str, int]:
    return {
        **demo.counts(),
        "all_scores": Score.objects.count(),
        "score_history": Score.history.count(),
        "all_users": get_user_model().objects.count(),
        "all_years": AssessmentYear.objects.count(),
    }


def indices() -> list[tuple]:
    return list(
        Result.objects.order_by("year__year", "unit__code").values_list(
            "year__year", "unit__code", "appraisal", "survey", "index", "band_label", "rank"
        )
    )


class TestThePublishedFiguresOf2023:
    def test_the_labour_department_has_65_81_plus_26_22_making_92_03_classified_kha(self):
        r = result(2023, "SO-LDTBXH")
        assert r.unit.name == "Sở Lao động - Thương binh và Xã hội"
        assert (r.appraisal, r.appraisal_max) == (D("65.81"), D("70.00"))
        assert (r.survey, r.survey_max) == (D("26.22"), D("30.00"))
        assert (r.total, r.max_points, r.index) == (D("92.03"), D("100.00"), D("92.03"))
        assert r.band_label == "Khá"
        assert (r.rank, r.rank_of) == (16, 20)

    def test_every_item_of_the_labour_department_applies_in_2023(self):
        assert not Score.objects.filter(
            sheet__year__year=2023, sheet__unit__code="SO-LDTBXH", not_applicable=True
        ).exists()

    def test_the_labour_department_lost_points_where_it_was_reported_weak(self):
        scores = {
            s.item.code: s
            for s in Score.objects.filter(
                sheet__year__year=2023, sheet__unit__code="SO-LDTBXH"
            ).select_related("item")
        }
        assert (scores["3.2.1"].self_points, scores["3.2.1"].points) == (D("1.00"), D("0.50"))
        assert "chậm" in scores["3.2.1"].reason
        assert scores["3.5.1"].points == D("0.75")
        assert scores["3.5.2"].points == D("0.50")
        satisfaction = sum(scores[f"8.2.{n}"].points for n in range(1, 6))
        assert satisfaction == D("10.95")  # 78.21% of 14: below 80%

    def test_20_departments_15_classified_tot_and_5_kha(self):
        rows = table(2023, "SO")
        assert len(rows) == 20
        assert sum(r.band_label == "Tốt" for r in rows) == 15
        assert sum(r.band_label == "Khá" for r in rows) == 5

    def test_noi_vu_leads_the_departments_at_96_86_and_tn_mt_trails_at_82_35(self):
        rows = table(2023, "SO")
        assert (rows[0].unit.code, rows[0].index, rows[0].rank) == ("SO-NV", D("96.86"), 1)
        assert (rows[-1].unit.code, rows[-1].index, rows[-1].rank) == ("SO-TNMT", D("82.35"), 20)
        assert rows[0].unit.name == "Sở Nội vụ"
        assert rows[-1].unit.name == "Sở Tài nguyên và Môi trường"

    def test_every_district_is_kha_from_bac_tra_my_89_45_to_nong_son_76_95(self):
        rows = table(2023, "HUYEN")
        assert len(rows) == 18
        assert {r.band_label for r in rows} == {"Khá"}
        assert (rows[0].unit.name, rows[0].index, rows[0].rank) == (
            "UBND huyện Bắc Trà My",
            D("89.45"),
            1,
        )
        assert (rows[-1].unit.name, rows[-1].index, rows[-1].rank) == (
            "UBND huyện Nông Sơn",
            D("76.95"),
            18,
        )

    def test_kho_bac_is_the_only_central_agency_classified_tot(self):
        rows = table(2023, "NGANHDOC")
        assert len(rows) == 5
        assert [r.unit.code for r in rows if r.band_label == "Tốt"] == ["NGD-KBNN"]

    def test_tied_indices_share_a_rank_and_the_next_rank_skips(self):
        rows = {r.unit.code: r for r in table(2023, "SO")}
        assert rows["SO-KHDT"].index == rows["SO-KHCN"].index == D("94.60")
        assert rows["SO-KHDT"].rank == rows["SO-KHCN"].rank == 6
        assert not [r for r in rows.values() if r.rank == 7]
        districts = {r.unit.code: r for r in table(2023, "HUYEN")}
        assert districts["HUYEN-PN"].index == districts["HUYEN-TG"].index == D("86.85")
        assert districts["HUYEN-PN"].rank == districts["HUYEN-TG"].rank == 6


class TestOtherYears:
    def test_bac_tra_my_led_the_districts_in_2022_at_91_44(self):
        rows = table(2022, "HUYEN")
        assert (rows[0].unit.code, rows[0].index, rows[0].rank) == ("HUYEN-BTM", D("91.44"), 1)
        assert rows[1].rank == 2

    def test_2021_to_2025_are_published_and_2026_is_being_appraised(self):
        years = {y.year: y for y in AssessmentYear.objects.filter(year__in=demo.YEARS)}
        assert {y: years[y].state for y in years} == {
            2021: YearState.PUBLISHED,
            2022: YearState.PUBLISHED,
            2023: YearState.PUBLISHED,
            2024: YearState.PUBLISHED,
            2025: YearState.PUBLISHED,
            2026: YearState.APPRAISAL,
        }
        assert all(years[y].published_at for y in range(2021, 2026))
        assert years[2026].published_at is None

    def test_the_portal_belongs_to_quang_nam_until_2024_and_to_da_nang_from_2025(self):
        owners = dict(AssessmentYear.objects.values_list("year", "owner_name"))
        assert owners == {
            2021: "Tỉnh Quảng Nam (dữ liệu mẫu)",
            2022: "Tỉnh Quảng Nam (dữ liệu mẫu)",
            2023: "Tỉnh Quảng Nam (dữ liệu mẫu)",
            2024: "Tỉnh Quảng Nam (dữ liệu mẫu)",
            2025: "Thành phố Đà Nẵng (dữ liệu mẫu)",
            2026: "Thành phố Đà Nẵng (dữ liệu mẫu)",
        }

    def test_the_year_in_progress_has_deadlines_set_from_the_day_of_loading(self):
        year = AssessmentYear.objects.get(year=2026)
        assert year.self_assessment_deadline.date() == datetime.date(2026, 12, 31)
        assert year.appraisal_deadline.date() == datetime.date(2027, 1, 30)

    def test_every_unit_has_a_sheet_and_a_result_in_each_year_it_exists(self):
        sheets = dict(
            Sheet.objects.filter(unit__is_sample=True)
            .values("year__year")
            .annotate(n=Count("id"))
            .values_list("year__year", "n")
        )
        assert sheets == {2021: 43, 2022: 43, 2023: 43, 2024: 43, 2025: 100, 2026: 100}
        results = dict(
            Result.objects.filter(unit__is_sample=True)
            .values("year__year")
            .annotate(n=Count("id"))
            .values_list("year__year", "n")
        )
        assert results == sheets
        published = Sheet.objects.filter(year__year__lte=2025, unit__is_sample=True)
        assert not published.exclude(state="submitted").exists()


class TestFrameworks:
    def test_every_framework_has_70_appraisal_and_30_survey_points_but_2026_communes_65_35(self):
        frameworks = Framework.objects.filter(year__year__in=demo.YEARS)
        assert frameworks.count() == 18
        assert set(frameworks.filter(year__year=2025).values_list("group__code", flat=True)) == {
            "SO",
            "XA",
            "NGANHDOC",
        }
        for framework in frameworks:
            scored = [item for item in framework.items.all() if item.is_scored]
            by_method = {
                method: sum(i.max_points for i in scored if i.method == method)
                for method in (Method.APPRAISAL, Method.SURVEY)
            }
            split = (
                (D("65"), D("35"))
                if (framework.year.year, framework.group.code) == (2026, "XA")
                else (D("70"), D("30"))
            )
            assert by_method == {Method.APPRAISAL: split[0], Method.SURVEY: split[1]}, framework

    def test_department_and_district_frameworks_have_8_domains_and_over_80_scored_items(self):
        for framework in Framework.objects.filter(group__code__in=["SO", "HUYEN"]):
            items = list(framework.items.all())
            # the domains; from 2026 a bonus and a deduction section follow them
            assert sum(i.depth == 1 and i.method not in EXTRA_METHODS for i in items) == 8
            assert sum(i.depth == 2 for i in items) >= 30
            assert sum(i.is_scored for i in items) >= 80
            assert any(i.na_allowed for i in items)
            assert any(i.evidence_required for i in items)
            assert all(i.guidance for i in items if i.is_scored)

    def test_departments_use_the_post_2022_domain_names_and_2021_the_older_ones(self):
        def domains(year):
            framework = Framework.objects.get(year__year=year, group__code="SO")
            return [i.name for i in framework.items.filter(depth=1)]

        assert domains(2023)[:7] == [
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            "Cải cách thể chế",
            "Cải cách thủ tục hành chính",
            "Cải cách tổ chức bộ máy hành chính nhà nước",
            "Cải cách chế độ công vụ",
            "Cải cách tài chính công",
            "Xây dựng chính quyền điện tử, chính quyền số",
        ]
        assert domains(2021)[6] == "Hiện đại hóa hành chính"

    def test_districts_are_scored_on_a_framework_of_their_own(self):
        so = Framework.objects.get(year__year=2023, group__code="SO")
        huyen = Framework.objects.get(year__year=2023, group__code="HUYEN")
        so_items = {(i.code, i.name) for i in so.items.all()}
        huyen_items = {(i.code, i.name) for i in huyen.items.all()}
        assert so_items != huyen_items
        assert ("1.7", "Chỉ đạo công tác CCHC đối với UBND cấp xã") in huyen_items

    def test_the_item_moved_in_2023_has_a_crosswalk_from_its_2022_code(self):
        walk = ItemCrosswalk.objects.select_related("from_item", "to_item").get(
            from_item__framework__year__year=2022,
            from_item__framework__group__code="SO",
        )
        assert (walk.from_item.code, walk.to_item.code) == ("3.3.4", "7.3.3")
        assert walk.from_item.name == walk.to_item.name
        assert walk.to_item.framework.year.year == 2023


class TestScores:
    def test_claims_above_the_appraised_points_carry_a_reason(self):
        published = Score.objects.filter(
            sheet__year__year__in=[2021, 2022, 2023], item__method=Method.APPRAISAL
        )
        assert published.filter(not_applicable=False, points__isnull=True).count() == 0
        changed = [s for s in published.exclude(not_applicable=True) if s.self_points != s.points]
        assert changed
        assert all(s.reason for s in changed)

    def test_units_mostly_claim_a_little_more_than_they_are_given(self):
        over = 0
        for sheet in Sheet.objects.filter(year__year=2023).prefetch_related("scores"):
            scores = [s for s in sheet.scores.all() if s.self_points is not None]
            claimed = sum(s.self_points for s in scores)
            given = sum(s.points for s in scores)
            assert claimed - given < D("10"), sheet
            over += claimed > given
        assert over >= 35  # of 43

    def test_not_applicable_items_have_no_points_and_leave_the_maximum(self):
        na = Score.objects.filter(not_applicable=True).select_related("item", "sheet__unit")
        assert na.count() > 20
        assert all(s.item.na_allowed for s in na)
        assert not na.filter(points__isnull=False).exists()
        assert not na.filter(self_points__isnull=False).exists()
        # Ban Dân tộc has no public service units and no public investment.
        ban_dan_toc = na.filter(sheet__year__year=2023, sheet__unit__code="SO-BDT")
        assert {"4.3.1", "4.3.2", "6.1.1"} <= {s.item.code for s in ban_dan_toc}
        r = result(2023, "SO-BDT")
        assert r.max_points == D("100") - sum(s.item.max_points for s in ban_dan_toc)
        assert r.max_points < D("100")
        assert r.index == D("92.64")

    def test_points_are_within_each_items_maximum(self):
        for score in Score.objects.filter(points__isnull=False).select_related("item")[:5000]:
            assert D("0") <= score.points <= score.item.max_points


class TestMarkingAndLogins:
    def test_everything_is_marked_as_sample_data(self):
        # 43 units, 1 new department, 80 communes and the province (its national indices)
        assert Unit.objects.filter(is_sample=True).count() == 43 + 1 + 80 + 1
        assert set(Unit.objects.filter(is_sample=True).values_list("group__code", flat=True)) == {
            "SO",
            "HUYEN",
            "XA",
            "NGANHDOC",
            "TINH",
        }
        assert not Unit.objects.filter(code__startswith="SO-", is_sample=False).exists()

    def test_the_logins_have_their_roles(self):
        roles = {
            (m.user.username, m.role, m.unit.code, tuple(m.domains))
            for m in Membership.objects.filter(user__in=demo.demo_users()).select_related(
                "user", "unit"
            )
        }
        assert roles >= {
            ("admin", Role.ADMIN, "SO-NV", ()),
            ("lanhdao", Role.LEADERSHIP, "SO-VPUBND", ()),
            ("thamdinh", Role.APPRAISER, "SO-NV", ()),
            ("lanhdao.ldtbxh", Role.LEADER, "SO-LDTBXH", ()),
            ("canbo.ldtbxh", Role.STAFF, "SO-LDTBXH", ()),
            ("canbo.tuphap", Role.STAFF, "SO-TP", ()),
        }
        assert get_user_model().objects.get(username="admin").is_superuser

    def test_every_login_has_the_documented_password(self, settings):
        settings.PASSWORD_HASHERS = ["accounts.hashers.OwaspArgon2PasswordHasher"]
        user = get_user_model().objects.get(username="canbo.ldtbxh")
        assert user.check_password("cchc-demo-2024")
        passwords = set(demo.demo_users().values_list("password", flat=True))
        assert len(passwords) == 1

    def test_demo_logins_prints_every_username_role_unit_and_the_password(self):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        for username, *_rest in demo.USERS:
            assert username in text
        assert "cchc-demo-2024" in text
        assert "Thẩm định viên" in text
        assert "Sở Lao động - Thương binh và Xã hội" in text


class TestLoading:
    def test_loading_again_says_so_and_changes_nothing(self):
        before, ids_before = everything(), set(Result.objects.values_list("id", flat=True))
        out = StringIO()
        call_command("load_demo", stdout=out)
        assert out.getvalue().strip() == "Dữ liệu mẫu đã có; dùng --reset để tạo lại."
        assert everything() == before
        assert set(Result.objects.values_list("id", flat=True)) == ids_before

    def test_reset_rebuilds_the_same_demo(self):
        before, figures = everything(), indices()
        out = StringIO()
        call_command("load_demo", "--reset", stdout=out)
        assert (
            "Đã tạo dữ liệu mẫu “Tỉnh Quảng Nam (dữ liệu mẫu)” (từ năm 2025: “Thành phố Đà Nẵng "
            "(dữ liệu mẫu)”): 125 đơn vị, 6 năm, 18 bộ chỉ số"
        ) in out.getvalue()
        assert everything() == before
        assert indices() == figures

    def test_reset_also_removes_history_written_since(self):
        own = Score.history.count()
        score = Score.objects.filter(sheet__year__year=2024, item__method=Method.SURVEY).first()
        score.note = "sửa sau khi nạp"
        score.save()
        assert Score.history.count() == own + 1
        demo.load_demo(reset=True, today=TODAY)
        assert Score.history.count() == own
        assert not Score.history.filter(note="sửa sau khi nạp").exists()

    def test_it_refuses_to_mix_with_a_real_year(self):
        demo.delete_demo()
        AssessmentYear.objects.create(year=2023, owner_name="Tỉnh Thật")
        with pytest.raises(CommandError, match="năm 2023 không phải dữ liệu mẫu"):
            call_command("load_demo", stdout=StringIO())
        assert not Unit.objects.filter(is_sample=True).exists()

    def test_a_real_user_with_a_demo_username_is_left_alone(self):
        demo.delete_demo()
        real = get_user_model().objects.create_user("admin", "quantri@tinh.gov.vn", "x")
        summary = demo.load_demo(today=TODAY)
        assert summary.skipped_users == ["admin"]
        real.refresh_from_db()
        assert (real.email, real.is_superuser) == ("quantri@tinh.gov.vn", False)
        assert not real.memberships.exists()
        demo.delete_demo()
        assert get_user_model().objects.filter(username="admin").exists()


class TestTheReorganisation:
    def test_the_2025_departments_are_those_of_nghi_dinh_45(self):
        names = [r.unit.name for r in table(2025, "SO")]
        assert len(names) == 15
        assert set(names) == {
            "Văn phòng UBND thành phố",
            "Sở Nội vụ",
            "Sở Tư pháp",
            "Sở Tài chính",
            "Sở Công Thương",
            "Sở Nông nghiệp và Môi trường",
            "Sở Xây dựng",
            "Sở Khoa học và Công nghệ",
            "Sở Văn hóa - Thể thao và Du lịch",
            "Sở Giáo dục và Đào tạo",
            "Sở Y tế",
            "Thanh tra thành phố",
            "Sở Ngoại vụ",
            "Sở Dân tộc và Tôn giáo",
            "Ban Quản lý các Khu kinh tế và Khu công nghiệp",
        }

    def test_the_lineage_links_every_2025_department_to_its_2024_predecessors(self):
        found = Lineage.load()
        references = {
            r.unit.code: (found.reference_for(r.unit, 2025, 2024).kind, codes(r.unit))
            for r in table(2025, "SO")
        }
        assert {code: kind for code, (kind, _before) in references.items()} == {
            "SO-VPUBND": "renamed",
            "SO-NV": "merged",
            "SO-TP": "same",
            "SO-TC": "merged",
            "SO-CT": "same",
            "SO-NNMT": "merged",
            "SO-XD": "merged",
            "SO-KHCN": "merged",
            "SO-VHTTDL": "same",
            "SO-GDDT": "same",
            "SO-YT": "same",
            "SO-TTR": "renamed",
            "SO-NGV": "same",
            "SO-BDT": "renamed",
            "SO-BQLKKT": "same",
        }
        merged = {
            code: [
                u.code for u in found.reference_for(Unit.objects.get(code=code), 2025, 2024).units
            ]
            for code in ("SO-NV", "SO-TC", "SO-XD", "SO-KHCN", "SO-NNMT")
        }
        assert merged == {
            "SO-NV": ["SO-NV", "SO-LDTBXH"],
            "SO-TC": ["SO-TC", "SO-KHDT"],
            "SO-XD": ["SO-XD", "SO-GTVT"],
            "SO-KHCN": ["SO-KHCN", "SO-TTTT"],
            "SO-NNMT": ["SO-NNPTNT", "SO-TNMT"],
        }
        # Every 2024 department is taken up by a 2025 department.
        taken_up = {
            u.code
            for code in merged
            for u in found.predecessors(Unit.objects.get(code=code), 2025)[1]
        }
        ended = set(
            Unit.objects.filter(group__code="SO", last_year=2024).values_list("code", flat=True)
        )
        assert ended == {"SO-LDTBXH", "SO-KHDT", "SO-GTVT", "SO-TTTT", "SO-NNPTNT", "SO-TNMT"}
        assert ended <= taken_up

    def test_about_eighty_communes_and_wards_replace_the_18_districts(self):
        communes = table(2025, "XA")
        assert len(communes) == 80
        assert {r.rank_of for r in communes} == {80}
        assert not Result.objects.filter(year__year__gte=2025, group__code="HUYEN").exists()
        assert Unit.objects.filter(group__code="HUYEN", last_year=2024).count() == 18
        assert UnitGroup.objects.get(code="HUYEN").last_year == 2024
        assert UnitGroup.objects.get(code="XA").first_year == 2025
        kinds = {Lineage.load().reference_for(r.unit, 2025, 2024).kind for r in communes}
        assert kinds == {"new"}

    def test_each_group_has_its_own_2025_framework_and_bands(self):
        for code in ("SO", "XA", "NGANHDOC"):
            framework = Framework.objects.get(year__year=2025, group__code=code)
            assert framework.items.filter(is_scored=True).exists()
            assert Band.objects.filter(year__year=2025, group__code=code).count() >= 4
        assert Framework.objects.get(year__year=2025, group__code="XA").name == (
            "Bộ chỉ số CCHC UBND cấp xã năm 2025"
        )

    def test_renamed_units_keep_their_old_names_in_earlier_years(self):
        found = Lineage.load()
        assert [
            (
                code,
                found.name_in(Unit.objects.get(code=code), 2024),
                Unit.objects.get(code=code).name,
            )
            for code in ("SO-BDT", "SO-VPUBND", "NGD-THUE")
        ] == [
            ("SO-BDT", "Ban Dân tộc", "Sở Dân tộc và Tôn giáo"),
            ("SO-VPUBND", "Văn phòng UBND tỉnh", "Văn phòng UBND thành phố"),
            ("NGD-THUE", "Cục Thuế tỉnh", "Thuế thành phố Đà Nẵng"),
        ]

    def test_ended_units_get_no_sheet_after_they_end(self):
        assert not Sheet.objects.filter(year__year__gte=2025, unit__last_year__lt=2025).exists()
        assert not Sheet.objects.filter(year__year=2026, unit__code="SO-LDTBXH").exists()


class TestTheYearInProgress:
    def test_some_sheets_are_submitted_and_some_still_drafts_past_the_deadline(self):
        year = AssessmentYear.objects.get(year=2026)
        rows = tracker_rows(year, now=timezone.make_aware(datetime.datetime(2027, 1, 10, 9)))
        drafts = sorted(r.unit.code for r in rows if not r.submitted)
        assert drafts == ["XA-BHALEE", "XA-LADEE", "XA-TRATAP"]
        assert all(r.overdue for r in rows if not r.submitted)
        assert sum(r.submitted for r in rows) == 97

    def test_one_sheet_has_an_open_explanation_request(self):
        requests = ExplanationRequest.objects.filter(score__sheet__year__year=2026)
        assert [(e.score.sheet.unit.code, e.score.item.code, e.state) for e in requests] == [
            ("SO-TP", "3.3.2", ExplanationState.OPEN)
        ]
        assert requests[0].requested_by.username == "thamdinh"

    def test_the_workflow_left_history_and_evidence_documents(self):
        ward = Sheet.objects.get(year__year=2026, unit__code="XA-TAMKY")
        assert ward.state == "submitted"
        assert ward.submitted_by.username == "lanhdao.tamky"
        assert ward.history.filter(history_change_reason="submit").exists()
        documents = Evidence.objects.filter(score__sheet=ward)
        assert sorted(d.score.item.code for d in documents) == ["1.1.1", "3.2.1", "4.1.1"]
        assert {(d.content_type, d.size > 0) for d in documents} == {("application/pdf", True)}
        assert all(d.file.name.startswith("evidence/") for d in documents)
        assert Score.history.filter(sheet_id=ward.pk, history_user__username="canbo.tamky").exists()
        appraised = Score.history.filter(
            sheet__unit__code="SO-TP", sheet__year__year=2026, history_user__username="thamdinh"
        )
        assert appraised.exists()
        draft = Sheet.objects.get(year__year=2026, unit__code="XA-TRATAP")
        draft_history = Score.history.filter(sheet_id=draft.pk)
        assert draft_history.exclude(history_change_reason="khảo sát").count() == 3
        # Its survey points came from the demo's ballots (demo/survey.py).
        assert draft_history.filter(history_change_reason="khảo sát").count() == 5

    def test_claims_everywhere_on_submitted_sheets_and_appraisals_in_part(self):
        scores = Score.objects.filter(
            sheet__year__year=2026, sheet__state="submitted", item__method=Method.APPRAISAL
        )
        applicable = scores.filter(not_applicable=False)
        assert not applicable.filter(self_points__isnull=True).exists()
        assert applicable.filter(points__isnull=True).exists()
        assert applicable.filter(points__isnull=False).exists()
        assert not Score.objects.filter(
            sheet__year__year=2026, item__method=Method.SURVEY, points__isnull=True
        ).exists()

    def test_the_year_moved_through_its_states_with_recorded_transitions(self):
        transitions = AssessmentYear.objects.get(year=2026).transitions.order_by("at")
        assert [(t.from_state, t.to_state) for t in transitions] == [
            (YearState.PREPARING, YearState.SELF_ASSESSMENT),
            # the sector units' framework replaced in October (TestReplacedFramework)
            (YearState.SELF_ASSESSMENT, YearState.SELF_ASSESSMENT),
            (YearState.SELF_ASSESSMENT, YearState.APPRAISAL),
        ]
        assert "3 phiếu chưa gửi" in transitions[2].reason


class TestWhatALeaderSees:
    """The issue's tour: the 2025 overviews, the 2025 Sở Nội vụ, the 2024 Sở LĐ-TB&XH."""

    @pytest.fixture
    def leader(self, client):
        client.force_login(get_user_model().objects.get(username="lanhdao"))
        return client

    def test_the_2025_department_overview_names_the_source_of_each_change(self, leader):
        html = leader.get("/?year=2025&group=SO").content.decode()
        assert "Thành phố Đà Nẵng (dữ liệu mẫu)" in html
        assert "so với TB 2 đơn vị trước hợp nhất" in html
        assert (
            "trung bình chỉ số năm 2024 của 2 đơn vị trước hợp nhất: Sở Nội vụ, Sở Lao động" in html
        )
        assert "cùng đơn vị, năm 2024 mang tên “Ban Dân tộc”" in html

    def test_the_2025_commune_overview_lists_every_commune_without_a_comparison(self, leader):
        response = leader.get("/?year=2025&group=XA")
        xa = next(g for g in response.context["groups"] if g.group.code == "XA")
        assert len(xa.rows) == 80
        assert all(row.previous.refused for row in xa.rows)
        assert "UBND phường Tam Kỳ" in response.content.decode()

    def test_the_2025_noi_vu_shows_its_history_through_both_predecessors(self, leader):
        response = leader.get("/don-vi/SO-NV/?year=2025")
        profile = response.context["profile"]
        before = next(h for h in profile.lineage_history if h.year.year == 2024)
        assert [row.name for row in before.rows] == [
            "Sở Nội vụ",
            "Sở Lao động - Thương binh và Xã hội",
        ]
        assert before.mean == calc.mean([row.result.index for row in before.rows])
        assert profile.index_change == profile.result.index - before.mean
        html = response.content.decode()
        assert "(trước hợp nhất)" in html
        assert "Trung bình 2 đơn vị trước hợp nhất" in html

    def test_the_2024_labour_department_is_still_readable_with_its_92_03_for_2023(self, leader):
        html = leader.get("/don-vi/SO-LDTBXH/?year=2024").content.decode()
        assert "Đơn vị này hợp nhất vào Sở Nội vụ từ năm 2025." in html
        assert "92,03" in html
        assert result(2023, "SO-LDTBXH").index == D("92.03")
        earlier = leader.get("/don-vi/SO-LDTBXH/?year=2023").content.decode()
        assert "92,03" in earlier


class TestRealFrameworks:
    """From 2026 the departments' and communes' frameworks have rule items, a bonus and a
    deduction section and a cap; the published years keep their plain frameworks and figures."""

    def test_2026_has_rule_items_sections_and_a_cap_for_departments_and_communes(self):
        for group in ("SO", "XA"):
            items = {
                i.code: i
                for i in Item.objects.filter(
                    framework__year__year=2026, framework__group__code=group
                )
            }
            assert sum(bool(i.rule) for i in items.values()) >= 4
            assert items["T"].method == "bonus" and items["D"].method == "deduction"
            assert items["D"].max_points == D(2)  # the section's cap, below its items' 3
            assert items["D.1"].rule == "per_occurrence"
            assert BandCap.objects.filter(year__year=2026, group__code=group).count() == 1

    def test_the_published_years_keep_plain_frameworks(self):
        assert not Item.objects.filter(framework__year__year__lt=2026).exclude(rule="").exists()
        assert not Item.objects.filter(
            framework__year__year__lt=2026, method__in=EXTRA_METHODS
        ).exists()
        assert not BandCap.objects.filter(year__year__lt=2026).exists()

    def test_recomputing_the_published_years_changes_no_figure(self):
        published = Result.objects.filter(year__year__lt=2026).order_by("year__year", "unit__code")
        fields = ("unit__code", "appraisal", "survey", "bonus", "deduction", "total", "max_points",
                  "index", "band_label", "rank", "cap_reason")  # fmt: skip
        before = list(published.values_list(*fields))
        with transaction.atomic():
            for year in AssessmentYear.objects.filter(year__lt=2026):
                recompute_year(year)
            assert list(published.values_list(*fields)) == before
            transaction.set_rollback(True)

    def test_the_worked_example_a_capped_department_with_bonus_and_deduction(self):
        r = result(2026, "SO-GDDT")
        assert (r.bonus, r.deduction) == (D("1.00"), D("2.00"))  # D.1 0.50 + D.2 2.00, cap 2
        assert r.total == r.appraisal + r.survey + r.bonus - r.deduction
        assert (r.uncapped_label, r.band_label) == ("Tốt", "Khá")
        assert r.cap_reason == "Không xếp loại Tốt do có điểm trừ tại D.2"
        better = Result.objects.filter(year__year=2026, group__code="SO", index__gt=r.index)
        assert r.rank == better.count() + 1  # ranks stay by index

    def test_the_appraisers_corrected_a_measured_value_with_its_reason(self):
        score = Score.objects.get(
            sheet__unit__code="SO-TP", sheet__year__year=2026, item__code="1.6.1"
        )
        assert (score.self_value, score.self_points) == (D("100.00"), D("1.00"))
        assert (score.value, score.points) == (D("92.00"), D("0.92"))
        assert "23/25" in score.reason
        assert score.history.filter(value=D("92")).exists()

    def test_a_2026_department_item_is_fed_by_the_766_index(self):
        """The link (issue 19): SO 3.5.1 takes 766's online-services component of 2026-11."""
        from indices.models import IndexValue

        item = Item.objects.get(
            framework__year__year=2026, framework__group__code="SO", code="3.5.1"
        )
        assert (item.source_kind, item.source_component, item.source_period) == (
            "766",
            "4",
            "2026-11",
        )
        fed = (
            Score.objects.filter(item=item).exclude(source_value=None).select_related("sheet__unit")
        )
        assert fed.count() >= 10
        for score in fed:
            index = IndexValue.objects.get(
                result__unit=score.sheet.unit,
                result__kind__code="766",
                result__period="2026-11",
                component__code="4",
            )
            assert score.source_value == calc.component_percent(index.points, D(12))
            assert score.source_text == "766:4@2026-11"
            assert score.source_as_of == datetime.date(2026, 11, 30)
            if score.sheet.unit.code == "SO-GDDT":  # its own figure, kept with its reason
                assert (score.self_value, score.value) == (D(100), D(100))
                assert "100% chỉ tiêu" in score.self_value_override
                assert score.value_override
            else:
                assert score.self_value == score.value == score.source_value
                assert score.history.filter(
                    history_change_reason="từ chỉ số 766 kỳ 2026-11"
                ).exists()


class TestReplacedFrameworkAndSplit:
    """2026 (issue 16): the sector units' framework issued again in October (a split, a merge,
    a new item, a smaller maximum), the communes' framework shared 65/35."""

    def test_the_sector_units_have_two_versions_the_second_in_force(self):
        versions = Framework.versions.filter(year__year=2026, group__code="NGANHDOC")
        assert [(f.version, f.active, f.decision) for f in versions.order_by("version")] == [
            (1, False, ""),
            (2, True, "QĐ 2712/QĐ-UBND"),
        ]
        kinds = {
            (r.from_item.code if r.from_item else "", r.to_item.code if r.to_item else ""): r.kind
            for r in ItemReplacement.objects.filter(framework__year__year=2026)
        }
        assert kinds[("2.3.1", "2.3.3")] == kinds[("2.3.1", "2.3.4")] == "split"
        assert kinds[("1.3.1", "1.3.3")] == kinds[("1.3.2", "1.3.3")] == "merge"
        assert kinds[("", "6.1.4")] == "new"
        assert kinds[("2.2.1", "2.2.1")] == "same"
        new = Framework.objects.get(year__year=2026, group__code="NGANHDOC")
        assert new.items.get(code="2.2.1").max_points == D("4.00")
        transition = AssessmentYear.objects.get(year=2026).transitions.get(
            from_state=YearState.SELF_ASSESSMENT, to_state=YearState.SELF_ASSESSMENT
        )
        assert transition.reason.startswith("Thay bộ chỉ số khối NGANHDOC: phiên bản 1 → 2")
        # During the self-assessment, 25 days before its deadline (October when the demo is
        # loaded in early December; the demo's dates follow the day it is loaded).
        year = AssessmentYear.objects.get(year=2026)
        assert year.self_assessment_deadline - transition.at == datetime.timedelta(days=25)

    def test_each_sector_sheet_went_back_then_was_submitted_again_on_the_new_version(self):
        records = SheetReplacement.objects.filter(sheet__year__year=2026)
        assert (
            records.count()
            == Sheet.objects.filter(year__year=2026, unit__group__code="NGANHDOC").count()
        )
        assert all(r.sent_back for r in records)
        assert all(r.sheet.state == "submitted" for r in records)
        record = records.get(sheet__unit__code="NGD-CA")
        assert any(n.startswith("2.2.1: ") and "tối đa mới 4,00" in n for n in record.to_review)
        assert {e["code"] for e in record.old_scores} >= {"1.3.1", "1.3.2", "2.3.1"}
        # Results follow the new version: the appraisal is the sum over its items only, while
        # the old version's split and merged items keep their scores, unread.
        result_ca = result(2026, "NGD-CA")
        on_new = Score.objects.filter(
            sheet__unit__code="NGD-CA", sheet__year__year=2026, item__method=Method.APPRAISAL
        )
        assert result_ca.appraisal == sum(s.points or 0 for s in on_new)
        assert on_new.filter(item__code="1.3.3").exists()
        assert Score.all_versions.filter(
            sheet__unit__code="NGD-CA", sheet__year__year=2026, item__code="1.3.1"
        ).exists()

    def test_the_communes_share_65_35_and_published_years_keep_70_30(self):
        communes = Result.objects.filter(year__year=2026, group__code="XA")
        assert {(r.appraisal_max, r.survey_max) for r in communes if r.max_points == 100} == {
            (D("65.00"), D("35.00"))
        }
        assert {
            (r.appraisal_max, r.survey_max)
            for r in Result.objects.filter(year__year=2025, group__code="XA")
            if r.max_points == 100
        } == {(D("70.00"), D("30.00"))}
