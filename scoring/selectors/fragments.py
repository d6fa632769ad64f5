"""The rows of the working pages (the sheet, the appraisal sheet), each rendered once for what it
shows and then read from the cache: 150 item rows through the template engine were most of those
pages' time (README "Hiệu năng / Performance").

A row is stored under a key made of everything its template reads, so a changed value is a new
key at once, on every instance, and a stale row is never shown:

- the row's own data, as `signature` gives it: the item's and the score's stored fields, the
  documents, the explanations, the viewer's flags for that row;
- what the page shares with every row (`shared`): the unit, the year and its decimals, the
  viewer's class (sees the appraisal, may edit);
- the active language and time zone, a digest of the templates' source or of the code that
  draws the HTML, and the release (`lib.release`: a digest of the portal's code, templates and
  catalogues), so a new release never reads a row drawn by the code before it.

Rows holding what a person typed (a bound form: values sent back with their errors) are never
cached: the view renders them each time. A row holds no CSRF token (it is rendered with the
placeholder, replaced by the request's token should a template ever write one). A cache that
fails (Redis down) is logged and skipped: the rows are rendered as without it.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import operator
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from lib.release import release
from scoring.selectors.cache import CSRF_PLACEHOLDER, timeout

logger = logging.getLogger(__name__)

KEY_PREFIX = "work:row:"


def stored_fields(instance: models.Model | None) -> tuple[object, ...] | None:
    """Every stored field of a row of the database (None for none): a save that changes any of
    them changes the signature of the rows that show it."""
    if instance is None:
        return None
    return _fields_getter(type(instance))(instance)


@functools.cache
def _fields_getter(model: type[models.Model]) -> Callable[[models.Model], tuple[object, ...]]:
    """The model's stored fields' values as a tuple, read in one call (300 rows a page)."""
    names = [field.attname for field in model._meta.concrete_fields]
    getter = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda instance: (getter(instance),)
    return getter


@functools.cache
def templates_digest(names: tuple[str, ...]) -> str:
    """A digest of the templates' source, read once per process (a release restarts it)."""
    sources = []
    for name in names:
        source = getattr(getattr(get_template(name), "template", None), "source", None)
        if not source:
            # Without its source a template could change unseen: this process's rows only.
            return uuid.uuid4().hex
        sources.append(source)
    return hashlib.sha256("\x1f".join(sources).encode()).hexdigest()[:16]


def code_digest(*objects: object) -> str:
    """A digest of the source of the functions or modules that draw some HTML (a new release
    that changes them draws every piece again); without their source, this process's own."""
    try:
        source = "\x1f".join(inspect.getsource(cast(Any, one)) for one in objects)
    except (OSError, TypeError):
        return uuid.uuid4().hex
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def cached_rows(
    request: HttpRequest,
    template_name: str,
    rows: Sequence[Any],
    *,
    context: dict[str, Any],
    shared: tuple[object, ...],
    signature: Callable[[Any], tuple[object, ...]],
    templates: Iterable[str] = (),
    prepare: Callable[[list[Any]], object] | None = None,
) -> list[SafeString]:
    """Each row drawn by `template_name` (with `context` and the row as `row`), read from the
    cache where a row with the same signature was drawn before.

    `shared` must hold every value of `context` the template reads (or its stand-in), and
    `signature(row)` every value of the row it reads; `templates`: the templates it includes.
    `prepare(rows)` readies the rows not found for drawing (their form fields, say): a row read
    from the cache needs nothing the signature does not hold.
    """
    digest = templates_digest((template_name, *templates))

    def draw(missing: list[int]) -> list[str]:
        if prepare is not None:
            prepare([rows[index] for index in missing])
        return [
            render_to_string(
                template_name, {**context, "row": rows[index], "csrf_token": CSRF_PLACEHOLDER}
            )
            for index in missing
        ]

    drawn = cached_html(template_name, (digest, shared), [signature(row) for row in rows], draw)
    token = None
    result = []
    for text in drawn:
        if CSRF_PLACEHOLDER in text:
            token = token or get_token(request)
            text = text.replace(CSRF_PLACEHOLDER, token)
        # Rendered by the template engine, which escaped every value.
        result.append(mark_safe(text))  # noqa: S308  # nosec B308 B703
    return result


def joined(pieces: Iterable[str]) -> SafeString:
    """Rows drawn by `cached_rows` as one piece: the page writes it without a loop over them."""
    # Each piece drawn by the template engine, which escaped every value.
    return mark_safe("".join(pieces))  # noqa: S308  # nosec B308 B703


def cached_html(
    name: str,
    shared: object,
    signatures: Sequence[object],
    draw: Callable[[list[int]], list[str]],
) -> list[str]:
    """The HTML of each piece from the cache by `name`, `shared`, its signature and the active
    language; `draw(indexes)` gives the pieces not found (several with the same signature are
    drawn once), which are then stored."""
    head = repr(
        (
            name,
            release(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            shared,
        )
    )
    keys = [
        KEY_PREFIX + hashlib.sha256(f"{head}\x1f{signature!r}".encode()).hexdigest()
        for signature in signatures
    ]
    try:
        found: dict[str, str] = cache.get_many(keys)
    except Exception:  # a cache that fails must not fail the page
        logger.exception("cache: %s could not be read", name)
        found = {}
    missing: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key not in found and key not in missing:
            missing[key] = index
    if missing:
        drawn = dict(zip(missing, draw(list(missing.values())), strict=True))
        try:
            cache.set_many(drawn, timeout())
        except Exception:
            logger.exception("cache: %s could not be stored", name)
        found = {**found, **drawn}
    return [found[key] for key in keys]
