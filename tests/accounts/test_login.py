"""Login protection: lockout after failed logins, session lifetime, password change."""

import pytest
from axes.models import AccessAttempt
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


ADDRESS_LOCKOUT_TEXT = "Đăng nhập từ địa chỉ này bị tạm khóa vì có quá nhiều lần nhập sai."


@pytest.fixture
def address_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


@pytest.mark.usefixtures("axes_on", "address_limit")
class TestLockoutPerAddress:
    def test_twenty_failures_across_user_names_lock_the_address(self, user):
        attacker = from_address("203.0.113.5")
        for number in range(19):
            assert log_in(attacker, f"nguoi{number}", "sai-mat-khau").status_code == 200
        response = log_in(attacker, "nguoi19", "sai-mat-khau")
        assert response.status_code == 429
        assert ADDRESS_LOCKOUT_TEXT in response.content.decode()
        assert log_in(attacker).status_code == 429

    def test_the_address_lockout_does_not_lock_the_user_out_from_another_address(self, user):
        attacker = from_address("203.0.113.5")
        for number in range(15):
            log_in(attacker, f"nguoi{number}", "sai-mat-khau")
        for _ in range(5):
            log_in(attacker, password="sai-mat-khau")
        assert log_in(attacker, "nguoi99", "sai-mat-khau").status_code == 429
        assert log_in(from_address("198.51.100.7")).status_code == 302

    def test_logging_in_with_ones_own_account_does_not_reset_the_address_count(self, user):
        make_user("kegian")
        attacker = from_address("203.0.113.5")
        for number in range(19):
            log_in(attacker, f"nguoi{number}", "sai-mat-khau")
        assert log_in(attacker, "kegian").status_code == 302
        attacker.logout()
        assert log_in(attacker, "nguoi19", "sai-mat-khau").status_code == 429


def behind_the_proxy(forwarded_for: str) -> Client:
    """A browser whose requests reach the portal through the reverse proxy at 10.0.0.1."""
    return Client(REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": forwarded_for})


@pytest.fixture
def one_proxy(settings):
    settings.PROXY_COUNT = 1


@pytest.mark.usefixtures("axes_on", "one_proxy")
class TestBehindAProxy:
    def test_a_lockout_stays_with_the_client_and_spares_a_colleague_behind_the_same_proxy(
        self, user
    ):
        attacker = behind_the_proxy("203.0.113.5")
        colleague = behind_the_proxy("198.51.100.7")
        for _ in range(5):
            log_in(attacker, password="sai-mat-khau")
        assert log_in(attacker).status_code == 429
        assert log_in(colleague).status_code == 302

    def test_a_forged_address_in_front_of_the_proxys_own_does_not_escape_the_lockout(self, user):
        for number in range(5):
            log_in(behind_the_proxy(f"192.0.2.{number}, 203.0.113.5"), password="sai-mat-khau")
        assert log_in(behind_the_proxy("192.0.2.99, 203.0.113.5")).status_code == 429


NEW_PASSWORD = "mot-mat-khau-moi-dai-2025"


def change_password(client, old_password):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


@pytest.mark.usefixtures("axes_on")
class TestGuessingTheCurrentPassword:
    def test_the_fifth_wrong_current_password_ends_the_session_with_the_lockout_page(
        self, client, user
    ):
        log_in(client)
        for _ in range(4):
            response = change_password(client, "sai-mat-khau")
            assert response.status_code == 200
            assert "_auth_user_id" in client.session
        response = change_password(client, "sai-mat-khau")
        assert response.status_code == 429
        assert LOCKOUT_TEXT in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert change_password(client, PASSWORD).status_code == 302  # to the login page
        assert log_in(client).status_code == 429  # locked like five wrong logins
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_wrong_logins_and_wrong_current_passwords_count_together(self, client, user):
        log_in(client)
        for _ in range(3):
            log_in(Client(), password="sai-mat-khau")
        change_password(client, "sai-mat-khau")
        assert change_password(client, "sai-mat-khau").status_code == 429

    def test_once_the_login_is_locked_the_session_cannot_change_the_password(self, client, user):
        log_in(client)
        for _ in range(5):
            log_in(Client(), password="sai-mat-khau")
        assert change_password(client, PASSWORD).status_code == 429
        assert "_auth_user_id" not in client.session
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_the_passwords_typed_are_not_stored_with_the_failure(self, client, user):
        log_in(client)
        change_password(client, "gan-dung-mat-khau")
        post_data = AccessAttempt.objects.get().post_data
        assert "old_password" in post_data
        assert "gan-dung-mat-khau" not in post_data
        assert NEW_PASSWORD not in post_data

    def test_the_admins_password_change_is_this_one(self, client, user):
        response = client.get(reverse("admin:password_change"))
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")


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
