from django.conf import settings


def portal(request):
    """Names shown in every page's header and footer."""
    return {"PORTAL_OWNER_NAME": settings.PORTAL_OWNER_NAME}
