from django.urls import path

from jobs import views

urlpatterns = [
    path("<uuid:token>/", views.job, name="job"),
    path("<uuid:token>/tien-do/", views.job_progress, name="job_progress"),
    path("<uuid:token>/tep/", views.job_file, name="job_file"),
]
