"""Signing in: login, logout, password change and reset (templates/registration/), two-factor."""

from django.urls import include, path

from accounts import views

urlpatterns = [
    # Before Django's own, which they replace (same paths and names).
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
    path("xac-thuc-hai-buoc/", views.verify, name="otp_verify"),
    path("xac-thuc-hai-buoc/thiet-lap/", views.setup, name="otp_setup"),
]
