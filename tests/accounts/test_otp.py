"""Two-factor login (TOTP) for admins and appraisers."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_unit, make_user
from units.models import Role


def token_for(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(value).zfill(device.digits)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


@pytest.fixture
def people(db):
    unit = make_unit("SNV", "Sở Nội vụ")
    return {
        "appraiser": make_user("thamdinh", Role.APPRAISER, unit),
        "staff": make_user("canbo", Role.STAFF, make_unit("STP", "Sở Tư pháp")),
        "admin": make_user("quantri", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def setup_url(next_url="/"):
    return f"{reverse('otp_setup')}?next={quote(next_url, safe='')}"


def verify_url(next_url="/"):
    return f"{reverse('otp_verify')}?next={quote(next_url, safe='')}"


@pytest.mark.usefixtures("required")
class TestRequiredForStaff:
    @pytest.mark.parametrize("persona", ["appraiser", "admin"])
    def test_admins_and_appraisers_without_a_device_are_sent_to_the_setup_page(
        self, client, people, persona
    ):
        client.force_login(people[persona])
        response = client.get(reverse("my_sheets"))
        assert response.status_code == 302
        assert response["Location"] == setup_url(reverse("my_sheets"))

    def test_the_admin_is_closed_until_the_second_factor_is_set_up(self, client, people):
        client.force_login(people["admin"])
        response = client.get(reverse("admin:index"))
        assert response["Location"] == setup_url(reverse("admin:index"))

    def test_a_unit_staff_member_is_not_asked_for_a_second_factor(self, client, people):
        client.force_login(people["staff"])
        assert client.get(reverse("my_sheets")).status_code == 200

    def test_the_setup_page_shows_the_otpauth_address_and_its_qr_code(self, client, people):
        client.force_login(people["appraiser"])
        response = client.get(setup_url())
        assert response.status_code == 200
        device = TOTPDevice.objects.get(user=people["appraiser"])
        assert device.confirmed is False
        page = response.content.decode()
        assert "otpauth://totp/C%E1%BB%95ng%20ch%E1%BA%A5m" in device.config_url
        assert device.config_url.replace("&", "&amp;") in page
        assert 'src="data:image/svg+xml;base64,' in page
        assert "img-src 'self' data:" in response["Content-Security-Policy"]

    def test_the_setup_page_reuses_the_unconfirmed_device(self, client, people):
        client.force_login(people["appraiser"])
        client.get(setup_url())
        client.get(setup_url())
        assert TOTPDevice.objects.filter(user=people["appraiser"]).count() == 1

    def test_a_right_token_confirms_the_device_and_opens_the_portal(self, client, people):
        client.force_login(people["appraiser"])
        client.get(setup_url())
        device = TOTPDevice.objects.get(user=people["appraiser"])
        response = client.post(
            reverse("otp_setup"), {"token": token_for(device), "next": reverse("my_sheets")}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("my_sheets")
        device.refresh_from_db()
        assert device.confirmed is True
        assert client.get(reverse("my_sheets")).status_code == 200

    def test_a_wrong_token_leaves_the_device_unconfirmed(self, client, people):
        client.force_login(people["appraiser"])
        client.get(setup_url())
        response = client.post(reverse("otp_setup"), {"token": "000000", "next": "/"})
        if response.status_code == 302:  # one chance in a million: 000000 was the token
            pytest.skip("the random key's token happened to be 000000")
        assert response.status_code == 400
        assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
        assert TOTPDevice.objects.get(user=people["appraiser"]).confirmed is False
        assert client.get(reverse("my_sheets")).status_code == 302

    def test_a_unit_staff_member_may_not_set_up_a_device(self, client, people):
        client.force_login(people["staff"])
        assert client.get(setup_url()).status_code == 403

    def test_signing_out_stays_possible_before_the_setup(self, client, people):
        client.force_login(people["appraiser"])
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestTokenAfterPassword:
    def test_a_user_with_a_device_enters_the_token_after_the_password(self, client, people):
        device = confirmed_device(people["appraiser"])
        client.force_login(people["appraiser"])
        response = client.get(reverse("my_sheets"))
        assert response["Location"] == verify_url(reverse("my_sheets"))
        page = client.get(response["Location"])
        assert "Nhập mã 6 chữ số" in page.content.decode()
        response = client.post(
            reverse("otp_verify"), {"token": token_for(device), "next": reverse("my_sheets")}
        )
        assert response["Location"] == reverse("my_sheets")
        assert client.get(reverse("my_sheets")).status_code == 200

    def test_a_wrong_token_is_refused(self, client, people):
        device = confirmed_device(people["appraiser"])
        client.force_login(people["appraiser"])
        wrong = str((int(token_for(device)) + 1) % 1_000_000).zfill(6)
        response = client.post(reverse("otp_verify"), {"token": wrong, "next": "/"})
        assert response.status_code == 400
        assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
        assert client.get(reverse("my_sheets")).status_code == 302

    def test_a_token_is_six_digits(self, client, people):
        confirmed_device(people["appraiser"])
        client.force_login(people["appraiser"])
        response = client.post(reverse("otp_verify"), {"token": "12a456", "next": "/"})
        assert response.status_code == 400
        assert "Mã xác thực gồm 6 chữ số." in response.content.decode()

    def test_a_used_token_cannot_be_replayed(self, client, people):
        device = confirmed_device(people["appraiser"])
        token = token_for(device)
        client.force_login(people["appraiser"])
        assert client.post(reverse("otp_verify"), {"token": token})["Location"] == "/"
        other = Client()
        other.force_login(people["appraiser"])
        assert other.post(reverse("otp_verify"), {"token": token}).status_code == 400

    def test_the_next_address_never_leaves_the_portal(self, client, people):
        device = confirmed_device(people["appraiser"])
        client.force_login(people["appraiser"])
        response = client.post(
            reverse("otp_verify"), {"token": token_for(device), "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"

    def test_without_the_setting_a_user_without_device_is_not_asked(self, client, people):
        client.force_login(people["appraiser"])
        assert client.get(reverse("my_sheets")).status_code == 200

    def test_an_appraiser_may_set_up_a_device_without_being_required_to(self, client, people):
        client.force_login(people["appraiser"])
        response = client.get(setup_url())
        assert response.status_code == 200
        assert "phải dùng xác thực hai bước" not in response.content.decode()


def test_the_reset_command_removes_a_users_devices(people):
    from io import StringIO

    from django.core.management import call_command

    confirmed_device(people["appraiser"])
    out = StringIO()
    call_command("otp_reset", "thamdinh", stdout=out)
    assert out.getvalue() == "Đã xóa 1 thiết bị xác thực của “thamdinh”.\n"
    assert TOTPDevice.objects.filter(user=people["appraiser"]).count() == 0


def test_the_devices_are_not_in_the_admin():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
