"""Login protection: lockout after failed logins, session lifetime, password change."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user

LOCKOUT_TEXT = "Đăng nhập bị tạm khóa vì nhập sai mật khẩu 5 lần liên tiếp."


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25  # hours


@pytest.fixture
def user(db):
    return make_user("nguyenvana")


def log_in(client, username="nguyenvana", password=PASSWORD, url=None):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, follow=False
    )


@pytest.mark.usefixtures("axes_on")
class TestLockout:
    def test_a_wrong_password_is_refused_with_a_vietnamese_message(self, client, user):
        response = log_in(client, password="sai-mat-khau")
        assert response.status_code == 200
        assert "mật khẩu chính xác" in response.content.decode()

    def test_the_fifth_wrong_password_locks_the_login_with_a_vietnamese_page(self, client, user):
        for _ in range(4):
            assert log_in(client, password="sai-mat-khau").status_code == 200
        response = log_in(client, password="sai-mat-khau")
        assert response.status_code == 429
        page = response.content.decode()
        assert LOCKOUT_TEXT in page
        assert "Hãy thử lại sau 15 phút." in page
        assert "script-src 'self'" in response["Content-Security-Policy"]

    def test_once_locked_even_the_right_password_is_refused(self, client, user):
        for _ in range(5):
            log_in(client, password="sai-mat-khau")
        response = log_in(client)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_a_successful_login_resets_the_count(self, client, user):
        for _ in range(4):
            log_in(client, password="sai-mat-khau")
        assert log_in(client).status_code == 302
        client.logout()
        for _ in range(4):
            assert log_in(client, password="sai-mat-khau").status_code == 200
        assert log_in(client).status_code == 302

    def test_a_locked_user_name_does_not_lock_a_colleague_out(self, client, user):
        make_user("tranthib")
        for _ in range(5):
            log_in(client, password="sai-mat-khau")
        assert log_in(client, username="tranthib").status_code == 302

    def test_the_admin_login_is_locked_too(self, client, user):
        url = reverse("admin:login")
        for _ in range(5):
            log_in(client, password="sai-mat-khau", url=url)
        response = log_in(client, url=url)
        assert response.status_code == 429
        assert LOCKOUT_TEXT in response.content.decode()


class TestSessions:
    def test_a_session_lasts_eight_hours_and_ends_with_the_browser(self, client, user):
        assert log_in(client).status_code == 302
        assert client.session.get_expiry_age() == 8 * 60 * 60
        assert client.session.get_expire_at_browser_close() is True
        cookie = client.cookies["sessionid"]
        assert cookie["max-age"] == ""
        assert cookie["httponly"] is True

    def test_an_expired_session_asks_for_the_login_again(self, client, user):
        log_in(client)
        assert client.get(reverse("my_sheets")).status_code == 200
        Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
        response = client.get(reverse("my_sheets"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(self, client, user):
        other = Client()
        log_in(client)
        log_in(other)
        assert other.get(reverse("my_sheets")).status_code == 200
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "mot-mat-khau-moi-dai-2025",
                "new_password2": "mot-mat-khau-moi-dai-2025",
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("my_sheets")).status_code == 200
        response = other.get(reverse("my_sheets"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
