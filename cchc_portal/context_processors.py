from django.conf import settings
from django.http import QueryDict

# An empty query: the start of {% querystring NO_QUERY name=value %} for a link that sets its
# parameters afresh (another page's, or a filter of this one that drops the others).
NO_QUERY = QueryDict()


def portal(request):
    """Names shown in every page's header and footer, and the empty query."""
    return {"PORTAL_OWNER_NAME": settings.PORTAL_OWNER_NAME, "NO_QUERY": NO_QUERY}
