"""Who may do what, one predicate per kind of object and action (django-rules).

Views check these through `require(request.user, "scoring.<perm>", obj)`, services never look at
roles. State rules (deadlines, locked sheets, published years) live in the services, which refuse
with a message; these predicates only answer "is this person in a position to do it at all".
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

from units.models import Membership, Role


def memberships(user) -> list[Membership]:
    """The user's memberships, loaded once per user object (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_cchc_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._cchc_memberships = cached
    return cached


def unit_ids_with_role(user, *roles: str) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role in roles}


def has_role(user, *roles: str) -> bool:
    return any(m.role in roles for m in memberships(user))


@rules.predicate
def is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


@rules.predicate
def is_leadership(user) -> bool:
    return has_role(user, Role.LEADERSHIP)


@rules.predicate
def is_appraiser(user) -> bool:
    return has_role(user, Role.APPRAISER)


@rules.predicate
def is_member_of_sheet_unit(user, sheet) -> bool:
    return sheet is not None and sheet.unit_id in unit_ids_with_role(user, Role.STAFF, Role.LEADER)


@rules.predicate
def is_leader_of_sheet_unit(user, sheet) -> bool:
    return sheet is not None and sheet.unit_id in unit_ids_with_role(user, Role.LEADER)


@rules.predicate
def appraises_sheet(user, sheet) -> bool:
    """An appraiser appraises every unit but their own (nobody appraises their own unit)."""
    if sheet is None:
        return False
    return any(m.role == Role.APPRAISER and m.unit_id != sheet.unit_id for m in memberships(user))


def appraised_domains(user, sheet) -> set[str] | None:
    """Domain codes the user may appraise on this sheet; None means every domain.

    An appraiser's membership lists the domains they appraise (empty list: all of them).
    """
    if is_admin(user):
        return None
    domains: set[str] = set()
    for m in memberships(user):
        if m.role == Role.APPRAISER and m.unit_id != sheet.unit_id:
            if not m.domains:
                return None
            domains.update(str(code) for code in m.domains)
    return domains


def can_appraise_item(user, sheet, item) -> bool:
    if not rules.test_rule("scoring.appraise_sheet", user, sheet):
        return False
    domains = appraised_domains(user, sheet)
    return domains is None or item.code.split(".", 1)[0] in domains


# Reading.
rules.add_perm(
    "scoring.view_sheet", is_admin | is_leadership | is_appraiser | is_member_of_sheet_unit
)
rules.add_perm("scoring.view_unpublished_results", is_admin | is_leadership | is_appraiser)
rules.add_perm("scoring.view_tracker", is_admin | is_leadership | is_appraiser)

# The unit's own work.
rules.add_perm("scoring.edit_self_assessment", is_member_of_sheet_unit)
rules.add_perm("scoring.submit_sheet", is_leader_of_sheet_unit)
rules.add_perm("scoring.answer_explanation", is_member_of_sheet_unit)

# Appraisal and survey (Sở Nội vụ and the council), never on one's own unit.
rules.add_perm("scoring.appraise_sheet", is_admin | appraises_sheet)
rules.add_perm("scoring.enter_survey", is_admin | appraises_sheet)

# The year's states, publication and reopening.
rules.add_perm("scoring.manage_year", is_admin)


def may(user, perm: str, obj=None) -> bool:
    """Whether the rules above give `user` the permission.

    Not `user.has_perm`: Django grants every permission to an active superuser before asking any
    rule, which would let an admin do a unit's own work (claim points, upload its evidence,
    submit, answer explanations). Admins get what the rules give `is_admin`, no more.
    """
    return bool(getattr(user, "is_active", False)) and rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless the user has the permission."""
    if not may(user, perm, obj):
        raise PermissionDenied
