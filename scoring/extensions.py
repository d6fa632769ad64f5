"""Extension points: panels that other apps add to scoring's pages, without scoring importing them.

The related indices (the `indices` app) read scoring's results; scoring must not import them
(import-linter keeps the arrow one way). So a page names an extension point and renders whatever
the settings list for it:

    PAGE_PANELS = {"unit_profile": ["indices.panels.unit_profile"], ...}   # settings.py
    panels("unit_profile", request, unit=unit, year=year)                  # a view: [html, …]

Each entry is the dotted path of a function `(request, **context) -> str` returning safe HTML
(a rendered template, or "" for nothing). Pages served from the cache (`cached_page`) stay
fresh because the indices' saves replace the cache's generation too (indices/signals.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe


def panels(page: str, request: HttpRequest, **context: Any) -> list[SafeString]:
    """The HTML of every panel the settings list for `page`, in their order."""
    shown: list[SafeString] = []
    for path in getattr(settings, "PAGE_PANELS", {}).get(page, ()):
        html = import_string(path)(request, **context)
        if html:
            shown.append(mark_safe(html))  # noqa: S308 - a rendered template, escaped there
    return shown
