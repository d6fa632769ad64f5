"""How a linked rule item's source period reads on the pages (issue 19): "2026-12" → "12/2026"."""

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def source_period(text: str) -> str:
    """A period as people read it: 12/2026, quý 3/2026, tuần 42/2026, 2026."""
    text = text or ""
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return f"{match.group(2)}/{match.group(1)}"
    if match := re.fullmatch(r"(\d{4})-Q(\d)", text):
        return _("quý %(number)s/%(year)s") % {"number": match.group(2), "year": match.group(1)}
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", text):
        return _("tuần %(number)s/%(year)s") % {"number": match.group(2), "year": match.group(1)}
    return text
