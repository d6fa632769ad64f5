"""Values that cannot name anything never reach the database (penetration test, finding 9):
NUL (PostgreSQL refuses it), a 10,000-character value, unusual Unicode and numbers too large for
a column, in every path argument and every query parameter of every route, for an anonymous
visitor and an admin: a 404 (or the page without the value), never a 500."""

from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse

from tests.security.test_headers import ROUTES, province  # noqa: F401 - the fixture

BAD = ["SNV\x00", "x" * 10_000, "\u202e𝕊ℕ𝕍\ufeff", "%"]
# Marker values reversed into a path, then replaced by the bad ones.
MARKERS = {"unit_code": "MARKA", "code": "MARKA", "item_code": "MARKB", "kind": "MARKC"}
QUERY = ["year", "group", "unit", "item", "from", "to", "khoi", "bang", "band", "state"]


def paths_with_bad_arguments():
    for name, kwargs in ROUTES:
        marked = {key: MARKERS.get(key, value) for key, value in kwargs.items()}
        try:
            path = reverse(name, kwargs=marked)
        except Exception:  # a route whose converter refuses the marker (e.g. fmt)
            path = reverse(name, kwargs=kwargs)
        for key, marker in MARKERS.items():
            if key in kwargs and marker in path:
                for bad in BAD:
                    yield name, path.replace(marker, quote(bad, safe=""), 1)


def test_every_path_argument_and_query_value_gives_no_server_error(client, province):  # noqa: F811
    year, people = province
    failures = []
    for persona in (None, people["admin"]):
        if persona is not None:
            client.force_login(persona)
        for name, path in paths_with_bad_arguments():
            status = client.get(path).status_code
            if status >= 500:
                failures.append((name, path[:80], status))
        for name, kwargs in ROUTES:
            url = reverse(name, kwargs=kwargs)
            for bad in BAD:
                status = client.get(url + "?" + urlencode(dict.fromkeys(QUERY, bad))).status_code
                if status >= 500:
                    failures.append((name, repr(bad)[:40], status))
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/don-vi/%00/",
        "/don-vi/SNV/99999999999999/nang-hang/",
        "/phieu/SNV/2023/minh-chung/999999999999999999999999/",
        "/xuat/so-sanh.csv?unit=%00",
        "/mo/ket-qua-2023.csv?group=%00",
        "/mat-diem/?item=%00",
    ],
)
def test_the_values_of_the_report_are_a_404(client, province, path):  # noqa: F811
    client.force_login(province[1]["admin"])
    assert client.get(path).status_code == 404
