from django.urls import path

from indices import views

urlpatterns = [
    path("chi-so/tinh/", views.province_standing, name="province_standing"),
    path("chi-so/<str:code>/", views.kind_ranking, name="index_ranking"),
    path("chi-so/<str:code>/nhap/", views.enter_values, name="index_enter_values"),
    path("chi-so/<str:code>/<str:period>.csv", views.open_data_csv, name="index_open_data"),
]
