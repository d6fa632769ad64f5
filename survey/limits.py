"""Flood limits of the survey's public pages, counted in the cache per client address.

A token is one ballot, so a token page cannot flood the results; what is limited is guessing
codes (failed look-ups) and, on the open link (no token), the ballots one address may send.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from accounts.limits import client_ip

WINDOW = 60 * 60  # seconds
#: Code look-ups that found nothing, per address and hour (typing errors, not guessing).
FAILED_LOOKUPS = 30
#: Ballots through an open link, per address and hour (a household, a reception desk's tablet).
OPEN_BALLOTS = 20


def _key(kind: str, request: HttpRequest) -> str:
    return f"survey:{kind}:{client_ip(request)}"


def count(kind: str, request: HttpRequest) -> int:
    key = _key(kind, request)
    cache.add(key, 0, timeout=WINDOW)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
        return 1


def used(kind: str, request: HttpRequest) -> int:
    return int(cache.get(_key(kind, request), 0))


def lookups_exhausted(request: HttpRequest) -> bool:
    return used("lookup", request) >= FAILED_LOOKUPS


def open_ballots_exhausted(request: HttpRequest) -> bool:
    return used("open", request) >= OPEN_BALLOTS
