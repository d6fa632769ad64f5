"""The signed-in user and their memberships come from the cache (accounts/signed_in.py), and a
change of the user is seen on the next request: a changed password, a deactivated account, a
role given or taken, a renamed unit."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.signed_in import cached_user, forget_user
from scoring.selectors.cache import GENERATION_KEY
from tests.factories import PASSWORD, make_unit, make_user
from units.models import Membership, Role

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    """A page for signed-in people: 200 when signed in, a redirect to the login otherwise."""
    return client.get("/cua-toi/").status_code == 200


@pytest.fixture
def person():
    return make_user("nguoi-dung", Role.STAFF, make_unit("SNV", "Sở Nội vụ"))


@pytest.fixture
def client_in(person):
    client = Client()
    assert client.post("/tai-khoan/login/", {"username": person.username, "password": PASSWORD})
    for _ in range(2):  # the user's generation, then their entry
        assert signed_in(client)
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)
    assert user_queries(queries.captured_queries) == []  # from the cache from here on
    return client


def warm(backend, pk):
    """The user's entry in the cache: read and stored, then read with no query."""
    cache.add(GENERATION_KEY, "catalog")
    cached_user(backend, pk)
    cached_user(backend, pk)
    with CaptureQueriesContext(connection) as queries:
        user = cached_user(backend, pk)
    assert queries.captured_queries == []
    return user


def user_queries(queries) -> list[str]:
    table = get_user_model()._meta.db_table
    sources = (f'FROM "{table}"', 'FROM "units_membership"')
    return [q["sql"] for q in queries if any(source in q["sql"] for source in sources)]


def test_the_user_and_their_memberships_are_read_once_then_from_the_cache(client_in):
    # The fixture checks it: no query of the user or their memberships once in the cache.
    assert signed_in(client_in)


def test_a_password_changed_elsewhere_signs_the_session_out_at_once(client_in, person):
    person.set_password("mat-khau-moi-dai-hon-12")
    person.save()
    assert not signed_in(client_in)


def test_a_deactivated_account_is_signed_out_at_once(client_in, person):
    person.is_active = False
    person.save()
    assert not signed_in(client_in)


def test_a_role_taken_or_given_is_seen_at_once():
    person = make_user("vai-tro", Role.STAFF, make_unit("SYT", "Sở Y tế"))
    backend = ModelBackend()
    assert [m.role for m in warm(backend, person.pk)._cchc_memberships] == [Role.STAFF]
    Membership.objects.filter(user=person).get().delete()
    assert cached_user(backend, person.pk)._cchc_memberships == []
    Membership.objects.create(user=person, unit=make_unit("STC"), role=Role.LEADER)
    assert [m.role for m in cached_user(backend, person.pk)._cchc_memberships] == [Role.LEADER]


def test_a_renamed_unit_is_seen_in_the_memberships_at_once(person):
    backend = ModelBackend()
    warm(backend, person.pk)
    unit = Membership.objects.get(user=person).unit
    unit.name = "Sở Nội vụ (mới)"
    unit.save()
    (held,) = cached_user(backend, person.pk)._cchc_memberships
    assert held.unit.name == "Sở Nội vụ (mới)"


def test_a_write_without_signal_is_seen_once_the_user_is_forgotten(person):
    backend = ModelBackend()
    warm(backend, person.pk)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)
    # No signal: the entry is still current (why bulk writes must call forget_user)…
    assert cached_user(backend, person.pk) is not None
    forget_user(person.pk)
    assert cached_user(backend, person.pk) is None


def test_a_cache_that_fails_reads_the_database(person, monkeypatch):
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "get_many", broken)
    assert cached_user(ModelBackend(), person.pk) == person
