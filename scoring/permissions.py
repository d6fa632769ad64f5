"""Who may do what, one predicate per kind of object and action (django-rules), and every named
visibility rule (what of a year or a sheet a person may see).

Views check these through the loaders (`views/loading.py`) or `require(user, "scoring.<perm>",
obj)`, templates through booleans the view passes; nobody calls `user.has_perm` (see `may`).
Services never look at roles: state rules (deadlines, locked sheets, published years) live in the
services, which refuse with a message; these predicates only answer "is this person in a position
to do it at all".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from scoring.models import AssessmentYear, Sheet
from units.models import Membership, Role, Unit

#: A signed-in account (what services record as the author of a change).
Account = AuthUser
#: Whoever makes a request: a signed-in account or an anonymous visitor.
User = AuthUser | AnonymousUser

# django-rules has no type hints: its predicates combine with | and & (rules.Predicate).
_predicate: Callable[[Callable[..., bool]], Any] = rules.predicate
_add_perm: Callable[[str, Any], None] = rules.add_perm
_has_perm: Callable[[str, Any, Any], bool] = rules.has_perm


def memberships(user: User) -> list[Membership]:
    """The user's memberships, loaded once per user object (one query per request)."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_cchc_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._cchc_memberships = cached  # type: ignore[attr-defined]
    return cached


def unit_ids_with_role(user: User, *roles: str) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role in roles}


def has_role(user: User, *roles: str) -> bool:
    return any(m.role in roles for m in memberships(user))


@_predicate
def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


@_predicate
def is_leadership(user: User) -> bool:
    return has_role(user, Role.LEADERSHIP)


@_predicate
def is_appraiser(user: User) -> bool:
    return has_role(user, Role.APPRAISER)


@_predicate
def works_for_a_unit(user: User) -> bool:
    """A unit's staff or leader: someone with a self-assessment sheet of their own to work on."""
    return has_role(user, Role.STAFF, Role.LEADER)


@_predicate
def is_member_of_sheet_unit(user: User, sheet: Sheet | None) -> bool:
    return sheet is not None and sheet.unit_id in unit_ids_with_role(user, Role.STAFF, Role.LEADER)


@_predicate
def is_leader_of_sheet_unit(user: User, sheet: Sheet | None) -> bool:
    return sheet is not None and sheet.unit_id in unit_ids_with_role(user, Role.LEADER)


@_predicate
def belongs_to_sheet_unit(user: User, sheet: Sheet | None) -> bool:
    """Any membership in the sheet's unit, whatever its role (an admin's or appraiser's too)."""
    return sheet is not None and any(m.unit_id == sheet.unit_id for m in memberships(user))


@_predicate
def appraises_sheet(user: User, sheet: Sheet | None) -> bool:
    """An appraiser appraises every unit but those they belong to."""
    if sheet is None:
        return False
    return has_role(user, Role.APPRAISER) and not belongs_to_sheet_unit(user, sheet)


def own_unit_conflict(user: User, sheet: Sheet) -> str | None:
    """Why this person may not appraise the sheet, enter its survey points or close its
    explanations although they appraise others: they belong to its unit (None otherwise)."""
    if not (is_admin(user) or has_role(user, Role.APPRAISER)):
        return None
    roles = [m.get_role_display() for m in memberships(user) if m.unit_id == sheet.unit_id]
    if not roles:
        return None
    return _(
        "Bạn là %(roles)s của %(unit)s nên không thẩm định, không nhập điểm điều tra xã hội học và không "
        "đóng yêu cầu giải trình của đơn vị này (không ai chấm đơn vị mình)."
    ) % {"roles": ", ".join(str(role).lower() for role in roles), "unit": sheet.unit.name}


def appraised_domains(user: User, sheet: Sheet) -> set[str] | None:
    """Domain codes the user may appraise on this sheet; None means every domain; an empty set,
    none (nobody appraises a unit they belong to, admins included).

    An appraiser's membership lists the domains they appraise (empty list: all of them).
    """
    if belongs_to_sheet_unit(user, sheet):
        return set()
    if is_admin(user):
        return None
    domains: set[str] = set()
    for m in memberships(user):
        if m.role == Role.APPRAISER:
            if not m.domains:
                return None
            domains.update(str(code) for code in m.domains)
    return domains


def survey_units(user: User, year: AssessmentYear) -> set[str] | None:
    """The codes of the units whose survey points the user may enter in `year` (never their own
    unit's), or None for every unit (admins)."""
    if is_admin(user) and not memberships(user):
        return None
    return {
        unit.code
        for unit in Unit.objects.existing_in(year.year)
        if may(user, "scoring.enter_survey", Sheet(unit=unit, year=year))
    }


# Reading.
_add_perm("scoring.view_sheet", is_admin | is_leadership | is_appraiser | is_member_of_sheet_unit)
_add_perm("scoring.view_unpublished_results", is_admin | is_leadership | is_appraiser)
_add_perm("scoring.view_tracker", is_admin | is_leadership | is_appraiser)

# The unit's own work ("Phiếu của đơn vị" in the menu: only for those who have one).
_add_perm("scoring.work_on_own_sheets", works_for_a_unit)
_add_perm("scoring.edit_self_assessment", is_member_of_sheet_unit)
_add_perm("scoring.submit_sheet", is_leader_of_sheet_unit)
_add_perm("scoring.answer_explanation", is_member_of_sheet_unit)

# Appraisal and survey (Sở Nội vụ and the council), never on a unit one belongs to (any role).
_add_perm("scoring.appraise_sheet", (is_admin | appraises_sheet) & ~belongs_to_sheet_unit)
_add_perm("scoring.enter_survey", (is_admin | appraises_sheet) & ~belongs_to_sheet_unit)

# The year's states, publication and reopening.
_add_perm("scoring.manage_year", is_admin)


def may(user: User, perm: str, obj: object = None) -> bool:
    """Whether the rules above give `user` the permission.

    Not `user.has_perm`: Django grants every permission to an active superuser before asking any
    rule, which would let an admin do a unit's own work (claim points, upload its evidence,
    submit, answer explanations). Admins get what the rules give `is_admin`, no more.
    """
    return bool(getattr(user, "is_active", False)) and _has_perm(perm, user, obj)


def require(user: User, perm: str, obj: object = None) -> None:
    """Raise PermissionDenied (403) unless the user has the permission."""
    if not may(user, perm, obj):
        raise PermissionDenied


# --------------------------------------------------------------------------- visibility rules


def sees_provisional(user: User) -> bool:
    """Provisional figures visible: appraisers, provincial leadership and admins see the year in
    progress ("tạm tính") on the dashboards; everyone else sees published years only."""
    return may(user, "scoring.view_unpublished_results")


def sees_appraisal(user: User, sheet: Sheet) -> bool:
    """Appraisal side visible: the points that count, the appraisers' reasons and the result of a
    sheet are the unit's to read once the year is published; before that only for those who see
    provisional figures."""
    return sheet.year.is_published or sees_provisional(user)


def sees_reasons(user: User, sheet: Sheet | None) -> bool:
    """Reasons visible: the appraisers' reasons are not public, only for those who may read the
    unit's sheet (`scoring.view_sheet`)."""
    return sheet is not None and may(user, "scoring.view_sheet", sheet)


def reads_sheets_of(user: User, unit_code: str) -> bool:
    """Whether `scoring.view_sheet` gives the user the sheets of the unit with this code (so the
    appraisers' reasons of any year it has a sheet), from the memberships alone: no query. The
    rule is the permission's own, asked of a sheet of that unit that need not exist."""
    unit_id = next((m.unit_id for m in memberships(user) if m.unit.code == unit_code), None)
    return may(user, "scoring.view_sheet", Sheet() if unit_id is None else Sheet(unit_id=unit_id))
