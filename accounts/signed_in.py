"""The signed-in person of a request from the cache: the user and their memberships in one cache
round trip, instead of two database queries on every page.

`CachedAuthenticationMiddleware` is Django's AuthenticationMiddleware with `get_user` below, which
is Django's own `django.contrib.auth.get_user` (the session's user id and backend, then the
session hash: a changed password signs the other sessions out) with the backend's `get_user`
read through the cache (`cached_user`).

User N's entry is stored with the user's generation and the catalog generation of the page cache
(scoring/selectors/cache.py: units and their names, which the memberships carry) and read with
both in one `get_many`: it is used only while both are the ones it was stored with. The user's
generation is replaced whenever the user (password, active, staff, name, last login…) or one of
their memberships is saved or deleted (their groups and permissions are not in the entry: Django
reads them when a permission is asked), at once and again
after the transaction commits (a request that read the database before the commit stored its
entry under the old generation). A deactivated user, a changed password or a removed role are
therefore seen on the next request, on every instance sharing the cache. A bulk write that sends
no signal (`QuerySet.update` of users or memberships) must call `forget_user`. A cache that
fails: the database, as without it.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from scoring.permissions import memberships
from scoring.selectors.cache import GENERATION_KEY
from units.models import Membership

logger = logging.getLogger(__name__)

USER_KEY = "auth:user:{}"
USER_GENERATION_KEY = "auth:user-generation:{}"


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, the user read through the cache (`get_user`)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))


def _request_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


def get_user(request):
    """Django's `django.contrib.auth.get_user` (5.2), the backend's user read by `cached_user`."""
    user = None
    try:
        # django.contrib.auth._get_user_session_key: the id as the user model's key type
        user_id = get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            user = cached_user(backend, user_id)
            # Verify the session
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    # A session signed with a former SECRET_KEY (SECRET_KEY_FALLBACKS) is kept
                    # and signed again; any other is signed out.
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def cached_user(backend, user_id):
    """`backend.get_user(user_id)` with the user's memberships, from the cache when its entry is
    current, else from the database (then stored)."""
    key, generation_key = USER_KEY.format(user_id), USER_GENERATION_KEY.format(user_id)
    try:
        found = cache.get_many([key, generation_key, GENERATION_KEY])
    except Exception:
        logger.exception("cache: the signed-in user could not be read")
        return backend.get_user(user_id)
    stamp = (found.get(generation_key), found.get(GENERATION_KEY))
    entry = found.get(key)
    if None not in stamp and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamp:
        user, held = entry[1]
        user._cchc_memberships = held
        return user
    user = backend.get_user(user_id)
    if user is None:
        return None
    held = memberships(user)  # one query, kept on the user for the rest of the request
    try:
        if stamp[0] is None:
            # A user never seen, or a generation the cache lost: a new one, stored next time.
            cache.add(generation_key, uuid.uuid4().hex, None)
        elif stamp[1] is not None:
            cache.set(key, (stamp, (user, held)), settings.SESSION_COOKIE_AGE)
    except Exception:
        logger.exception("cache: the signed-in user could not be stored")
    return user


def forget_user(user_id: object) -> None:
    """A new generation for this user: their cached entry is read from the database again, now
    and after the transaction commits."""
    _new_generation(user_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _new_generation(user_id))


def _new_generation(user_id: object) -> None:
    try:
        cache.set(USER_GENERATION_KEY.format(user_id), uuid.uuid4().hex, None)
    except Exception:
        logger.exception("cache: the signed-in user's generation could not be replaced")


def _user_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        forget_user(instance.pk)


def _membership_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        forget_user(instance.user_id)


def connect_signals() -> None:
    user_model = get_user_model()
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="signed-in:user:save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="signed-in:user:delete")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="signed-in:member:save")
    post_delete.connect(
        _membership_changed, sender=Membership, dispatch_uid="signed-in:member:delete"
    )
