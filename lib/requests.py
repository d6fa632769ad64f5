"""How large a request body each route accepts (penetration test, finding 10).

`cchc_portal.middleware.PortalCommonMiddleware` compares a request's ``Content-Length`` with its
view's limit before anything reads the body (413 above it): a 400 MB body to the evidence form
is refused at once instead of being read whole before the form checks the file. Views that take
files say how much with ``@accepts_upload(limit)``; every other route accepts
``settings.REQUEST_MAX_BYTES`` (forms without files). Limits are read from the settings at each
request, so ``override_settings`` and the environment apply.

    @accepts_upload(evidence_request_bytes)
    @login_required
    def evidence_upload(request, ...): ...
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

V = TypeVar("V", bound=Callable[..., Any])

#: What a multipart body adds to its files: the boundaries, headers and the other fields.
MULTIPART_MARGIN = 1024 * 1024
_ATTRIBUTE = "request_max_bytes"


def accepts_upload(limit: Callable[[], int]) -> Callable[[V], V]:
    """Mark a view whose requests may carry up to ``limit()`` bytes."""

    def decorate(view: V) -> V:
        setattr(view, _ATTRIBUTE, limit)  # functools.wraps copies it to any outer decorator
        return view

    return decorate


def request_limit(view: Callable[..., Any]) -> int:
    """The largest body ``view`` accepts, in bytes."""
    limit = getattr(view, _ATTRIBUTE, None)
    return int(limit()) if limit is not None else int(settings.REQUEST_MAX_BYTES)


def evidence_request_bytes() -> int:
    """One evidence file."""
    return int(settings.EVIDENCE_MAX_BYTES) + MULTIPART_MARGIN


def answer_request_bytes() -> int:
    """An explanation's answer: up to ANSWER_MAX_FILES evidence files."""
    return int(settings.EVIDENCE_MAX_BYTES) * int(settings.ANSWER_MAX_FILES) + MULTIPART_MARGIN


def import_request_bytes() -> int:
    """One spreadsheet to import."""
    return int(settings.IMPORT_MAX_BYTES) + MULTIPART_MARGIN
