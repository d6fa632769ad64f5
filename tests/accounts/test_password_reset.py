"""Password-reset mails: limited per account and per client, with the same answer for everyone."""

import socket
import threading
import time
import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from tests.queue import then_run_jobs


@pytest.fixture
def user(db):
    return make_user("nguyenvana")  # nguyenvana@example.vn


@pytest.fixture
def limits(settings):
    settings.PASSWORD_RESET_MAILS_PER_ACCOUNT = 3
    settings.PASSWORD_RESET_MAILS_PER_CLIENT = 10


def ask(client, email="nguyenvana@example.vn"):
    with then_run_jobs():
        return client.post(reverse("password_reset"), {"email": email})


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.usefixtures("limits")
class TestResetMailLimits:
    def test_one_account_gets_three_mails_an_hour_and_every_request_the_same_answer(self, user):
        answers = [ask(from_address("203.0.113.5")) for _ in range(5)]
        assert len(mail.outbox) == 3
        assert {(a.status_code, a["Location"]) for a in answers} == {
            (302, reverse("password_reset_done"))
        }

    def test_the_account_limit_holds_from_other_addresses_too(self, user):
        for number in range(3):
            ask(from_address(f"203.0.113.{number}"))
        ask(from_address("198.51.100.7"))
        assert len(mail.outbox) == 3

    def test_the_account_limit_ignores_the_case_of_the_address(self, user):
        for email in ["nguyenvana@example.vn", "NguyenVanA@example.vn", "NGUYENVANA@EXAMPLE.VN"]:
            ask(from_address("203.0.113.5"), email)
        ask(from_address("203.0.113.6"), "nguyenVANA@example.vn")
        assert len(mail.outbox) == 3

    def test_an_address_without_an_account_gets_the_same_answer_before_and_after_the_limit(
        self, user
    ):
        known = [ask(from_address("203.0.113.5")) for _ in range(4)]
        unknown = [ask(from_address("203.0.113.6"), "khong-co@example.vn") for _ in range(4)]
        assert [(a.status_code, a["Location"]) for a in known] == [
            (a.status_code, a["Location"]) for a in unknown
        ]

    def test_one_client_gets_ten_requests_an_hour_whatever_the_addresses(self, user):
        client = from_address("203.0.113.5")
        for number in range(10):
            ask(client, f"nguoi{number}@example.vn")
        assert ask(client).status_code == 302
        assert mail.outbox == []
        ask(from_address("198.51.100.7"))
        assert [m.to for m in mail.outbox] == [["nguyenvana@example.vn"]]

    @pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
    def test_the_counts_live_in_redis_when_there_is_one(self, settings, user):
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/0",
                "KEY_PREFIX": f"cchc-test-secacc-{uuid.uuid4().hex}",
            }
        }
        try:
            for _ in range(5):
                ask(from_address("203.0.113.5"))
            assert len(mail.outbox) == 3
            assert 0 < cache.ttl("reset-mail:client:203.0.113.5") <= 3600
        finally:
            cache.delete_pattern("reset-mail:*")


class TestResetMail:
    def test_the_link_starts_with_the_portals_address_not_the_requests_host(self, settings, user):
        settings.PORTAL_BASE_URL = "https://cchc.example.gov.vn"
        ask(Client(headers={"host": "testserver"}))
        body = mail.outbox[0].body
        assert "https://cchc.example.gov.vn/tai-khoan/reset/" in body
        assert "://testserver" not in body

    def test_a_mail_server_that_never_answers_does_not_hang_the_request(self, settings, user):
        silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never greets
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_TIMEOUT = 1
        give_up = threading.Timer(20, silent.close)  # without a timeout: fail, never hang
        give_up.start()
        try:
            started = time.monotonic()
            response = ask(Client())
            elapsed = time.monotonic() - started
        finally:
            give_up.cancel()
            silent.close()
        assert response.status_code == 302
        assert elapsed < 10
