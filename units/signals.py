"""Signals of the units app, for the apps that build on it (units never imports scoring)."""

from django.dispatch import Signal

# Sent after bulk writes of units (which send no post_save): pages that cache unit names listen.
units_changed = Signal()
