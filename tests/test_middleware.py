"""The project's middleware pays only for what a request uses (cchc_portal/middleware.py), and
keeps what Django's own did: the language of the switch's cookie, the session of a request that
reads or writes it, its cookie, `Vary: Cookie`."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from cchc_portal.middleware import LazySessionMiddleware, PortalCommonMiddleware
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cookie", "language"),
    [
        (None, "vi"),
        ("en", "en"),
        ("en-us", "en"),
        ("EN", "en"),
        ("vi", "vi"),
        ("xx", "vi"),
        ("", "vi"),
    ],
)
def test_the_language_is_the_cookies_or_vietnamese_whatever_the_browser_asks(cookie, language):
    def view(request):
        from django.http import HttpResponse
        from django.utils import translation

        return HttpResponse(f"{request.LANGUAGE_CODE}|{translation.get_language()}")

    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    if cookie is not None:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = PortalCommonMiddleware(view)(request)
    assert response.content.decode() == f"{language}|{language}"
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_a_request_without_a_session_cookie_that_never_reads_the_session_makes_none():
    made = []
    middleware = LazySessionMiddleware(lambda request: _plain())
    original = middleware.SessionStore

    def counting(key):
        made.append(key)
        return original(key)

    middleware.SessionStore = counting
    request = RequestFactory().get("/")
    response = middleware(request)
    assert made == []
    assert not response.cookies
    assert not response.has_header("Vary")


def test_a_session_written_without_a_cookie_is_saved_and_its_cookie_set():
    def view(request):
        request.session["seen"] = 1
        return _plain()

    response = LazySessionMiddleware(view)(RequestFactory().get("/"))
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert "Cookie" in response["Vary"]


def test_a_session_read_without_a_cookie_varies_on_the_cookie_and_sets_none():
    def view(request):
        assert request.session.get("seen") is None
        return _plain()

    response = LazySessionMiddleware(view)(RequestFactory().get("/"))
    assert not response.cookies
    assert "Cookie" in response["Vary"]


def test_signing_in_then_out_through_the_pages_still_works():
    make_user("middleware-user")
    client = Client()
    response = client.post(
        "/tai-khoan/login/", {"username": "middleware-user", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert client.get("/cua-toi/").status_code == 200
    client.post("/tai-khoan/logout/")
    assert client.get("/cua-toi/").status_code == 302


def _plain():
    from django.http import HttpResponse

    return HttpResponse("ok")


def _history_request(request):
    from django.http import HttpResponse
    from simple_history.models import HistoricalRecords

    from cchc_portal.middleware import YearUnderReviewMiddleware

    def view(request):
        seen = getattr(HistoricalRecords.context, "request", None)
        return HttpResponse("same" if seen is request else "none" if seen is None else "other")

    response = YearUnderReviewMiddleware(view)(request)
    assert not hasattr(HistoricalRecords.context, "request")  # never left behind
    return response.content.decode()


def test_a_change_made_while_signed_in_or_posting_can_name_its_user_in_the_history():
    factory = RequestFactory()
    signed_in = factory.get("/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    assert _history_request(signed_in) == "same"
    assert _history_request(factory.post("/tai-khoan/login/")) == "same"


def test_a_get_without_a_session_cookie_is_not_put_where_history_reads_the_user():
    # Nobody is signed in and a GET signs nobody in: a history row would have no user anyway.
    assert _history_request(RequestFactory().get("/")) == "none"
    assert _history_request(RequestFactory().head("/")) == "none"


def test_a_signed_in_request_reads_the_user_itself_not_through_two_lazy_objects():
    from django.contrib.auth import get_user_model

    make_user("middleware-reader")
    client = Client()
    client.post("/tai-khoan/login/", {"username": "middleware-reader", "password": PASSWORD})

    response = client.get("/cua-toi/")

    user = response.wsgi_request.user
    assert type(user) is get_user_model()
    assert user.get_username() == "middleware-reader"
    assert user.is_verified() is False  # django_otp's attributes are on the user itself
    assert user.otp_device is None
