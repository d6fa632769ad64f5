"""The submission tracker for Sở Nội vụ: where each unit's sheet stands, overdue ones first seen."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from scoring.forms.filters import SheetFilter
from scoring.models import AssessmentYear
from scoring.permissions import may, require
from scoring.selectors import notes
from scoring.selectors import tracker as tracking
from scoring.selectors.fragments import cached_rows, joined
from scoring.views.loading import current_year, load_year

ROW_TEMPLATE = "scoring/_tracker_row.html"


def _row_signature(line: tuple[tracking.TrackerRow, list[notes.Note]]) -> tuple[object, ...]:
    """Everything `_tracker_row.html` reads of a row: a change of any draws it again."""
    row, unit_notes = line
    unit = row.unit
    return (
        unit.code,
        unit.name,
        unit.group.code,
        row.submitted,
        row.overdue,
        row.scored,
        row.total,
        row.without_evidence,
        row.open_explanations,
        row.overdue_explanations,
        row.days_left,
        [(note.url, note.text, note.detail) for note in unit_notes],
    )


@login_required
def tracker_index(request):
    require(request.user, "scoring.view_tracker")
    return redirect("tracker", year=current_year().year)


@login_required
def tracker(request, year: int):
    """Per unit: state, items scored, items without evidence, explanations open (and overdue),
    days left.

    `?khoi=<group code>` keeps one unit group. The query count does not grow with the units.
    """
    assessment_year = load_year(request.user, year, "scoring.view_tracker")
    filters = SheetFilter(
        request.GET,
        tracking.year_sheets(assessment_year),
        year=assessment_year,
        one_group_when_large=True,
    )
    rows = tracking.tracker_rows(assessment_year, sheets=filters.qs)
    unit_notes = notes.tracker_unit_notes(assessment_year)
    # each row with the lines apps add under its unit (the survey's ballots collected)
    lines = [(row, unit_notes.get(row.unit.id, [])) for row in rows]
    context = {
        "year": assessment_year,
        "years": AssessmentYear.objects.all(),
        "groups": filters.groups,
        "group_code": filters.group_code,
        "one_group_of": filters.one_group_of,
        "rows": rows,
        "lines": lines,
        "rows_html": joined(
            cached_rows(
                request,
                ROW_TEMPLATE,
                lines,
                context={"year": assessment_year},
                shared=(assessment_year.year,),
                signature=_row_signature,
            )
        ),
        "submitted": sum(1 for row in rows if row.submitted),
        "overdue": sum(1 for row in rows if row.overdue),
        "open_explanations": sum(row.open_explanations for row in rows),
        "overdue_explanations": sum(row.overdue_explanations for row in rows),
        "can_manage": may(request.user, "scoring.manage_year"),
        "notes": notes.tracker_notes(assessment_year),
    }
    return render(request, "scoring/tracker.html", context)
