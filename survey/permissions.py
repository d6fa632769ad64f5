"""Who may do what with the survey (django-rules, in the style of `scoring.permissions`).

- `survey.manage`: questionnaires, type weights, invitation tokens, imports, applying points
  (the survey's administrators: the portal's admins, i.e. Sở Nội vụ).
- `survey.view_ballots`: individual ballots, only for the survey's administrators; everyone else
  reads aggregates.
- `survey.enter_paper`: typing paper ballots (administrators and appraisers, never for a unit
  they belong to: checked per unit by `enters_paper_for`).
- `survey.view_results`: the aggregates of a year not yet published (who sees provisional
  figures); once published a unit's own results are the unit's too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules

from scoring.models import AssessmentYear
from scoring.permissions import (
    User,
    is_admin,
    is_appraiser,
    is_leadership,
    may,
    unit_ids_with_role,
)
from units.models import Role, Unit

_add_perm: Callable[[str, Any], None] = rules.add_perm

_add_perm("survey.manage", is_admin)
_add_perm("survey.view_ballots", is_admin)
_add_perm("survey.enter_paper", is_admin | is_appraiser)
_add_perm("survey.view_results", is_admin | is_leadership | is_appraiser)


def enters_paper_for(user: User, unit: Unit) -> bool:
    """A clerk types paper ballots of any unit but their own (any role in it)."""
    if not may(user, "survey.enter_paper"):
        return False
    return unit.pk not in unit_ids_with_role(user, *Role.values)


def sees_unit_results(user: User, unit: Unit, year: AssessmentYear) -> bool:
    """A unit's survey results per question: who sees the survey's results; the unit's own
    people (any role in it: the questions they are weakest on are theirs to improve) once the
    year is published, like the rest of its appraisal side (`scoring.permissions.sees_appraisal`)."""
    if may(user, "survey.view_results"):
        return True
    return year.is_published and unit.pk in unit_ids_with_role(user, *Role.values)
