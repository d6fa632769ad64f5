from django.urls import path

from survey import views

app_name = "survey"

urlpatterns = [
    # Public, no login: short addresses (printed under QR codes).
    path("ks/", views.ballot_code, name="ballot_code"),
    path("ks/cam-on/", views.thanks, name="thanks"),
    path("ks/mo/<slug:key>/", views.open_ballot, name="open_ballot"),
    path("ks/<slug:code>/", views.ballot, name="ballot"),
    # A unit profile's survey lines (htmx; empty for whoever may not see them).
    path("khao-sat/ghi-chu/<slug:unit>/", views.profile_notes, name="profile_notes"),
    # Signed in.
    path("khao-sat/<int:year>/", views.survey_home, name="home"),
    path("khao-sat/<int:year>/nhap-tep/", views.responses_upload, name="upload"),
    path("khao-sat/<int:year>/<slug:group>/ghi-diem/", views.apply, name="apply"),
    path("khao-sat/<int:year>/<slug:group>/ma-moi/", views.tokens, name="tokens"),
    path("khao-sat/<int:year>/<slug:group>/phieu-giay/", views.paper_entry, name="paper"),
    path("khao-sat/<int:year>/<slug:group>/nhap-lech/", views.mismatches, name="mismatches"),
    path("khao-sat/<int:year>/<slug:group>/nhap-lech/<int:pk>/", views.settle, name="settle"),
    path("khao-sat/<int:year>/<slug:group>/<slug:unit>/", views.unit_results, name="unit"),
    # Aggregates per unit and question (never a ballot): for the survey's readers, and as open
    # data for published years.
    path(
        "khao-sat/<int:year>/<slug:group>/tong-hop.csv",
        views.aggregates,
        {"fmt": "csv"},
        name="aggregates_csv",
    ),
    path(
        "khao-sat/<int:year>/<slug:group>/tong-hop.xlsx",
        views.aggregates,
        {"fmt": "xlsx"},
        name="aggregates_xlsx",
    ),
    path(
        "mo/khao-sat-<int:year>-<slug:group>.csv",
        views.open_aggregates,
        {"fmt": "csv"},
        name="open_aggregates_csv",
    ),
    path(
        "mo/khao-sat-<int:year>-<slug:group>.xlsx",
        views.open_aggregates,
        {"fmt": "xlsx"},
        name="open_aggregates_xlsx",
    ),
]
