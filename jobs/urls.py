from django.urls import path

from jobs import views

urlpatterns = [
    path("<uuid:job>/", views.job, name="job"),
    path("<uuid:job>/tien-do/", views.job_progress, name="job_progress"),
    path("<uuid:job>/tep/", views.job_file, name="job_file"),
]
