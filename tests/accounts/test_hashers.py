"""Passwords are stored with Argon2id at OWASP's cost; older PBKDF2 hashes still sign in and are
stored again with Argon2id at that sign-in."""

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.urls import reverse

from tests.factories import PASSWORD, make_user

# The project's own list (tests/conftest.py swaps in MD5 for speed).
PROJECT_HASHERS = list(project_settings.PASSWORD_HASHERS)


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS


@pytest.mark.usefixtures("real_hashers")
class TestHashers:
    def test_a_new_password_is_argon2id_with_owasp_parameters(self):
        encoded = make_password("mat-khau-moi-2026")
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password("mat-khau-moi-2026", encoded)
        assert not check_password("mat-khau-khac", encoded)

    def test_pbkdf2_is_still_read_but_not_used_for_new_passwords(self):
        assert PROJECT_HASHERS[0] == "accounts.hashers.OwaspArgon2PasswordHasher"
        old = PBKDF2PasswordHasher().encode("mat-khau-cu", PBKDF2PasswordHasher().salt())
        assert check_password("mat-khau-cu", old)
        assert identify_hasher(make_password("mat-khau-cu")).algorithm == "argon2"

    def test_signing_in_with_an_old_pbkdf2_hash_stores_it_again_with_argon2id(self, client, db):
        user = make_user("nguyenvanb")
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
        response = client.post(reverse("login"), {"username": "nguyenvanb", "password": PASSWORD})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password(PASSWORD, user.password)

    def test_a_wrong_password_against_an_old_hash_changes_nothing(self, client, db):
        user = make_user("nguyenvanc")
        hasher = PBKDF2PasswordHasher()
        user.password = old = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
        response = client.post(reverse("login"), {"username": "nguyenvanc", "password": "sai"})
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.password == old
