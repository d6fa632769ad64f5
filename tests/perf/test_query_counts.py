"""The benchmarked pages read as many queries in a small province as in a larger one, computed
(cache miss) or cached (hit); a cached page reads the years, and the viewer when signed in.

Each size is a synthetic province (demo/synthetic.py) built inside a savepoint and rolled
back, so that both sizes are measured in one test, on the same database.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo import synthetic
from tests.factories import make_user
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

# The pages of `make bench`: (URL, signed in as the provincial leadership or anonymous).
PAGES = {
    "overview": ("/", False),
    "profile": ("/don-vi/Q-0001/", False),
    "comparison": ("/so-sanh/", False),
    "public": ("/mo/", False),
    "csv": ("/mo/ket-qua-2024.csv", False),
    "overview signed in": ("/", True),
    "profile signed in": ("/don-vi/Q-0001/", True),
    "comparison signed in": ("/so-sanh/", True),
}
SMALL = {"units": 4, "years": 3, "items": 12, "group_size": 4}
LARGE = {"units": 15, "years": 5, "items": 40, "group_size": 5}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts_for(client, size: dict) -> dict[str, tuple[int, int]]:
    """{page: (queries computed, queries cached)} in a province of `size`."""
    with transaction.atomic():
        synthetic.generate(prefix="Q", **size)
        leader = make_user("lanhdao", Role.LEADERSHIP, Unit.objects.get(code="Q-0001"))
        cache.clear()
        counts = {}
        for name, (url, signed_in) in PAGES.items():
            client.logout()
            if signed_in:
                client.force_login(leader)
            counts[name] = (queries(client, url), queries(client, url))
        transaction.set_rollback(True)
    return counts


def test_no_page_reads_more_queries_in_a_larger_province(client):
    small = counts_for(client, SMALL)
    large = counts_for(client, LARGE)
    assert large == small


def test_a_cached_page_reads_the_years_and_what_the_viewer_needs(client):
    cached = {name: hit for name, (_miss, hit) in counts_for(client, SMALL).items()}
    # Anonymous: none (the generation covers the years; one cache round trip), the open-data
    # file too (scoring.selectors.cache.public_file). Signed in: the session (the user and their memberships come from the
    # cache: accounts/signed_in.py); the profile too (whether the viewer reads the appraisers'
    # reasons comes from their memberships: permissions.reads_sheets_of).
    assert cached == {
        "overview": 0,
        "profile": 0,
        "comparison": 0,
        "public": 0,
        "csv": 0,
        "overview signed in": 1,
        "profile signed in": 1,
        "comparison signed in": 1,
    }
