"""URLs of the portal's pages. Each area keeps its routes in its own section."""

from django.urls import path

from scoring.views import public

urlpatterns = [
    # --- public results (home)
    path("", public.home, name="home"),
    # --- accounts and workflow (sheets, appraisal, survey, tracker)
    # --- dashboards (overview, unit profile, comparison, most lost)
    # --- exports and imports (xlsx, csv, docx)
]
