"""Cached results pages and values: never stale, because every change makes a new key.

Published years never change, and a year in progress carries `results_version`, bumped by every
recompute in the same transaction as the scores. A cached page or value is therefore stored under
a key made of everything it shows:

- for a shared value (`memoized`), the stamp of every year the viewer may see (id, number, state,
  rounding, owner name, publication date, results version), read before anything else;
- the active language, and the page's or value's own parameters: for a page its path and its
  known query parameters, checked against their allowed values, and the viewer (anonymous, or
  this one user with what they may see and the badge of what their units have to do, which
  changes with a request, an answer or the day: `scoring.duties.Summary.variant`); for a shared value its arguments, among them the
  viewer's class (published years only or all of them, the appraisers' reasons or not);
- the catalog generation: a token in the cache, replaced whenever a year, unit, unit group,
  name, lineage event, framework, item, crosswalk or band is saved or deleted, and by a write
  of a published year's results (`scoring.signals.results_changed`); and, for everything but a
  visitor's page, the work generation, replaced whenever a sheet, a single score or an
  explanation request is saved or deleted and by a write of the results of a year not
  published (a visitor sees published years only, whose sheets and scores are read-only: a
  hundred units saving their sheets leave the public pages cached). A whole page's
  key therefore needs no year stamps: an anonymous visitor's hit is one cache round trip (the
  generation and the page, `get_many`), with no database query and no session read.

Two layers, and views see neither:

- `cached_page`, a view decorator: the whole page per URL and viewer, with the CSRF token put in
  per response (anonymous visitors share one entry per URL). The view is given only the page's
  known query parameters, so the page depends on nothing the key leaves out.
- `memoized`: a selector's costly result shared by every viewer of the same class
  (scoring/selectors/dashboards.py), and the public files (`cached_bytes`).

A changed figure gives a new key at once, on every instance that shares the cache (Redis when
REDIS_URL is set); the old entries are never read again and expire after CACHE_PAGES_TIMEOUT. The
generation is stored beside each entry and fetched with it, in one round trip. Bulk writes that
send no signal (`QuerySet.update`, `bulk_create`) outside the services must call `bump()`.

A cache that fails (Redis down) is logged and skipped: pages are computed as without a cache.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

from lib.release import release
from scoring.duties import DutyRows, duty_rows, request_duties
from scoring.models import AssessmentYear, Sheet, YearState
from scoring.permissions import may, sees_provisional
from scoring.selectors.years import visible_years

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

logger = logging.getLogger(__name__)

GENERATION_KEY = "results:generation"
#: The work generation: replaced by what changes while units and appraisers work (a sheet, a
#: score, an explanation request, the results of a year not published). Signed-in viewers'
#: entries carry it beside the catalog generation; a visitor sees published years only, which
#: such saves never touch (a published year's sheets and scores are read-only; publishing,
#: reopening or importing results replaces the catalog generation), so a visitor's page stays
#: cached while a hundred units save their sheets in the week of the deadline.
WORK_GENERATION_KEY = "results:work-generation"
KEY_PREFIX = "results:page:"

T = TypeVar("T")
P = ParamSpec("P")

#: What a page may show of a year beyond its results (`year_stamp`).
YearStamp = tuple[int, int, str, str, str, str, int]
#: A view's known query parameters, checked: name → value.
Query = dict[str, str]
#: A page as stored: its headers and its content cut where the CSRF token goes.
StoredPage = tuple[dict[str, str], list[bytes]]


def timeout() -> int:
    seconds: int = getattr(settings, "CACHE_PAGES_TIMEOUT", 24 * 60 * 60)
    return seconds


# --------------------------------------------------------------------------- keys


def year_stamp(year: AssessmentYear) -> YearStamp:
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


def page_key(name: str, years: Iterable[AssessmentYear], *params: object) -> str:
    """The key of a page or value: its name, the viewer's years, its parameters, the language."""
    parts = [
        name,
        release(),
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
    _replace_now_and_on_commit(_new_generation)


def bump_work() -> None:
    """A new work generation: signed-in viewers' pages and the shared values are computed again
    (visitors' pages are not); at once and again after the transaction commits, as `bump`."""
    _replace_now_and_on_commit(_new_work_generation)


def _replace_now_and_on_commit(replace: Callable[[], None]) -> None:
    replace()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is replace for entry in connection.run_on_commit
    ):
        transaction.on_commit(replace)


def _new_generation() -> None:
    _new_token(GENERATION_KEY, "catalog")


def _new_work_generation() -> None:
    _new_token(WORK_GENERATION_KEY, "work")


def _new_token(key: str, what: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:  # a cache that fails must not fail the write
        logger.exception("cache: the %s generation could not be replaced", what)


def _fetch(*keys: str, work: bool = True) -> tuple[str | None, list[Any]]:
    """The current generation and the entries stored at `keys` (None: missing or outdated).

    `work`: the entries also depend on the work generation (everything but a visitor's page:
    the generation is then the pair of both). The generation is None only if the cache lost it
    again at once (it did not keep the new one): then nothing is to be stored."""
    tokens = [GENERATION_KEY, WORK_GENERATION_KEY] if work else [GENERATION_KEY]
    found = cache.get_many([*tokens, *keys])
    if any(found.get(token) is None for token in tokens):
        # Never start again from a value seen before: a lost generation is a new one.
        for token in tokens:
            cache.add(token, uuid.uuid4().hex, None)
        current = cache.get_many(tokens)
        if any(current.get(token) is None for token in tokens):
            return None, [None] * len(keys)
        return ":".join(current[token] for token in tokens), [None] * len(keys)
    generation = ":".join(found[token] for token in tokens)
    entries: list[Any] = []
    for key in keys:
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
            entries.append(entry[1])
        else:
            entries.append(None)
    return generation, entries


def _store(name: str, key: str, generation: str, value: object) -> None:
    try:
        cache.set(key, (generation, value), timeout())
    except Exception:
        logger.exception("cache: %s could not be stored", name)


# --------------------------------------------------------------------------- one request


@dataclass
class Page:
    """What the cache did for one request of a `cached_page` view (tests read it as
    `response.page_cache`)."""

    name: str
    key: str | None = None  # None: not to be stored (messages to show, or the cache failed)
    generation: str | None = None
    page_hit: bool = False  # the whole page came from the cache
    built: bool = False  # a shared value was computed (`memoized`)
    values: dict[str, object] = field(default_factory=dict)  # the shared values read so far
    rendering: bool = False  # the view runs: its template gets the CSRF placeholder

    @property
    def hit(self) -> bool:
        """Nothing was computed: the whole page, or every shared value, came from the cache."""
        return self.page_hit or (bool(self.values) and not self.built)


_current: ContextVar[Page | None] = ContextVar("cached_page", default=None)

# Rendered in place of the CSRF token, replaced by the request's own token in every response:
# a stored page holds no token.
CSRF_PLACEHOLDER = "cchcCsrfTokenPlaceholder"


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: in a page the cache may store, the CSRF token's placeholder."""
    page = _current.get()
    return {"csrf_token": CSRF_PLACEHOLDER} if page is not None and page.rendering else {}


# --------------------------------------------------------------------------- shared values


def memoized(
    name: str, years: Iterable[AssessmentYear], params: tuple[object, ...], build: Callable[[], T]
) -> T:
    """`build()` from the cache, or built and stored: a value every viewer of the same class
    shares (never None). Within a cached page's request it is read once, however many times the
    page's check and view ask for it."""
    key = page_key(name, list(years), *params)
    page = _current.get()
    if page is not None and key in page.values:
        return cast(T, page.values[key])  # stored by this function under this key: a T
    generation: str | None = None
    value: T | None = None
    try:
        generation, (value,) = _fetch(key)
    except Exception:
        logger.exception("cache: %s could not be read", name)
    if value is None:
        value = build()
        if page is not None:
            page.built = True
        if generation is not None:
            _store(name, key, generation, value)
    if page is not None:
        page.values[key] = value
    return value


def cached_bytes(
    name: str,
    years: Iterable[AssessmentYear],
    params: tuple[object, ...],
    build: Callable[[], bytes],
) -> bytes:
    """A file (CSV, JSON) from the cache, or built and stored: `build` runs only on a miss, so
    it is where a parameter is checked (raise Http404: nothing is stored)."""
    return memoized(name, years, params, build)


# --------------------------------------------------------------------------- whole pages

#: `check(request, years, *args, **kwargs)` and `vary(request, years, *args, **kwargs)`: they take
#: the view's own arguments after the first two.
Check = Callable[..., Query]
Vary = Callable[..., tuple[object, ...]]
YearsOf = Callable[[HttpRequest], Iterable[AssessmentYear]]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def cached_page(
    name: str,
    *,
    query: Sequence[str] = (),
    check: Check | None = None,
    years: YearsOf | None = None,
    vary: Vary | None = None,
) -> Callable[[View[P]], View[P]]:
    """A view whose whole page is served from the cache, per URL and viewer; the view is a plain
    view and never knows.

    - `query`: the page's known query parameters. The view is given these only (request.GET and
      the query string are replaced), so the page depends on nothing the key leaves out: any
      other parameter (`?utm=…`) neither makes an entry nor changes the key.
    - `check(request, years, *args, **kwargs)`: the known parameters checked against their
      allowed values, before the view on a miss: it returns those to keep, normalised (an
      ignored value left out), or raises the page's own Http404. A page is stored under checked
      parameters only, so an invalid value never makes an entry nor forces a computation, and a
      hit needs no check.
    - `years(request)`: the years whose stamps are in the key (default: the viewer's).
    - `vary(request, *args, **kwargs)`: what else of the viewer the page shows (asked on every
      request of a signed-in viewer, hit or miss: it should read no database).

    A request with messages to show is neither served a stored page nor stored; nor is a
    response other than 200 or one that sets cookies.
    """
    if query and check is None:
        raise TypeError("cached_page: a page with query parameters needs their check")
    years_of: YearsOf = years or (lambda request: visible_years(request.user))

    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if request.META.get("QUERY_STRING"):  # without one, request.GET is already empty
                _keep_only(request, {p: request.GET[p] for p in query if request.GET.get(p)})
            page = Page(name)
            token = _current.set(page)
            try:
                response = _serve(page, view, request, args, kwargs, check, years_of, vary)
            finally:
                _current.reset(token)
            # The page depends on the cookies (the session's user, the language), also when a hit
            # read neither: a shared cache must not give it to another visitor.
            patch_vary_headers(response, ("Cookie",))
            response.page_cache = page  # type: ignore[attr-defined]  # for tests; not Django's
            return response

        return wrapper

    return decorator


def public_file(name: str, *, query: Sequence[str] = ()) -> Callable[[View[P]], View[P]]:
    """A public file (open data, a public export or report) served whole from the cache to an
    anonymous visitor: one cache round trip, no database query (the generation covers the
    years). The view is a plain view that builds the file through `cached_bytes` (and checks its
    parameters there): it runs for a signed-in viewer, on a miss, and for a request with a
    parameter not in `query` (which therefore never makes an entry). Only a 200 response that
    sets no cookie is stored, under the path, the known parameters and the language.
    """

    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if (
                request.method not in ("GET", "HEAD")
                or not set(request.GET).issubset(query)
                or not _anonymous(request)
            ):
                return view(request, *args, **kwargs)
            key = page_key(name, (), request.path, sorted(request.GET.items()), ("anonymous",))
            try:
                generation, (stored,) = _fetch(key, work=False)
            except Exception:
                logger.exception("cache: %s could not be read", name)
                return view(request, *args, **kwargs)
            if stored is not None:
                headers, content = stored
                return HttpResponse(content, headers=headers)  # Vary: Cookie stored with it
            response = view(request, *args, **kwargs)
            # Signed-in viewers are given their own (the view's): never a shared cache's copy.
            patch_vary_headers(response, ("Cookie",))
            if (
                generation is not None
                and response.status_code == 200
                and not response.streaming
                and not response.cookies
            ):
                headers = {
                    k: v for k, v in response.headers.items() if k.lower() != "content-length"
                }
                _store(name, key, generation, (headers, response.content))
            return response

        return wrapper

    return decorator


def _serve(
    page: Page,
    view: Callable[..., HttpResponse],
    request: HttpRequest,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    check: Check | None,
    years_of: YearsOf,
    vary: Vary | None,
) -> HttpResponse:
    seen: list[AssessmentYear] | None = None

    def years() -> list[AssessmentYear]:
        nonlocal seen
        if seen is None:
            seen = list(years_of(request))
        return seen

    # An anonymous visitor's page is one per URL and language: a hit reads neither the years
    # nor the session, one cache round trip in all (the generation covers the years).
    if _anonymous(request):
        viewer: tuple[object, ...] = ("anonymous",)
    else:
        viewer = _viewer(request) + (vary(request, *args, **kwargs) if vary else ())
    stored: StoredPage | None = None
    if not _has_messages(request):
        stored = _lookup(page, request, viewer)
        if stored is None and page.key is not None and check is not None and request.GET:
            checked = check(request, years(), *args, **kwargs)
            if checked != request.GET.dict():
                _keep_only(request, checked)
                stored = _lookup(page, request, viewer)
    if stored is not None:
        page.page_hit = True
        headers, pieces = stored
        return HttpResponse(_with_token(request, pieces), headers=headers)

    page.rendering = True
    try:
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()
    finally:
        page.rendering = False
    if response.streaming:
        return response
    pieces = response.content.split(CSRF_PLACEHOLDER.encode())
    if (
        page.key is not None
        and page.generation is not None
        and response.status_code == 200
        and not response.cookies
    ):
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        _store(page.name, page.key, page.generation, (headers, pieces))
    response.content = _with_token(request, pieces)
    return response


def _lookup(page: Page, request: HttpRequest, viewer: tuple[object, ...]) -> StoredPage | None:
    """The stored page for this request's path and query and this viewer, or None; sets the
    page's key (None if the cache fails). The years are not in the key: every change of a year
    (its state, publication, rounding, results) replaces the generation."""
    key = page_key(page.name, (), request.path, sorted(request.GET.items()), viewer)
    try:
        # A visitor's page shows published years only: the catalog generation covers it.
        page.generation, (stored,) = _fetch(key, work=viewer != ("anonymous",))
    except Exception:
        logger.exception("cache: %s could not be read", page.name)
        page.key = None
        return None
    page.key = key
    found: StoredPage | None = stored
    return found


def _keep_only(request: HttpRequest, query: Query) -> None:
    """The request as the view sees it: `query` alone in request.GET and the query string."""
    kept = QueryDict(mutable=True)
    kept.update(query)
    kept._mutable = False
    # Immutable from here on, as request.GET always is: the stubs cannot follow `_mutable`.
    request.GET = cast("_ImmutableQueryDict", kept)
    request.META = {**request.META, "QUERY_STRING": kept.urlencode()}


def _with_token(request: HttpRequest, pieces: list[bytes]) -> bytes:
    if len(pieces) == 1:  # no form on the page: no token, no CSRF cookie
        return pieces[0]
    return get_token(request).encode().join(pieces)


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    if not request.COOKIES and isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
        # Nothing added during this request, and no cookie to carry one (messages live in
        # their cookie or in the session): none, without making the storage and the session.
        return False
    return len(storage) > 0


def _anonymous(request: HttpRequest) -> bool:
    """Nobody is signed in. Without a session cookie, and while nothing has read or replaced
    `request.user`, that needs neither the session nor the user (no cache or database call)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        user = request.__dict__.get("user")
        if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
            return True
    return not request.user.is_authenticated


def _viewer(request: HttpRequest) -> tuple[object, ...]:
    """What the page shows of the viewer: nothing of an anonymous visitor; for a user, the
    header's name and menu, the badge of what their units have to do (which changes with a
    request, an answer, a submission or the day) and what they may see (never shared between
    users)."""
    user = request.user
    if not user.is_authenticated:
        return ("anonymous",)
    return (
        user.pk,
        user.get_username(),
        user.get_full_name(),
        user.is_staff,
        may(user, "scoring.view_tracker"),
        may(user, "scoring.work_on_own_sheets"),
        sees_provisional(user),
        request_duties(request, rows=cached_duty_rows).variant(),
    )


def cached_duty_rows(ids: Sequence[int]) -> DutyRows:
    """`duty_rows` from the cache under the catalog generation, which every save of an
    explanation request, a sheet, a year, a framework, an item or a unit replaces; the dates
    (days left, overdue) are computed from them on each request."""
    key = page_key("duties", (), tuple(ids))
    generation: str | None = None
    rows: DutyRows | None = None
    try:
        generation, (rows,) = _fetch(key)
    except Exception:
        logger.exception("cache: the duties could not be read")
    if rows is None:
        rows = duty_rows(ids)
        if generation is not None:
            _store("duties", key, generation, rows)
    return rows


def cached_per_sheet(
    name: str, sheets: Sequence[Sheet], compute: Callable[[list[Sheet]], dict[int, T]]
) -> dict[int, T]:
    """A value of each sheet (its score counts) from the cache: each stored under the sheet's id
    with its version and the catalog generation, computed by `compute(missing)` for the sheets
    whose entry is missing or outdated only, in one call; sheet id → value, for the sheets
    `compute` gives a value.

    Every save of a sheet's points, by any path (the form, an appraisal, an import, the survey),
    bumps its version (`services.scores`); what changes them without a save of the sheet (an
    item, a framework, a year's decimals and rounding, a unit's lineage) replaces the catalog
    generation. A value that depends on anything else must not be kept here."""
    if not sheets:
        return {}
    keys = {sheet.pk: page_key(name, (), sheet.pk) for sheet in sheets}
    generation: str | None = None
    entries: list[Any] = [None] * len(sheets)
    try:
        generation, entries = _fetch(*(keys[sheet.pk] for sheet in sheets), work=False)
    except Exception:
        logger.exception("cache: %s could not be read", name)
    values: dict[int, T] = {}
    missing: list[Sheet] = []
    for sheet, entry in zip(sheets, entries, strict=True):
        # An entry is (the sheet's version, its value or None when `compute` gave none).
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == sheet.version:
            if entry[1] is not None:
                values[sheet.pk] = entry[1]
        else:
            missing.append(sheet)
    if missing:
        computed = compute(missing)
        values.update(computed)
        if generation is not None:
            stored = {
                keys[sheet.pk]: (generation, (sheet.version, computed.get(sheet.pk)))
                for sheet in missing
            }
            try:
                cache.set_many(stored, timeout())
            except Exception:
                logger.exception("cache: %s could not be stored", name)
    return values


# --------------------------------------------------------------------------- signals


def _changed(sender: object, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures
    bump()


def _work_changed(sender: object, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures
    bump_work()


def _results_changed(sender: object, year: AssessmentYear, **kwargs: object) -> None:
    """A year's results were written: visitors see them only once the year is published."""
    if year.state == YearState.PUBLISHED:
        bump()
    else:
        bump_work()


def _bulk_changed(sender: object, **kwargs: object) -> None:
    bump()


def _m2m_changed(sender: object, action: str, **kwargs: object) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect_signals() -> None:
    """Replace the generation on every save or delete of what pages show beside the results."""
    from scoring.models import (
        Band,
        ExplanationRequest,
        Framework,
        Item,
        ItemCrosswalk,
        Score,
        Sheet,
    )
    from scoring.signals import results_changed, scores_changed
    from units.models import LineageEvent, Unit, UnitGroup, UnitName
    from units.signals import units_changed

    for model in (
        AssessmentYear,
        Unit,
        UnitGroup,
        UnitName,
        LineageEvent,
        Framework,
        Item,
        ItemCrosswalk,
        Band,
    ):
        uid = f"results-cache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    # The work of a year (read-only once it is published): the work generation only.
    for work in (Sheet, Score, ExplanationRequest):
        uid = f"results-cache:{work._meta.label}"
        post_save.connect(_work_changed, sender=work, dispatch_uid=f"{uid}:save")
        post_delete.connect(_work_changed, sender=work, dispatch_uid=f"{uid}:delete")
    units_changed.connect(_bulk_changed, dispatch_uid="results-cache:units-bulk")
    scores_changed.connect(_work_changed, dispatch_uid="results-cache:scores-bulk")
    results_changed.connect(_results_changed, dispatch_uid="results-cache:results-bulk")
    for relation in ("predecessors", "successors"):
        m2m_changed.connect(
            _m2m_changed,
            sender=getattr(LineageEvent, relation).through,
            dispatch_uid=f"results-cache:lineage:{relation}",
        )
