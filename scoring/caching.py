"""Cached results pages and files: never stale, because every change makes a new key.

Published years never change, and a year in progress carries `results_version`, bumped by every
recompute in the same transaction as the scores. A cached page or file is therefore stored under
a key made of everything it shows:

- the stamp of every year the viewer may see (id, number, state, rounding, owner name,
  publication date, results version), read by the view before anything else;
- the page's parameters, the active language and the viewer's class (what this kind of viewer
  may see: published years only or all of them, the appraisers' reasons or not) for the costly
  part shared by viewers; for a whole page, also its URL and what its header shows of the
  viewer (anonymous, or this one user), with the CSRF token put in per response;
- the catalog generation: a token in the cache, replaced whenever a unit, unit group, name,
  lineage event, framework, item, crosswalk, band, sheet or a single score is saved or deleted
  (the signals below; recomputes already bump `results_version`).

A changed figure gives a new key at once, on every instance that shares the cache (Redis when
REDIS_URL is set); the old entries are never read again and expire after CACHE_PAGES_TIMEOUT. The
generation is stored beside each entry and fetched with it, in one round trip. Bulk writes that
send no signal (`QuerySet.update`, `bulk_create`) outside the services must call `bump()`.

A cache that fails (Redis down) is logged and skipped: pages are computed as without a cache.

Views use `PageCache` with the `{% cached page %}…{% endcached %}` tag (scoring/templatetags/
results_cache.py) around what the page computes, and `cached_bytes` for files.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.functional import SimpleLazyObject

logger = logging.getLogger(__name__)

GENERATION_KEY = "results:generation"
KEY_PREFIX = "results:page:"


def timeout() -> int:
    return getattr(settings, "CACHE_PAGES_TIMEOUT", 24 * 60 * 60)


# --------------------------------------------------------------------------- keys


def year_stamp(year) -> tuple:
    """What a page may show of a year, beyond its results: a change of any gives a new key."""
    published = year.published_at.isoformat() if year.published_at else ""
    return (
        year.pk,
        year.year,
        year.state,
        year.rounding,
        year.owner_name,
        published,
        year.results_version,
    )


def page_key(name: str, years: Iterable, *params) -> str:
    """The key of a page or file: its name, the viewer's years, its parameters, the language."""
    parts = [
        name,
        translation.get_language() or "",
        repr([year_stamp(year) for year in years]),
        repr(params),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}{name}:{digest}"


# --------------------------------------------------------------------------- generation


def bump() -> None:
    """A new catalog generation: every cached page is computed again on its next request.

    Done at once (a test, or the same request, sees it) and again after the transaction commits,
    so that a page computed meanwhile from the data before the commit is not kept; that second
    one once per transaction, however many rows it writes.
    """
    _new_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _new_generation for entry in connection.run_on_commit
    ):
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache that fails must not fail the write
        logger.exception("cache: the catalog generation could not be replaced")


def _fetch(*keys: str) -> tuple[str, list]:
    """The current generation and the entries stored at `keys` (None: missing or outdated)."""
    found = cache.get_many([GENERATION_KEY, *keys])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Never start again from a value seen before: a lost generation is a new one.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return cache.get(GENERATION_KEY), [None] * len(keys)
    entries = []
    for key in keys:
        entry = found.get(key)
        fresh = isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation
        entries.append(entry[1] if fresh else None)
    return generation, entries


# --------------------------------------------------------------------------- pages and files

# Rendered in place of the CSRF token, replaced by the request's own token in every response:
# the stored page holds no token.
CSRF_PLACEHOLDER = "cchcCsrfTokenPlaceholder"


class PageCache:
    """A page's cached HTML, fetched when the view starts, in one round trip:

    - the whole page, for this URL and this viewer (anonymous, or this user: the header shows
      their name and their menu), when the request has no pending messages;
    - the page's costly part (`{% cached page %}`), shared by every viewer of the same class.

    The view returns `response()` on a whole-page hit; otherwise it renders with `context` and
    returns `finish(response)`, which stores the page and puts the request's CSRF token in.
    """

    def __init__(self, name: str, years: Iterable, *params, request=None):
        self.name = name
        self.key = page_key(name, list(years), *params)
        self.request = request
        self.page_key = None
        if request is not None and request.method in ("GET", "HEAD") and not _has_messages(request):
            self.page_key = f"{self.key}:{_viewer_digest(request)}"
        self.generation, self.html, self.page = None, None, None
        try:
            # The whole page first; the costly part only when the page is missing.
            if self.page_key:
                self.generation, (self.page,) = _fetch(self.page_key)
            if self.page is None:
                self.generation, (self.html,) = _fetch(self.key)
        except Exception:
            logger.exception("cache: %s could not be read", name)

    @property
    def hit(self) -> bool:
        """The costly part is cached."""
        return self.html is not None

    @property
    def page_hit(self) -> bool:
        """The whole page is cached for this URL and viewer."""
        return self.page is not None

    @property
    def context(self) -> dict:
        return {"page_cache": self, "csrf_token": CSRF_PLACEHOLDER}

    def store(self, html: str) -> None:
        self._set(self.key, str(html))

    def response(self) -> HttpResponse:
        response = HttpResponse(self._with_token(self.page))
        response.page_cache = self
        return response

    def finish(self, response: HttpResponse) -> HttpResponse:
        # Stored as the bytes around each placeholder: a hit joins them with the token.
        pieces = response.content.split(CSRF_PLACEHOLDER.encode())
        if self.page_key and response.status_code == 200:
            self._set(self.page_key, pieces)
        response.content = self._with_token(pieces)
        response.page_cache = self
        return response

    def _with_token(self, pieces: list[bytes]) -> bytes:
        return get_token(self.request).encode().join(pieces)

    def _set(self, key: str, value) -> None:
        if self.generation is None:
            return
        try:
            cache.set(key, (self.generation, value), timeout())
        except Exception:
            logger.exception("cache: %s could not be stored", self.name)


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _viewer_digest(request) -> str:
    """The URL and what the page's header shows of the viewer (never shared between users)."""
    user = request.user
    viewer = (
        (
            user.pk,
            user.get_username(),
            user.get_full_name(),
            user.is_staff,
            user.has_perm("scoring.view_tracker"),
        )
        if user.is_authenticated
        else ("anonymous",)
    )
    text = repr((request.get_full_path(), viewer))
    return hashlib.sha256(text.encode()).hexdigest()


def deferred(build: Callable[[], object]) -> SimpleLazyObject:
    """A value computed only if something reads it: a view's context when its page is a hit
    (the template writes the stored HTML; tests may still read the context)."""
    return SimpleLazyObject(build)


def cached_bytes(name: str, years: Iterable, params: tuple, build: Callable[[], bytes]) -> bytes:
    """A file (CSV, JSON) from the cache, or built and stored."""
    key = page_key(name, list(years), *params)
    generation = None
    try:
        generation, (value,) = _fetch(key)
        if value is not None:
            return value
    except Exception:
        logger.exception("cache: %s could not be read", name)
    value = build()
    if generation is not None:
        try:
            cache.set(key, (generation, value), timeout())
        except Exception:
            logger.exception("cache: %s could not be stored", name)
    return value


# --------------------------------------------------------------------------- signals


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures
    bump()


def _bulk_changed(sender, **kwargs) -> None:
    bump()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect_signals() -> None:
    """Replace the generation on every save or delete of what pages show beside the results."""
    from scoring.models import Band, Framework, Item, ItemCrosswalk, Score, Sheet
    from units.models import LineageEvent, Unit, UnitGroup, UnitName
    from units.signals import units_changed

    for model in (
        Unit,
        UnitGroup,
        UnitName,
        LineageEvent,
        Framework,
        Item,
        ItemCrosswalk,
        Band,
        Sheet,
        Score,
    ):
        uid = f"results-cache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    units_changed.connect(_bulk_changed, dispatch_uid="results-cache:units-bulk")
    for field in ("predecessors", "successors"):
        m2m_changed.connect(
            _m2m_changed,
            sender=getattr(LineageEvent, field).through,
            dispatch_uid=f"results-cache:lineage:{field}",
        )
