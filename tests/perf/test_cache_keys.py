"""Cache keys come from known, checked parameters only (scoring/selectors/cache.py `cached_page`).

An unknown query parameter neither makes an entry nor changes the key; an invalid value of a
known one is the page's own 404, or is ignored and served from the entry of the page without it;
neither makes an entry nor computes anything costly. Entries are counted in the cache itself:
the local-memory one of the tests and, when it answers, Redis.
"""

import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.selectors.cache import CSRF_PLACEHOLDER, GENERATION_KEY
from tests.factories import personas
from tests.perf.test_cache_freshness import main
from tests.perf.test_two_instances import REDIS_URL, redis_answers
from tests.scoring.selectors.dashboard_data import build_province, unit_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    """The tests' local-memory cache, or Redis under a prefix of its own (removed after)."""
    if request.param == "redis":
        if not redis_answers():
            pytest.skip("needs Redis")
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-cache-keys-{uuid.uuid4().hex}",
            }
        }
        yield request.param
        cache.delete_pattern("*")  # this prefix's keys only
    else:
        yield request.param


def entries() -> int:
    """How many entries the cache holds (not counting the generation tokens)."""
    # django-redis lists its keys; the local-memory cache holds them in a dict.
    keys = cache.keys("*") if hasattr(cache, "delete_pattern") else list(cache._cache)
    return len([key for key in keys if "generation" not in str(key)])


def test_a_thousand_unknown_query_parameters_on_the_overview_add_no_entry(client, years, backend):
    first = client.get("/")
    assert first.status_code == 200
    stored = entries()
    for number in range(1000):
        response = client.get(f"/?utm_{number}=campaign-{number}")
        assert response.page_cache.page_hit
        assert response.page_cache.key == first.page_cache.key
    assert entries() == stored


def test_the_page_never_shows_a_parameter_it_does_not_know(client, years):
    client.get("/?utm_source=first-visitor")
    page = client.get("/?utm_source=second-visitor").content.decode()
    assert "first-visitor" not in page and "second-visitor" not in page
    assert '<input type="hidden" name="next" value="/">' in page


@pytest.mark.parametrize(
    "url",
    [
        "/?band=Kh%C3%B4ng%20c%C3%B3",
        "/?band=%3Cscript%3E",
        "/?state=deleted",
        "/?state=",
    ],
)
def test_an_invalid_band_or_state_is_ignored_and_served_from_the_page_without_it(
    client, years, url, backend
):
    plain = client.get("/")
    stored = entries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.page_cache.page_hit
    assert response.page_cache.key == plain.page_cache.key
    assert main(response) == main(plain)
    assert entries() == stored
    # The years the check reads, and nothing costly: the overview it reads is in the cache. An
    # empty value is dropped before the check: the plain page's key at once, no query at all.
    assert len(queries) == (0 if url.endswith("=") else 1)


def test_a_valid_band_or_state_is_a_page_of_its_own(client, years):
    client.get("/")
    stored = entries()
    filtered = client.get("/?band=T%E1%BB%91t")  # Tốt
    assert filtered.status_code == 200
    assert not filtered.page_cache.page_hit
    assert filtered.page_cache.hit  # the overview of the page without the filter
    assert entries() == stored + 1
    assert client.get("/?band=T%E1%BB%91t&utm=x").page_cache.page_hit


@pytest.mark.parametrize(
    "url",
    [
        "/?group=NOPE",
        "/?year=1999",
        "/?year=2024",  # in progress: hidden from visitors
        "/?year=abc",
        "/don-vi/SNV/?year=abc",
        "/don-vi/SNV/?year=2024",
        "/don-vi/NOPE/",
        "/so-sanh/?from=2022&to=2023&group=NOPE",
        "/so-sanh/?from=2022&to=2023&unit=NOPE",
        "/so-sanh/?from=abc",
        "/mo/ket-qua-2023.csv?group=NOPE",
        "/mo/ket-qua-2023.json?group=NOPE",
    ],
)
def test_an_invalid_year_group_or_unit_is_the_pages_404_and_makes_no_entry(
    client, years, url, backend
):
    client.get(url.split("?")[0])
    stored = entries()
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 404
        assert CSRF_PLACEHOLDER not in response.content.decode()
    assert entries() == stored


def test_an_unknown_group_is_a_404_without_computing_the_overview_again(client, years):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/?group=NOPE").status_code == 404
    assert len(queries) == 1  # the years: the overview the check reads is in the cache


def test_a_year_written_otherwise_is_served_from_the_same_entry(client, years):
    first = client.get("/?year=2023")
    stored = entries()
    again = client.get("/?year=02023")
    assert again.page_cache.page_hit
    assert again.page_cache.key == first.page_cache.key
    assert entries() == stored


def test_each_known_parameter_is_checked_on_the_comparison_and_the_profile(client, years):
    assert client.get("/so-sanh/?from=2022&to=2023&group=SO").status_code == 200
    assert client.get("/so-sanh/?from=2022&to=2023&group=SO&x=1").page_cache.page_hit
    assert client.get("/don-vi/SNV/?year=2023").status_code == 200
    assert client.get("/don-vi/SNV/?year=2023&fbclid=1").page_cache.page_hit


def test_viewers_of_the_same_class_share_the_costly_part(client, years):
    people = personas(unit_named("SNV"), unit_named("SLDTBXH"), unit_named("SYT"))
    client.force_login(people["leadership"])
    first = client.get("/?year=2024")
    assert not first.page_cache.hit
    client.force_login(people["appraiser"])
    other = client.get("/?year=2024")
    assert not other.page_cache.page_hit  # a page of its own (its header)…
    assert other.page_cache.hit  # …from the overview the leadership's page computed
    assert "appraiser" in other.content.decode()


class ForgetfulCache(LocMemCache):
    """A cache that keeps entries but never the catalog generation (evicted at once)."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return key != GENERATION_KEY and super().add(key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if key != GENERATION_KEY:
            super().set(key, value, timeout, version)


def test_a_page_is_not_stored_without_a_generation_to_store_it_under(client, years, settings):
    # Such an entry could never be read (it is fresh only under the generation it names).
    settings.CACHES = {
        "default": {"BACKEND": "tests.perf.test_cache_keys.ForgetfulCache", "LOCATION": "forget"}
    }
    response = client.get("/")
    assert response.status_code == 200
    assert not response.page_cache.hit
    assert entries() == 0


def test_most_points_lost_is_cached_and_an_unknown_item_is_served_from_the_page_without_it(
    client, years, backend
):
    plain = client.get("/mat-diem/?year=2023&group=SO")
    assert plain.status_code == 200
    assert client.get("/mat-diem/?year=2023&group=SO&utm=1").page_cache.page_hit
    stored = entries()
    unknown = client.get("/mat-diem/?year=2023&group=SO&item=9.9.9")
    assert unknown.page_cache.page_hit
    assert unknown.page_cache.key == plain.page_cache.key
    assert entries() == stored
    for url in ("/mat-diem/?year=1999", "/mat-diem/?year=2023&group=NOPE", "/mat-diem/?item=%00"):
        assert client.get(url).status_code == 404
    assert entries() == stored


def test_an_item_of_most_points_lost_is_a_page_of_its_own(client, years):
    plain = client.get("/mat-diem/?year=2023&group=SO")
    item = client.get("/mat-diem/?year=2023&group=SO&item=3.2")
    assert item.status_code == 200
    assert item.page_cache.key != plain.page_cache.key
    assert client.get("/mat-diem/?year=2023&group=SO&item=3.2").page_cache.page_hit


def test_unknown_parameters_on_a_public_file_add_no_entry(client, years, backend):
    plain = client.get("/mo/ket-qua-2023.csv").content
    stored = entries()
    for number in range(50):
        response = client.get(f"/mo/ket-qua-2023.csv?utm_{number}=campaign-{number}")
        assert response.status_code == 200
        assert response.content == plain
    assert entries() == stored
