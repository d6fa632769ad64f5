"""URLs of the portal's pages. Each area keeps its routes in its own section."""

from django.urls import path

from scoring.views import (
    appraisal,
    background,
    dashboards,
    exports,
    public,
    sheets,
    survey,
    tracker,
    value_sources,
    years,
)

# The path converters code, id and year are registered by ScoringConfig.ready().

urlpatterns = [
    # --- public results (home)
    path("", public.home, name="home"),
    path("mo/", public.open_data, name="open_data"),
    path("mo/ket-qua-<year:year>.csv", public.open_data_csv, name="open_data_csv"),
    path("mo/ket-qua-<year:year>.json", public.open_data_json, name="open_data_json"),
    # --- accounts and workflow (sheets, appraisal, survey, tracker)
    path("cua-toi/", sheets.my_sheets, name="my_sheets"),
    path("phieu/<code:unit_code>/<year:year>/", sheets.sheet, name="sheet"),
    path(
        "phieu/<code:unit_code>/<year:year>/tam-tinh/", sheets.sheet_preview, name="sheet_preview"
    ),
    path("phieu/<code:unit_code>/<year:year>/gui/", sheets.submit, name="sheet_submit"),
    path(
        "phieu/<code:unit_code>/<year:year>/phien-ban/<int:version>/",
        sheets.sheet_version,
        name="sheet_version",
    ),
    path("phieu/<code:unit_code>/<year:year>/rut/", sheets.withdraw, name="sheet_withdraw"),
    path(
        "phieu/<code:unit_code>/<year:year>/minh-chung/<code:item_code>/tai-len/",
        sheets.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "phieu/<code:unit_code>/<year:year>/minh-chung/<id:pk>/",
        sheets.evidence_download,
        name="evidence_download",
    ),
    path(
        "phieu/<code:unit_code>/<year:year>/minh-chung/<id:pk>/xoa/",
        sheets.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "phieu/<code:unit_code>/<year:year>/lich-su/<code:item_code>/",
        sheets.item_history,
        name="item_history",
    ),
    # appraisal, survey, year states, tracker
    path(
        "phieu/<code:unit_code>/<year:year>/giai-trinh/<id:pk>/",
        appraisal.explanation_answer,
        name="explanation_answer",
    ),
    path(
        "phieu/<code:unit_code>/<year:year>/nguon/<code:item_code>/<str:side>/",
        value_sources.value_source,
        name="value_source",
    ),
    path("tham-dinh/", appraisal.appraisal_index, name="appraisal_index"),
    path("tham-dinh/<year:year>/", appraisal.appraisal_list, name="appraisal_list"),
    path(
        "tham-dinh/<code:unit_code>/<year:year>/", appraisal.appraisal_sheet, name="appraisal_sheet"
    ),
    path(
        "tham-dinh/<code:unit_code>/<year:year>/diem-quy-tac/<code:item_code>/",
        appraisal.rule_points_preview,
        name="appraisal_rule_points",
    ),
    path(
        "tham-dinh/<code:unit_code>/<year:year>/yeu-cau/<code:item_code>/",
        appraisal.request_explanation,
        name="appraisal_request_explanation",
    ),
    path(
        "tham-dinh/<code:unit_code>/<year:year>/giai-trinh/<id:pk>/dong/",
        appraisal.close_explanation,
        name="appraisal_close_explanation",
    ),
    path("dieu-tra/<year:year>/", survey.survey_page, name="survey"),
    path("dieu-tra/<year:year>/nhap/", survey.survey_import, name="survey_import"),
    path("nam/<year:year>/quan-ly/", years.year_manage, name="year_manage"),
    path("quan-tri/viec-nen/", background.background_work, name="background_work"),
    path("nam/<year:year>/quan-ly/mo/", years.year_open, name="year_open"),
    path("nam/<year:year>/quan-ly/han/", years.year_deadline, name="year_deadline"),
    path(
        "nam/<year:year>/quan-ly/tham-dinh/",
        years.year_start_appraisal,
        name="year_start_appraisal",
    ),
    path("nam/<year:year>/quan-ly/cong-bo/", years.year_publish, name="year_publish"),
    path("nam/<year:year>/quan-ly/mo-lai/", years.year_reopen, name="year_reopen"),
    path(
        "nam/<year:year>/quan-ly/quyet-dinh/<code:unit_code>/",
        years.year_decision,
        name="year_decision",
    ),
    path(
        "nam/<year:year>/quan-ly/quyet-dinh/<code:unit_code>/bo/",
        years.year_decision_withdraw,
        name="year_decision_withdraw",
    ),
    path("theo-doi/", tracker.tracker_index, name="tracker_index"),
    path("theo-doi/<year:year>/", tracker.tracker, name="tracker"),
    # --- dashboards (overview, unit profile, comparison, most lost)
    path("don-vi/<code:code>/", dashboards.unit_profile, name="unit_profile"),
    path("don-vi/<code:code>/<year:year>/nang-hang/", dashboards.move_up, name="move_up"),
    path("so-sanh/", dashboards.compare, name="compare"),
    path("mat-diem/", dashboards.most_lost, name="most_lost"),
    # --- exports and imports (xlsx, csv, docx)
    path("xuat/ket-qua-<year:year>.<str:fmt>", exports.ranking, name="export_ranking"),
    path("xuat/so-sanh.<str:fmt>", exports.comparison, name="export_comparison"),
    path("xuat/theo-doi-<year:year>.<str:fmt>", exports.tracker_export, name="export_tracker"),
    path("xuat/phieu/<code:unit_code>/<year:year>.<str:fmt>", exports.sheet, name="export_sheet"),
    path(
        "bao-cao/tu-danh-gia/<code:unit_code>/<year:year>.docx",
        exports.sheet_report,
        name="report_self_assessment",
    ),
    path("bao-cao/ket-qua-<year:year>.docx", exports.results_report, name="report_results"),
    path(
        "nhap-excel/<str:kind>/<code:unit_code>/<year:year>/",
        exports.roundtrip_page,
        name="roundtrip",
    ),
    path(
        "nhap-excel/<str:kind>/<code:unit_code>/<year:year>/tep-mau.xlsx",
        exports.roundtrip_download,
        name="roundtrip_download",
    ),
    path(
        "nhap-excel/<str:kind>/<code:unit_code>/<year:year>/xac-nhan/",
        exports.roundtrip_confirm,
        name="roundtrip_confirm",
    ),
    path("nhap-excel/dieu-tra/<year:year>/", exports.roundtrip_survey, name="roundtrip_survey"),
    path(
        "nhap-excel/dieu-tra/<year:year>/tep-mau.xlsx",
        exports.roundtrip_survey_download,
        name="roundtrip_survey_download",
    ),
    path(
        "nhap-excel/dieu-tra/<year:year>/xac-nhan/",
        exports.roundtrip_survey_confirm,
        name="roundtrip_survey_confirm",
    ),
]
