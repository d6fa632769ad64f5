from django.urls import path

from indices import views

urlpatterns = [
    path("chi-so/tinh/", views.province_standing, name="province_standing"),
    path("chi-so/<code:code>/", views.kind_ranking, name="index_ranking"),
    path("chi-so/<code:code>/nhap/", views.enter_values, name="index_enter_values"),
    path("chi-so/<code:code>/<code:period>.csv", views.open_data_csv, name="index_open_data"),
]
