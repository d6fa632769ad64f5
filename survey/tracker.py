"""The survey's line on the submission tracker (registered in `scoring.selectors.tracker`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.models import AssessmentYear
from scoring.selectors.tracker import TrackerNote
from survey import selectors


def survey_notes(year: AssessmentYear) -> list[TrackerNote]:
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
        notes.append(TrackerNote(text, url))
    return notes
