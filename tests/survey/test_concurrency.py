"""Fifty ballots at once, each token sent twice: fifty stored, none twice (on PostgreSQL).

Each request runs in its own thread with its own connection; the token's row lock and the
ballot's one-to-one token serialise them. Skipped on SQLite, which serialises every write anyway
(and whose shared in-memory test database refuses concurrent writers).
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from survey.models import Answer, Ballot, InvitationToken, Questionnaire

from .test_views import answers, tokens_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_fifty_ballots_sent_at_once_are_fifty_stored_none_twice(questionnaire):
    form = Questionnaire.objects.get()
    tokens = tokens_for(form, count=50)
    data = answers(form)
    barrier = threading.Barrier(20)

    def send(code: str) -> int:
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            return Client().post(reverse("survey:ballot", args=[code]), data).status_code
        finally:
            connection.close()

    # Every token sent twice, 100 requests from 20 threads at once.
    codes = [t.code for t in tokens] * 2
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, codes))
    assert statuses.count(302) == 50
    assert set(statuses) <= {302, 410}
    assert Ballot.objects.count() == 50
    assert Ballot.objects.values("token").distinct().count() == 50
    assert Answer.objects.count() == 50 * 3
    assert not InvitationToken.objects.filter(used_at__isnull=True).exists()
