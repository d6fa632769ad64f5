"""The survey's lines on scoring's pages (registered in `scoring.selectors.notes`): ballots
collected on the tracker, questions below 80 % satisfaction on a unit's profile."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.models import AssessmentYear
from scoring.selectors.notes import Note
from survey import selectors
from survey.permissions import sees_unit_results
from units.models import Unit


def tracker_notes(year: AssessmentYear) -> list[Note]:
    """Ballots collected per questionnaire against the sample targets, linked to the survey page."""
    notes = []
    url = reverse("survey:home", args=[year.year])
    for questionnaire, collected, target in selectors.progress_totals(year):
        if target:
            text = _(
                "Khảo sát %(group)s: đã thu %(collected)s/%(target)s phiếu (%(percent)s %%)"
            ) % {
                "group": questionnaire.group.name,
                "collected": collected,
                "target": target,
                "percent": min(100, collected * 100 // target),
            }
        else:
            text = _("Khảo sát %(group)s: đã thu %(collected)s phiếu") % {
                "group": questionnaire.group.name,
                "collected": collected,
            }
        notes.append(Note(text, url))
    return notes


def tracker_unit_notes(year: AssessmentYear) -> dict[int, list[Note]]:
    """Per unit: ballots collected against its sample targets, a compact line linked to the
    survey page ("Khảo sát: 38/40 phiếu"), with the detail per respondent type ("Người dân
    20/20 · Công chức, viên chức 12/14 · …") shown from tablet width up."""
    url = reverse("survey:home", args=[year.year])
    found = {}
    for unit_id, cells in selectors.unit_progress(year).items():
        collected = sum(cell.collected for _rtype, cell in cells)
        target = sum(cell.target or 0 for _rtype, cell in cells)
        if target:
            text = _("Khảo sát: %(collected)s/%(target)s phiếu") % {
                "collected": collected,
                "target": target,
            }
        else:
            text = _("Khảo sát: %(collected)s phiếu") % {"collected": collected}
        detail = " · ".join(
            f"{rtype.name} {cell.collected}/{cell.target}"
            if cell.target
            else f"{rtype.name} {cell.collected}"
            for rtype, cell in cells
        )
        found[unit_id] = [Note(text, url, detail)]
    return found


def profile_notes(user: Any, unit: Unit, year: AssessmentYear | None) -> list[Note]:
    """The questions of the unit's survey below 80 % satisfaction, for those who may see the
    unit's survey results (its own people, appraisers, leadership, admins)."""
    if year is None or not sees_unit_results(user, unit, year):
        return []
    questionnaire = selectors.questionnaire_of(year, unit.group)
    if questionnaire is None:
        return []
    flagged = [r for r in selectors.question_results(questionnaire, unit) if r.below_target]
    if not flagged:
        return []
    return [
        Note(
            _("Khảo sát năm %(year)s: %(count)s câu hỏi dưới %(target)s %% hài lòng (%(codes)s)")
            % {
                "year": year.year,
                "count": len(flagged),
                "target": int(selectors.SATISFACTION_TARGET),
                "codes": ", ".join(r.question.code for r in flagged),
            },
            reverse("survey:unit", args=[year.year, unit.group.code, unit.code]),
        )
    ]
