from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from indices.models import IndexKind


def load_kind(code: str) -> IndexKind:
    """The index named on the command line, or a CommandError listing the known codes."""
    kind = IndexKind.objects.filter(code=code).first()
    if kind is None:
        known = ", ".join(IndexKind.objects.values_list("code", flat=True))
        raise CommandError(
            _("Không có chỉ số mã “%(code)s” (có: %(known)s).") % {"code": code, "known": known}
        )
    return kind
