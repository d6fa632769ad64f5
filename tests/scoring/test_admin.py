"""The Django admin: every page opens, writes go through the services, published years are locked."""

from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django_q.tasks import async_task

from jobs import progress
from jobs.mail import queue_mail
from scoring.models import (
    AssessmentYear,
    Band,
    Evidence,
    ExplanationRequest,
    Framework,
    Item,
    ItemCrosswalk,
    PublicationDecision,
    Result,
    Score,
    YearState,
    YearTransition,
)
from scoring.services.frameworks import ItemRow, replace_framework
from tests.factories import FULL_MARKS, make_sheet, make_unit, make_year, score
from tests.queue import run_jobs
from units.models import LineageEvent, LineageKind, Membership, Role

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def province(admin_user):
    """2023 in appraisal: Sở Nội vụ with full marks (100, Tốt), Sở Tư pháp with 85 (Khá)."""
    year = make_year(2023, state=YearState.APPRAISAL)
    nv = make_unit("SNV", "Sở Nội vụ")
    tp = make_unit("STP", "Sở Tư pháp")
    sheet_nv = score(make_sheet(nv, year), **FULL_MARKS)
    sheet_tp = score(make_sheet(tp, year), **{**FULL_MARKS, "2.1": "5"})
    Membership.objects.create(user=admin_user, unit=nv, role=Role.ADMIN)
    return {"year": year, "nv": nv, "tp": tp, "sheet_nv": sheet_nv, "sheet_tp": sheet_tp}


def score_of(sheet, code: str) -> Score:
    return Score.objects.get(sheet=sheet, item__code=code)


def result_of(unit) -> Result:
    return Result.objects.get(unit=unit)


def score_post(score_obj: Score, **fields) -> dict:
    data = {
        "self_points": "" if score_obj.self_points is None else str(score_obj.self_points),
        "points": "" if score_obj.points is None else str(score_obj.points),
        "note": score_obj.note,
        "reason": score_obj.reason,
        "_save": "1",
    }
    if score_obj.not_applicable:
        data["not_applicable"] = "on"
    data.update(fields)
    return data


# --------------------------------------------------------------------------- every page opens


@pytest.fixture
def one_of_everything(province, admin_user):
    year, sheet = province["year"], province["sheet_nv"]
    later = make_year(2024, state=YearState.PREPARING)
    ItemCrosswalk.objects.create(
        from_item=Item.objects.get(framework__year=year, code="1.2"),
        to_item=Item.objects.get(framework__year=later, code="1.2"),
        note="Giữ nguyên",
    )
    YearTransition.objects.create(
        year=year, from_state=YearState.SELF_ASSESSMENT, to_state=YearState.APPRAISAL
    )
    explanation = ExplanationRequest.objects.create(
        score=score_of(sheet, "2.1"), question="Đề nghị bổ sung tài liệu", requested_by=admin_user
    )
    Evidence.objects.create(
        score=score_of(sheet, "2.1"),
        explanation=explanation,
        file="evidence/1/1/a1b2c3.pdf",
        original_name="Ke hoach CCHC.pdf",
        content_type="application/pdf",
        size=123456,
        uploaded_by=admin_user,
    )
    Group.objects.create(name="Thẩm định viên")
    PublicationDecision.objects.create(
        year=year, unit=province["tp"], reason="Chấm theo kết quả thẩm định.", decided_by=admin_user
    )
    event = LineageEvent.objects.create(year=2025, kind=LineageKind.RENAME, new_name="Sở Nội vụ")
    event.predecessors.set([sheet.unit])
    # the related indices (indices app): a month of 766 for one unit, and a driver
    from demo.indices import ensure_known_kinds
    from indices import services as index_services
    from indices.exchange import ValueRow
    from indices.models import IndexDriver, IndexKind

    ensure_known_kinds()
    kind = IndexKind.objects.get(code="766")
    kind.groups.add(sheet.unit.group)
    rows = [ValueRow(sheet.unit.code, str(n), D("5"), 0) for n in range(1, 7)]
    index_services.record_values(kind, "2026-10", rows, source="Cổng DVC")
    IndexDriver.objects.create(kind=kind, component_code="1", unit=sheet.unit)
    # The queue's pages: a mail sent, a job done, a task that failed, one waiting, the schedules.
    queue_mail("admin-test", "Thử", "Nội dung", ["a@example.vn"])
    progress.start(admin_user, "results_report", "Báo cáo", "jobs.progress.delete_expired", {})
    async_task("math.sqrt", -1)  # ValueError: a failed task
    run_jobs(schedules=True)
    async_task("math.sqrt", 4)  # left waiting
    # The survey: a questionnaire with a question and its options, a weight, a target, a ballot.
    from survey import services as survey_services
    from survey.models import (
        Answer,
        Ballot,
        Option,
        Question,
        Questionnaire,
        RespondentType,
        SampleTarget,
        TypeWeight,
    )

    survey_services.ensure_default_types()
    citizen = RespondentType.objects.get(code="nguoi_dan")
    form = Questionnaire.objects.create(year=year, group=sheet.unit.group, title="Phiếu 2023")
    question = Question.objects.create(
        questionnaire=form,
        code="Q1",
        item=Item.objects.get(framework__year=year, code="1.2"),
        text="?",
    )
    option = Option.objects.create(question=question, code="A", weight=D("100"))
    TypeWeight.objects.create(year=year, group=form.group, respondent_type=citizen, weight=D("60"))
    SampleTarget.objects.create(
        questionnaire=form, unit=sheet.unit, respondent_type=citizen, target=3
    )
    ballot = Ballot.objects.create(
        questionnaire=form,
        reference="B1",
        unit=sheet.unit,
        respondent_type=citizen,
        channel="paper",
    )
    Answer.objects.create(ballot=ballot, question=question, option=option)
    return province


def test_every_changelist_and_add_page_opens(admin_client, one_of_everything):
    for model, model_admin in admin.site._registry.items():
        changelist = admin_client.get(admin_url(model, "changelist"))
        assert changelist.status_code == 200, model

        add = admin_client.get(admin_url(model, "add"))
        can_add = model_admin.has_add_permission(changelist.wsgi_request)
        assert add.status_code == (200 if can_add else 403), model


def test_every_change_page_opens(admin_client, one_of_everything):
    for model in admin.site._registry:
        obj = model._default_manager.first()
        assert obj is not None, f"no {model.__name__} to open"
        response = admin_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model


def test_the_results_and_items_are_read_only_and_cannot_be_added(admin_client, province):
    result = result_of(province["nv"])

    assert admin_client.get(admin_url(Result, "add")).status_code == 403
    assert admin_client.get(admin_url(Item, "add")).status_code == 403
    response = admin_client.post(admin_url(Result, "change", result.pk), {"total": "1"})
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.total == D("100.00")


def test_the_user_page_shows_the_users_memberships(admin_client, province, admin_user):
    response = admin_client.get(admin_url(type(admin_user), "change", admin_user.pk))

    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.unit.code for form in formset.forms] == ["SNV"]


def test_the_result_list_shows_figures_the_vietnamese_way(admin_client, province):
    response = admin_client.get(admin_url(Result, "changelist"))

    assert "85,00" in response.content.decode()
    assert "thứ 2/2" in response.content.decode()


# --------------------------------------------------------------------------- frameworks and items


def test_the_item_list_is_ordered_by_code_with_10_after_9(admin_client, province):
    year = make_year(2025, state=YearState.PREPARING, group_codes=())
    group = province["nv"].group
    framework = replace_framework(
        year,
        group,
        [
            ItemRow(code, f"Tiêu chí {code}", maximum, method)
            for code, maximum, method in [
                ("2", None, ""),
                ("1.10", D("3"), "appraisal"),
                ("1", None, ""),
                ("1.2", D("2"), "appraisal"),
                ("2.1", D("5"), "survey"),
                ("1.1", None, ""),
                ("1.9", D("1"), "appraisal"),
                ("1.1.2", D("2"), "appraisal"),
                ("1.1.1", D("1"), "appraisal"),
            ]
        ],
    )

    response = admin_client.get(
        admin_url(Item, "changelist") + f"?framework__id__exact={framework.pk}"
    )

    codes = [item.code for item in response.context["cl"].result_list]
    assert codes == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.9", "1.10", "2", "2.1"]
    assert '<span class="item-depth-3">\xa0\xa0\xa0\xa0\xa0\xa0\xa0\xa01.1.1</span>' in (
        response.content.decode()
    )


def test_the_framework_page_shows_its_item_tree_in_code_order(admin_client, province):
    framework = Framework.objects.get(year=province["year"])

    response = admin_client.get(admin_url(Framework, "change", framework.pk))

    assert [item.code for item in response.context["item_tree"]] == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
        "1.2",
        "2",
        "2.1",
        "2.2",
        "3",
        "3.1",
        "3.2",
    ]
    assert '<tr class="depth-3">' in response.content.decode()


def test_an_items_maximum_change_is_carried_up_to_its_ancestors(admin_client, province):
    year = make_year(2024, state=YearState.PREPARING)
    item = Item.objects.get(framework__year=year, code="1.1.1")

    response = admin_client.post(
        admin_url(Item, "change", item.pk),
        {"name": item.name, "max_points": "12.5", "guidance": "", "_save": "1"},
    )

    assert response.status_code == 302
    maxima = dict(
        Item.objects.filter(framework__year=year, code__in=["1.1.1", "1.1", "1", "2"]).values_list(
            "code", "max_points"
        )
    )
    assert maxima == {
        "1.1.1": D("12.50"),
        "1.1": D("22.50"),
        "1": D("32.50"),
        "2": D("40.00"),
    }


def test_an_items_maximum_is_read_only_once_its_framework_has_scores(admin_client, province):
    item = Item.objects.get(framework__year=province["year"], code="2.1")

    response = admin_client.post(
        admin_url(Item, "change", item.pk),
        {"name": "Công bố TTHC", "max_points": "25", "guidance": "", "_save": "1"},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.max_points) == ("Công bố TTHC", D("20.00"))


# --------------------------------------------------------------------------- copying a year


def copy_action(admin_client, source: AssessmentYear, **form):
    data = {"action": "copy_year_action", "_selected_action": [source.pk], **form}
    return admin_client.post(admin_url(AssessmentYear, "changelist"), data)


def test_the_copy_action_asks_for_the_new_year_first(admin_client, province):
    response = copy_action(admin_client, province["year"])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/scoring/assessmentyear/copy_year.html"
    assert response.context["form"].initial["target_year"] == 2024
    assert AssessmentYear.objects.count() == 1


def test_the_copy_action_copies_the_framework_and_bands_to_a_new_year(admin_client, province):
    response = copy_action(admin_client, province["year"], apply="1", target_year="2024")

    new = AssessmentYear.objects.get(year=2024)
    assert response.status_code == 302
    assert response.url == "/nam/2024/quan-ly/"
    assert messages_of(response) == [
        "Đã sao chép 1 bộ chỉ số (11 tiêu chí) và 4 mức xếp loại từ năm 2023 sang năm 2024."
    ]
    assert (new.state, new.owner_name) == (YearState.PREPARING, "Tỉnh Thử Nghiệm")
    old_items = Item.objects.filter(framework__year=province["year"]).order_by("sort_key")
    new_items = Item.objects.filter(framework__year=new).order_by("sort_key")
    fields = ("code", "max_points", "method", "is_scored", "na_allowed")
    assert list(new_items.values_list(*fields)) == list(old_items.values_list(*fields))
    assert new_items.count() == 11
    assert new_items.get(code="1").max_points == D("30.00")
    assert list(new.bands.order_by("-min_index").values_list("label", "min_index")) == [
        ("Tốt", D("90.00")),
        ("Khá", D("80.00")),
        ("Trung bình", D("65.00")),
        ("Yếu", D("0.00")),
    ]
    assert new.sheets.count() == 0


def test_after_copying_the_admin_lands_on_the_new_years_management_page(admin_client, province):
    response = copy_action(admin_client, province["year"], apply="1", target_year="2024")

    page = admin_client.get(response.url)

    assert page.status_code == 200
    assert page.templates[0].name == "scoring/years/manage.html"
    assert page.context["year"].year == 2024
    assert "Đã sao chép 1 bộ chỉ số" in page.content.decode()


def test_the_copy_action_refuses_a_year_that_already_has_a_framework(admin_client, province):
    target = make_year(2024, state=YearState.PREPARING)
    Item.objects.filter(framework__year=target, code="1.2").update(name="Tên riêng của 2024")

    response = copy_action(admin_client, province["year"], apply="1", target_year="2024")

    assert response.status_code == 302
    assert response.url == admin_url(AssessmentYear, "changelist")
    assert messages_of(response) == [
        "Năm 2024 đã có bộ chỉ số hoặc mức xếp loại: không sao chép đè."
    ]
    assert Framework.objects.filter(year=target).count() == 1
    assert Item.objects.filter(framework__year=target).count() == 11
    assert Item.objects.get(framework__year=target, code="1.2").name == "Tên riêng của 2024"
    assert Band.objects.filter(year=target).count() == 4


def test_the_copy_action_asks_again_for_a_missing_year(admin_client, province):
    response = copy_action(admin_client, province["year"], apply="1", target_year="")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["target_year"]
    assert AssessmentYear.objects.count() == 1


def test_a_year_cannot_be_published_from_its_admin_form(admin_client, province):
    response = admin_client.get(admin_url(AssessmentYear, "change", province["year"].pk))

    choices = [
        value for value, _label in response.context["adminform"].form.fields["state"].choices
    ]
    assert choices == [YearState.PREPARING, YearState.SELF_ASSESSMENT, YearState.APPRAISAL]


def test_the_recompute_action_skips_published_years(admin_client, province):
    published = make_year(2022, state=YearState.PUBLISHED)
    province["year"].refresh_from_db()
    version = province["year"].results_version
    data = {
        "action": "recompute_action",
        "_selected_action": [province["year"].pk, published.pk],
    }

    response = admin_client.post(admin_url(AssessmentYear, "changelist"), data)

    assert messages_of(response) == [
        "Năm 2022 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước).",
        "Đã tính lại kết quả năm 2023.",
    ]
    province["year"].refresh_from_db()
    assert province["year"].results_version == version + 1


def test_a_state_change_in_the_admin_is_recorded(admin_client, province, admin_user):
    year = province["year"]

    response = admin_client.post(
        admin_url(AssessmentYear, "change", year.pk),
        {
            "year": "2023",
            "state": YearState.SELF_ASSESSMENT,
            "owner_name": year.owner_name,
            "rounding": year.rounding,
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    transition = YearTransition.objects.get(year=year)
    assert (transition.from_state, transition.to_state, transition.by) == (
        YearState.APPRAISAL,
        YearState.SELF_ASSESSMENT,
        admin_user,
    )


def test_a_rounding_change_in_the_admin_recomputes_the_years_results(admin_client, province):
    year = province["year"]
    year.refresh_from_db()
    version = year.results_version

    response = admin_client.post(
        admin_url(AssessmentYear, "change", year.pk),
        {
            "year": "2023",
            "state": YearState.APPRAISAL,
            "owner_name": year.owner_name,
            "rounding": "truncate",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    year.refresh_from_db()
    assert (year.rounding, year.results_version) == ("truncate", version + 1)
    assert YearTransition.objects.count() == 0


# --------------------------------------------------------------------------- scores


def test_editing_a_score_records_its_history_and_updates_the_result(
    admin_client, province, admin_user
):
    sheet = province["sheet_tp"]
    target = score_of(sheet, "2.1")

    response = admin_client.post(
        admin_url(Score, "change", target.pk),
        score_post(target, points="12.5", reason="Công khai chưa đầy đủ"),
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.points, target.reason) == (D("12.50"), "Công khai chưa đầy đủ")
    last = target.history.first()
    assert (last.history_change_reason, last.history_user, last.points) == (
        "admin",
        admin_user,
        D("12.50"),
    )
    result = result_of(province["tp"])
    assert (result.total, result.index, result.band_label, result.rank) == (
        D("92.50"),
        D("92.50"),
        "Tốt",
        2,
    )
    sheet.refresh_from_db()
    assert sheet.version == 2


def test_points_above_the_maximum_are_refused_and_nothing_is_saved(admin_client, province):
    target = score_of(province["sheet_tp"], "2.1")
    history = target.history.count()

    response = admin_client.post(
        admin_url(Score, "change", target.pk), score_post(target, points="25", reason="Sai")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Điểm 25,00 vượt điểm tối đa 20,00 của tiêu chí 2.1."
    ]
    target.refresh_from_db()
    assert (target.points, target.reason) == (D("5.00"), "")
    assert target.history.count() == history
    assert result_of(province["tp"]).total == D("85.00")


def test_a_refusal_by_the_service_after_validation_saves_nothing(
    admin_client, province, monkeypatch
):
    # As if another change landed between the form's check and the save.
    monkeypatch.setattr("scoring.admin.score_change_problems", lambda sheet, change: [])
    target = score_of(province["sheet_tp"], "2.1")
    version = province["sheet_tp"].version
    url = admin_url(Score, "change", target.pk)

    response = admin_client.post(url, score_post(target, points="25", reason="Sai"))

    assert response.status_code == 302
    assert response.url == url
    assert messages_of(response) == ["Điểm 25,00 vượt điểm tối đa 20,00 của tiêu chí 2.1."]
    target.refresh_from_db()
    province["sheet_tp"].refresh_from_db()
    assert (target.points, target.reason) == (D("5.00"), "")
    assert province["sheet_tp"].version == version
    assert result_of(province["tp"]).total == D("85.00")


def test_a_score_added_in_the_admin_goes_through_the_service(admin_client, province):
    unit = make_unit("SCT", "Sở Công Thương")
    sheet = make_sheet(unit, province["year"])
    item = Item.objects.get(framework__year=province["year"], code="1.2")

    response = admin_client.post(
        admin_url(Score, "add"),
        {
            "sheet": sheet.pk,
            "item": item.pk,
            "points": "7.25",
            "note": "",
            "reason": "",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    added = score_of(sheet, "1.2")
    assert added.points == D("7.25")
    assert added.history.first().history_change_reason == "admin"
    assert result_of(unit).total == D("7.25")


def test_a_score_on_an_item_of_another_framework_is_refused(admin_client, province):
    later = make_year(2024, state=YearState.PREPARING)
    item = Item.objects.get(framework__year=later, code="1.2")

    response = admin_client.post(
        admin_url(Score, "add"),
        {"sheet": province["sheet_nv"].pk, "item": item.pk, "points": "1", "_save": "1"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["item"] == [
        "Tiêu chí này không thuộc bộ chỉ số của phiếu."
    ]
    assert Score.objects.filter(item=item).count() == 0


# --------------------------------------------------------------------------- published years


def test_a_published_years_score_and_band_pages_are_read_only(admin_client, province):
    AssessmentYear.objects.filter(pk=province["year"].pk).update(state=YearState.PUBLISHED)
    target = score_of(province["sheet_tp"], "2.1")
    band = Band.objects.get(year=province["year"], label="Khá")

    score_page = admin_client.get(admin_url(Score, "change", target.pk))
    band_page = admin_client.get(admin_url(Band, "change", band.pk))
    score_post_response = admin_client.post(
        admin_url(Score, "change", target.pk), score_post(target, points="20")
    )
    band_post_response = admin_client.post(
        admin_url(Band, "change", band.pk), {"label": "Khá", "min_index": "86", "_save": "1"}
    )
    band_delete_response = admin_client.post(admin_url(Band, "delete", band.pk), {"post": "yes"})

    assert (score_page.status_code, band_page.status_code) == (200, 200)
    assert score_page.context["has_change_permission"] is False
    assert band_page.context["has_change_permission"] is False
    assert score_post_response.status_code == 403
    assert band_post_response.status_code == 403
    assert band_delete_response.status_code == 403
    target.refresh_from_db()
    band.refresh_from_db()
    assert (target.points, band.min_index) == (D("5.00"), D("80.00"))
    assert result_of(province["tp"]).band_label == "Khá"


def test_a_published_years_item_and_year_pages_are_read_only(admin_client, province):
    year = province["year"]
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    item = Item.objects.get(framework__year=year, code="1.2")

    item_post = admin_client.post(
        admin_url(Item, "change", item.pk), {"name": "Đổi tên", "guidance": "", "_save": "1"}
    )
    year_post = admin_client.post(
        admin_url(AssessmentYear, "change", year.pk),
        {"year": "2023", "state": YearState.APPRAISAL, "rounding": year.rounding, "_save": "1"},
    )

    assert (item_post.status_code, year_post.status_code) == (403, 403)
    item.refresh_from_db()
    year.refresh_from_db()
    assert (item.name, year.state) == ("Tuyên truyền CCHC", YearState.PUBLISHED)
    assert YearTransition.objects.count() == 0


def test_a_band_cannot_be_added_to_a_published_year(admin_client, province):
    AssessmentYear.objects.filter(pk=province["year"].pk).update(state=YearState.PUBLISHED)

    response = admin_client.post(
        admin_url(Band, "add"),
        {
            "year": province["year"].pk,
            "group": province["nv"].group.pk,
            "label": "Xuất sắc",
            "min_index": "98",
            "_save": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
    ]
    assert Band.objects.filter(year=province["year"]).count() == 4


# --------------------------------------------------------------------------- bands


def test_changing_a_bands_minimum_reclassifies_the_results(admin_client, province):
    band = Band.objects.get(year=province["year"], label="Khá")

    response = admin_client.post(
        admin_url(Band, "change", band.pk), {"label": "Khá", "min_index": "86", "_save": "1"}
    )

    assert response.status_code == 302
    assert result_of(province["tp"]).band_label == "Trung bình"
    assert result_of(province["nv"]).band_label == "Tốt"


def test_deleting_a_band_reclassifies_the_results(admin_client, province):
    band = Band.objects.get(year=province["year"], label="Khá")

    response = admin_client.post(admin_url(Band, "delete", band.pk), {"post": "yes"})

    assert response.status_code == 302
    assert result_of(province["tp"]).band_label == "Trung bình"


def test_a_band_with_the_minimum_of_another_is_refused(admin_client, province):
    band = Band.objects.get(year=province["year"], label="Khá")

    response = admin_client.post(
        admin_url(Band, "change", band.pk), {"label": "Khá", "min_index": "90", "_save": "1"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Hai mức xếp loại có cùng chỉ số tối thiểu."
    ]
    band.refresh_from_db()
    assert band.min_index == D("80.00")


# --------------------------------------------------------------------------- query counts


def test_the_result_list_does_not_query_per_row(
    admin_client, province, django_assert_max_num_queries
):
    for number in range(8):
        unit = make_unit(f"S{number}", f"Sở thứ {number}")
        score(make_sheet(unit, province["year"]), **{"1.2": str(number)})
    assert Result.objects.count() == 10

    with django_assert_max_num_queries(10):
        response = admin_client.get(admin_url(Result, "changelist"))

    assert len(response.context["cl"].result_list) == 10


def test_the_item_list_does_not_query_per_row(
    admin_client, province, django_assert_max_num_queries
):
    make_year(2024, state=YearState.PREPARING, group_codes=("SO", "HUYEN"))
    assert Item.objects.count() == 33

    with django_assert_max_num_queries(10):
        response = admin_client.get(admin_url(Item, "changelist"))

    assert len(response.context["cl"].result_list) == 33
