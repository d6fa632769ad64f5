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
from django.utils.html import conditional_escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def panels(page: str, request: HttpRequest, **context: Any) -> list[SafeString]:
    """The HTML of every panel the settings list for `page`, in their order."""
    shown: list[SafeString] = []
    for path in getattr(settings, "PAGE_PANELS", {}).get(page, ()):
        html = import_string(path)(request, **context)
        if html:
            # A rendered template (render_to_string) is safe already; anything else is escaped.
            shown.append(conditional_escape(html))
    return shown


# --------------------------------------------------------------------------- related-index values
# A rule item linked to a related index's component (issue 19, the link) reads the index through
# these two lookups, named in settings.SCORING_LOOKUPS (the indices app provides them):
#   "component_value": (unit, kind_code, component_code, period) → an object with points,
#       max_points, as_of, source, period; or None when the index has no such value;
#   "source_problem": (kind_code, component_code, period) → why the link cannot be, or None.


def _lookup(name: str) -> Any:
    path = getattr(settings, "SCORING_LOOKUPS", {}).get(name)
    return import_string(path) if path else None


def index_component_value(unit: Any, kind: str, component: str, period: str) -> Any:
    """The related index's value for a linked item, or None (also when no app provides it)."""
    lookup = _lookup("component_value")
    return lookup(unit, kind, component, period) if lookup is not None else None


def index_source_problem(kind: str, component: str, period: str) -> str | None:
    """Why a link to a related index cannot be made (unknown kind, component or period)."""
    lookup = _lookup("source_problem")
    if lookup is None:
        return _("không có chỉ số liên quan nào để lấy giá trị.")
    problem: str | None = lookup(kind, component, period)
    return problem
