import functools

from django.conf import settings
from django.http import QueryDict

from scoring.duties import request_duties
from scoring.permissions import may
from scoring.selectors.cache import cached_duty_rows

# An empty query: the start of {% querystring NO_QUERY name=value %} for a link that sets its
# parameters afresh (another page's, or a filter of this one that drops the others).
NO_QUERY = QueryDict()


def portal(request):
    """Names shown in every page's header and footer, and the empty query."""
    return {"PORTAL_OWNER_NAME": settings.PORTAL_OWNER_NAME, "NO_QUERY": NO_QUERY}


def duties(request):
    """`nav_duties`: what the signed-in person's units have to do (`scoring.duties.Summary`),
    read only when a page shows it (a template calls it) and once per request; nothing for an
    anonymous visitor. `nav_own_sheets`: whether the menu offers "Phiếu của đơn vị" (only to a
    unit's staff and leaders: to anyone else it would lead to an empty page; `may`, not the
    template's `perms`, which grant a superuser everything), read when the menu asks.
    `nav_tracker`: whether it offers the appraisal and the tracker, by the rule their views
    require (`may`: the template's `perms` asked the model backend too, two queries on every
    page of a unit's staff, and could offer a page its view refuses). Cached pages carry all
    three in their key (scoring/selectors/cache.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # The badge's rows from the cache under the catalog generation (as cached pages read
        # them): 10 ms of every working page's time was their two queries.
        "nav_duties": functools.partial(request_duties, request, rows=cached_duty_rows),
        "nav_own_sheets": functools.partial(may, user, "scoring.work_on_own_sheets"),
        "nav_tracker": functools.partial(may, user, "scoring.view_tracker"),
    }
