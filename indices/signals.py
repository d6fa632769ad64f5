"""The results pages' cache (scoring.selectors.cache) follows the related indices too: the unit
profile and the overview show them, so every save or delete of an index's data replaces the
cache's generation. Bulk imports call `bump()` themselves (indices.services)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from scoring.selectors.cache import bump


def _changed(sender: object, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        bump()


def _m2m_changed(sender: object, action: str, **kwargs: object) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect() -> None:
    from indices.models import (
        IndexBand,
        IndexComponent,
        IndexDriver,
        IndexKind,
        IndexResult,
        IndexValue,
        IndexVersion,
    )

    for model in (
        IndexKind,
        IndexVersion,
        IndexComponent,
        IndexBand,
        IndexResult,
        IndexValue,
        IndexDriver,
    ):
        uid = f"indices-cache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(
        _m2m_changed, sender=IndexKind.groups.through, dispatch_uid="indices-cache:groups"
    )
