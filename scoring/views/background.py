"""The background work page for administrators: upload a score file (what `import_scores`
does), build a year's exports, each run by the queue's worker with a progress bar
(jobs/views.py shows a job, its progress and its file)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jobs import progress
from jobs.models import Job
from lib.requests import accepts_upload, import_request_bytes
from scoring.exchange.background import FUNCTIONS
from scoring.forms.background import EXPORTS, ExportForm, ScoreImportForm
from scoring.permissions import require


@login_required
@accepts_upload(import_request_bytes)
def background_work(request):
    require(request.user, "scoring.manage_year")
    import_form = ScoreImportForm(prefix="import")
    export_form = ExportForm(prefix="export")
    status = 200
    if request.method == "POST" and "import-year" in request.POST:
        import_form = ScoreImportForm(request.POST, request.FILES, prefix="import")
        if import_form.is_valid():
            year = import_form.cleaned_data["year"]
            job = progress.start(
                request.user,
                "import_scores",
                _("Nhập điểm năm %(year)s từ %(file)s")
                % {"year": year, "file": import_form.cleaned_data["file"].name},
                FUNCTIONS["import_scores"],
                {"year": year},
                upload=import_form.cleaned_data["file"],
            )
            return redirect("job", job=job.token)
        status = 400
    elif request.method == "POST":
        export_form = ExportForm(request.POST, prefix="export")
        if export_form.is_valid():
            year, what = export_form.cleaned_data["year"], export_form.cleaned_data["what"]
            label = dict(EXPORTS)[what]
            job = progress.start(
                request.user,
                what,
                f"{label} · {year}",
                FUNCTIONS[what],
                {"year": year},
            )
            return redirect("job", job=job.token)
        status = 400
    jobs = Job.objects.filter(owner=request.user).order_by("-created_at")[:20]
    return render(
        request,
        "scoring/background.html",
        {"import_form": import_form, "export_form": export_form, "jobs": jobs},
        status=status,
    )
