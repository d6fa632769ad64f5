"""URLs of the portal's pages. Each area keeps its routes in its own section."""

from django.urls import path

from scoring.views import (
    appraisal,
    dashboards,
    exports,
    public,
    sheets,
    survey,
    tracker,
    years,
)

urlpatterns = [
    # --- public results (home)
    path("", public.home, name="home"),
    path("mo/", public.open_data, name="open_data"),
    path("mo/ket-qua-<int:year>.csv", public.open_data_csv, name="open_data_csv"),
    path("mo/ket-qua-<int:year>.json", public.open_data_json, name="open_data_json"),
    # --- accounts and workflow (sheets, appraisal, survey, tracker)
    path("cua-toi/", sheets.my_sheets, name="my_sheets"),
    path("phieu/<str:unit_code>/<int:year>/", sheets.sheet, name="sheet"),
    path("phieu/<str:unit_code>/<int:year>/tam-tinh/", sheets.sheet_preview, name="sheet_preview"),
    path("phieu/<str:unit_code>/<int:year>/gui/", sheets.submit, name="sheet_submit"),
    path("phieu/<str:unit_code>/<int:year>/rut/", sheets.withdraw, name="sheet_withdraw"),
    path(
        "phieu/<str:unit_code>/<int:year>/minh-chung/<str:item_code>/tai-len/",
        sheets.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "phieu/<str:unit_code>/<int:year>/minh-chung/<int:pk>/",
        sheets.evidence_download,
        name="evidence_download",
    ),
    path(
        "phieu/<str:unit_code>/<int:year>/minh-chung/<int:pk>/xoa/",
        sheets.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "phieu/<str:unit_code>/<int:year>/lich-su/<str:item_code>/",
        sheets.item_history,
        name="item_history",
    ),
    # appraisal, survey, year states, tracker
    path(
        "phieu/<str:unit_code>/<int:year>/giai-trinh/<int:pk>/",
        appraisal.explanation_answer,
        name="explanation_answer",
    ),
    path("tham-dinh/", appraisal.appraisal_index, name="appraisal_index"),
    path("tham-dinh/<int:year>/", appraisal.appraisal_list, name="appraisal_list"),
    path(
        "tham-dinh/<str:unit_code>/<int:year>/", appraisal.appraisal_sheet, name="appraisal_sheet"
    ),
    path(
        "tham-dinh/<str:unit_code>/<int:year>/yeu-cau/<str:item_code>/",
        appraisal.request_explanation,
        name="appraisal_request_explanation",
    ),
    path(
        "tham-dinh/<str:unit_code>/<int:year>/giai-trinh/<int:pk>/dong/",
        appraisal.close_explanation,
        name="appraisal_close_explanation",
    ),
    path("dieu-tra/<int:year>/", survey.survey_page, name="survey"),
    path("dieu-tra/<int:year>/nhap/", survey.survey_import, name="survey_import"),
    path("nam/<int:year>/quan-ly/", years.year_manage, name="year_manage"),
    path("nam/<int:year>/quan-ly/mo/", years.year_open, name="year_open"),
    path("nam/<int:year>/quan-ly/han/", years.year_deadline, name="year_deadline"),
    path(
        "nam/<int:year>/quan-ly/tham-dinh/",
        years.year_start_appraisal,
        name="year_start_appraisal",
    ),
    path("nam/<int:year>/quan-ly/cong-bo/", years.year_publish, name="year_publish"),
    path("nam/<int:year>/quan-ly/mo-lai/", years.year_reopen, name="year_reopen"),
    path("theo-doi/", tracker.tracker_index, name="tracker_index"),
    path("theo-doi/<int:year>/", tracker.tracker, name="tracker"),
    # --- dashboards (overview, unit profile, comparison, most lost)
    path("don-vi/<str:code>/", dashboards.unit_profile, name="unit_profile"),
    path("don-vi/<str:code>/<int:year>/nang-hang/", dashboards.move_up, name="move_up"),
    path("so-sanh/", dashboards.compare, name="compare"),
    path("mat-diem/", dashboards.most_lost, name="most_lost"),
    # --- exports and imports (xlsx, csv, docx)
    path("xuat/ket-qua-<int:year>.<str:fmt>", exports.ranking, name="export_ranking"),
    path("xuat/so-sanh.<str:fmt>", exports.comparison, name="export_comparison"),
    path("xuat/theo-doi-<int:year>.<str:fmt>", exports.tracker_export, name="export_tracker"),
    path("xuat/phieu/<str:unit_code>/<int:year>.<str:fmt>", exports.sheet, name="export_sheet"),
    path(
        "bao-cao/tu-danh-gia/<str:unit_code>/<int:year>.docx",
        exports.sheet_report,
        name="report_self_assessment",
    ),
    path("bao-cao/ket-qua-<int:year>.docx", exports.results_report, name="report_results"),
    path(
        "nhap-excel/<str:kind>/<str:unit_code>/<int:year>/",
        exports.roundtrip_page,
        name="roundtrip",
    ),
    path(
        "nhap-excel/<str:kind>/<str:unit_code>/<int:year>/tep-mau.xlsx",
        exports.roundtrip_download,
        name="roundtrip_download",
    ),
    path(
        "nhap-excel/<str:kind>/<str:unit_code>/<int:year>/xac-nhan/",
        exports.roundtrip_confirm,
        name="roundtrip_confirm",
    ),
    path("nhap-excel/dieu-tra/<int:year>/", exports.roundtrip_survey, name="roundtrip_survey"),
    path(
        "nhap-excel/dieu-tra/<int:year>/tep-mau.xlsx",
        exports.roundtrip_survey_download,
        name="roundtrip_survey_download",
    ),
    path(
        "nhap-excel/dieu-tra/<int:year>/xac-nhan/",
        exports.roundtrip_survey_confirm,
        name="roundtrip_survey_confirm",
    ),
]
