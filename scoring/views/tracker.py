"""The submission tracker for Sở Nội vụ: where each unit's sheet stands, overdue ones first seen."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from scoring import tracker as tracking
from scoring.models import AssessmentYear, Framework
from scoring.permissions import require
from scoring.views.appraisal import current_year


@login_required
def tracker_index(request):
    require(request.user, "scoring.view_tracker")
    return redirect("tracker", year=current_year().year)


@login_required
def tracker(request, year: int):
    """Per unit: state, items scored, items without evidence, explanations open, days left.

    `?khoi=<group code>` keeps one unit group. The query count does not grow with the units.
    """
    require(request.user, "scoring.view_tracker")
    assessment_year = get_object_or_404(AssessmentYear, year=year)
    groups = [
        f.group for f in Framework.objects.filter(year=assessment_year).select_related("group")
    ]
    group_code = request.GET.get("khoi", "")
    if group_code not in {g.code for g in groups}:
        group_code = ""
    rows = tracking.tracker_rows(assessment_year, group_code=group_code or None)
    context = {
        "year": assessment_year,
        "years": AssessmentYear.objects.all(),
        "groups": sorted(groups, key=lambda g: (g.order, g.code)),
        "group_code": group_code,
        "rows": rows,
        "submitted": sum(1 for row in rows if row.submitted),
        "overdue": sum(1 for row in rows if row.overdue),
        "can_manage": request.user.has_perm("scoring.manage_year"),
    }
    return render(request, "scoring/tracker.html", context)
